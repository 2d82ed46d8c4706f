"""A draft's way from writing to release (先审后发, N10, X18, X21): operator → responsible
office check (核稿) → leader approval (审批) → released on every platform; a return with
comments at any review step; the fast track (N13) for what is neither major nor sensitive.
A machine of the workflow core (`govmb.workflow`): its states (`DraftStatus`), its table
(`MACHINE`) and one small effect per action that does more than move; each step recorded."""
from __future__ import annotations

import datetime as dt
import json
import logging

from govmb import outbound
from govmb.account_copy import runs_account, runs_row, sees_account
from govmb.audit import DRAFT_AUDITED
from govmb.contracts.publishing import ACTION_NAMES, STATUS_NAMES, DraftStatus
from govmb.contracts.registry import AccountStatus
from govmb.db import locked
from govmb.domain import Conflict, Invalid, Refused
from govmb.identity import UNIT_STAFF, Identity
from govmb.messages import N_, kept_json, said, source
from govmb.platforms import platforms
from govmb.timefmt import iso_utc, stored, to_beijing
from govmb.workflow import Machine, Move, Transition, step
from services.publishing import autopublish, checks, freezes, lexicon, proofreading, responses, wordlists
from services.publishing.models import (
    Account,
    Draft,
    Finding,
    PortalFeed,
    Publication,
    ReviewStep,
    audit,
    bus,
    db,
    outgoing_text,
)

log = logging.getLogger(__name__)
STAFF = UNIT_STAFF
EMERGENCY_LIMIT = dt.timedelta(hours=2)  # N11

S = DraftStatus
REVIEWERS = ("responsible_office", "leader", "principal_leader")


def _record(draft: Draft, action: str, from_status: str | None, who: Identity, comment: str = "", **extra) -> None:
    ReviewStep.create(draft=draft, action=action, from_status=from_status, to_status=draft.status,
                      actor_id=who.person_id, actor_name=who.name, comment=source(comment), **extra)


# ------------------------------------------------------------------------- writing
def account_for(account_id: int, who: Identity, office_too: bool = False) -> Account:
    """The active account of the caller's unit that `account_id` names (`office_too`: or any, for
    the joint-meeting office), else Invalid on `account_id`."""
    account = Account.get_or_none(Account.id == account_id)
    if not sees_account(account, who):
        raise Invalid("account_id", "账号不存在或不在您的管辖范围内")
    if account.status != AccountStatus.ACTIVE:
        raise Invalid("account_id", said("账号“{name}”未开通运行，不能发布", name=account.name))
    if not runs_account(account, who) and not (office_too and who.sees_all and who.has("joint_office")):
        raise Invalid("account_id", "只能为本单位（或本单位管理）的账号撰写")
    return account


def portal_hosts(account_id: int) -> tuple[str, ...]:
    """The hosts of the account's portal feeds (portal.py): their links count as the official
    website's (X27)."""
    urls = PortalFeed.select(PortalFeed.url).where(PortalFeed.account_id == account_id).limit(20).tuples()
    return tuple(t[1] for (url,) in urls if (t := outbound.target(url)))


