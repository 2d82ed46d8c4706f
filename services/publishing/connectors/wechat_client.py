"""Calls to the WeChat Official Accounts API (developers.weixin.qq.com/doc/offiaccount) for one
connection: the access token, and every answer's {"errcode", "errmsg"} turned into the contract's
four errors with the platform's own words.

The token is the stable one (cgi-bin/stable_token, getStableAccessToken, normal mode): unlike
cgi-bin/token it is not invalidated when another system of the office fetches a token with the
same AppID and AppSecret. It is kept in this process per API address and AppID until shortly
before `expires_in`; an answer 40001, 42001 or 40014 drops it, and the call is made once more with
a new one (a call refused for its token changed nothing, so repeating it is safe).
"""
from __future__ import annotations

import datetime as dt
import json
import threading
import time

import requests

from govmb.messages import N_, said, translate
from govmb.timefmt import BEIJING
from services.publishing.connectors.contract import (
    Connection,
    CredentialExpired,
    PlatformError,
    RateLimited,
    Rejected,
    Unavailable,
)

DEFAULT_BASE_URL = "https://api.weixin.qq.com"
TIMEOUT = (5, 30)  # seconds to connect, to read
TOKEN_MARGIN = 300  # a token is renewed this long before it expires (the platform renews 5 minutes early)
TOKEN_REFUSED = {40001, 40014, 42001}  # not the latest / not valid / expired: fetch a new one and call again

# What each documented errcode means to the product. Codes not listed are `Unavailable`.
CREDENTIAL = {40001: N_("访问令牌无效或不是最新的"), 40014: N_("访问令牌不合法"), 42001: N_("访问令牌已过期"),
              40013: N_("AppID 无效"), 40125: N_("AppSecret 无效，请在公众平台重置后重新连接"),
              40164: N_("调用接口的 IP 地址不在公众平台的白名单中"), 40243: N_("AppSecret 已被冻结"),
              41002: N_("缺少 AppID"), 41004: N_("缺少 AppSecret")}
RATE = {45009: N_("接口调用超过每日限额"), 45011: N_("接口调用太频繁"), 53501: N_("发布请求过于频繁")}
REJECTED = {45002: N_("正文超出长度限制"), 45003: N_("标题超出长度限制"), 45004: N_("摘要超出长度限制"),
            87014: N_("内容含有风险，未通过平台的内容安全检查"), 53503: N_("草稿未通过发布检查"),
            53504: N_("该草稿须到公众平台官网使用"), 53505: N_("须先在公众平台官网手动保存后再发表"),
            53500: N_("发布功能已被封禁"), 53502: N_("发布任务编号无效"), 53600: N_("文章编号无效"),
            40007: N_("素材编号无效"), 40005: N_("图片的文件类型不受支持"), 40006: N_("图片的文件大小不合规"),
            40009: N_("图片超出大小限制"), 45001: N_("多媒体文件超出大小限制"),
            48001: N_("公众号没有此接口的权限（多数接口需微信认证）"), 48004: N_("接口已被平台禁止调用"),
            50002: N_("公众号受限，接口不可用"), 88000: N_("公众号没有留言功能的权限")}
UNAVAILABLE = {-1: N_("微信系统繁忙")}


def platform_error(errcode: int, errmsg: str) -> PlatformError:
    """The contract's error for one of the platform's answers; its reason in the product's words
    with the platform's own after them."""
    for table, kind in ((CREDENTIAL, CredentialExpired), (RATE, RateLimited), (REJECTED, Rejected)):
        if errcode in table:
            reason = said("{meaning}（微信 {code}：{errmsg}）", meaning=translate(table[errcode]), code=errcode,
                          errmsg=errmsg)
            if kind is RateLimited:
                return RateLimited(reason, str(errcode), retry_after=_retry_after(errcode))
            return kind(reason, str(errcode))
    meaning = translate(UNAVAILABLE.get(errcode, N_("微信接口返回错误")))
    return Unavailable(said("{meaning}（微信 {code}：{errmsg}）", meaning=meaning, code=errcode, errmsg=errmsg),
                       str(errcode))


