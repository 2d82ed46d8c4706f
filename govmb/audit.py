"""The audit trail: who approved, filed, transferred or deleted what, and when.

Each service keeps its own trail in its own database (table `audit_entry`). The operation
that makes a change calls `AuditTrail.record` inside the change's transaction, so a change
and its row commit together or not at all; `record` refuses to run outside a transaction.
Nobody edits the trail: no API writes to it, and the database itself refuses UPDATE and
DELETE on it (a trigger on SQLite and on PostgreSQL, which also refuses TRUNCATE).

The joint-meeting office, supervision and the audit administrator read it through each service's
`GET /api/audit`, and on the web app's 审计日志 page. Times are stored in UTC and shown in
Beijing time. A row never holds a password or a secret: the callers write what was decided
(the state before and after, the reason of a return), never credentials.
"""
from __future__ import annotations

import contextlib
from collections.abc import Iterator

import peewee

from govmb import auditchain
from govmb.context import get_correlation_id
from govmb.contracts.publishing import ACTION_NAMES as DRAFT_STEPS
from govmb.contracts.registry import ACTION_NAMES as ACCOUNT_STEPS
from govmb.db import is_postgres
from govmb.identity import Identity
from govmb.messages import said, source
from govmb.timefmt import utcnow

READERS = ("joint_office", "supervision", "audit_admin")
# Rows of these families (sign-ins, sessions, alerts, roles and passwords) the audit
# administrator alone reads: the business readers see who did the work, not who signed in.
SECURITY_FAMILIES = ("session", "security", "signin", "role", "mfa", "audit")
TABLE = "audit_entry"
CHECKPOINTS = "audit_checkpoint"  # what each purge of the oldest rows left for the chain to go on from
DETAIL_LIMIT = 500
# The actor of a change no person asked for (the demo city's loader, a test's fixture).
SYSTEM = Identity(0, "系统", 0, "/", frozenset())

