"""Every list pages, and says how much there is: flask-smorest's pagination (`page`,
`page_size`, the `X-Pagination` header), with the count capped where counting everything
would cost more than the page itself, a stable order (so walking the pages finds each row
once), and sorting on named columns. No list stops at a hidden limit."""
from __future__ import annotations

import contextlib
import datetime as dt
import json

import flask
import flask_smorest
import peewee
from flask_smorest import abort
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from govmb import textsearch
from govmb.auth import current_identity, under
from govmb.db import is_postgres
from govmb.messages import said
from govmb.schemas import Integer
from govmb.textsearch import contains, searched
from govmb.timefmt import BEIJING, stored

PAGE_SIZE = 50
MAX_PAGE_SIZE = 500
# The web app gives up on a service after 10 s; a list's statements are cancelled before that,
# so that a search too broad to answer does not keep a database connection busy after the
# person has gone (a 503 naming the cause, `govmb.errors`).
LIST_TIMEOUT_MS = 8_000
COUNT_CAP = 10_000  # counted exactly up to here; beyond, the header says "at least" (total_capped)
SEARCH_COUNT_CAP = 1_000  # a search's matches: counting a common word's ten thousand costs a second
MAX_OFFSET = 1_000_000  # deeper than this, a caller narrows the list instead (filters, search)


def _mark_searched(rare: bool) -> None:
    """The request's list is searched (`textsearch.searched`): rare, once any word of it is."""
    if flask.has_app_context():
        flask.g.govmb_search = "rare" if rare or flask.g.get("govmb_search") == "rare" else "common"


textsearch.on_search = _mark_searched


class Blueprint(flask_smorest.Blueprint):
    """flask-smorest's blueprint with this product's page sizes and a `total_capped` flag in
    `X-Pagination`: true when `total` is a lower bound (more than COUNT_CAP matched)."""

    DEFAULT_PAGINATION_PARAMETERS = {"page": 1, "page_size": PAGE_SIZE, "max_page_size": MAX_PAGE_SIZE}

    def _set_pagination_metadata(self, page_params, result, headers):
        meta = self._make_pagination_metadata(page_params.page, page_params.page_size, page_params.item_count)
        meta["total_capped"] = bool(getattr(page_params, "capped", False))
        headers = dict(headers or {})
        headers[self.PAGINATION_HEADER_NAME] = json.dumps(meta)
        return result, headers