def _retry_after(errcode: int) -> int:
    if errcode != 45009:
        return 60  # the minute quota, or publishing too often
    now = dt.datetime.now(BEIJING)  # the daily quota starts again at midnight, Beijing time
    tomorrow = dt.datetime.combine(now.date() + dt.timedelta(days=1), dt.time(), BEIJING)
    return int((tomorrow - now).total_seconds()) + 1


_tokens: dict[tuple[str, str], tuple[str, float]] = {}  # (API address, AppID) → (token, renew after)
_tokens_lock = threading.Lock()


def base_of(connection: Connection) -> str:
    return (connection.base_url or DEFAULT_BASE_URL).rstrip("/")


def _credentials(connection: Connection) -> tuple[str, str]:
    appid, secret = connection.credentials.get("appid", ""), connection.credentials.get("secret", "")
    if not appid or not secret:
        code = 41002 if not appid else 41004
        raise platform_error(code, "appid and secret are needed")
    return appid, secret


def token(connection: Connection, fresh: bool = False) -> str:
    """The connection's access token: the kept one, or a new one from cgi-bin/stable_token."""
    appid, secret = _credentials(connection)
    key = (base_of(connection), appid)
    with _tokens_lock:
        kept = _tokens.get(key)
        if kept and not fresh and kept[1] > time.monotonic():
            return kept[0]
    answer = _answer(requests.post, f"{key[0]}/cgi-bin/stable_token", data=_json(
        {"grant_type": "client_credential", "appid": appid, "secret": secret}))
    if answer.get("errcode") or not answer.get("access_token"):
        raise platform_error(int(answer.get("errcode") or -1), str(answer.get("errmsg", "no access_token")))
    lifetime = int(answer.get("expires_in") or 0)
    with _tokens_lock:
        _tokens[key] = (answer["access_token"], time.monotonic() + lifetime - min(TOKEN_MARGIN, lifetime // 2))
    return answer["access_token"]


def forget(connection: Connection) -> None:
    with _tokens_lock:
        _tokens.pop((base_of(connection), connection.credentials.get("appid", "")), None)


def call(connection: Connection, path: str, body: dict | None = None, *, query: dict | None = None,
         files: dict | None = None, method: str = "POST") -> dict:
    """One documented call (`path` under the API's address) with the access token in the query:
    a JSON body, a multipart upload (`files`) or a GET (`query`); its answer, or the contract's error."""
    for attempt in (1, 2):
        params = {**(query or {}), "access_token": token(connection, fresh=attempt == 2)}
        send = requests.get if method == "GET" else requests.post
        answer = _answer(send, f"{base_of(connection)}{path}", params=params, files=files,
                         data=None if body is None else _json(body))
        errcode = int(answer.get("errcode") or 0)
        if errcode in TOKEN_REFUSED and attempt == 1:
            forget(connection)
            continue
        if errcode:
            raise platform_error(errcode, str(answer.get("errmsg", "")))
        return answer
    raise AssertionError("unreachable")


def _json(body: dict) -> bytes:
    # UTF-8 as it is: the platform keeps "\uXXXX" escapes literally in an article's text
    return json.dumps(body, ensure_ascii=False).encode("utf-8")


def _answer(send, url: str, **kwargs) -> dict:
    if kwargs.get("data") is not None:
        kwargs["headers"] = {"Content-Type": "application/json; charset=utf-8"}
    try:
        response = send(url, timeout=TIMEOUT, **kwargs)
    except requests.RequestException as error:
        raise Unavailable(said("无法连接微信接口：{error}", error=type(error).__name__), "network") from None
    if response.status_code != 200:
        raise Unavailable(said("微信接口答复异常（HTTP {status}）", status=response.status_code), "http")
    try:
        answer = response.json()
    except ValueError:
        answer = None
    if not isinstance(answer, dict):
        raise Unavailable(said("无法读取微信接口的答复"), "answer")
    return answer
