"""The two locks (requirements/runtime.lock, the image's; requirements/dev.lock, make setup's):
every package pinned exactly with its hashes, so that `pip install --require-hashes` takes them;
the runtime lock complete for what the runtime code imports and free of the test tools; both at
the same versions. docs/operations.md, "The image and the locks"."""
from __future__ import annotations

import re
import sys
from functools import cache
from importlib.metadata import packages_distributions
from pathlib import Path

import pytest

from tests.unit.test_layers import imported

ROOT = Path(__file__).resolve().parents[2]
RUNTIME, DEV = ROOT / "requirements/runtime.lock", ROOT / "requirements/dev.lock"
# What the services, their workers, the web app, the embedded mode and the ops CLI run (ops/fakeplatforms
# included: the embedded mode serves the demo city's platforms with it).
RUNTIME_CODE = ("govmb", "services", "web", "ops")
# Packages no import names, which the processes need all the same.
RUN_BY_NAME = {"gunicorn": "serves every API and the web app (Procfile, docker-compose.yml)",
               "uharfbuzz": "fpdf2 imports it when it shapes the Uyghur text of the printable documents",
               "psycopg2-binary": "peewee's PostgreSQL driver"}
# Test tools that come into dev.lock through the ones dev.in names.
TEST_ONLY = {"hypothesis", "docker", "pluggy", "iniconfig", "execnet", "greenlet"}
PIN = re.compile(r"^(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)==(?P<version>[^\s;\\]+)(?P<marker>\s*;[^\\]*)?\s*\\?$")


def normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pins(lock: Path) -> dict[str, dict]:
    """name → {version, hashes} of a lock compiled with hashes (a requirement line, then its
    `--hash` lines and uv's `# via` comments). A line that is neither fails: a URL, an editable, an
    unpinned name."""
    found: dict[str, dict] = {}
    current = None
    for number, line in enumerate(lock.read_text(encoding="utf-8").splitlines(), 1):
        text = line.strip()
        if not text or text.startswith("#"):
            continue
        if text.startswith("--hash="):
            assert current is not None, f"{lock.name}:{number}: a hash before any package"
            current["hashes"].append(text.removeprefix("--hash=").rstrip(" \\"))
            continue
        match = PIN.match(text)
        assert match, f"{lock.name}:{number}: not a package pinned with == ({text!r})"
        name = normal(match["name"])
        assert name not in found, f"{lock.name}:{number}: {name} pinned twice"
        current = found[name] = {"version": match["version"], "hashes": []}
    return found


@cache
def third_party_imports() -> dict[str, set[str]]:
    """top-level module → the runtime files that import it, the standard library and the
    project's own packages left out."""
    own = {p.name for p in ROOT.iterdir() if (p / "__init__.py").exists()}
    files = [p for top in RUNTIME_CODE for p in (ROOT / top).rglob("*.py") if "node_modules" not in p.parts]
    found: dict[str, set[str]] = {}
    for path in [*files, ROOT / "gunicorn.conf.py"]:
        for module in imported(path):
            top = module.split(".")[0]
            if top not in sys.stdlib_module_names and top not in own:
                found.setdefault(top, set()).add(str(path.relative_to(ROOT)))
    return found


def unlocked_imports(imports: dict[str, set[str]], locked: set[str]) -> list[str]:
    """Each imported module that no distribution of the lock provides, with who imports it."""
    owners = packages_distributions()
    wrong = []
    for module, files in sorted(imports.items()):
        dists = {normal(d) for d in owners.get(module, ())}
        if not dists & locked:
            where = ", ".join(sorted(files)[:3])
            wrong.append(f"{module} (imported by {where}) comes from {sorted(dists) or 'no installed package'}")
    return wrong


def hashless(found: dict[str, dict]) -> list[str]:
    return [f"{name}=={pin['version']}" for name, pin in sorted(found.items())
            if not pin["hashes"] or not all(re.fullmatch(r"sha256:[0-9a-f]{64}", h) for h in pin["hashes"])]


