"""docs/compliance.md stays honest: every article of both seed regulations and every national
rule DOMAIN.md states has a row; every row names a test that exists, or says why there is none;
every file, function, page and API route the table names exists.

Nothing runs: the test files, the code and the routes are read with `ast`."""
from __future__ import annotations

import ast
import re
from functools import cache
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
DOC = REPO / "docs" / "compliance.md"
SHARED = REPO.parent / "shared"  # ../shared beside the repository, as on the project's machines
SEEDS = SHARED / "seeds"
HEADER = ["条款", "要求", "产品的做法", "验证（测试）"]
NATIONAL = "国家规范"
NO_TEST = ("**超出产品范围**：", "**未实现**：")  # a row without a test says why after one of these
TEST_ID = re.compile(r"`(tests/[\w/]+\.py)::([\w:]+)`")
ARTICLE = re.compile(r"第([一二三四五六七八九十百零〇]+)条")
HEADING = re.compile(r"(?:^|(?<=[\s。]))第([一二三四五六七八九十百零〇]+)条", re.M)  # not a cross-reference
CODE_REF = re.compile(r"`([\w.-]+(?:/[\w.-]+)+\.(?:py|md|html|txt|toml|json))(?:::([\w.]+))?`")
ROUTE = re.compile(r"`(?:(GET|POST|PUT|PATCH|DELETE) )?(/[^`\s]*)`")
SERVICES = ("registry", "publishing", "inquiry", "assessment")
DIGITS = dict(zip("零〇一二三四五六七八九", (0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9)))


def number(chinese: str) -> int:
    """第二十五条 → 25 (up to 999)."""
    total, digit = 0, 0
    for ch in chinese:
        if ch in DIGITS:
            digit = DIGITS[ch]
        else:
            total += (digit or 1) * {"十": 10, "百": 100}[ch]
            digit = 0
    return total + digit


# ------------------------------------------------------------------------------ the doc
def sections() -> dict[str, list[list[str]]]:
    """Each `## ` section's table rows (header checked, separator dropped), by heading."""
    out: dict[str, list[list[str]]] = {}
    heading = None
    for line in DOC.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            heading = line[3:].strip()
            out[heading] = []
        elif heading and line.startswith("|"):
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if all(set(c) <= set("-: ") for c in cells):
                continue
            out[heading].append(cells)
    tables = {}
    for heading, rows in out.items():
        if not rows:
            continue
        assert rows[0] == HEADER, f"«{heading}»: the table's columns should be {' | '.join(HEADER)}, not {rows[0]}"
        for row in rows[1:]:
            assert len(row) == len(HEADER), f"«{heading}»: a row with {len(row)} cells (a stray '|'?): {row[0]}"
        tables[heading] = rows[1:]
    return tables


def section_for(tables: dict, marker: str) -> list[list[str]]:
    found = [rows for heading, rows in tables.items() if marker in heading]
    assert len(found) == 1, f"docs/compliance.md needs exactly one section whose heading names {marker!r}"
    return found[0]


def all_rows() -> list[list[str]]:
    return [row for rows in sections().values() for row in rows]


# -------------------------------------------------------------------- the shared folder
@pytest.fixture
def seeds() -> dict[str, str]:
    if not SEEDS.is_dir():
        pytest.skip(f"the seed regulations are not at {SEEDS} (../shared/seeds beside the repository)")
    texts = {p.name: p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))}
    if not texts:
        pytest.skip(f"no seed regulation in {SEEDS}")
    return texts


@pytest.fixture
def domain() -> str:
    path = SHARED / "DOMAIN.md"
    if not path.is_file():
        pytest.skip(f"DOMAIN.md is not at {path} (../shared beside the repository)")
    return path.read_text(encoding="utf-8")


def letters(domain: str) -> dict[str, str]:
    """The letter DOMAIN.md cites each seed by: {'xinjiang-regulation-2012.txt': 'X', …}."""
    return dict(re.findall(r"seeds/([\w.-]+\.txt)`.*?Cited (?:below )?as \*\*([A-Z])\d", domain, re.S))


