"""The citizens' messages about an emergency (X20.6; services/inquiry/emergencies.py): the open
events a message can be linked to, the link, and an event's messages."""
from flask_smorest import abort
from marshmallow import Schema, fields, validate

from govmb.auth import current_identity, requires, visible_or_404
from govmb.contracts.inquiry import STATUS_NAMES
from govmb.paging import Blueprint, SearchSchema, page
from govmb.schemas import Integer
from govmb.timefmt import BeijingDateTime
from services.inquiry import emergencies as em
from services.inquiry.models import Message

bp = Blueprint("inquiry_emergencies", __name__, url_prefix="/api", description="突发事件与相关网民留言")
EXCERPT = 120  # characters of a message's text the event's page shows


class EmergencyCopySchema(Schema):
    id = Integer()
    kind_name = fields.String()
    title = fields.String()
    occurred_at = BeijingDateTime()
    unit_id = Integer()
    status = fields.String()


class EmergencyLinkSchema(Schema):
    emergency_id = Integer(required=True, allow_none=True, validate=validate.Range(min=1, max=2**31 - 1),
                           metadata={"description": "null：取消关联"})


class EmergencyLinkedSchema(Schema):
    message_id = Integer()
    emergency = fields.Nested(EmergencyCopySchema, allow_none=True)


class EventMessageSchema(Schema):
    id = Integer()
    unit_id = Integer()
    text = fields.String(metadata={"description": "留言内容（前 120 字）"})
    category = fields.String(allow_none=True)
    sentiment = fields.String(allow_none=True)
    status = fields.String()
    status_name = fields.String()
    received_at = BeijingDateTime()
    linked_by = fields.String()
    linked_at = BeijingDateTime()


@bp.route("/emergencies")
@requires()
@bp.arguments(SearchSchema, location="query")
@bp.response(200, EmergencyCopySchema(many=True))
@bp.paginate()
def open_emergencies(args, pagination_parameters):
    """可关联留言的突发事件：本单位、下级单位和上级单位尚未结束的（联席会议办公室、督查：全市），新发生的在前，分页"""
    query = em.linkable(current_identity())
    if args.get("q"):
        query = query.where(em.EmergencyCopy.title.contains(args["q"]))
    return page(query.order_by(em.EmergencyCopy.occurred_at.desc(), em.EmergencyCopy.id.desc()), pagination_parameters)


@bp.route("/emergencies/<int:emergency_id>/messages")
@requires()
@bp.response(200, EventMessageSchema(many=True))
@bp.paginate()
def event_messages(emergency_id, pagination_parameters):
    """与该突发事件关联的网民留言（您管辖范围内的；不含网民称呼和联系方式），新收到的在前，分页"""
    if em.EmergencyCopy.get_or_none(em.EmergencyCopy.id == emergency_id) is None:
        abort(404, message="突发事件不存在")
    rows = page(em.messages_of(emergency_id, current_identity()), pagination_parameters)
    return [{"id": m.id, "unit_id": m.unit_id, "text": m.text[:EXCERPT], "category": m.category,
             "sentiment": m.sentiment, "status": m.status, "status_name": STATUS_NAMES.get(m.status, m.status),
             "received_at": m.received_at, "linked_by": m.messageemergency.linked_by,
             "linked_at": m.messageemergency.linked_at} for m in rows]


@bp.route("/messages/<int:message_id>/emergency")
@requires()
@bp.response(200, EmergencyLinkedSchema)
def message_emergency(message_id):
    """留言关联的突发事件（未关联：emergency 为 null）"""
    message = visible_or_404(Message, message_id, "留言")
    return {"message_id": message.id, "emergency": em.linked_to(message.id)}


@bp.route("/messages/<int:message_id>/emergency", methods=["PUT"])
@requires(*em.LINKERS)
@bp.arguments(EmergencyLinkSchema)
@bp.response(200, EmergencyLinkedSchema)
def link_message(data, message_id):
    """把留言关联到一起尚未结束的突发事件（emergency_id 为 null：取消关联）"""
    message = visible_or_404(Message, message_id, "留言")
    em.link(message, data["emergency_id"], current_identity())
    return {"message_id": message.id, "emergency": em.linked_to(message.id)}
