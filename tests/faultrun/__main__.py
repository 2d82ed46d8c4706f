"""python -m tests.faultrun [--seconds 180] [--write-doc]"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from tests import infra
from tests.faultrun.report import render, write_doc
from tests.faultrun.run import run
from tests.faultrun.servers import postgres_bin


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.faultrun")
    parser.add_argument("--seconds", type=float, default=180)
    parser.add_argument("--seed", type=int, default=int(time.time()))
    parser.add_argument("--every", type=float, default=4.0, help="seconds between faults, on average")
    parser.add_argument("--broker-restarts", type=int, default=2)
    parser.add_argument("--logs", type=Path, help="keep each process's log here")
    parser.add_argument("--write-doc", action="store_true", help="write the figures into docs/reliability.md")
    args = parser.parse_args()
    if not infra.rabbit_tools_available() or postgres_bin() is None:
        print("needs Debian's rabbitmq-server and postgresql (make faultrun-tools)", file=sys.stderr)
        return 2
    report = run(args.seconds, args.seed, args.every, args.broker_restarts, keep_logs=args.logs)
    print(render(report))
    if args.write_doc:
        write_doc(report)
    return 1 if report["problems"] else 0


if __name__ == "__main__":
    sys.exit(main())
