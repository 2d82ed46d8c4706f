"""`GET /api/todo` of a service: what waits for the caller in it (`govmb.todo`), each service
naming its kinds of work in its own `todo` module; its api.py only wires this blueprint."""
from __future__ import annotations

from typing import Callable

from flask_smorest import Blueprint
from marshmallow import Schema, fields

from govmb.auth import current_identity, requires
from govmb.headers import NO_STORE
from govmb.identity import Identity
from govmb.messages import said
from govmb.schemas import TodoGroupSchema


class TodoQuerySchema(Schema):
    items = fields.Boolean(load_default=True, metadata={"description": "false：只要数字，不列事项"})


def todo_blueprint(waiting: Callable[[Identity], list[dict]], kinds: str) -> Blueprint:
    """The blueprint; `kinds` lists the service's kinds for the OpenAPI description."""
    blp = Blueprint("todo", __name__, url_prefix="/api/todo", description="待办：等待当前登录人办理的事项")

    @blp.route("")
    @requires()
    @blp.arguments(TodoQuerySchema, location="query")
    @blp.response(200, TodoGroupSchema(many=True))
    @blp.doc(description=said("等待当前登录人（按其单位与角色）办理的事项，按类别分组：每组的总数、已逾期数、"
                         "4 小时内到期数、今天到期数、最早期限，以及最紧急的至多 5 项。只含本人角色办理的类别；"
                         "本服务的类别：{kinds}", kinds=kinds))
    def my_todo(args):
        """我的待办；items=false 只要各组的数字（顶栏的角标），不查最紧急的事项"""
        return waiting(current_identity(), items=args["items"]), 200, NO_STORE

    return blp
