"""The user guides (docs/guides/) stay in step with their screenshots and the pages: every
picture a guide shows exists and is one tests/screenshots.py takes, every shot it takes is shown
by a guide, and every page a guide names as 网址 (and every page a shot opens) is a page of the
web app. Nothing runs: the web app is only built, for its url_map."""
from __future__ import annotations

import re
from dataclasses import replace
from functools import cache
from pathlib import Path

import pytest
from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.routing import RequestRedirect

from tests.screenshots import IMAGES, SHOTS
from tests.system import SERVICES, settings_for

GUIDES = IMAGES.parent
ROLE_GUIDES = ("operator.md", "responsible-office.md", "leader.md", "district.md", "joint-office.md", "supervision.md")
PICTURE = re.compile(r"!\[([^\]]*)\]\(([^)\s]+)\)")
PAGE = re.compile(r"(?:网址|تور ئادرېسى)[：:]\s*`([^`]+)`")  # a page's address, in a Chinese or a Uyghur guide
LINK = re.compile(r"(?<!!)\[[^\]]+\]\(([^)\s]+)\)")


def guides() -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(GUIDES.glob("*.md"))}


@cache
def routes():
    from web.app import create_app
    nowhere = {name: f"http://127.0.0.1:9/{name}" for name in SERVICES}
    return create_app(replace(settings_for("web", "sqlite:///unused"), service_urls=nowhere)).url_map.bind("localhost")


def is_page(path: str) -> bool:
    """A path the web app answers with GET; <…> and {…} stand for a number."""
    path = re.sub(r"<[^>]+>|\{[^}]+\}", "1", path.split("?", 1)[0].split("#", 1)[0])
    try:
        routes().match(path, method="GET")
    except RequestRedirect:
        return True
    except (NotFound, MethodNotAllowed):
        return False
    return True


def slug(heading: str) -> str:
    """A heading's anchor as the markdown renderers write it: lower case, punctuation dropped, spaces as hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def test_there_is_a_guide_for_every_role_and_the_index_names_each():
    index = guides()["README.md"]
    for name in ROLE_GUIDES:
        assert name in guides(), f"docs/guides/{name} is missing"
        assert f"]({name})" in index, f"README.md does not link {name}"


@pytest.mark.parametrize("name", sorted(guides()))
def test_every_picture_a_guide_shows_exists_and_is_a_declared_shot(name):
    declared = {f for s in SHOTS for f in s.files().values()}
    pictures = PICTURE.findall(guides()[name])
    for alt, target in pictures:
        assert alt.strip(), f"{name}: a picture without a caption ({target})"
        assert re.fullmatch(r"img/[\w-]+\.png", target), f"{name}: {target} is not one of img/*.png"
        assert (GUIDES / target).is_file(), f"{name} shows {target}, which does not exist (make screenshots)"
        assert Path(target).stem in declared, f"{name} shows {target}, which tests/screenshots.py does not take"


def test_every_declared_shot_is_shown_by_a_guide_and_every_image_is_declared():
    shown = {Path(target).stem for text in guides().values() for _alt, target in PICTURE.findall(text)}
    declared = [f for s in SHOTS for f in s.files().values()]
    assert len(declared) == len(set(declared)), "two shots with the same name"
    assert sorted(set(declared) - shown) == [], "shots no guide shows"
    on_disk = {p.stem for p in IMAGES.glob("*.png")}
    assert sorted(on_disk - set(declared)) == [], "images in docs/guides/img that no shot takes (stale)"


@pytest.mark.parametrize("name", sorted(guides()))
def test_every_page_a_guide_names_is_a_page_of_the_web_app(name):
    pages = PAGE.findall(guides()[name])
    assert pages, f"{name} names no page"
    unknown = [p for p in pages if not is_page(p)]
    assert unknown == [], f"{name} names pages the web app does not have"


def test_every_page_a_shot_opens_is_a_page_of_the_web_app():
    assert [s.page for s in SHOTS if not is_page(s.page)] == []


@pytest.mark.parametrize("name", sorted(guides()))
def test_links_between_the_guides_reach_a_guide_and_a_heading(name):
    for target in LINK.findall(guides()[name]):
        if re.match(r"[a-z]+:", target):
            continue
        file, _, anchor = target.partition("#")
        assert not file or file in guides(), f"{name} links {target}: no such guide"
        if anchor:
            headings = {slug(h) for h in re.findall(r"^#+ (.+)$", guides()[file or name], re.M)}
            assert anchor in headings, f"{name} links {target}: no such heading"
