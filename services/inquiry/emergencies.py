"""The citizens' messages about an emergency (X20.6: 突发事件…收集、回应网民意见; N12). Publishing
announces each event it declares or closes (`publishing.emergency.changed`); inquiry keeps a copy
(`EmergencyCopy`) and its staff link a message to an open event in their sight: one of their own
unit, a unit below it or a unit above it (a city's event concerns its districts' citizens). The
event's page lists the linked messages (GET /api/emergencies/<id>/messages).

A link is made by a person, not by matching the event's words: a title's words (暴雨、停水) are in
many messages about other days and places, and a wrong link would count a citizen's complaint
toward an event it is not about. Staff find the messages by the inbox's search, then link them."""
from __future__ import annotations

import peewee

from govmb.domain import Invalid, Refused
from govmb.identity import UNIT_STAFF, Identity, in_sight, under
from govmb.textsearch import contains
from govmb.timefmt import utc, utcnow
from services.inquiry.models import BaseModel, Message, db

LINKERS = (*UNIT_STAFF, "joint_office", "supervision")


class EmergencyCopy(BaseModel):
    """Publishing's emergency as its events put it (the highest revision kept)."""
    id = peewee.IntegerField(primary_key=True)
    kind = peewee.CharField(max_length=30)
    kind_name = peewee.CharField(max_length=30)
    title = peewee.CharField(max_length=100)
    occurred_at = peewee.DateTimeField()
    unit_id = peewee.IntegerField()
    unit_path = peewee.CharField(max_length=255, index=True)
    status = peewee.CharField(max_length=10, index=True)
    revision = peewee.IntegerField()

    class Meta:
        table_name = "emergency_copy"


class MessageEmergency(BaseModel):
    """A message linked to an event: at most one event a message."""
    message_id = peewee.IntegerField(unique=True)
    emergency_id = peewee.IntegerField(index=True)
    linked_by = peewee.CharField(max_length=50)
    linked_at = peewee.DateTimeField(default=utcnow)

    class Meta:
        table_name = "message_emergency"
        indexes = ((("emergency_id", "message_id"), False),)


def apply_emergency(payload: dict, _delivery=None) -> None:
    """`publishing.emergency.changed`: kept only if newer than what we have (a repeated or late
    message changes nothing)."""
    row = {"kind": payload["kind"], "kind_name": payload["kind_name"], "title": payload["title"],
           "occurred_at": utc(payload["occurred_at"]), "unit_id": payload["unit_id"],
           "unit_path": payload["unit_path"], "status": payload["status"], "revision": payload["revision"]}
    with db.atomic():
        EmergencyCopy.insert(id=payload["emergency_id"], **row).on_conflict_ignore().execute()
        (EmergencyCopy.update(**row)
         .where(EmergencyCopy.id == payload["emergency_id"], EmergencyCopy.revision < payload["revision"]).execute())


def _ancestors(unit_path: str) -> list[str]:
    parts = unit_path.strip("/").split("/")
    return ["/" + "/".join(parts[:n]) + "/" for n in range(1, len(parts) + 1)]


def linkable(who: Identity, search: str | None = None):
    """Open events in the caller's sight: of their unit, below it, or above it (city-wide roles: all),
    the newest first; `search`: in the title."""
    query = EmergencyCopy.select().where(EmergencyCopy.status == "open")
    if not who.sees_all:
        query = query.where(under(EmergencyCopy.unit_path, who.unit_path) |
                            EmergencyCopy.unit_path.in_(_ancestors(who.unit_path)))
    if search:
        query = query.where(contains(EmergencyCopy.title, search))
    return query.order_by(EmergencyCopy.occurred_at.desc(), EmergencyCopy.id.desc())


def link(message: Message, emergency_id: int | None, who: Identity) -> MessageEmergency | None:
    """Link the message to an open event in sight (None: take the link away)."""
    if not who.has(*LINKERS):
        raise Refused("只有单位工作人员、联席会议办公室或督查部门可以关联突发事件")
    with db.atomic():
        if emergency_id is None:
            MessageEmergency.delete().where(MessageEmergency.message_id == message.id).execute()
            return None
        if not linkable(who).where(EmergencyCopy.id == emergency_id).exists():
            raise Invalid("emergency_id", "突发事件不存在、已结束或不在您的管辖范围内")
        MessageEmergency.insert(message_id=message.id, emergency_id=emergency_id, linked_by=who.name).on_conflict(
            conflict_target=[MessageEmergency.message_id],
            update={MessageEmergency.emergency_id: emergency_id, MessageEmergency.linked_by: who.name,
                    MessageEmergency.linked_at: utcnow()}).execute()
    return MessageEmergency.get(MessageEmergency.message_id == message.id)


def messages_of(emergency_id: int, who: Identity):
    """The event's messages the caller may see (their units' messages), newest first, as a query."""
    return (in_sight(Message.select(Message.id, Message.unit_id, Message.text, Message.category, Message.sentiment,
                                    Message.status, Message.received_at, MessageEmergency.linked_by,
                                    MessageEmergency.linked_at)
                     .join(MessageEmergency, on=(MessageEmergency.message_id == Message.id))
                     .where(MessageEmergency.emergency_id == emergency_id), Message.unit_path, who)
            .order_by(Message.received_at.desc(), Message.id.desc()))


def linked_to(message_id: int) -> EmergencyCopy | None:
    return (EmergencyCopy.select().join(MessageEmergency, on=(MessageEmergency.emergency_id == EmergencyCopy.id))
            .where(MessageEmergency.message_id == message_id).first())