def page(query: peewee.ModelSelect, params, cap: int | None = None) -> list:
    """One page of an ordered query, setting the pagination's count on `params` (exact up to
    `cap` rows, else `cap` with params.capped). The query must end its order on a unique key."""
    if params.first_item > MAX_OFFSET:
        abort(422, errors={"page": [said("页码过大：请用筛选或搜索缩小范围（至多第 {last} 页）", last=MAX_OFFSET // params.page_size + 1)]})
    search = flask.g.get("govmb_search") if flask.has_app_context() else None  # textsearch.searched
    cap = cap or (SEARCH_COUNT_CAP if search else COUNT_CAP)
    with _bounded(query.model._meta.database, search):
        counted = query.clone().order_by().limit(cap + 1).count()
        params.capped = counted > cap
        params.item_count = min(counted, cap)
        return list(query.paginate(params.page, params.page_size))


@contextlib.contextmanager
def _bounded(db: peewee.Database, search: str | None):
    """On PostgreSQL, a transaction whose statements are cancelled after LIST_TIMEOUT_MS (a search
    too broad to answer in time is not left running), and which, for a rare word, reads the
    bigram index rather than walking the list (`textsearch.searched`). SQLite (the embedded demo)
    reads without a transaction: one there would take the write lock (`govmb.db`)."""
    if not is_postgres(db):
        yield
        return
    with db.atomic():
        db.execute_sql(f"SET LOCAL statement_timeout = {LIST_TIMEOUT_MS}")
        if search == "rare":
            db.execute_sql("SET LOCAL enable_indexscan = off")
        yield


def sort_field(*keys: str, default: str) -> fields.String:
    """A `sort` query field: one of `keys`, ascending, or with a leading minus, descending."""
    choices = [*keys, *(f"-{k}" for k in keys)]
    return fields.String(load_default=default, validate=validate.OneOf(choices),
                         metadata={"description": "排序：" + "、".join(keys) + "，前加 - 为倒序"})


def sorted_by(query: peewee.ModelSelect, sort: str, columns: dict[str, tuple], unique) -> peewee.ModelSelect:
    """The query in the order of `sort` (a key of `columns`, '-' for descending), ended by the
    unique column so that equal keys keep one order across pages."""
    descending = sort.startswith("-")
    keys = columns[sort.lstrip("-")]
    # PostgreSQL's own null order (last going up, first going down), so that an index serves
    # either direction; SQLite is told, as its nulls would come first going up
    order = [(k.desc() if descending else k.asc(nulls="LAST")) for k in keys]
    return query.order_by(*order, unique.desc() if descending else unique.asc())


DAY = {"validate": validate.Range(min=dt.date(2004, 1, 1), max=dt.date(2100, 12, 31),
                                  error="日期须在 2004 年至 2100 年之间"),
       "error_messages": {"invalid": "须为日期，例如 2026-10-01"}}


class SearchSchema(Schema):
    q = fields.String(validate=validate.Length(min=1, max=50), metadata={"description": "搜索（包含这段文字）"})


class PeriodSchema(Schema):
    start = fields.Date(data_key="from", metadata={"description": "自该日（北京时间）起"}, **DAY)
    end = fields.Date(data_key="to", metadata={"description": "至该日（北京时间，含当日）"}, **DAY)

    @validates_schema
    def _ordered(self, data: dict, **_kwargs) -> None:
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            raise ValidationError("结束日期不能早于开始日期", "to")


class ListQuerySchema(SearchSchema, PeriodSchema):
    """What most lists narrow by: a search, a unit (and the units below it), a date range
    (Beijing days, both ends included). A list adds its own filters and its `sort`."""
    unit_id = Integer(validate=validate.Range(min=1, max=2**31 - 1), metadata={"description": "单位"})
    below = fields.Boolean(load_default=True, metadata={"description": "含下级单位（默认是）"})


def beijing_midnight(day: dt.date) -> dt.datetime:
    return stored(dt.datetime.combine(day, dt.time(), BEIJING))


def narrowed(query: peewee.ModelSelect, args: dict, *, unit_model=None, path_field=None, unit_field=None, at=None,
             search=None, indexed: bool = False) -> peewee.ModelSelect:
    """The query narrowed by `ListQuerySchema`'s fields: `unit_id` (its path in `unit_model`;
    a unit out of the caller's sight answers 404, as the unit itself would), `from`/`to` on the time `at`, `q` on the text
    `search` (or any of a tuple of short fields)."""
    if "unit_id" in args:
        unit = unit_model.get_or_none(unit_model.id == args["unit_id"])
        if unit is None or not current_identity().may_see(unit.path):
            abort(404, message=said("单位 {unit_id} 不存在或不在您的管辖范围内", unit_id=args['unit_id']))  # as for the unit itself
        below = args.get("below", True) or unit_field is None
        query = query.where(under(path_field, unit.path) if below else unit_field == unit.id)
    whole_days = isinstance(at, peewee.DateField)  # a Beijing date already, not a moment
    if at is not None and args.get("start"):
        query = query.where(at >= (args["start"] if whole_days else beijing_midnight(args["start"])))
    if at is not None and args.get("end"):
        query = query.where(at <= args["end"] if whole_days else at < beijing_midnight(args["end"] + dt.timedelta(days=1)))
    if search is not None and args.get("q", "").strip():
        searched(rare=False)
        fields_ = search if isinstance(search, tuple) else (search,)
        condition = contains(fields_[0], args["q"], indexed)
        for field in fields_[1:]:
            condition |= contains(field, args["q"])
        query = query.where(condition)
    return query
