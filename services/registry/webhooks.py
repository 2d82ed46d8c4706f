"""The group robots of government IM (issue 17), each in the format its platform documents:

- 企业微信 (and 政务微信, its government edition on the province's own host): POST JSON
  `{"msgtype": "text", "text": {"content": …}}` to `…/cgi-bin/webhook/send?key=…`;
  answer `{"errcode": 0, "errmsg": "ok"}`.
- 钉钉: POST `{"msgtype": "text", "text": {"content": …}}` to
  `…/robot/send?access_token=…`, signed when the robot has a secret (加签: `timestamp` in
  milliseconds and `sign` = Base64(HMAC-SHA256(secret, "timestamp\\nsecret")) in the query);
  answer `{"errcode": 0, …}`.
- 飞书: POST `{"msg_type": "text", "content": {"text": …}}` to `…/open-apis/bot/v2/hook/…`, with
  `timestamp` (seconds) and `sign` = Base64(HMAC-SHA256 keyed with "timestamp\\nsecret", of
  nothing) in the body when signed; answer `{"code": 0, …}`.

Plain text, never markdown: a title may quote what someone else wrote (an account's name, a
directive's title), and markdown would let it pass a link off as the product's.

A robot's address is only ever one of these platforms' hosts over HTTPS on port 443, or a host
the ops team lists in WEBHOOK_HOSTS (政务微信 on a private network; `host:port` for another
port): the registry never posts anywhere a person types (no server-side request forgery). The
address is checked by `govmb.outbound`: read with the parser `requests` itself uses, so what is
checked is where it goes, it may hold no user name, backslash, space or other character a parser
could read two ways. It is checked again just before each post (a host since struck from
WEBHOOK_HOSTS gets nothing), and no redirect is followed."""
from __future__ import annotations

import base64
import hashlib
import hmac
import time
from urllib.parse import quote_plus

import requests

from govmb import outbound
from govmb.messages import N_, said, translated

KINDS = {"wecom": "企业微信/政务微信", "dingtalk": "钉钉", "feishu": "飞书"}
HOSTS = {"wecom": ("qyapi.weixin.qq.com",), "dingtalk": ("oapi.dingtalk.com",),
         "feishu": ("open.feishu.cn", "open.larksuite.com")}
TIMEOUT = 10


class WebhookError(Exception):
    """The robot refused or could not be reached; `retry` says whether a later try may succeed."""

    def __init__(self, message: str, retry: bool = True):
        super().__init__(message)
        self.retry = retry


def check_url(url: str, kind: str, extra_hosts: tuple[str, ...]) -> str | None:
    """What is wrong with a robot's address (a message for the person), or None."""
    if kind not in KINDS:
        return N_("请先选择群机器人类型")
    target = outbound.target(url)
    if target is None:
        return N_("群机器人地址格式不正确（不能含用户名、反斜杠、空格或非 ASCII 字符）")
    scheme, host, port = target
    if outbound.listed(host, port, scheme, extra_hosts):
        return None
    if scheme != "https" or port != 443:
        return N_("群机器人地址须以 https:// 开头，不带端口")
    if host not in HOSTS[kind]:
        return said("{kind}群机器人地址须在 {hosts} 上（其他地址须由运维列入 WEBHOOK_HOSTS）",
                    kind=KINDS[kind], hosts="、".join(HOSTS[kind]))
    return None


def body(kind: str, title: str, text: str, secret: str = "") -> tuple[dict, dict]:
    """The JSON body and the extra query parameters of a message to a robot of `kind`."""
    if kind == "wecom":
        return {"msgtype": "text", "text": {"content": f"{title}\n{text}"}}, {}
    if kind == "dingtalk":
        query = {}
        if secret:
            stamp = str(int(time.time() * 1000))
            digest = hmac.new(secret.encode(), f"{stamp}\n{secret}".encode(), hashlib.sha256).digest()
            query = {"timestamp": stamp, "sign": quote_plus(base64.b64encode(digest))}
        return {"msgtype": "text", "text": {"content": f"{title}\n{text}"}}, query
    payload: dict = {"msg_type": "text", "content": {"text": f"{title}\n{text}"}}
    if secret:
        stamp = str(int(time.time()))
        digest = hmac.new(f"{stamp}\n{secret}".encode(), b"", hashlib.sha256).digest()
        payload.update(timestamp=stamp, sign=base64.b64encode(digest).decode())
    return payload, {}


def send(kind: str, url: str, secret: str, title: str, text: str, extra_hosts: tuple[str, ...]) -> None:
    """Post one message; WebhookError when the robot does not take it, or when its address is no
    longer allowed (checked again now, with today's WEBHOOK_HOSTS)."""
    problem = check_url(url, kind, extra_hosts)
    if problem:
        raise WebhookError(translated(problem), retry=False)
    payload, query = body(kind, title, text, secret)
    if query:  # 钉钉's signature: already URL-encoded, appended as the platform documents
        url += ("&" if "?" in url else "?") + "&".join(f"{k}={v}" for k, v in query.items())
    try:
        answer = requests.post(url, json=payload, timeout=TIMEOUT, allow_redirects=False)
    except requests.RequestException as exc:
        raise WebhookError(said("无法连接群机器人：{error}", error=type(exc).__name__)) from None
    if answer.status_code == 429 or answer.status_code >= 500:
        raise WebhookError(said("群机器人暂不可用（HTTP {status}）", status=answer.status_code))
    try:
        result = answer.json()
    except ValueError:
        raise WebhookError(said("群机器人的回答无法识别（HTTP {status}）", status=answer.status_code), retry=False) from None
    code = result.get("errcode", result.get("code", result.get("StatusCode", -1)))
    if code != 0:
        message = str(result.get("errmsg", result.get("msg", "")))[:100]
        raise WebhookError(said("群机器人拒绝了消息（{code}：{message}）", code=code, message=message),
                           retry=code in RATE_LIMITED)


RATE_LIMITED = {45009, 130101, 11232, 9499}  # 企业微信, 钉钉, 飞书: too many messages; later
