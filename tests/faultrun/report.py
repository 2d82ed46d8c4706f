"""The run's report as text, and its figures in docs/reliability.md."""
from __future__ import annotations

import datetime as dt
import os

from govmb.timefmt import BEIJING
from tests.faultrun.cluster import ROOT

DOC = ROOT / "docs" / "reliability.md"


def _pairs(counts: dict) -> str:
    return ", ".join(f"{k} {v}" for k, v in sorted(counts.items())) or "none"


def render(report: dict) -> str:
    lines = [f"ran {report['seconds']} s of traffic (seed {report['seed']}), {report['total_seconds']} s in all; "
             f"drained in {report['drain_seconds']} s", "", "injected:"]
    lines += [f"  {x}" for x in report["injected"]]
    looked_up = {k.removesuffix("s_acknowledged"): v for k, v in report.items() if k.endswith("s_acknowledged")}
    lines += ["", "acknowledged writes: " + _pairs(report["acknowledged"]),
              "lost answers or 5xx (ambiguous): " + _pairs(report["ambiguous"]),
              "refused (4xx): " + _pairs(report["refused"]),
              "acknowledged rows looked up: " + _pairs(looked_up),
              "events sent: " + ", ".join(f"{k} {v}" for k, v in report["events_sent"].items()),
              "in the inboxes: " + ", ".join(f"{k} {v}" for k, v in report["delivered"].items()),
              "effects journalled: " + ", ".join(f"{k} {v}" for k, v in report["applied"].items()),
              "lost (by id): " + ", ".join(f"{k} {v}" for k, v in report["lost"].items()),
              "applied twice (by id): " + ", ".join(f"{k} {v}" for k, v in report["applied_twice"].items()),
              f"duplicates absorbed by the inboxes: {report['duplicates_absorbed']} "
              f"(of which sent twice on purpose: {report['duplicates_sent_on_purpose']})",
              f"dead letters: {report['dead_letters']}",
              f"assessment's figures checked for {report['figures_units']} units",
              "problems: " + ("; ".join(report["problems"]) or "none")]
    if report["driver_errors"]:
        lines.append(f"driver errors: {report['driver_errors'][:5]}")
    if report["refusals"]:
        lines.append(f"first refusals: {report['refusals'][:5]}")
    return "\n".join(lines)


def write_doc(report: dict) -> None:
    """The figures section of docs/reliability.md, between its markers."""
    body = (f"Run on {dt.datetime.now(BEIJING):%Y-%m-%d %H:%M} (Beijing time), this machine ({os.cpu_count()} cores): "
            f"`python -m tests.faultrun --seconds {report['seconds']:g} --seed {report['seed']} --every {report['every']:g} "
            f"--broker-restarts {report['broker_restarts']} --write-doc`.\n\n"
            "```\n" + render(report) + "\n```")
    text = DOC.read_text(encoding="utf-8")
    start, end = "<!-- faultrun -->", "<!-- /faultrun -->"
    head, _, rest = text.partition(start)
    _, _, tail = rest.partition(end)
    DOC.write_text(f"{head}{start}\n{body}\n{end}{tail}", encoding="utf-8")
