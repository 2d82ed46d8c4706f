"""JSON problem details (RFC 9457) for every error a service answers."""
from __future__ import annotations

import logging

import marshmallow as ma
import peewee
from flask import Flask, jsonify, request
from flask_smorest import Api
from werkzeug.exceptions import HTTPException, InternalServerError

from govmb.context import get_correlation_id
from govmb.contracts import ContractError
from govmb.domain import DomainError
from govmb.messages import N_, translate, translated
from govmb.revocation import StoreUnavailable

log = logging.getLogger(__name__)

TITLES = {400: N_("请求有误"), 401: N_("需要登录"), 403: N_("无权访问"), 404: N_("未找到"), 405: N_("方法不允许"),
          406: N_("无法提供所要的格式"), 408: N_("请求超时"), 409: N_("状态冲突"), 410: N_("已不存在"),
          411: N_("缺少请求长度"), 412: N_("前提条件不满足"), 413: N_("请求过大"), 414: N_("网址过长"),
          415: N_("不支持的内容类型"), 416: N_("请求的范围无效"), 422: N_("输入有误"), 428: N_("缺少前提条件"),
          429: N_("请求过于频繁"), 431: N_("请求头过大"), 500: N_("服务器内部错误"), 501: N_("尚不支持此操作"),
          502: N_("上游服务出错"), 503: N_("服务暂不可用"), 504: N_("上游服务超时")}

# What werkzeug says of each error in English, in the product's words (its own text, when an
# `abort` gave one, is kept).
DESCRIPTIONS = {
    400: N_("请求无法处理：请检查填写的内容后重试"), 401: N_("请先登录"), 403: N_("您无权进行此操作"),
    404: N_("所找的内容不存在，或不在您的管辖范围内"), 405: N_("不支持此操作方式"),
    406: N_("无法以所要的格式答复"), 408: N_("等待请求超时，请重试"), 409: N_("与当前状态冲突，请刷新后重试"),
    410: N_("所找的内容已不存在"), 411: N_("请求缺少长度"), 412: N_("前提条件不满足，请刷新后重试"),
    413: N_("请求过大"), 414: N_("网址过长"), 415: N_("不支持此内容类型：请以 JSON 或表单提交"),
    416: N_("请求的范围无效"), 422: N_("输入有误：请按提示修改"), 428: N_("缺少前提条件"),
    429: N_("请求过于频繁，请稍后再试"), 431: N_("请求头过大"), 500: N_("服务器内部错误，已记录，请稍后重试"),
    501: N_("尚不支持此操作"), 502: N_("上游服务出错，请稍后重试"), 503: N_("服务暂不可用，请稍后重试"),
    504: N_("上游服务超时，请稍后重试"),
}


def description(error: HTTPException) -> str:
    """The error's description in the product's words: werkzeug's stock English by its code."""
    if error.description == type(error).description or not error.description:
        return DESCRIPTIONS.get(error.code or 500, DESCRIPTIONS[500])
    return error.description


PROBLEM_JSON = "application/problem+json"


def problem(status: int, detail: str | None = None, errors: dict | None = None):
    body = {"type": "about:blank", "title": translate(TITLES.get(status, N_("错误"))), "status": status}
    if detail:
        body["detail"] = translated(detail)
    if errors:
        body["errors"] = translated(errors)
    if get_correlation_id():
        body["correlation_id"] = get_correlation_id()
    response = jsonify(body)
    response.status_code = status
    response.content_type = PROBLEM_JSON
    return response


class ProblemSchema(ma.Schema):
    """What every error looks like (documented in the OpenAPI of each service)."""
    type = ma.fields.String()
    title = ma.fields.String()
    status = ma.fields.Integer()
    detail = ma.fields.String()
    errors = ma.fields.Dict(metadata={"description": "字段名 → 错误信息列表"})
    correlation_id = ma.fields.String()