# Every action the trail records, by family, with the label the page shows.
DRAFT_AUDITED = ("proofread", "check", "approve", "return", "fast_track", "withdraw")
ACTIONS: dict[str, str] = {
    **{f"account.{a}": said("账号：{name}", name=name) for a, name in ACCOUNT_STEPS.items()},
    "unit.create": "新建单位", "unit.update": "修改单位（改名或调整上级）",
    "person.create": "新增人员", "person.disable": "停用人员", "person.enable": "重新启用人员",
    "person.password_change": "修改本人密码", "person.password_reset": "重置人员密码（须在下次登录时修改）",
    "session.sign_out": "退出登录", "session.everywhere": "退出全部登录", "session.disabled": "人员停用：结束登录",
    "session.password": "密码修改或重置：结束其他登录", "session.roles": "角色收回：结束登录",
    "session.idle": "长时间未操作：登录结束", "session.expired": "超过登录时限：登录结束",
    "role.change": "授予或收回角色", "session.second_factor": "两步验证被重置：结束登录",
    "signin.success": "登录成功", "signin.failure": "登录失败",
    "mfa.enrol": "启用两步验证", "mfa.codes": "重新生成恢复码", "mfa.disable": "停用本人的两步验证",
    "mfa.reset": "重置人员的两步验证（安全管理员）", "mfa.failure": "两步验证码错误（已登录时）",
    "security.signin_burst": "安全告警：同一用户名短时间内大量登录失败",
    "client.register": "登记客户端系统", "client.revoke": "撤销客户端系统",
    "follow.record": "关注名单：登记关注", "follow.import": "关注名单：导入", "follow.remove": "关注名单：移除关注",
    "follow.reason": "关注名单：说明与工作无关的关注的理由",
    "platform_rule.set": "平台开通规则：开启或关闭“须在全部平台开通”（N7）",
    "follow_register.write": "媒体与专家名录：新增或修改", "follow_register.delete": "媒体与专家名录：删除",
    **{f"draft.{a}": said("稿件：{step}", step=DRAFT_STEPS[a]) for a in DRAFT_AUDITED},
    "draft.release": "稿件：全部平台发布完成",
    "proofreading.set": "校对环节：开启或关闭（三审三校）",
    "forward.record": "转发：登记转发上级或相关账号的信息", "directive.issue": "统一口径：下发",
    "lexicon.write": "词库：新增或修改词语", "lexicon.delete": "词库：删除词语",
    "correction.write": "错别字与规范表述：新增或修改", "correction.delete": "错别字与规范表述：删除条目",
    "emergency.procedure": "突发事件：保存处置流程（新版本）", "emergency.declare": "突发事件：宣布",
    "emergency.close": "突发事件：结束并总结",
    "leader.write": "领导名单：新增或修改", "leader.delete": "领导名单：删除领导",
    "portal_feed.add": "门户网站源：登记", "portal_feed.stop": "门户网站源：停用", "portal_feed.resume": "门户网站源：恢复读取",
    "release_freeze.freeze": "暂停发布：暂停定时和自动发布", "release_freeze.lift": "暂停发布：解除暂停",
    "platform_connection.connect": "平台接口：连接账号", "platform_connection.replace": "平台接口：更换凭据",
    "platform_connection.disconnect": "平台接口：断开连接（凭据已清除）",
    "transfer.send": "转办：发出", "transfer.accept": "转办：承办单位接收", "transfer.return": "转办：承办单位退回",
    "transfer.reassign": "转办：对退回作出决定（改派或仍交原单位）",
    "message.contact_read": "留言：查看网民完整称呼与联系方式",
    "message.review_submit": "留言：回复送审", "message.review_check": "留言：责任处室核稿通过回复",
    "message.review_approve": "留言：领导审批通过回复并发出", "message.review_return": "留言：退回待审核的回复",
    "message.mark_sensitive": "留言：标为敏感", "message.unmark_sensitive": "留言：撤销敏感标记",
    "message.mark_invalid": "留言：标为无效留言", "message.unmark_invalid": "留言：撤销无效标记",
    "message.merge": "留言：并入主留言",
    "inspection.accept": "督查：整改验收通过", "inspection.reject": "督查：整改验收不通过",
    "incident.record": "安全事件：登记", "incident.update": "安全事件：补充处置和报告情况",
    "dormancy.issue": "僵尸号：下发整改通知", "dormancy.accept": "僵尸号：整改通过", "dormancy.reject": "僵尸号：整改未通过",
    "dormancy.order_closure": "僵尸号：责令关闭",
    "duty_shift.delete": "值班表：删除班次", "training_attendee.delete": "培训：删除参训记录",
    "audit.export": "导出审计日志",
    "training.export": "导出培训登记表", "archive.export": "下载月度归档文件", "report.export": "导出季度报告",
    "bulletin.draft": "检查情况通报：起草", "bulletin.issue": "检查情况通报：印发（定稿，生成 PDF）",
    "bulletin.export": "下载检查情况通报", "annual_report.export": "导出政务新媒体工作年度报表",
    "annual_report.enter": "填报年度报表中平台外的工作",
    "narrative.submit": "季度简报、专报：报送", "narrative.download": "季度简报、专报：下载附件",
    "narrative.compile": "下载汇编的季度工作报告",
}
SUBJECT_TYPES = {"account": "账号", "unit": "单位", "person": "人员", "client_system": "客户端系统", "draft": "稿件",
                 "proofreading": "校对环节设置", "forward": "转发记录", "directive": "统一口径",
                 "lexicon": "词库", "lexicon_entry": "词库词语",
                 "corrections": "错别字与规范表述", "correction": "错别字与规范表述条目", "leaders": "领导名单",
                 "leader": "领导名单中的领导", "portal_feed": "门户网站源", "platform_connection": "平台接口连接", "transfer": "转办", "message": "留言", "inspection": "督查检查",
                 "dormancy_order": "僵尸号整改通知",
                 "duty_shift": "值班班次", "training_attendee": "参训记录", "audit": "审计日志",
                 "training": "培训登记表", "archive": "月度归档", "report": "季度报告",
                 "bulletin": "检查情况通报", "annual_report": "政务新媒体工作年度报表", "security_incident": "安全事件",
                 "emergency_procedure": "突发事件处置流程", "emergency": "突发事件",
                 "narrative_report": "季度简报、专报", "follow_register_entry": "媒体与专家名录条目",
                 "platform_rule": "平台开通规则", "release_freeze": "暂停发布"}
