"""A text's links (issue 16; X27): each one well formed; where the network is allowed
(`CHECK_LINKS_ONLINE`), each answering; and a policy or major-decision post carrying a link to the
government website (`OFFICIAL_SITES`, default any *.gov.cn), where its full text is: a post of
信息类型 中心工作、重大决策、重点项目, or a 主动公开信息 post that names a policy document
(《…办法》, 《…意见》, 《…通知》…).

The online check asks each link once in ten minutes (HEAD, else GET), at most five a draft, each
within `LINK_CHECK_TIMEOUT_SECONDS`, and never a private, loopback or link-local address unless
`LINK_CHECK_PRIVATE` allows it: a draft must not make the server probe its own network.
"""
from __future__ import annotations

import ipaddress
import re
import socket
import threading
import time
from urllib.parse import urlsplit

import requests

from govmb.config import options
from govmb.messages import said
from govmb.textchecks.hits import Hit
from govmb.textnorm import normalise

# what a web link looks like, misspelt too (htps://, http//, https:www…), on the folded text
CANDIDATE = re.compile(r"(?:h[a-z]{2,5}:?/{1,3}|h[a-z]{2,5}:|www\.)[^\s<>\"'，。；！？、（）()【】「」《》]+")
_SCHEME = re.compile(r"^([a-z]+)(:?)(/*)")
_LABEL = re.compile(r"^(?!-)[a-z0-9\-]{1,63}(?<!-)$")
MAJOR = "central_work"  # 中心工作、重大决策、重点项目
DISCLOSURE = "disclosure"  # 主动公开信息: a policy post when it names a policy document
POLICY_DOCUMENT = re.compile(r"《[^《》]{2,60}(?:办法|条例|规定|意见|通知|方案|规划|细则|决定|政策|措施|标准|纲要)》")
ONLINE_MOST = 5
_answers: dict[str, tuple[float, str | None]] = {}  # url → (when asked, what is wrong or None)
_lock = threading.Lock()


def found(text: str) -> list[tuple[int, int, str]]:
    """(start, end, the link as written) of each link-like run of the text."""
    n = normalise(text, dense=False)
    out = []
    for m in CANDIDATE.finditer(n.text):
        start, end = n.span(m.start(), m.end())
        written = text[start:end].rstrip(".,;:!?，。；：！？、")
        out.append((start, start + len(written), written))
    return out


def problem(url: str) -> str | None:
    """What is wrong with a link's form, or None."""
    if not url.isascii() and normalise(url, dense=False).text != url.lower():
        return "链接中含全角字符或不可见字符，请改为半角"
    if url.lower().startswith("www."):
        return "链接缺少 http:// 或 https://"
    scheme, colon, slashes = _SCHEME.match(url.lower()).groups()
    if scheme not in ("http", "https"):
        return said("链接的协议“{scheme}”有误（应为 http 或 https）", scheme=scheme)
    if not colon or slashes != "//":
        return "链接的“://”有误"
    host = (urlsplit(url).hostname or "").rstrip(".")
    if not host:
        return "链接缺少网站地址"
    if _is_address(host):
        return None
    labels = host.encode("idna").decode().split(".") if not host.isascii() else host.split(".")
    if len(labels) < 2 or not all(_LABEL.match(label) for label in labels) or not re.match(r"^(xn--)?[a-z]{2,}", labels[-1]):
        return said("链接的网站地址“{host}”有误", host=host)
    return None


def _is_address(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def official(url: str, sites: tuple[str, ...]) -> bool:
    host = (urlsplit(url).hostname or "").lower().rstrip(".")
    return any(host == site or host.endswith("." + site) for site in sites)


def dead(url: str) -> str | None:
    """Why the link does not answer (asked once in ten minutes), or None."""
    with _lock:
        cached = _answers.get(url)
    if cached and time.monotonic() - cached[0] < 600:
        return cached[1]
    answer = _ask(url)
    with _lock:
        if len(_answers) > 10_000:
            _answers.clear()
        _answers[url] = (time.monotonic(), answer)
    return answer


def _ask(url: str) -> str | None:
    settings = options().links
    host = urlsplit(url).hostname or ""
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(host, None)}
    except (socket.gaierror, UnicodeError):
        return "网站地址无法解析"
    if not settings.private and any(_private(a) for a in addresses):
        return None  # not asked: an address of the server's own network
    try:
        r = requests.head(url, timeout=settings.timeout, allow_redirects=True)
        if r.status_code in (405, 501):
            r = requests.get(url, timeout=settings.timeout, allow_redirects=True, stream=True)
            r.close()
    except requests.RequestException:
        return "无法连接"
    return f"HTTP {r.status_code}" if r.status_code >= 400 else None


def _private(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%")[0])
    return ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_reserved or ip.is_multicast


def scan(text: str, info_type: str = "", official_hosts: tuple[str, ...] = (), more_links: tuple[str, ...] = ()) -> list[Hit]:
    """The links' findings (a `Hit` each). `official_hosts`: more hosts whose link is the official
    website's (the account's portal feeds'); `more_links`: the post's links outside its text (its
    media), which may carry the website's link too."""
    from govmb.textchecks.hits import Hit
    settings, hits, good = options().links, [], []
    for start, end, url in found(text):
        if wrong := problem(url):
            hits.append(Hit("link", "warn", start, end, url, wrong))
        else:
            good.append((start, end, url))
    if settings.online:
        for start, end, url in good[:ONLINE_MOST]:
            if why := dead(url):
                hits.append(Hit("link", "warn", start, end, url, said("链接无法打开（{why}），请核对", why=why)))
    policy = info_type == MAJOR or (info_type == DISCLOSURE and POLICY_DOCUMENT.search(text))
    sites = settings.official + tuple(official_hosts)
    if policy and not any(official(url, sites) for url in [u for _, _, u in good] + list(more_links)):
        hits.append(Hit("link", "warn", None, None, "",
                        "政策文件和重大决策信息须附政府网站上原文的链接（X27）"))
    return hits
