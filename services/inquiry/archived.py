"""What the monthly archive (X20.4, in the assessment service) files of a citizen's message and
of a problem notice: the texts, masked before they leave inquiry (`govmb.textchecks.pii.masked`:
phone, ID and card numbers, house numbers, @handles) with the handle and contact as every list
shows them (`citizens.masked`), each text cut to the contract's bound. Sent as events of their
own, next to `inquiry.message.changed` and `inquiry.notice.changed`, which carry no text."""
from __future__ import annotations

from govmb.contracts.inquiry import ARCHIVE_ANSWER, ARCHIVE_TEXT
from govmb.messages import N_
from govmb.textchecks.pii import masked
from govmb.timefmt import iso_utc
from services.inquiry.citizens import masked as masked_citizen
from services.inquiry.models import Message, ProblemNotice

ANSWERS = (("reply_text", N_("回复")), ("feedback_text", N_("受理反馈")), ("result_text", N_("办理结果")))  # filed in Chinese


def cut(text: str, most: int) -> str:
    return text if len(text) <= most else text[:most - 1] + "…"


def message_text(message: Message) -> dict:
    citizen = masked_citizen(message)
    answer = "\n".join(label + "：" + masked(getattr(message, name))
                       for name, label in ANSWERS if (getattr(message, name) or "").strip())
    return {"id": message.id, "unit_id": message.unit_id, "unit_path": message.unit_path,
            "account_id": message.account_id, "category": message.category, "kind": message.kind,
            "received_at": iso_utc(message.received_at), "handle": citizen["citizen_handle"],
            "contact": citizen["citizen_contact"], "text": cut(masked(message.text), ARCHIVE_TEXT),
            "answer": cut(answer, ARCHIVE_ANSWER), "status": message.status, "revision": message.revision}


def notice_text(n: ProblemNotice) -> dict:
    return {"notice_id": n.id, "unit_id": n.unit_id, "unit_path": n.unit_path, "title": n.title,
            "content": cut(masked(n.content), ARCHIVE_TEXT), "issued_by": n.issued_by,
            "reply": cut(masked(n.reply or ""), ARCHIVE_ANSWER), "replied_by": n.replied_by or "", "status": n.status}
