"""The checks every text that leaves runs (issue 16): a draft, a reply or feedback to a citizen,
a result published from the inbox, a forward's own words, a problem notice's reply. The office's
lexicon, personal information, links and, where the office's lists are given, its corrections,
leaders and the weekday beside a date; sorted by their place in the text.

`vet` is what a step that sends texts out asks: a `block` finding in any of them refuses the
step (`Invalid`, each field named, each finding with its message and where it is), the `warn`
findings come back to be shown beside their field."""
from __future__ import annotations

from govmb.domain import Invalid
from govmb.messages import said
from govmb.textchecks.hits import Hit
from govmb.textchecks.lexicon import Lexicon
from govmb.textchecks.links import scan as links_in
from govmb.textchecks.pii import scan as personal_information
from govmb.textchecks.wording import Wording


def scan(text: str, lexicon: Lexicon, wording: Wording | None = None, info_type: str = "",
         official_hosts: tuple[str, ...] = (), more_links: tuple[str, ...] = ()) -> list[Hit]:
    """Every finding of the shared checks in `text`; `info_type`, `official_hosts`, `more_links`: a
    post's, for its links (X27, `govmb.textchecks.links.scan`)."""
    hits = (lexicon.scan(text) + personal_information(text, lexicon.allowed(text))
            + links_in(text, info_type, official_hosts, more_links)
            + (wording.scan(text) if wording is not None else []))
    return sorted(hits, key=lambda h: (h.start if h.start is not None else -1, h.check))


def placed(hit: Hit) -> str:
    """The finding's message with where it is, as a person counts (第 3 至 4 字)."""
    if hit.start is None or hit.end is None or hit.end <= hit.start:
        return hit.message
    return said("{message}（第 {start} 至 {end} 字）", message=hit.message, start=hit.start + 1, end=hit.end)


def finding(field: str, hit: Hit) -> dict:
    """A finding as an answer carries it, named by its field."""
    return {"field": field, **hit.__dict__, "message": placed(hit)}


def vet(texts: dict[str, str], lexicon: Lexicon, wording: Wording | None = None) -> list[dict]:
    """Check each text (field → text; empty ones pass). Refuse with `Invalid` naming every field
    that holds a `block` finding, else the `warn` findings (`finding` each)."""
    blocks: dict[str, list[str]] = {}
    warnings: list[dict] = []
    for field, text in texts.items():
        if not text:
            continue
        for hit in scan(text, lexicon, wording):
            if hit.severity == "block":
                blocks.setdefault(field, []).append(placed(hit))
            else:
                warnings.append(finding(field, hit))
    if blocks:
        count = sum(len(v) for v in blocks.values())
        raise Invalid(blocks, summary=said("有 {count} 处必须修改后才能发出", count=count))
    return warnings
