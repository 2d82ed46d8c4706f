"""N7 (南昌发布厅: 各单位按要求注册开通，同时在五个平台发布信息、回应诉求): the joint-meeting
office's city-wide rule that an institutional account opens on every configured platform
(`govmb.platforms`). Off by default (existing accounts and other cities are unchanged); Nanchang's
office switches it on. While it is on, an application, a resubmission or a change filing of an
institutional account that leaves a platform out gives a reason for each one left out, as a draft
does for the platforms of its account (services/publishing/review.py). Reasons may be given while
it is off too; they are kept on the account either way."""
from __future__ import annotations

import json

from govmb.domain import Refused
from govmb.identity import Identity
from govmb.messages import said
from govmb.platforms import platforms
from services.registry.models import Person, PlatformRule, audit, db, now
from services.registry.people import identity_of

SETTERS = ("joint_office",)
REASON_LIMIT = 200
ROW = 1


def required() -> bool:
    """Is the rule on? One row read by its key."""
    row = PlatformRule.get_or_none(PlatformRule.id == ROW)
    return bool(row and row.every_platform)


def state(who: Identity) -> dict:
    row = PlatformRule.get_or_none(PlatformRule.id == ROW)
    return {"every_platform": bool(row and row.every_platform), "set_by": row.set_by if row else "",
            "set_by_unit": row.set_by_unit if row else "", "set_at": row.set_at if row else None,
            "may_set": who.has(*SETTERS),
            "platforms": [{"code": code, "name": name} for code, name in platforms().items()]}


def set_rule(every_platform: bool, who: Identity) -> dict:
    """The office switches the rule on or off: who and when kept on the row, and an audit row."""
    if not who.has(*SETTERS):
        raise Refused("“须在全部平台开通”的规则由联席会议办公室设置")
    with db.atomic():
        row = PlatformRule.get_or_none(PlatformRule.id == ROW)
        if row is not None and row.every_platform == every_platform:
            return state(who)  # nothing changes: no audit row either
        person, new = Person.get_by_id(who.person_id), row is None
        row = row or PlatformRule(id=ROW)
        row.every_platform, row.set_by, row.set_by_unit, row.set_at = every_platform, person.name, person.unit.name, now()
        row.save(force_insert=new)
        audit.record(identity_of(person), "platform_rule.set", "platform_rule", ROW, "/",
                     "开启：政务微博须在全部平台开通（N7）" if every_platform else "关闭：政务微博须在全部平台开通（N7）", "")
    return state(who)


def omissions(kind: str, codes: list[str], reasons: dict | None) -> tuple[dict[str, str], dict]:
    """(the reasons kept: one per configured platform left out that has one, the errors under
    `omitted_reasons` by platform). A reason names a configured platform and is 1–200 characters;
    while the rule is on, an institutional account's every platform left out needs one."""
    names, kept, errors = platforms(), {}, {}
    reasons = reasons or {}
    for code, reason in reasons.items():
        if code not in names:
            errors[code] = [said("“{code}”不是可开设账号的平台", code=code)]
        elif len(str(reason or "").strip()) > REASON_LIMIT:
            errors[code] = [said("理由至多 {n} 字", n=REASON_LIMIT)]
    strict = kind == "institutional" and required()
    for code in names:
        if code in codes or code in errors:
            continue
        reason = str(reasons.get(code) or "").strip()
        if reason:
            kept[code] = reason
        elif strict:
            errors[code] = [said("未在“{platform}”开通，须写明理由（至多 {n} 字）", platform=names[code],
                                 n=REASON_LIMIT)]
    return kept, errors


def kept(account) -> dict[str, str]:
    return json.loads(account.omitted_reasons or "{}")


def listed(reasons: dict[str, str]) -> list[dict]:
    """The reasons as the account's answer shows them: each with its platform's name."""
    names = platforms()
    return [{"platform": code, "platform_name": names.get(code, code), "reason": reason}
            for code, reason in reasons.items()]