# Which service records which families (the page reads each service's trail on its own).
FAMILIES = {"registry": ("account", "unit", "person", "client", "session", "security", "role", "signin", "mfa", "audit",
                         "follow", "follow_register", "platform_rule"),
            "publishing": ("draft", "proofreading", "forward", "directive", "lexicon", "correction", "leader",
                           "emergency", "portal_feed", "release_freeze", "platform_connection", "audit"),
            "inquiry": ("transfer", "message", "audit"),
            "assessment": ("inspection", "incident", "dormancy", "duty_shift", "training_attendee", "training", "archive",
                           "report", "narrative", "bulletin", "annual_report",
                           "audit")}


def actions_of(service: str) -> dict[str, str]:
    """The actions a service's trail holds, with their labels."""
    return {a: label for a, label in ACTIONS.items() if a.split(".")[0] in FAMILIES[service]}


def make_audit_model(db: peewee.DatabaseProxy | peewee.Database, chained: bool = True) -> type[peewee.Model]:
    """The trail's table; `chained` False: as version 1 made it, before the hash chain."""
    class AuditEntry(peewee.Model):
        at = peewee.DateTimeField(default=utcnow, index=True)  # naive UTC
        actor_id = peewee.IntegerField(index=True)  # the person (0: a system)
        actor_name = peewee.CharField(max_length=100)
        actor_unit_id = peewee.IntegerField()
        actor_unit_name = peewee.CharField(max_length=100, default="")
        actor_roles = peewee.CharField(max_length=200, default="")  # comma-separated, as the token carried them
        actor_client = peewee.CharField(max_length=50, default="")  # a system's token: "system:<id>"
        action = peewee.CharField(max_length=40, index=True)
        subject_type = peewee.CharField(max_length=30)
        subject_id = peewee.CharField(max_length=40)
        subject_name = peewee.CharField(max_length=200, default="")
        unit_path = peewee.CharField(max_length=255, index=True)  # the subject's unit: who may see the row
        unit_name = peewee.CharField(max_length=100, default="")
        detail = peewee.TextField(default="")
        correlation_id = peewee.CharField(max_length=64, default="")  # ties the row to the request's logs

        class Meta:
            database = db
            table_name = TABLE
            indexes = ((("subject_type", "subject_id"), False),)

    if chained:  # govmb.auditchain: `<key id>.<HMAC-SHA256 hex>`; the first row's prev_hash is ""
        AuditEntry._meta.add_field("prev_hash", peewee.CharField(max_length=80, default=""))
        AuditEntry._meta.add_field("row_hash", peewee.CharField(max_length=80, default=""))
    return AuditEntry


def make_checkpoint_model(db: peewee.DatabaseProxy | peewee.Database) -> type[peewee.Model]:
    """One row per purge of the trail's oldest rows (govmb.auditpurge): the last removed row's id
    and hash, from which the chain goes on, sealed with the chain's key."""
    class AuditCheckpoint(peewee.Model):
        at = peewee.DateTimeField(default=utcnow)  # naive UTC
        through_id = peewee.IntegerField()  # every row up to this id was removed
        through_hash = peewee.CharField(max_length=80)  # that row's row_hash: the next row's prev_hash
        removed = peewee.IntegerField()  # rows removed by this purge
        older_than = peewee.DateTimeField()  # the cut-off: rows written before it (naive UTC)
        seal = peewee.CharField(max_length=80)  # HMAC of the fields above (govmb.auditpurge)

        class Meta:
            database = db
            table_name = CHECKPOINTS

    return AuditCheckpoint


def create_audit_table_v1(db: peewee.Database) -> None:
    """The trail's table as of version 1 and the triggers that make it append-only, for each
    service's migration."""
    db.create_tables([make_audit_model(db, chained=False)])
    final_triggers(db)


