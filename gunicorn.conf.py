"""gunicorn settings for every service and the web app (distributed mode).

Nothing opens a database or broker connection at import or in the master: each forked
worker opens its own pooled connections on its first request.
"""
import os

from prometheus_client import multiprocess

from govmb.observability import AccessLogFormatter

bind = os.environ.get("BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
worker_class = "gthread"
threads = int(os.environ.get("THREADS", "4"))
# Keep-alive: the web app keeps a pool of connections to each service (web/client.py), so a page's
# calls do not each open a TCP connection. A gthread worker keeps at most worker_connections -
# threads idle connections: at worker_connections = threads (as before) it kept none and closed
# every connection after its answer ("No keepalived connections can be handled"). With gunicorn's
# default of 1000, one worker took every client while the others idled (measured: one of two at 93%
# CPU, the other at 0); at twice its threads it keeps as many idle connections as it has threads and
# stops accepting when full, leaving the next connections to the other workers.
worker_connections = int(os.environ.get("WORKER_CONNECTIONS", str(2 * threads)))
# Seconds an idle connection is kept open (0: none, every answer closes its connection). Behind a
# load balancer, set it above the balancer's own idle timeout.
keepalive = int(os.environ.get("KEEPALIVE_SECONDS", "5"))
timeout = 30
graceful_timeout = 20
# Access and error logs as JSON lines (govmb.observability.AccessLogFormatter): the access line's
# fields are the method, the path without its query (a query may hold what the logs must not: a
# citizen's contact looked up, a name searched for; the logs outlive the data's own protection),
# the status, size, time, client address and port, and the answer's X-Correlation-ID.
accesslog = "-"
# gunicorn 25.1+ opens a control socket under $HOME/.gunicorn: the image's home is not writable (and
# read-only on Kubernetes), and every gunicorn of a host would share it. Nothing here uses it.
control_socket_disable = True
access_log_format = '%(h)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(L)s'  # what the JSON line's fields come from
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "root": {"level": "INFO", "handlers": []},  # the app's own JSON handler (configure_logging), added in each worker
    "loggers": {
        "gunicorn.error": {"level": "INFO", "handlers": ["error_console"], "propagate": False},
        "gunicorn.access": {"level": "INFO", "handlers": ["access_console"], "propagate": False},
    },
    "handlers": {
        "access_console": {"class": "logging.StreamHandler", "formatter": "access", "stream": "ext://sys.stdout"},
        "error_console": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"},
    },
    "formatters": {
        "access": {"()": AccessLogFormatter},
        "json": {"()": "pythonjsonlogger.json.JsonFormatter", "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
                 "rename_fields": {"asctime": "time", "levelname": "level"}},
    },
}
preload_app = False


def child_exit(server, worker):
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.mark_process_dead(worker.pid)