def _fields(draft: Draft, data: dict, account: Account) -> None:
    errors = {}
    chosen = data.get("platforms")
    chosen = [p["platform"] for p in account.platform_list] if chosen is None else chosen
    known = {p["platform"] for p in account.platform_list}
    if not chosen and known:
        errors["platforms"] = "请至少选择一个平台（N7：默认在本账号全部平台同时发布）"
    elif set(chosen) - known or not chosen:
        names = platforms()
        errors["platforms"] = said("本账号只在这些平台开通：{platforms}", platforms='、'.join(names.get(p, p) for p in sorted(known)) or '（无）')
    omitted, missing = _omissions(known - set(chosen), data.get("omitted_reasons") or {})
    if missing and "platforms" not in errors:
        errors["omitted_reasons"] = missing
    event_at = data.get("event_at")
    if event_at is not None and data.get("info_type") != "emergency":
        errors["info_type"] = "填写了突发事件发生时间，信息类型须为“突发事件及处置”"
    if event_at is not None and stored(event_at) > dt.datetime.now(dt.timezone.utc).replace(tzinfo=None):
        errors["event_at"] = "事件发生时间不能晚于现在"
    if data.get("corrects_id"):
        errors.update(_correction_problems(draft, data, account))
    variants = json.loads(draft.variants or "{}") if data.get("variants") is None else data["variants"]
    if set(variants) - set(chosen) and data.get("variants") is not None:
        errors["variants"] = "只能为本稿件选择的平台填写专用文字"
    if errors:
        raise Invalid(errors)
    for field in ("text", "info_type", "original", "source", "topic", "series_title", "series_no", "series_total",
                  "column", "major", "apology"):
        if field in data:
            setattr(draft, field, data[field])
    draft.media = json.dumps(data.get("media") or [], ensure_ascii=False)
    draft.variants = json.dumps({p: t for p, t in variants.items() if p in chosen and t.strip() and t != draft.text},
                                ensure_ascii=False)
    draft.platforms = json.dumps(list(dict.fromkeys(chosen)))
    draft.omitted = json.dumps(omitted, ensure_ascii=False)
    draft.event_at = stored(event_at) if event_at else None
    draft.planned_at = stored(data["planned_at"]) if data.get("planned_at") else None
    draft.due_at = draft.event_at + EMERGENCY_LIMIT if draft.event_at else None
    draft.corrects = data.get("corrects_id")


REASON_LIMIT = 200


def _omissions(left_out: set[str], reasons: dict) -> tuple[dict[str, str], dict[str, list[str]]]:
    """N7 (同时在五个平台发布…保证微博信息的统一和完整性): each of the account's platforms left out
    needs the writer's reason; (the reasons by platform, the messages of those missing one)."""
    names, omitted, missing = platforms(), {}, {}
    for code in sorted(left_out):
        reason = str(reasons.get(code) or "").strip()
        if not reason or len(reason) > REASON_LIMIT:
            missing[code] = [said("不在“{platform}”发布，须写明理由（至多 {n} 字）", platform=names.get(code, code),
                                  n=REASON_LIMIT)]
        omitted[code] = reason
    return omitted, missing


def omission_note(draft: Draft) -> str:
    """What the record says of the platforms left out: each with its reason."""
    names = platforms()
    return "；".join(source(said("不在{platform}发布：{reason}", platform=names.get(code, code), reason=reason))
                    for code, reason in json.loads(draft.omitted or "{}").items())  # recorded: in the record's language


CORRECTION_WORD = "更正"


def _correction_problems(draft: Draft, data: dict, account: Account) -> dict[str, str]:
    """A correction (更正, X20.6): of a post of this account that was released, one at a time
    (another still in review is named), its text saying 更正, its apology written."""
    errors = {}
    original = Draft.get_or_none(Draft.id == data["corrects_id"])
    if original is None or original.account_id != account.id or original.status != S.RELEASED:
        errors["corrects_id"] = "更正的须是本账号已发布的信息"
    else:
        pending = (Draft.select(Draft.id).where(Draft.corrects == original.id, Draft.id != (draft.id or 0),
                                                Draft.status.not_in((S.RELEASED, S.WITHDRAWN))).first())
        if pending is not None:
            errors["corrects_id"] = said("该信息已有更正稿件在办理中（稿件 {id}），请在那里修改", id=pending.id)
    if CORRECTION_WORD not in (data.get("text") or ""):
        errors["text"] = "更正信息的正文须写明“更正”，并说明原信息有误之处和正确的内容"
    if not (data.get("apology") or "").strip():
        errors["apology"] = "更正须公开致歉（X20.6）：请填写致歉说明，随正文一并发布"
    return errors


def _mark_corrected(correction: Draft, at: dt.datetime) -> None:
    """The correction is out: the original post is marked corrected by it (both kept)."""
    (Draft.update(corrected_by_id=correction.id, corrected_at=at, revision=Draft.revision + 1)
     .where(Draft.id == correction.corrects_id).execute())


def create(data: dict, who: Identity) -> Draft:
    account = account_for(data["account_id"], who)
    draft = Draft(account_id=account.id, unit_id=account.unit_id, unit_path=account.unit_path,
                  author_id=who.person_id, author_name=who.name, status="draft")
    _fields(draft, data, account)
    with db.atomic():
        draft.save()
        _record(draft, "write", None, who)
    return draft


