"""A list page: its filters, search, sort and page live in the URL and go to the service's list
API as they are; the count, the pages and the rows come back. htmx swaps the list alone and
pushes the URL, so a filtered page can be bookmarked and Back works; a history restore
(htmx 2 sends HX-Request then too) and a plain request get the whole page."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from flask import render_template, request, url_for

from web.client import all_units, api, pagination
from web.views.forms import as_int, problem_of

PAGE_SIZE = 50
PICKER_LEVELS = 2  # a unit filter offers two levels below one's own; deeper units are found by their parent
KEPT = ("sort", "page")  # what the URL holds besides the filters


@dataclass
class Listing:
    endpoint: str  # the page's own endpoint, for its links
    target: str  # the id of the element that holds the list (what htmx swaps)
    items: list = field(default_factory=list)
    total: int = 0
    capped: bool = False  # more matched than the service counts: `total` is a lower bound
    page: int = 1
    pages: int = 0
    args: dict = field(default_factory=dict)  # the filters, search and sort as the URL holds them
    fixed: dict = field(default_factory=dict)  # the page's own query arguments that are not filters (a period, a tab)
    errors: dict = field(default_factory=dict)
    message: str | None = None
    status: int = 200  # the service's answer (a page may answer 404 as the service did)
    default_sort: str = ""  # the service's order when the URL names none (its heading shows the arrow)

    @property
    def narrowed(self) -> bool:
        """A filter or a search is set: an empty list then means "nothing matched", not "nothing yet"."""
        return any(k not in KEPT for k in self.args)

    def url(self, **changes) -> str:
        """This page's URL with some arguments changed (None drops one); a new filter starts
        again at page 1 unless a page is given."""
        args = {**self.args, **changes}
        return url_for(self.endpoint, **self.fixed, **{k: v for k, v in args.items() if v not in (None, "")})

    def page_url(self, number: int) -> str:
        return self.url(page=None if number == 1 else number)

    def sort_url(self, key: str) -> str:
        """The URL that sorts by `key`, or by `key` the other way if it is the sort already."""
        current = self.args.get("sort") or self.default_sort
        return self.url(sort=f"-{key}" if current == key else key, page=None)

    def sorted_by(self, key: str) -> str:
        """"asc", "desc" or "" for a column's heading (aria-sort and the arrow)."""
        sort = self.args.get("sort") or self.default_sort
        return "asc" if sort == key else "desc" if sort == f"-{key}" else ""

    def window(self, around: int = 2) -> list[int | None]:
        """The page numbers to offer: the first, the last and those near this one, None for a gap."""
        shown = sorted({1, self.pages, *range(self.page - around, self.page + around + 1)} & set(range(1, self.pages + 1)))
        out: list[int | None] = []
        for n in shown:
            if out and n - (out[-1] or 0) > 1:
                out.append(None)
            out.append(n)
        return out


def _asked(endpoint: str, target: str, names: tuple[str, ...], fixed: dict | None, default_sort: str) -> Listing:
    """The Listing the request's arguments (`names`, plus q, sort, page) ask for, not yet filled."""
    args = {k: request.args[k].strip() for k in (*names, "q", "sort") if request.args.get(k, "").strip()}
    number = as_int(request.args.get("page")) or 1
    shown = Listing(endpoint, target, args=dict(args), page=number, fixed=fixed or {}, default_sort=default_sort)
    if number > 1:
        shown.args["page"] = number
    return shown


def listing(service: str, path: str, endpoint: str, target: str, names: tuple[str, ...], fixed: dict | None = None,
            size: int = PAGE_SIZE, default_sort: str = "", **params) -> Listing:
    """The page of `path` that the request's arguments (`names`, plus q, sort, page) ask for.
    `params` go to the service too but stay out of the URL (what the page always asks)."""
    shown = _asked(endpoint, target, names, fixed, default_sort)
    return _filled(shown, service, path, {"page_size": size, **params}, _paginated)


def enveloped(service: str, path: str, endpoint: str, target: str, names: tuple[str, ...], fixed: dict | None = None,
              **params) -> Listing:
    """As listing(), for a list that answers {total, page, per_page, items} (the audit trails)."""
    return _filled(_asked(endpoint, target, names, fixed, ""), service, path, params, _envelope)


def _paginated(r) -> tuple[list, dict]:
    return r.json(), pagination(r)


def _envelope(r) -> tuple[list, dict]:
    body = r.json()
    return body["items"], {"total": body["total"], "total_pages": -(-body["total"] // body["per_page"])}


def _filled(shown: Listing, service: str, path: str, params: dict, read) -> Listing:
    """`shown` with the page the service answers (its rows, count and pages, as `read` finds
    them), or with the service's refusal beside the filters."""
    asked = {k: v for k, v in shown.args.items() if k != "page"}
    r = api(service, "GET", path, params={**params, **asked, "page": shown.page})
    shown.status = r.status_code
    if r.status_code != 200:
        shown.errors, shown.message = problem_of(r)
        return shown
    shown.items, meta = read(r)
    shown.total, shown.capped, shown.pages = meta.get("total", 0), bool(meta.get("total_capped")), meta.get("total_pages", 0)
    return shown


def paged(rows: list, endpoint: str, target: str, names: tuple[str, ...] = (), size: int = PAGE_SIZE) -> Listing:
    """A page of a list a service gives whole (bounded by a window of days, not paged by the
    service): the same Listing, cut here."""
    shown = _asked(endpoint, target, names, None, "")
    shown.total, shown.pages = len(rows), -(-len(rows) // size)
    shown.items = rows[(shown.page - 1) * size:shown.page * size]
    return shown


def wants_fragment(target: str) -> bool:
    """An htmx request for the list alone (not a history restore, which needs the whole page)."""
    return (request.headers.get("HX-Request") == "true" and request.headers.get("HX-Target") == target
            and request.headers.get("HX-History-Restore-Request") != "true")


def list_page(shown: Listing, partial: str, page: str, more: Callable[[], dict] = dict, **context) -> str:
    """The list's section alone (`partial`) when htmx asks for it, else the whole `page`, with what
    only the whole page shows from `more()` (not fetched for a swap of the list)."""
    if wants_fragment(shown.target):
        return render_template(partial, **context)
    return render_template(page, **context, **more())


def unit_picker(service: str) -> list:
    """The units a list's unit filter offers (the template shows it when there is more than one)."""
    return all_units(service, levels=PICKER_LEVELS)
