# One image for every service, worker and the web app; the command picks the process.
FROM node:20-slim AS assets
WORKDIR /assets
COPY web/package.json web/package-lock.json ./
RUN npm ci --no-audit --no-fund

# Debian 12 (bookworm), whose postgresql-client-15 matches compose's postgres:15 (backups,
# docs/operations.md); fonts-wqy-zenhei and fonts-noto-core: the Chinese and the Uyghur (Noto Naskh
# Arabic) fonts of the printable archives, reports and notices.
FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PROMETHEUS_MULTIPROC_DIR=/tmp/metrics
RUN apt-get update -q && apt-get install -y -q --no-install-recommends fonts-wqy-zenhei fonts-noto-core postgresql-client-15 \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
# The runtime lock only: no test tool in the image (docs/operations.md, "The image and the locks").
COPY requirements/runtime.lock requirements/
RUN pip install --no-cache-dir --require-hashes -r requirements/runtime.lock
COPY . .
COPY --from=assets /assets/node_modules web/node_modules
RUN mkdir -p /tmp/metrics && useradd --system --uid 10001 --user-group --home /app govmb && chown -R govmb /tmp/metrics
USER govmb
EXPOSE 8000
