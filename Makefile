# The two commands of README.md: `make run` and `make test`. Both set up what they need.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: setup locks fonts browser tools faultrun-tools run test test-fast docs catalogue screenshots bench bench-country clean

setup: $(VENV)/.installed web/node_modules/.installed fonts

fonts:  ## fonts with TrueType outlines for the printable archives, reports and notices (Debian's packages): Chinese (WenQuanYi Zen Hei), Uyghur (Noto Naskh Arabic)
	test -f /usr/share/fonts/truetype/wqy/wqy-zenhei.ttc || (apt-get update -q && apt-get install -y -q fonts-wqy-zenhei)
	test -f /usr/share/fonts/truetype/noto/NotoNaskhArabic-Regular.ttf || (apt-get update -q && apt-get install -y -q fonts-noto-core)

$(VENV)/.installed: requirements/runtime.lock requirements/dev.lock  # dev.lock holds runtime.lock's pins and the tools
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check --require-hashes -r requirements/dev.lock
	touch $@

LOCK := $(BIN)/uv pip compile --quiet --universal --generate-hashes --python-version 3.11 --custom-compile-command "make locks"
locks: $(VENV)/.installed  ## requirements/*.lock from requirements/*.in, every package with its hashes, today's pins kept (UPGRADE="--upgrade-package NAME" moves one)
	$(LOCK) $(UPGRADE) requirements/runtime.in -o requirements/runtime.lock
	$(LOCK) $(UPGRADE) requirements/dev.in -o requirements/dev.lock

web/node_modules/.installed: web/package.json web/package-lock.json
	command -v npm >/dev/null || (apt-get update -q && apt-get install -y -q npm)
	cd web && npm ci --no-audit --no-fund --loglevel=error
	touch $@

browser:  ## headless Chromium for the browser tests (Debian's package; Playwright drives it)
	command -v chromium >/dev/null && fc-list :lang=zh | grep -q . || (apt-get update -q && apt-get install -y -q chromium fonts-noto-cjk)

tools:  ## Debian's docker-compose (the tests validate docker-compose.yml with it), postgresql-client (backups), nginx and pgbouncer (the TLS proxy's and the pooler's tests run them), prometheus (promtool: the tests check deploy/monitoring)
	command -v docker-compose >/dev/null && command -v pg_dump >/dev/null && test -x /usr/sbin/nginx && test -x /usr/sbin/pgbouncer || (apt-get update -q && apt-get install -y -q docker-compose postgresql-client nginx pgbouncer)
	command -v promtool >/dev/null || (apt-get update -q && apt-get install -y -q --no-install-recommends prometheus)  # promtool: the tests check deploy/monitoring's rules and scrape config

faultrun-tools:  ## the fault run's own servers, which it kills: Debian's rabbitmq-server (a private node) and postgresql (initdb, pg_ctl: a private cluster); mount (util-linux) for its full disk
	command -v rabbitmq-server >/dev/null && ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || (apt-get update -q && apt-get install -y -q rabbitmq-server postgresql)

run: setup  ## the whole system, embedded: SQLite, in-process bus, demo city, http://127.0.0.1:8000/
	$(BIN)/python -m ops.embedded

test: setup browser tools faultrun-tools  ## every test: lint, unit, integration (RabbitMQ and PostgreSQL), fault tests, browser
	$(BIN)/ruff check .
	# Two runs side by side, the second mostly waiting on brokers and databases: what needs no shared
	# server, in two processes, each test file whole in one (its browser tests' system started once);
	# and the real RabbitMQ and PostgreSQL, the private brokers, the fault run and the fuzzing, one at a time
	# (each test its own database and bus namespace). Its report follows the first's.
	@mkdir -p var
	{ $(BIN)/python -m pytest -m "integration or slow" --durations=25 > var/test-integration.log 2>&1; echo $$? > var/test-integration.rc; } & \
	$(BIN)/python -m pytest -m "not integration and not slow" -n 2 --dist loadfile --durations=25; first=$$?; \
	wait; cat var/test-integration.log; test $$first -eq 0 && test "$$(cat var/test-integration.rc)" -eq 0

test-fast: setup  ## the domain, unit and service tests on SQLite: no servers, two processes, about four minutes (CI runs `make test`)
	$(BIN)/python -m pytest tests/unit tests/registry tests/publishing tests/inquiry tests/assessment \
		-m "not integration and not slow and not browser" -n 2 -q -p no:cacheprovider

docs: setup  ## docs/architecture.md, generated from the event catalogue and the models (a test fails when it drifts)
	$(BIN)/python -m ops.architecture

catalogue: setup  ## web/translations and govmb/translations in step with the code (docs/i18n.md; tests/i18n fail when they drift)
	$(BIN)/python -m ops.catalogue update

screenshots: setup browser  ## docs/guides/img: the user guides' pictures of the real pages, in headless Chromium (tests/unit/test_guides.py keeps guides and pictures in step)
	$(BIN)/python -m tests.screenshots

bench: setup  ## every benchmark (bus, lexicon check, inquiry intake, annual assessment, token check, audit chain, managed accounts' lists, pages); writes docs/benchmarks.md
	command -v wrk >/dev/null || (apt-get update -q && apt-get install -y -q wrk)  # the intake benchmark's load generator
	$(BIN)/python -m bench.bus_throughput
	$(BIN)/python -m bench.lexicon_check
	$(BIN)/python -m bench.inquiry_intake
	$(BIN)/python -m bench.assessment_year
	$(BIN)/python -m bench.token_check
	$(BIN)/python -m bench.audit_chain
	$(BIN)/python -m bench.managed_sight
	$(BIN)/python -m bench.pages

bench-country: setup  ## the annual assessment at a country's size (150,000 accounts, 175 M facts): 51 GB and 46 min to generate once, then kept
	$(BIN)/python -m bench.assessment_country

clean:
	rm -rf var .pytest_cache
