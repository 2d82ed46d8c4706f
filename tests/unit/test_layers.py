"""The layers hold: a service's domain knows no HTTP. Only a service's `api.py`, `app.py` and
`schemas.py` (and its process entries, `worker.py` and `jobs.py`) may import Flask, werkzeug or
their extensions, directly or through a module of the shared library; the domain raises
`govmb.domain`'s errors and `govmb.errors` alone answers them."""
from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
WEB = {"flask", "werkzeug", "flask_smorest", "flask_limiter", "flask_babel", "flask_wtf"}
ENTRIES = {"api.py", "app.py", "schemas.py", "worker.py", "jobs.py", "__init__.py"}


def imported(path: Path) -> set[str]:
    """The absolute module names a file imports (and `module.name` for each `from` import)."""
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out |= {node.module, *(f"{node.module}.{a.name}" for a in node.names)}
    return out


def source_of(module: str) -> Path | None:
    base = ROOT / module.replace(".", "/")
    for path in (base.with_suffix(".py"), base / "__init__.py"):
        if path.exists():
            return path
    return None


@cache
def web_chain(module: str) -> tuple[str, ...] | None:
    """How `module` reaches a web framework (itself, then each module on the way), or None."""
    path = source_of(module)
    if path is None:
        return None
    names = sorted(imported(path))
    for name in names:
        if name.split(".")[0] in WEB:
            return (module, name)
    for name in names:
        if name.startswith("govmb.") and source_of(name) and name != module:
            if chain := web_chain(name):
                return (module, *chain)
    return None


def domain_modules() -> list[str]:
    return [".".join(p.relative_to(ROOT).with_suffix("").parts)
            for p in sorted(ROOT.glob("services/*/*.py")) if p.name not in ENTRIES]


def test_no_domain_module_reaches_flask_or_werkzeug():
    chains = [" → ".join(c) for m in domain_modules() if (c := web_chain(m))]
    assert not chains, "a domain module imports the web layer:\n" + "\n".join(chains)


def test_the_check_sees_an_import_through_the_shared_library(tmp_path):
    # the check itself: a module that imports govmb.auth (Flask's request) is caught, one that
    # imports govmb.identity is not
    assert web_chain("govmb.auth") == ("govmb.auth", "flask")
    assert web_chain("govmb.identity") is None
    assert len(domain_modules()) > 40


def test_the_shared_library_imports_no_service_and_no_root():
    # the ground floor leans on nothing above it: the services, the web app and the composition
    # roots (ops/) import govmb, never the other way
    above = ("services", "web", "ops", "bench", "tests")
    found = [f"{p.relative_to(ROOT)} imports {name}" for p in sorted(ROOT.glob("govmb/**/*.py"))
             for name in sorted(imported(p)) if name.split(".")[0] in above]
    assert not found, "\n".join(found)


def test_no_function_is_longer_than_sixty_lines():
    # one idea a function, readable on a screen (migrations and tests aside); ruff keeps each
    # within a complexity of 12 (pyproject.toml)
    long = [f"{p.relative_to(ROOT)}::{node.name} ({node.end_lineno - node.lineno + 1} lines)"
            for folder in ("govmb", "ops", "services", "web") for p in sorted((ROOT / folder).rglob("*.py"))
            if "migrations" not in p.parts
            for node in ast.walk(ast.parse(p.read_text(encoding="utf-8")))
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.end_lineno - node.lineno + 1 > 60]
    assert not long, "\n".join(long)


def test_the_environment_is_read_only_by_govmb_config():
    # every variable in one place, read when a process starts and checked there, its name in
    # every error about it; the command line's ADMIN_PASSWORD (a secret typed or given to one
    # command) and the backup's pass-through of the environment to pg_dump aside
    allowed = {"govmb/config.py", "ops/cli.py:ADMIN_PASSWORD", "ops/backup.py:env"}
    found = []
    for folder in ("govmb", "ops", "services", "web"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            for line in path.read_text(encoding="utf-8").splitlines():
                if "os.environ" in line or "os.getenv" in line:
                    where = path.relative_to(ROOT).as_posix()
                    if where not in allowed and not any(a.startswith(where + ":") and a.split(":")[1] in line
                                                        for a in allowed):
                        found.append(f"{where}: {line.strip()}")
    assert not found, "\n".join(found)
