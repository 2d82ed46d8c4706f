"""Known vulnerabilities in the pinned dependencies: pip-audit over requirements/dev.lock, which
holds every pin of requirements/runtime.lock (the image's) at the same version and the tools' too
(tests/unit/test_locks.py keeps the two in step, each package pinned exactly with its hashes).

Every known vulnerability fails the test unless ALLOWED names it with the reason it cannot be
fixed yet (docs/security.md, "Dependencies"); an allowed one that no longer shows fails too,
so that the list only ever holds live exceptions. A canary (a Django release with many
published advisories) is audited in the same run: an audit that does not flag it did not
reach a vulnerability database, whatever it printed. pip-audit alone would then report "No
known vulnerabilities found" and exit 0, having audited nothing.

Needs the network: OSV (api.osv.dev) or PyPI's per-release JSON API. Where neither answers,
the test is skipped with the reason, or fails if DEPENDENCY_AUDIT=required (set it wherever
the databases are reachable, so that an outage cannot pass for a clean audit)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LOCK = ROOT / "requirements/dev.lock"
CANARY = "django==2.2"  # CVE-2019-12308, CVE-2019-14234 and many more: any working database flags it
# Its wheel's hash: the lock is hashed, and pip-audit then refuses any requirement without one.
CANARY_HASH = "sha256:a2814bffd1f007805b19194eb0b9a331933b82bd5da1c3ba3d7b7ba16e06dc4b"
SERVICES = ("osv", "pypi")  # OSV first: it also carries the GitHub advisories

# vulnerability id (PYSEC-…, GHSA-…, CVE-…) → why it stays: no fixed release yet, or the
# vulnerable code is never reached by this project. Keep docs/security.md in step.
ALLOWED: dict[str, str] = {}


def audit(service: str, requirements: list[Path]) -> tuple[dict | None, str]:
    """pip-audit's JSON report over the pinned files (no resolution: the pins are the versions
    installed), or None and why there is none."""
    command = [sys.executable, "-m", "pip_audit", "--vulnerability-service", service, "--no-deps",
               "--disable-pip", "--progress-spinner", "off", "--format", "json", "--timeout", "30"]
    for path in requirements:
        command += ["--requirement", str(path)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=600, cwd=ROOT)
    try:
        return json.loads(done.stdout), ""
    except json.JSONDecodeError:
        return None, (done.stderr.strip().splitlines() or ["no output"])[-1]


def reachable_report(tmp_path: Path) -> tuple[dict | None, list[str]]:
    canary = tmp_path / "canary.txt"
    canary.write_text(f"{CANARY} --hash={CANARY_HASH}\n")
    why = []
    for service in SERVICES:
        report, error = audit(service, [LOCK, canary])
        if report is None:
            why.append(f"{service}: {error}")
            continue
        canary_result = next((d for d in report["dependencies"] if d["name"] == CANARY.split("==")[0]), {})
        if canary_result.get("vulns"):
            return report, why
        why.append(f"{service}: the canary {CANARY} was not flagged "
                   f"({canary_result.get('skip_reason') or 'no vulnerabilities returned'})")
    return None, why


def problems(report: dict, allowed: dict[str, str]) -> list[str]:
    """What is wrong with the pins by pip-audit's JSON report (the canary left out): packages it
    could not audit, vulnerabilities not allowed, allowed ones no longer found."""
    found, wrong = set(), []
    for dep in report["dependencies"]:
        if dep["name"] == CANARY.split("==")[0]:
            continue
        if dep.get("skip_reason"):
            wrong.append(f"not audited: {dep['skip_reason']}")
        for vuln in dep.get("vulns", []):
            found.add(vuln["id"])
            if vuln["id"] not in allowed:
                fixes = ", ".join(vuln.get("fix_versions") or []) or "no fixed release yet"
                wrong.append(f"{dep['name']} {dep['version']}: {vuln['id']} "
                             f"({', '.join(vuln.get('aliases') or [])}); fixed in {fixes}")
    wrong += [f"allowed but no longer found, remove it from ALLOWED: {vid}" for vid in sorted(set(allowed) - found)]
    return wrong


def test_a_new_vulnerability_an_unaudited_pin_and_a_stale_exception_each_fail_the_audit():
    def dep(name, *ids, skip=None):
        return {"name": name, "version": "1.0", "skip_reason": skip} if skip else \
            {"name": name, "version": "1.0", "vulns": [{"id": i, "fix_versions": ["1.1"], "aliases": []} for i in ids]}

    clean = {"dependencies": [dep("flask"), dep("django", "PYSEC-2019-79")], "fixes": []}
    assert problems(clean, {}) == []
    known = {"dependencies": [dep("flask", "GHSA-aaaa")], "fixes": []}
    assert problems(known, {}) == ["flask 1.0: GHSA-aaaa (); fixed in 1.1"]
    assert problems(known, {"GHSA-aaaa": "no fixed release; the code is never reached"}) == []
    assert problems(clean, {"GHSA-aaaa": "fixed since"}) == [
        "allowed but no longer found, remove it from ALLOWED: GHSA-aaaa"]
    unaudited = {"dependencies": [dep("flask", skip="Dependency not found on PyPI")], "fixes": []}
    assert problems(unaudited, {}) == ["not audited: Dependency not found on PyPI"]


def test_the_pinned_dependencies_have_no_known_vulnerability_outside_the_allow_list(tmp_path):
    report, why = reachable_report(tmp_path)
    if report is None:
        message = "pip-audit could not reach a vulnerability database; nothing was audited:\n  " + "\n  ".join(why)
        if os.environ.get("DEPENDENCY_AUDIT") == "required":
            pytest.fail(message)
        pytest.skip(message)
    wrong = problems(report, ALLOWED)
    assert not wrong, ("requirements/*.lock: upgrade the pin (make locks UPGRADE='--upgrade-package NAME'), or allow "
                       "the vulnerability in ALLOWED with the reason and say so in docs/security.md:\n  " + "\n  ".join(wrong))
