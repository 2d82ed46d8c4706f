"""Emergencies by type (X20.6, N11): the office's procedure for each kind of event (seeded with the
national classification of 《突发事件应对法》: 自然灾害、事故灾难、公共卫生事件、社会安全事件), the
events declared, the posts written for them and the steps ticked off. Frozen here."""
import datetime as dt
import json

from peewee import CharField, DateTimeField, ForeignKeyField, IntegerField, Model, TextField


def _utcnow():
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


STEPS = ["核实事件基本情况（时间、地点、影响范围），报告分管领导", "事件发生后 2 小时内发布首条权威信息",
         "5 小时内发布权威信息，说明处置进展", "24 小时内发布后续信息或举行新闻发布会",
         "收集、回应网民留言，澄清不实信息", "处置结束后发布总结信息"]
CHANNELS = ["政务微博（各平台同时发布）", "政府网站", "新闻发布会"]
KINDS = (("natural_disaster", "自然灾害", "实事求是发布灾情和救援进展，提示防范措施，不渲染恐慌情绪。"),
         ("accident", "事故灾难", "发布事故基本情况、伤亡和救援进展，原因以调查结论为准，不作推测。"),
         ("public_health", "公共卫生事件", "以卫生健康部门的权威数据为准，发布防护知识和就医指引。"),
         ("social_security", "社会安全事件", "发布警情通报和处置进展，不透露侦查细节，呼吁群众不信谣不传谣。"))


def up(migrator, db):
    class Base(Model):
        class Meta:
            database = db

    class Procedure(Base):
        code = CharField(max_length=30, unique=True)
        name = CharField(max_length=30, unique=True)
        steps = TextField(default="[]")
        channels = TextField(default="[]")
        first_minutes = IntegerField(default=120)
        national_minutes = IntegerField(default=300)
        followup_minutes = IntegerField(default=1440)
        line = TextField(default="")
        version = IntegerField(default=1)
        updated_by = CharField(max_length=50, default="")
        updated_at = DateTimeField(default=_utcnow)

        class Meta:
            table_name = "emergency_procedure"

    class ProcedureVersion(Base):
        procedure = ForeignKeyField(Procedure, on_delete="CASCADE")
        version = IntegerField()
        content = TextField()
        saved_by = CharField(max_length=50)
        saved_at = DateTimeField(default=_utcnow)

        class Meta:
            table_name = "emergency_procedure_version"
            indexes = ((("procedure", "version"), True),)

    class Emergency(Base):
        procedure = ForeignKeyField(Procedure, on_delete="RESTRICT")
        procedure_version = IntegerField()
        title = CharField(max_length=100)
        occurred_at = DateTimeField()
        unit_id = IntegerField()
        unit_path = CharField(max_length=255, index=True)
        first_due_at = DateTimeField(index=True)
        national_due_at = DateTimeField()
        followup_due_at = DateTimeField(index=True)
        first_released_at = DateTimeField(null=True)
        followup_released_at = DateTimeField(null=True)
        status = CharField(max_length=10, default="open", index=True)
        declared_by = CharField(max_length=50)
        declared_at = DateTimeField(default=_utcnow)
        summary = TextField(default="")
        closed_by = CharField(max_length=50, default="")
        closed_at = DateTimeField(null=True)

        class Meta:
            table_name = "emergency"
            indexes = ((("status", "occurred_at", "id"), False),)

    class EmergencyPost(Base):
        emergency = ForeignKeyField(Emergency, on_delete="CASCADE")
        draft_id = IntegerField(unique=True)
        linked_at = DateTimeField(default=_utcnow)

        class Meta:
            table_name = "emergency_post"

    class EmergencyTick(Base):
        emergency = ForeignKeyField(Emergency, on_delete="CASCADE")
        step = IntegerField()
        done_by = CharField(max_length=50)
        done_at = DateTimeField(default=_utcnow)

        class Meta:
            table_name = "emergency_tick"
            indexes = ((("emergency", "step"), True),)

    db.create_tables([Procedure, ProcedureVersion, Emergency, EmergencyPost, EmergencyTick], safe=True)
    for code, name, line in KINDS:
        if Procedure.get_or_none(Procedure.code == code):
            continue
        p = Procedure.create(code=code, name=name, steps=json.dumps(STEPS, ensure_ascii=False), line=line,
                             channels=json.dumps(CHANNELS, ensure_ascii=False), updated_by="系统")
        content = {"name": name, "steps": STEPS, "channels": json.loads(p.channels), "first_minutes": 120,
                   "national_minutes": 300, "followup_minutes": 1440, "line": line}
        ProcedureVersion.create(procedure=p, version=1, content=json.dumps(content, ensure_ascii=False), saved_by="系统")
