"""What the citizen holds of a message (issue 19): a receipt number and a query code, and what
the two together let anyone read of the message, nothing personal.

The number is the Beijing day and that day's sequence (20261206-000042): easy to read aloud to
the 12345 hotline, and guessable, so it opens nothing alone. The code is 12 characters of an
alphabet without look-alikes (0/O, 1/I/L), some 59 bits drawn by `secrets`, shown once at
intake and kept only as a keyed hash (`govmb.personal`'s lookup keys, every key tried while a
rotation is under way), compared in constant time. A wrong number, a wrong code or another
message's code get one and the same answer (`NotFound`), after the same work.

What the citizen reads (`public_view`): the status, the handling unit and account, the
deadlines and whether each was kept, the texts sent to them (reply, feedback, result) with
any personal information in them masked, the published result post's links, and their rating.
Never the handle, the contact, the message's own text, the staff's names or another message."""
from __future__ import annotations

import hmac
import json
import re
import secrets

from govmb import personal
from govmb.contracts.inquiry import RATING_NAMES, STATUS_NAMES
from govmb.domain import NotFound
from govmb.textchecks.pii import scan as personal_information
from govmb.timefmt import to_beijing, utcnow
from services.inquiry import handling, wordlists
from services.inquiry.models import Account, Message, Rating, Receipt, ReceiptDay, ResultPost, Unit

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 12
PURPOSE = "receipt.code"  # what the code's keyed hash is bound to
NUMBER = re.compile(r"^(\d{8})-?(\d{6})$")
HONORIFIC = re.compile(r"([\u4e00-\u9fff]{1,3})(?:先生|女士|小姐|同志)")
WRONG = "留言编号或查询码不正确"  # the one answer to every wrong pair


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def shown_code(code: str) -> str:
    """The code as the citizen is shown it, in groups of four (K7QF-M2XP-9HTA)."""
    return "-".join(code[i:i + 4] for i in range(0, len(code), 4))


def _normal_code(text: str) -> str:
    return re.sub(r"[\s-]", "", text or "").upper()


def normal_number(text: str) -> str | None:
    """A receipt number as stored (20261206-000042), or None if it cannot be one."""
    m = NUMBER.match((text or "").strip())
    return f"{m[1]}-{m[2]}" if m else None


def _next_number() -> str:
    """The day's next number, in the caller's transaction (the day's row stays locked until it
    commits: two intakes never take the same one)."""
    day = to_beijing(utcnow()).strftime("%Y%m%d")
    (ReceiptDay.insert(day=day, last=1)
     .on_conflict(conflict_target=[ReceiptDay.day], update={ReceiptDay.last: ReceiptDay.last + 1}).execute())
    return f"{day}-{ReceiptDay.get_by_id(day).last:06d}"


def issue(message: Message, client: str) -> dict:
    """A receipt for a message just received (in its transaction): the number and the code,
    the only time the code is ever seen."""
    code = new_code()
    number = _next_number()
    Receipt.create(message=message.id, number=number, code_hash=personal.lookup_hash(code, PURPOSE), client=client)
    return {"receipt_number": number, "query_code": shown_code(code)}


def _matches(code: str, stored: str) -> bool:
    found = False
    for candidate in personal.installed().lookup_hashes(code, PURPOSE):  # every key, none skipped: the same work
        found |= hmac.compare_digest(candidate.encode(), stored.encode())
    return found


def opened(number: str, code: str) -> Message:
    """The message the number and code open together; `NotFound` (the same words) otherwise."""
    normal, code = normal_number(number), _normal_code(code)
    receipt = Receipt.get_or_none(Receipt.number == normal) if normal else None
    stored = receipt.code_hash if receipt else personal.lookup_hash("decoy", PURPOSE)
    if not (_matches(code or "-", stored) and receipt is not None and len(code) == CODE_LENGTH):
        raise NotFound(WRONG)
    return Message.get_by_id(receipt.message_id)


def of_client(message_id: int, client: str) -> Message:
    """A message a client system posted, by its id, for that system alone (never the hall)."""
    receipt = (Receipt.select().where(Receipt.message == message_id, Receipt.client == client).first()
               if client and client.startswith("system:") else None)
    if receipt is None:
        raise NotFound("留言不存在，或不是本系统推送的")
    return Message.get_by_id(message_id)


def _starred(out: list[str], start: int, end: int) -> None:
    out[start:end] = "＊" * (end - start)


def _masked(text: str, own: list[str]) -> str:
    """The text with any personal information in it starred: what the checks find (the office's
    own numbers stay), the citizen's own handle and contact, a name before 先生/女士/小姐."""
    if not text:
        return ""
    lexicon, _ = wordlists.current()
    out = list(text)
    for hit in personal_information(text, lexicon.allowed(text)):
        if hit.start is not None and hit.end is not None:
            _starred(out, hit.start, hit.end)
    for value in own:
        for m in re.finditer(re.escape(value), text):
            _starred(out, m.start(), m.end())
    for m in HONORIFIC.finditer(text):
        _starred(out, m.start(1), m.end(1))
    return "".join(out)


def _own(message: Message) -> list[str]:
    """The citizen's handle and contact, whole, to star wherever a reply repeats them."""
    values = []
    for name in ("citizen_handle", "citizen_contact"):
        try:
            values.append(personal.plain(getattr(message, name)).strip())
        except personal.PersonalDataError:
            continue
    return [v for v in values if len(v) >= 2]


def _texts(message: Message) -> list[dict]:
    own = _own(message)
    return [{"kind": kind, "kind_name": name, "text": _masked(text, own), "at": at}
            for kind, name, text, at in (("reply", "回复", message.reply_text, message.replied_at),
                                         ("feedback", "受理和办理情况", message.feedback_text, message.fed_back_at),
                                         ("result", "办理结果", message.result_text, message.resolved_at))
            if at is not None and text]


def _post(message: Message) -> dict | None:
    """The result post, once released: where it went out (not the draft on its way)."""
    post = ResultPost.get_or_none(ResultPost.message == message.id)
    if post is None or post.released_at is None:
        return None
    return {"released_at": post.released_at, "links": json.loads(post.links)}


def public_view(message: Message, number: str | None = None) -> dict:
    """What the citizen (or the client system that posted it) reads of the message."""
    unit = Unit.get_or_none(Unit.id == message.unit_id)
    account = Account.get_or_none(Account.id == message.account_id)
    rating = Rating.get_or_none(Rating.message == message.id)
    if number is None:
        number = Receipt.select(Receipt.number).where(Receipt.message == message.id).scalar()
    return {
        "receipt_number": number, "id": message.id, "status": message.status,
        "status_name": STATUS_NAMES[message.status], "unit_name": unit.name if unit else "",
        "account_name": account.name if account else "", "received_at": message.received_at,
        "resolved_at": message.resolved_at, "provisional": message.provisional,
        "deadlines": [{"name": name, "name_text": handling.DEADLINE_NAMES[name], **d}
                      for name, d in handling.lateness(message).items()],
        "answers": _texts(message), "result_post": _post(message),
        "rating": None if rating is None else {"rating": rating.rating, "rating_name": RATING_NAMES[rating.rating],
                                               "rated_at": rating.rated_at},
        "may_rate": rating is None and message.status == "resolved"}
