"""gunicorn settings for every service and the web app (distributed mode).

Nothing opens a database or broker connection at import or in the master: each forked
worker opens its own pooled connections on its first request.
"""
import os

from prometheus_client import multiprocess

bind = os.environ.get("BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
worker_class = "gthread"
threads = int(os.environ.get("THREADS", "4"))
# A gthread worker takes up to worker_connections keep-alive connections (gunicorn's default is
# 1000), so one worker can hold every client while the others idle: measured, one of two
# workers at 93% CPU and the other at 0. At the number of its threads it leaves the rest to the
# other workers; a connection beyond that waits in the listen backlog.
worker_connections = int(os.environ.get("WORKER_CONNECTIONS", str(threads)))
timeout = 30
graceful_timeout = 20
accesslog = "-"
# The path without its query: a query may hold what the logs must not (a citizen's contact looked
# up, a name searched for), and the logs outlive the data's own protection.
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s "%(a)s" %(L)s'
preload_app = False


def child_exit(server, worker):
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.mark_process_dead(worker.pid)