def update(draft: Draft, data: dict, who: Identity) -> Draft:
    account = account_for(draft.account_id, who)
    with db.atomic():
        draft = locked(Draft, draft.id)
        if draft.status not in (S.DRAFT, S.RETURNED):
            raise Conflict(said("“{status}”的稿件不能修改", status=STATUS_NAMES[draft.status]))
        _fields(draft, {**data, "account_id": draft.account_id}, account)
        draft.revision += 1
        draft.save()
        Finding.delete().where(Finding.draft == draft).execute()  # the text changed: found again on submit
    return draft


def run_checks(draft: Draft, text: str | None = None, on: list[str] | None = None) -> list[checks.Hit]:
    """The checks of the draft's text, or (`text`, `on`) of a platform's own text for that platform."""
    return checks.check(draft.text if text is None else text, lexicon.current(), original=draft.original,
                        source=draft.source, topic=draft.topic, column=draft.column, series_title=draft.series_title,
                        series_no=draft.series_no, series_total=draft.series_total,
                        platforms=json.loads(draft.platforms) if on is None else on, info_type=draft.info_type,
                        wording=wordlists.current(), official_hosts=portal_hosts(draft.account_id),
                        more_links=tuple(m.get("url", "") for m in json.loads(draft.media) if m.get("kind") == "link"))


# ---------------------------------------------------------------------- transition
def _submit(move: Move) -> None:
    hits = run_checks(move.row)
    if any(h.severity == "block" for h in hits):  # the lexicon grew since `submit` looked
        raise Conflict("稿件现有必须修改的问题：" + "；".join(h.message for h in hits if h.severity == "block"))
    _variants_clean(move.row)
    _save_findings(move.row.id, hits)
    note = omission_note(move.row)  # the reviewers and the record see what was left out, and why (N7)
    move.comment = "；".join(p for p in (move.comment, note) if p)


def _proofread(move: Move) -> None:
    _still_clean(move.row)


def _settle(move: Move) -> None:
    """A submission waits for proof-reading first where the unit or the city has it on (三审三校)."""
    if move.action == "submit" and proofreading.required(move.row.unit_id):
        move.row.status = S.PROOFREADING.value


def _check(move: Move) -> None:
    draft = move.row
    _separate_duties(draft, move.who, ("write",))
    _still_clean(draft)
    pending = list(draft.findings.where(Finding.severity == "warn", Finding.acknowledged_at.is_null()))
    if pending and not move.data.get("acknowledge"):
        raise Conflict(said("还有 {n} 条提示未确认：{hints}", n=len(pending), hints="；".join(f.message_shown() for f in pending[:5])))
    for f in pending:
        f.acknowledged_by, f.acknowledged_at = move.who.name, move.at
        f.save()


def _approve(move: Move) -> None:
    _separate_duties(move.row, move.who, ("write", "check"))
    _still_clean(move.row)


def _return(move: Move) -> None:
    if not move.comment:
        raise Invalid("comment", "退回时须写明修改意见")


def _fast_tracked(move: Move) -> None:
    move.extra = _fast_track(move.row, move.data)
    move.row.fast_track = True


def _record_publication(move: Move) -> None:
    detail = _publish(move.row, move.data, move.who)
    move.comment = f"{move.comment}（{detail}）" if move.comment else detail
    if _all_published(move.row):
        move.row.status, move.row.released_at = S.RELEASED.value, move.at
        move.event = "publishing.post.released"
        if move.row.corrects_id:
            _mark_corrected(move.row, move.at)


TRANSITIONS = (
    step("submit", {S.DRAFT, S.RETURNED}, S.SUBMITTED, "staff", stamp="submitted_at", effect=_submit),
    step("proofread", {S.PROOFREADING}, S.SUBMITTED, "proofreaders", effect=_proofread),
    step("check", {S.SUBMITTED}, S.CHECKED, "responsible_office", stamp="checked_at", effect=_check),
    step("approve", {S.CHECKED}, S.APPROVED, "leaders", stamp="approved_at", effect=_approve),
    step("return", {S.PROOFREADING, S.SUBMITTED, S.CHECKED}, S.RETURNED, "returners", effect=_return),
    step("fast_track", {S.PROOFREADING, S.SUBMITTED}, S.APPROVED, "staff", stamp="approved_at", effect=_fast_tracked),
    step("record_publication", {S.APPROVED}, None, "staff", effect=_record_publication,
         note="每个平台都登记后：已发布"),
    step("withdraw", {S.DRAFT, S.RETURNED, S.PROOFREADING, S.SUBMITTED}, S.WITHDRAWN, "staff"),
)
ROLES = {"staff": STAFF, "responsible_office": ("responsible_office",), "leaders": ("leader", "principal_leader"),
         "reviewers": REVIEWERS}
