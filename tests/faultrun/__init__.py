"""The whole system under load and faults: nothing lost, nothing applied twice.

    python -m tests.faultrun [--seconds 180] [--write-doc]     # --write-doc: docs/reliability.md

Starts the distributed mode on this host, on servers of its own that it may kill: a private
RabbitMQ node and a private PostgreSQL cluster (one service's database on a small filesystem
the run mounts), each service's API under gunicorn and two replicas of each service's worker.
Drives a city's traffic through the APIs and meanwhile injects faults (`faults`). Then, with
the faults stopped and the queues drained, checks (`checks`), by message id and per consumer,
that every event sent was applied and none twice, and looks every acknowledged write up.

One module per idea:
- `client`: the APIs over HTTP and the ledger of what they acknowledged;
- `servers`: the private PostgreSQL cluster, the small filesystem, the broker's SIGKILL;
- `cluster`: the services' processes and the faults they suffer;
- `traffic`: the city's work; `poison`: messages that can never be handled;
- `faults`: which fault when; `checks`: what must hold after; `run`: one run; `report`: its text.
"""
from tests.faultrun.report import render, write_doc
from tests.faultrun.run import run

__all__ = ["render", "run", "write_doc"]