class ProblemApi(Api):
    """flask-smorest's Api, answering errors as problem details with field-level messages."""

    ERROR_SCHEMA = ProblemSchema

    def _register_responses(self):
        # The error responses (422, DEFAULT_ERROR) are documented with the content type they are
        # served with, application/problem+json; successes stay application/json.
        self.DEFAULT_RESPONSE_CONTENT_TYPE = PROBLEM_JSON
        try:
            super()._register_responses()
        finally:
            del self.DEFAULT_RESPONSE_CONTENT_TYPE

    def handle_http_exception(self, error: HTTPException):
        data = getattr(error, "data", None) or {}
        errors = data.get("errors")
        messages = data.get("messages")
        if errors is None and messages:  # webargs: {"json": {"field": ["msg"]}}; drop the location
            errors = {}
            for by_field in messages.values():
                errors.update(by_field if isinstance(by_field, dict) else {"_schema": by_field})
        detail = data.get("message") or (N_("请检查标出的字段") if errors else description(error))
        response = problem(error.code or 500, detail, errors)
        # the exception's own headers (a 405's Allow, which RFC 9110 requires), but not its text/html type
        response.headers.update({k: v for k, v in error.get_headers() if k.lower() != "content-type"})
        response.headers.update(data.get("headers") or {})
        return response


QUERY_CANCELED = "57014"  # PostgreSQL's code for a statement cancelled by its time limit


def _domain(exc: DomainError):
    # what the domain turned down, in its own words (govmb.domain): the only place it becomes HTTP
    errors = exc.errors
    return problem(exc.status, exc.message or ("请检查标出的字段" if errors else None), errors)


def _contract(exc: ContractError):
    # The service's own event broke its contract: a bug here, not the caller's input.
    log.error("event contract broken", extra={"event_type": exc.event_type, "messages": str(exc.messages)})
    return problem(500, "服务器内部错误，已记录，请稍后重试")


def _integrity(exc: peewee.IntegrityError):
    # A concurrent request won a race for a unique value the checks had just seen free.
    log.warning("integrity conflict", extra={"error": str(exc)})
    return problem(409, "与同时提交的另一项修改冲突，请刷新后重试")


def _database_down(exc: Exception):
    if getattr(exc.__context__, "pgcode", None) == QUERY_CANCELED:  # peewee raised its own while handling psycopg2's
        log.warning("query cancelled at its time limit", extra={"path": request.path})
        return problem(503, "查询耗时过长，已取消：请缩小范围（加上日期、单位等条件，或用更具体的搜索词）后重试")
    log.error("database unavailable", extra={"error": str(exc)})
    response = problem(503, "数据库暂不可用，请稍后重试")
    response.headers["Retry-After"] = "5"
    return response


def _store_down(exc: StoreUnavailable):
    log.error("revocation store unavailable", extra={"error": str(exc)})
    response = problem(503, "登录状态暂时无法核验，请稍后重试")
    response.headers["Retry-After"] = "5"
    return response


def _too_deep(_exc: RecursionError):  # a body of 100,000 nested [ exhausts the parser's stack
    return problem(400, "请求的 JSON 嵌套过深")


def _overflow(_exc: OverflowError):
    return problem(422, "数值超出范围")


def _unencodable(_exc: UnicodeError):  # a lone surrogate (\ud800) in JSON decodes, then cannot be stored
    return problem(400, "请求中含有无法编码的字符（不成对的 Unicode 代理项）")


def _no_nul():
    # PostgreSQL cannot store NUL in text; refuse it before any handler sees it. Uploaded
    # files are binary (an XLSX is a zip) and are read by their own parsers.
    if request.mimetype == "multipart/form-data":
        texts = [request.full_path, *request.form.values()]
        found = any("\x00" in t for t in texts)
    else:
        body = request.get_data(cache=True)
        found = "\x00" in request.full_path or b"\x00" in body or b"\\u0000" in body
    if found:
        return problem(400, "请求中含有不允许的空字符（NUL）")


def _unexpected(exc: Exception):
    if isinstance(exc, HTTPException):
        return problem(exc.code or 500, description(exc))
    log.exception("unhandled error")
    return problem(InternalServerError.code, "服务器内部错误，已记录，请稍后重试")


# What each kind of failure is answered with (the first that matches, in Flask's order: the
# most specific class).
HANDLERS = ((DomainError, _domain), (ContractError, _contract), (peewee.IntegrityError, _integrity),
            (peewee.OperationalError, _database_down), (peewee.InterfaceError, _database_down),
            (StoreUnavailable, _store_down), (RecursionError, _too_deep), (OverflowError, _overflow), (UnicodeError, _unencodable), (Exception, _unexpected))


def register_error_handlers(app: Flask) -> None:
    for kind, handler in HANDLERS:
        app.register_error_handler(kind, handler)
    app.before_request(_no_nul)