ROLE_LABELS = {"operator": "微博操作员", "responsible_office": "责任处室", "leader": "分管领导", "principal_leader": "主要领导"}
GUARDS = {name: (lambda roles: lambda draft, who: who.has(*roles) and runs_draft(draft, who))(roles)
          for name, roles in ROLES.items()}
GUARDS["proofreaders"] = proofreading.may_proofread
GUARDS["returners"] = lambda draft, who: (GUARDS["reviewers"](draft, who) or (
    draft.status == S.PROOFREADING and proofreading.may_proofread(draft, who)))
WHO = {name: "本单位" + "、".join(ROLE_LABELS[r] for r in roles) for name, roles in ROLES.items()}
WHO["proofreaders"] = "本单位微博操作员、责任处室（撰稿人以外）"
WHO["returners"] = WHO["reviewers"] + "（待校对时：校对人）"


def runs_draft(draft: Draft, who: Identity) -> bool:
    """Is the draft's account run by the caller's unit: its own, or as its managing unit (X6)?"""
    return runs_row(Account, draft, who)


def _conflict(draft: Draft, t: Transition) -> str:
    return (said("稿件当前为“{status}”，不能{action}（须为“{sources}”）", status=STATUS_NAMES[draft.status],
                     action=ACTION_NAMES[t.action], sources='、'.join(STATUS_NAMES[s] for s in sorted(t.sources))))


def _record_move(move: Move) -> None:
    draft = move.row
    _record(draft, move.action, move.before.value, move.who, move.comment, **move.extra)
    if move.action in DRAFT_AUDITED:
        _audit(draft, f"draft.{move.action}", move.who, move.before.value, move.comment, move.extra)


def _emit(move: Move) -> None:
    draft = move.row
    if move.action in ("approve", "fast_track"):  # the platforms' adapters, in the worker (autopublish)
        bus.emit("publishing.draft.approved", {
            "draft_id": draft.id, "account_id": draft.account_id, "unit_id": draft.unit_id,
            "unit_path": draft.unit_path, "platforms": json.loads(draft.platforms), "approved_at": iso_utc(move.at)})
    if move.event == "publishing.post.released":
        bus.emit("publishing.post.released", released_event(draft))
        names = platforms()
        _audit(draft, "draft.release", move.who, move.before.value,
               "、".join(names.get(p.platform, p.platform) for p in draft.publications), move.extra)
    if draft.answers_message_id:  # the result of a citizen's message: inquiry shows where it stands
        responses.report(draft)


MACHINE = Machine("draft", Draft, DraftStatus, TRANSITIONS, guards=GUARDS,
                  refused=lambda t: said("“{action}”须由{who}办理", action=ACTION_NAMES[t.action], who=WHO[t.who]), conflict=_conflict,
                  record=_record_move, emit=_emit, who_names=WHO, settle=_settle)


def transition(draft: Draft, action: str, who: Identity, data: dict) -> Draft:
    """Take the step `action` (a row of TRANSITIONS) on the draft for `who`; `submit` for a
    submission (it keeps the findings of a refused one)."""
    return MACHINE.apply(draft, action, who, data)


def _audit(draft: Draft, action: str, who: Identity, from_status: str, note: str, extra: dict) -> None:
    """The audit row of an approval, a return, a release or a withdrawal (docs/audit.md)."""
    parts = [f"{STATUS_NAMES[from_status]} → {STATUS_NAMES[draft.status]}", note]
    if extra:  # the fast track: who approved, how and when
        parts.append((N_("{approver}经电话同意于{at:%Y-%m-%d %H:%M}") if extra['channel'] == 'phone'
                      else N_("{approver}经短信同意于{at:%Y-%m-%d %H:%M}")).format(
                         approver=extra['approver'], at=to_beijing(extra['approved_at'])))
    audit.record(who, action, "draft", draft.id, draft.unit_path, "；".join(p for p in parts if p), draft.text[:40])