def final_triggers(db: peewee.Database, table: str = TABLE) -> None:
    """The triggers that refuse every UPDATE, DELETE and TRUNCATE of the trail (or of its
    checkpoints)."""
    if is_postgres(db):
        db.execute_sql(
            "CREATE OR REPLACE FUNCTION audit_entry_is_final() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            "RAISE EXCEPTION USING MESSAGE = 'audit_entry rows are never changed or deleted: ' || TG_OP; END $$")
        db.execute_sql(f"CREATE TRIGGER {table}_final BEFORE UPDATE OR DELETE ON {table} "
                       "FOR EACH ROW EXECUTE FUNCTION audit_entry_is_final()")
        db.execute_sql(f"CREATE TRIGGER {table}_not_truncated BEFORE TRUNCATE ON {table} "
                       "FOR EACH STATEMENT EXECUTE FUNCTION audit_entry_is_final()")
    else:
        for op in ("UPDATE", "DELETE"):
            _sqlite_trigger(db, table, op)


def _sqlite_trigger(db: peewee.Database, table: str, op: str) -> None:
    db.execute_sql(f"CREATE TRIGGER {table}_no_{op.lower()} BEFORE {op} ON {table} "
                   f"BEGIN SELECT RAISE(ABORT, 'audit_entry rows are never changed or deleted: {op}'); END")


@contextlib.contextmanager
def triggers_off(db: peewee.Database, op: str, table: str = TABLE) -> Iterator[None]:
    """The trail's refusal of `op` (UPDATE or DELETE) lifted for the block, inside the caller's
    transaction, so that a failure puts it back with the rollback: for the chain's migration and
    the purge alone, run by the tables' owner (the services' roles may not alter a table)."""
    if not db.in_transaction():
        raise RuntimeError("the trail's triggers are lifted inside a transaction only")
    if is_postgres(db):
        db.execute_sql(f"ALTER TABLE {table} DISABLE TRIGGER {table}_final")
    else:
        db.execute_sql(f"DROP TRIGGER {table}_no_{op.lower()}")
    yield
    if is_postgres(db):
        db.execute_sql(f"ALTER TABLE {table} ENABLE TRIGGER {table}_final")
    else:
        _sqlite_trigger(db, table, op)


def _unit_of(path: str) -> int | None:
    parts = [p for p in (path or "").split("/") if p]
    return int(parts[-1]) if parts else None


class AuditTrail:
    """A service's trail: its table and `record` for the operations (`govmb.audit_api` reads it)."""

    def __init__(self, db: peewee.DatabaseProxy, unit_model: type[peewee.Model]):
        self.db, self.Unit = db, unit_model
        self.Entry = make_audit_model(db)
        self.Checkpoint = make_checkpoint_model(db)

    def record(self, who: Identity | None, action: str, subject_type: str, subject_id, unit_path: str,
               detail: str = "", subject_name: str = "") -> None:
        """One row for an action, in the transaction of the change it records (else an error:
        a row written after the commit could be lost, one written before could outlive a
        rollback). `who` None: the system itself (no one signed in asked for it)."""
        if action not in ACTIONS or subject_type not in SUBJECT_TYPES:
            raise ValueError(f"unknown audit action or subject: {action}, {subject_type}")
        if not self.db.in_transaction():
            raise RuntimeError("an audit row is written inside the transaction of the change it records")
        who = who or SYSTEM
        ids = {who.unit_id, _unit_of(unit_path)} - {None}
        names = {u.id: u.name for u in self.Unit.select(self.Unit.id, self.Unit.name).where(self.Unit.id.in_(list(ids)))}
        row = dict(
            actor_id=who.person_id, actor_name=who.name[:100], actor_unit_id=who.unit_id,
            actor_unit_name=names.get(who.unit_id, "")[:100], actor_roles=",".join(sorted(who.roles)),
            actor_client=who.client or "", action=action, subject_type=subject_type, subject_id=str(subject_id)[:40],
            subject_name=(source(subject_name) or "")[:200], unit_path=unit_path or "/",  # in the record's language
            unit_name=names.get(_unit_of(unit_path), "")[:100], detail=(source(detail) or "")[:DETAIL_LIMIT],
            correlation_id=get_correlation_id() or "")
        # Chained last, so that the lock it takes is held for as short a time as the transaction allows.
        self.Entry.insert(auditchain.link(self.db, self.Entry, row, auditchain.installed())).execute()