def named_in(source: str) -> set[str]:
    """The packages a requirements/*.in file names itself (not through -r or -c)."""
    names = set()
    for line in (ROOT / "requirements" / source).read_text(encoding="utf-8").splitlines():
        text = line.split("#")[0].strip()
        if text and not text.startswith("-"):
            names.add(normal(re.split(r"[\s\[<>=!~;]", text)[0]))
    return names


@pytest.mark.parametrize("lock", [RUNTIME, DEV], ids=["runtime", "dev"])
def test_every_package_of_each_lock_is_pinned_with_its_hashes(lock):
    found = pins(lock)
    assert len(found) > 40, f"{lock.name}: only {len(found)} packages read"
    wrong = hashless(found)
    assert not wrong, f"{lock.name}: pinned without a sha256 hash (pip --require-hashes refuses it; make locks): {wrong}"


def test_a_pin_without_a_hash_or_with_a_url_is_caught(tmp_path):
    lock = tmp_path / "runtime.lock"
    lock.write_text("flask==3.1.3 \\\n    --hash=sha256:" + "a" * 64 + "\n    # via -r runtime.in\nblinker==1.9.0\n")
    assert hashless(pins(lock)) == ["blinker==1.9.0"]
    lock.write_text("flask @ https://example.org/flask-3.1.3-py3-none-any.whl\n")
    with pytest.raises(AssertionError, match="not a package pinned with =="):
        pins(lock)


def test_the_runtime_lock_holds_no_test_or_development_tool():
    tools = named_in("dev.in") | TEST_ONLY
    assert {"pytest", "playwright", "schemathesis", "ruff", "testcontainers", "openapi-python-client"} <= tools
    carried = sorted(tools & set(pins(RUNTIME)))
    assert not carried, f"runtime.lock (the image) carries test or development tools: {carried}"


def test_every_third_party_module_the_runtime_code_imports_comes_from_the_runtime_lock():
    imports = third_party_imports()
    assert {"flask", "peewee", "pika", "fpdf", "prometheus_client"} <= set(imports), sorted(imports)
    wrong = unlocked_imports(imports, set(pins(RUNTIME)))
    assert not wrong, "add these to requirements/runtime.in and run make locks:\n  " + "\n  ".join(wrong)


def test_an_import_of_a_test_tool_in_the_runtime_code_is_caught():
    imports = {**third_party_imports(), "pytest": {"services/inquiry/classify.py"}}
    assert unlocked_imports(imports, set(pins(RUNTIME))) == [
        "pytest (imported by services/inquiry/classify.py) comes from ['pytest']"]


def test_what_the_processes_run_by_name_is_in_the_runtime_lock():
    missing = {name: why for name, why in RUN_BY_NAME.items() if name not in pins(RUNTIME)}
    assert not missing, f"runtime.lock lacks {missing}"


def test_the_dev_lock_holds_the_runtime_lock_at_the_same_versions():
    runtime, dev = pins(RUNTIME), pins(DEV)
    differ = {name: (pin["version"], dev.get(name, {}).get("version")) for name, pin in runtime.items()
              if dev.get(name, {}).get("version") != pin["version"]}
    assert not differ, f"runtime.lock → dev.lock versions differ (run make locks): {differ}"
    assert named_in("runtime.in") <= set(runtime), "runtime.in names a package runtime.lock lacks: run make locks"
    assert named_in("dev.in") <= set(dev), "dev.in names a package dev.lock lacks: run make locks"


def test_the_image_installs_the_runtime_lock_and_make_setup_the_dev_lock_both_with_hashes():
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert "pip install --no-cache-dir --require-hashes -r requirements/runtime.lock" in dockerfile
    assert "dev.lock" not in dockerfile and "dev.in" not in dockerfile, "the image takes no test tool"
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    setup = makefile[makefile.index("$(VENV)/.installed:"):]
    setup = setup[:setup.index("\n\n")]
    assert "requirements/runtime.lock" in setup.splitlines()[0] and "requirements/dev.lock" in setup.splitlines()[0]
    assert "--require-hashes -r requirements/dev.lock" in setup