def _save_findings(draft_id: int, hits: list[checks.Hit]) -> None:
    Finding.delete().where(Finding.draft == draft_id).execute()
    if hits:
        Finding.insert_many([{"draft": draft_id, **h.__dict__, "message": source(h.message)[:300],
                              "message_said": kept_json(h.message)} for h in hits]).execute()


def submit(draft: Draft, who: Identity, data: dict) -> Draft:
    """Submit for review. The checks run first: blocking findings are saved (the editor sees
    them beside the text) and the submission refused with 422, naming them."""
    hits = run_checks(draft)
    blocking = [h for h in hits if h.severity == "block"]
    if blocking and MACHINE.may(draft, who, MACHINE.transition("submit")) and draft.status in (S.DRAFT, S.RETURNED):
        with db.atomic():
            _save_findings(draft.id, hits)
        raise Invalid("text", [h.message for h in blocking], summary=said("有 {n} 处必须修改后才能提交", n=len(blocking)))
    if (blocks := variant_blocks(draft)) and MACHINE.may(draft, who, MACHINE.transition("submit")):
        raise Invalid({"variants": blocks}, summary="平台专用文字有必须修改的问题")
    return transition(draft, "submit", who, data)


def _separate_duties(draft: Draft, who: Identity, earlier: tuple[str, ...]) -> None:
    """三审: whoever wrote the draft or checked it does not also approve it."""
    done_by = {s.actor_id for s in draft.steps.where(ReviewStep.action.in_(earlier))}
    if who.person_id in done_by:
        raise Refused("稿件须由撰稿、核稿以外的人员审核（三审不能由同一人完成）")


def _still_clean(draft: Draft) -> None:
    """The lexicon may have grown since submission: what blocks now blocks still."""
    hits = run_checks(draft)
    blocking = [h for h in hits if h.severity == "block"]
    if blocking:
        _save_findings(draft.id, hits)
        raise Conflict("稿件现有必须修改的问题：" + "；".join(h.message for h in blocking[:3]))
    _variants_clean(draft)


def variant_blocks(draft: Draft) -> dict[str, list[str]]:
    """The blocking findings of each platform's own text (`variants`), by platform: the same checks
    as the text, with that platform's length limit. Their warnings are not kept as findings."""
    found = {}
    for platform, text in json.loads(draft.variants or "{}").items():
        blocking = [h.message for h in run_checks(draft, text, [platform]) if h.severity == "block"]
        if blocking:
            found[platform] = blocking
    return found


def _variants_clean(draft: Draft) -> None:
    if blocks := variant_blocks(draft):
        names = platforms()
        raise Conflict("平台专用文字有必须修改的问题：" + "；".join(
            f"{names.get(p, p)}：{m[0]}" for p, m in blocks.items()))


def _fast_track(draft: Draft, data: dict) -> dict:
    """N13: approval by phone or text message, for what is neither major nor sensitive."""
    if draft.major:
        raise Conflict("重大事项不能走快速审批，须经核稿、审批")
    hits = run_checks(draft)
    if any(h.check == "lexicon" for h in hits):
        raise Conflict("含敏感或涉密词语的稿件不能走快速审批")
    if any(h.severity == "block" for h in hits):
        raise Conflict("稿件有必须修改的问题")
    _variants_clean(draft)
    errors = {}
    if data.get("channel") not in ("phone", "sms"):
        errors["channel"] = "请注明审批方式：电话（phone）或短信（sms）"
    account = Account.get_by_id(draft.account_id)
    leaders = {m["person_id"]: m["name"] for m in account.team_list if m["role"] == "leader_in_charge"}
    if data.get("approver_id") not in leaders:
        errors["approver_id"] = said("审批人须为本账号的分管领导：{leaders}", leaders='、'.join(leaders.values()) or '（团队中无分管领导）')
    when = data.get("approved_at")
    submitted = draft.submitted_at.replace(second=0, microsecond=0)  # the page's time holds minutes only
    if when is None or not (submitted <= stored(when) <= dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)):
        errors["approved_at"] = "请填写领导同意的时间：在提交审核之后（可与提交在同一分钟），不晚于现在"
    if errors:
        raise Invalid(errors)
    return {"channel": data["channel"], "approver": leaders[data["approver_id"]],
            "approved_at": max(stored(when), draft.submitted_at)}  # the same minute: never recorded before it


