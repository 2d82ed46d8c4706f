"""A list page: its filters, search, sort and page live in the URL and go to the service's list
API as they are; the count, the pages and the rows come back. htmx swaps the list alone and
pushes the URL, so a filtered page can be bookmarked and Back works; a history restore
(htmx 2 sends HX-Request then too) and a plain request get the whole page."""
from __future__ import annotations

from dataclasses import dataclass, field

from flask import request, url_for

from web.client import api, pagination
from web.views.forms import as_int, problem_of

PAGE_SIZE = 50


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
    fixed: dict = field(default_factory=dict)  # the page's own path arguments (a service, a tab)
    errors: dict = field(default_factory=dict)
    message: str | None = None

    def url(self, **changes) -> str:
        """This page's URL with some arguments changed (None drops one); a new filter starts
        again at page 1 unless a page is given."""
        args = {**self.args, **changes}
        return url_for(self.endpoint, **self.fixed, **{k: v for k, v in args.items() if v not in (None, "")})

    def page_url(self, number: int) -> str:
        return self.url(page=None if number == 1 else number)

    def sort_url(self, key: str) -> str:
        """The URL that sorts by `key`, or by `key` the other way if it is the sort already."""
        return self.url(sort=f"-{key}" if self.args.get("sort") == key else key, page=None)

    def sorted_by(self, key: str) -> str:
        """"asc", "desc" or "" for a column's heading (aria-sort and the arrow)."""
        sort = self.args.get("sort", "")
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


def listing(service: str, path: str, endpoint: str, target: str, names: tuple[str, ...], fixed: dict | None = None,
            **params) -> Listing:
    """The page of `path` that the request's arguments (`names`, plus q, sort, page) ask for.
    `params` go to the service too but stay out of the URL (what the page always asks)."""
    args = {k: request.args[k].strip() for k in (*names, "q", "sort") if request.args.get(k, "").strip()}
    number = as_int(request.args.get("page")) or 1
    shown = Listing(endpoint, target, args=dict(args), page=number, fixed=fixed or {})
    if number > 1:
        shown.args["page"] = number
    r = api(service, "GET", path, params={**params, **args, "page": number, "page_size": PAGE_SIZE})
    if r.status_code != 200:
        shown.errors, shown.message = problem_of(r)
        return shown
    meta = pagination(r)
    shown.items, shown.total, shown.capped = r.json(), meta.get("total", 0), bool(meta.get("total_capped"))
    shown.pages = meta.get("total_pages", 0)
    return shown


def wants_fragment(target: str) -> bool:
    """An htmx request for the list alone (not a history restore, which needs the whole page)."""
    return (request.headers.get("HX-Request") == "true" and request.headers.get("HX-Target") == target
            and request.headers.get("HX-History-Restore-Request") != "true")