def national_rules(domain: str) -> list[str]:
    """G123.1 … for each national norm DOMAIN.md states, one per rule it lists: the bullet naming
    the document (…〔2018〕123号…), its rules after the last ': ', separated by ';'."""
    labels = []
    for bullet in re.split(r"\n(?=- )", domain):
        bullet = bullet.split("\n\n", 1)[0]
        m = re.match(r"- [^\n]*〔\d{4}〕(\d+)号", bullet)
        if m:
            rules = [r for r in " ".join(bullet.split()).rsplit(": ", 1)[-1].split(";") if r.strip()]
            labels += [f"G{m.group(1)}.{i}" for i in range(1, len(rules) + 1)]
    return labels


# ------------------------------------------------------------------------ tests and code
@cache
def defined_tests(path: str) -> frozenset[str]:
    """The test ids pytest would collect from a file: test_… functions and Test… classes' test_… methods."""
    file = REPO / path
    if not file.is_file() or not file.name.startswith("test_"):
        return frozenset()
    ids = set()
    for node in ast.parse(file.read_text(encoding="utf-8")).body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name.startswith("test"):
            ids.add(node.name)
        elif isinstance(node, ast.ClassDef) and node.name.startswith("Test"):
            ids |= {f"{node.name}::{f.name}" for f in node.body
                    if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef)) and f.name.startswith("test")}
    return frozenset(ids)


@cache
def top_level_names(path: str) -> frozenset[str]:
    names = set()
    for node in ast.parse((REPO / path).read_text(encoding="utf-8")).body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names |= {t.id for t in node.targets if isinstance(t, ast.Name)}
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
    return frozenset(names)