def _publish(draft: Draft, data: dict, who: Identity) -> str:
    """The default platform adapter: the operator confirms the post's URL by hand."""
    platform, url = data.get("platform"), (data.get("url") or "").strip()
    errors = {}
    if platform not in json.loads(draft.platforms):
        errors["platform"] = "本稿件未选择在该平台发布"
    elif Publication.select().where(Publication.draft == draft, Publication.platform == platform).exists():
        errors["platform"] = "该平台已登记发布"
    if not url.startswith(("http://", "https://")):
        errors["url"] = "请填写发布后的网址（http:// 或 https:// 开头）"
    if errors:
        raise Invalid(errors)
    if who.client != "system:adapter":
        autopublish.recorded_by_hand(draft.id, platform)
    Publication.create(draft=draft, platform=platform, url=url, recorded_by=who.name)
    return f"{platforms().get(platform, platform)}：{url}"  # the platform's name, as the pages say it


def _all_published(draft: Draft) -> bool:
    return set(json.loads(draft.platforms)) <= {p.platform for p in draft.publications}


def released_event(draft: Draft) -> dict:
    on_time = None if draft.due_at is None else draft.released_at <= draft.due_at
    return {"draft_id": draft.id, "account_id": draft.account_id, "unit_id": draft.unit_id,
            "unit_path": draft.unit_path, "original": draft.original, "info_type": draft.info_type,
            "platforms": json.loads(draft.platforms), "released_at": iso_utc(draft.released_at),
            "fast_track": draft.fast_track, "correction_of": draft.corrects_id,
            "emergency_event_at": iso_utc(draft.event_at), "emergency_on_time": on_time, "text": draft.text,
            "reviews": [{"action": s.action, "actor_name": s.actor_name, "at": iso_utc(s.at), "comment": s.comment,
                         "channel": s.channel, "approver": s.approver}
                        for s in draft.steps.order_by(ReviewStep.id)]}


# -------------------------------------------------------------------------- views
def detail(draft: Draft, who: Identity) -> Draft:
    draft.status_name = STATUS_NAMES[draft.status]
    draft.platform_list = json.loads(draft.platforms)
    names = platforms()
    draft.omitted_list = [{"platform": code, "platform_name": names.get(code, code), "reason": reason}
                          for code, reason in json.loads(draft.omitted or "{}").items()]
    draft.media_list = json.loads(draft.media)
    draft.variant_map = json.loads(draft.variants or "{}")
    draft.finding_rows = list(draft.findings.order_by(Finding.start))
    draft.step_rows = [{**s.__data__, "action_name": ACTION_NAMES.get(s.action, "撰写")}
                       for s in draft.steps.order_by(ReviewStep.id)]
    draft.publication_rows = list(draft.publications.order_by(Publication.platform))
    draft.platform_posts = autopublish.state_of(draft)
    draft.release_frozen = freezes.named([f])[0] if (f := freezes.covering(draft.unit_path)) else None
    draft.actions = MACHINE.available(draft, who)
    draft.runs = runs_row(Account, draft, who)
    draft.correction_rows = [{"id": c.id, "status": c.status, "status_name": STATUS_NAMES[c.status],
                              "released_at": c.released_at}
                             for c in Draft.select(Draft.id, Draft.status, Draft.released_at)
                             .where(Draft.corrects == draft.id).order_by(Draft.id).limit(20)]  # a handful at most
    draft.outgoing = outgoing_text(draft)
    draft.emergency = None
    if draft.due_at:
        end = draft.released_at or dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
        draft.emergency = {"event_at": to_beijing(draft.event_at).isoformat(), "due_at": to_beijing(draft.due_at).isoformat(),
                           "remaining_seconds": int((draft.due_at - end).total_seconds()),
                           "released": draft.released_at is not None,
                           "on_time": None if draft.released_at is None else draft.released_at <= draft.due_at}
    return draft