def _routes_of(path: Path, mount: str) -> set[tuple[str, str]]:
    """(method, rule) of every Flask/flask-smorest route declared in a module, under `mount`."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    prefixes = {}
    for node in ast.walk(tree):
        if (isinstance(node, ast.Assign) and isinstance(node.value, ast.Call)
                and getattr(node.value.func, "id", "") == "Blueprint"):
            prefix = next((k.value.value for k in node.value.keywords if k.arg == "url_prefix"), "")
            prefixes |= {t.id: prefix for t in node.targets if isinstance(t, ast.Name)}
    routes = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.FunctionDef):
            continue
        for deco in node.decorator_list:
            func = getattr(deco, "func", None)
            if not (isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name)
                    and func.value.id in prefixes and func.attr in ("route", "get", "post", "put", "patch", "delete")
                    and deco.args and isinstance(deco.args[0], ast.Constant)):
                continue
            if func.attr == "route":
                given = next((k.value for k in deco.keywords if k.arg == "methods"), None)
                methods = [e.value for e in given.elts] if given is not None else ["GET"]
            else:
                methods = [func.attr.upper()]
            rule = mount + prefixes[func.value.id] + deco.args[0].value
            routes |= {(m, rule) for m in methods}
    return routes


@cache
def routes() -> frozenset[tuple[str, str]]:
    """Every service API route as the embedded mode mounts it (/registry/api/…) and every page."""
    found = set()
    for service in SERVICES:
        found |= _routes_of(REPO / "services" / service / "api.py", f"/{service}")
    for view in sorted((REPO / "web" / "views").glob("*.py")):
        found |= _routes_of(view, "")
    return frozenset(found)


def route_exists(method: str | None, path: str) -> bool:
    path = path.split("?", 1)[0].rstrip("/") or "/"
    for m, rule in routes():
        pattern = re.sub(r"<[^>]+>", "[^/]+", re.escape(rule.rstrip("/") or "/"))
        if (method is None or m == method) and re.fullmatch(pattern, path):
            return True
    return False


# -------------------------------------------------------------------------------- tests
def test_every_named_test_exists():
    missing = [f"{path}::{name}" for row in all_rows() for path, name in TEST_ID.findall(row[3])
               if name not in defined_tests(path)]
    assert not missing, "docs/compliance.md names tests that do not exist: " + "、".join(missing)


def test_every_row_names_a_test_or_says_why_not():
    def says_why(cell: str) -> bool:
        return any(len(cell.split(marker, 1)[1].strip()) >= 8 for marker in NO_TEST if marker in cell)
    bare = [row[0] for row in all_rows() if not TEST_ID.search(row[3]) and not says_why(row[3])]
    assert not bare, f"rows with neither a test nor a reason ({' or '.join(NO_TEST)}): " + "、".join(bare)


def test_every_file_and_function_named_exists():
    problems = []
    for row in all_rows():
        for path, name in CODE_REF.findall(" ".join(row[1:])):
            if path.startswith("tests/") and name:
                continue  # a test: test_every_named_test_exists checks it
            if not (REPO / path).is_file():
                problems.append(f"{path} (no such file)")
            elif name and path.endswith(".py") and name.split(".")[0] not in top_level_names(path):
                problems.append(f"{path}::{name}")
    assert not problems, "docs/compliance.md names code that does not exist: " + "、".join(problems)


def test_every_page_and_route_named_exists():
    named = [(method or None, path) for row in all_rows() for method, path in ROUTE.findall(row[2])]
    assert named, "the table should name the pages and API routes that do the work"
    missing = [f"{method or ''} {path}".strip() for method, path in named if not route_exists(method, path)]
    assert not missing, "docs/compliance.md names pages or routes that do not exist: " + "、".join(missing)


def test_every_article_of_each_seed_has_a_row(seeds):
    tables = sections()
    for name, text in seeds.items():
        rows = section_for(tables, name)
        wanted = [number(n) for n in HEADING.findall(text)]
        assert wanted, f"no article (第…条) found in {name}"
        rows_per_article = {}
        for row in rows:
            for n in {number(a) for a in ARTICLE.findall(row[0])}:
                rows_per_article[n] = rows_per_article.get(n, 0) + 1
        for n in sorted(set(wanted)):  # a number the seed uses twice (南昌's 第二十五条) needs two rows
            assert rows_per_article.get(n, 0) >= wanted.count(n), \
                f"{name}: 第{n}条 appears {wanted.count(n)} time(s) in the seed but has {rows_per_article.get(n, 0)} row(s)"
        stray = sorted(set(rows_per_article) - set(wanted))
        assert not stray, f"{name}: rows for articles the seed does not have: {stray}"


def test_each_row_cites_the_article_by_domain_mds_number_too(seeds, domain):
    tables, by_seed = sections(), letters(domain)
    assert set(by_seed) == set(seeds), f"DOMAIN.md should name a citation letter for every seed: {by_seed}"
    for name, letter in by_seed.items():
        for row in section_for(tables, name):
            articles = {number(a) for a in ARTICLE.findall(row[0])}
            cited = {int(n) for n in re.findall(rf"\b{letter}(\d+)(?:\.\d+)?\b", row[0])}
            assert articles and cited == articles, f"{name}: «{row[0]}» should cite {letter}" + \
                "/".join(map(str, sorted(articles)))


def test_every_rule_domain_md_numbers_has_a_row(seeds, domain):
    tables = sections()
    for name, letter in letters(domain).items():
        cited = set(re.findall(rf"\b{letter}\d+(?:\.\d+)?\b", domain))
        column = " ".join(row[0] for row in section_for(tables, name))
        missing = sorted(c for c in cited if not re.search(rf"\b{re.escape(c)}\b", column))
        assert not missing, f"DOMAIN.md cites {missing} but docs/compliance.md has no row for them"
    rules = national_rules(domain)
    assert len(rules) >= 2, "DOMAIN.md's national norms were not found (the bullets naming …〔year〕N号)"
    column = " ".join(row[0] for row in section_for(tables, NATIONAL))
    missing = [label for label in rules if not re.search(rf"\b{re.escape(label)}\b", column)]
    assert not missing, f"national rules without a row in «{NATIONAL}»: {missing}"
