"""X22 (新疆 第二十二条): each account's follow list and whether each follow is related to its work.

A follow is recorded one by one or imported (CSV/XLSX; a row of the same platform and handle
updates the one there, never doubles it). The registry judges each: 政务账号 when it is a platform
of a running (active) account in the registry, by handle or address; 主流媒体 or 行业专家 when it is
in the joint-meeting office's register (FollowRegisterEntry); else 与工作无关, and the unit gives
a reason (kept) or removes it. `Account.unexplained_follows` counts the unrelated follows without
a reason, kept up to date by each change here (never by scanning): the city's list reads it.

A register entry added, changed or removed judges again the follows of its platform and handle
(an indexed lookup); an account's staff can ask for its whole list to be judged again (after an
account of the city went live or closed)."""
from __future__ import annotations

import re

import peewee
from marshmallow import EXCLUDE, Schema, fields, pre_load, validate

from govmb import tables
from govmb.domain import Conflict, Invalid, Refused
from govmb.identity import Identity
from govmb.messages import N_, said
from govmb.platforms import platforms
from services.registry.accounts import works_on
from services.registry.models import Account, AccountPlatform, FollowedAccount, FollowRegisterEntry, audit, db, now

KINDS = {"government": N_("政务账号"), "media": N_("主流媒体"), "expert": N_("行业专家"),
         "unrelated": N_("与工作无关")}
REGISTER_KINDS = ("media", "expert")
HEADERS = {"平台": "platform", "账号": "handle", "账号名": "handle", "用户名": "handle", "名称": "name", "昵称": "name",
           "网址": "url", "主页": "url", "链接": "url"}
URL = re.compile(r"^https?://[^\s/]+\S*$", re.IGNORECASE)
BATCH = 500


def normal_handle(text: str) -> str:
    """A handle as it is kept and compared: no spaces around, no leading @, lower case."""
    return (text or "").strip().lstrip("@＠").strip().lower()


def url_variants(url: str) -> list[str]:
    """The ways an address is written that point at the same page (scheme, www., final slash)."""
    url = (url or "").strip()
    if not url:
        return []
    bare = re.sub(r"^https?://(www\.)?", "", url, flags=re.IGNORECASE).rstrip("/")
    return [f"{scheme}{www}{bare}{slash}" for scheme in ("http://", "https://") for www in ("", "www.")
            for slash in ("", "/")]


def platform_code(text) -> str:
    """A platform given by its code or its name (新浪微博 → sina)."""
    text = str(text or "").strip()
    names = {name: code for code, name in platforms().items()}
    return names.get(text, text.lower())


# ----------------------------------------------------------------------------- the check
def judge(platform: str, handle: str, url: str = "") -> tuple[str, str]:
    """(kind, what it matched) of a followed account: a running account of the registry, an entry
    of the office's register, or nothing (unrelated)."""
    own = (AccountPlatform.select(AccountPlatform, Account).join(Account)
           .where(AccountPlatform.platform == platform, Account.status == "active",
                  AccountPlatform.deregistered_at.is_null()))
    matches = [peewee.fn.LOWER(AccountPlatform.handle) == handle]  # each by its own index (migration 0016)
    if variants := url_variants(url):
        matches.append(AccountPlatform.url.in_(variants))
    for match in matches:
        if found := own.where(match).order_by(AccountPlatform.id).first():
            return "government", found.account.name
    entry = FollowRegisterEntry.get_or_none(FollowRegisterEntry.platform == platform,
                                            FollowRegisterEntry.handle == handle)
    if entry is not None:
        return entry.kind, entry.name
    return "unrelated", ""


def unexplained(follow: FollowedAccount) -> bool:
    return follow.kind == "unrelated" and not follow.reason


def _count(account_id: int, delta: int) -> None:
    if delta:
        Account.update(unexplained_follows=Account.unexplained_follows + delta).where(Account.id == account_id).execute()


def _guarded(follow: FollowedAccount, **changes) -> bool:
    """Write `changes` to the follow only if it is still as it was read (its kind and reason), and
    move its account's count by the difference: two requests changing one follow at once (a
    register edit and a reason) each count only what they changed, never twice."""
    was = unexplained(follow)
    written = (FollowedAccount.update(**changes, updated_at=now())
               .where(FollowedAccount.id == follow.id, FollowedAccount.kind == follow.kind,
                      FollowedAccount.reason == follow.reason).execute())
    if written != 1:
        return False
    for name, value in changes.items():
        setattr(follow, name, value)
    _count(follow.account_id, unexplained(follow) - was)
    return True


def _rejudge(follow: FollowedAccount) -> bool:
    """Judge a follow again, its account's count kept; whether its kind changed."""
    kind, matched = judge(follow.platform, follow.handle, follow.url)
    if (kind, matched) == (follow.kind, follow.matched):
        return False
    return _guarded(follow, kind=kind, matched=matched)


def recheck(account: Account, who: Identity) -> int:
    """Judge the account's whole list again (in batches); how many follows changed kind."""
    _may_work(account, who)
    changed, last = 0, 0
    while True:
        with db.atomic():
            batch = list(FollowedAccount.select().where(FollowedAccount.account == account, FollowedAccount.id > last)
                         .order_by(FollowedAccount.id).limit(BATCH))
            changed += sum(_rejudge(f) for f in batch)
        if len(batch) < BATCH:
            return changed
        last = batch[-1].id


def _rejudge_handle(platform: str, handle: str) -> None:
    """After a register entry changed: the follows of that platform and handle, judged again."""
    last = 0
    while batch := list(FollowedAccount.select().where(FollowedAccount.platform == platform,
                                                       FollowedAccount.handle == handle, FollowedAccount.id > last)
                        .order_by(FollowedAccount.id).limit(BATCH)):
        for follow in batch:
            _rejudge(follow)
        last = batch[-1].id


# ------------------------------------------------------------------------- the follow list
def _may_work(account: Account, who: Identity) -> None:
    if not works_on(account, who):
        raise Refused("关注名单由运行该账号的单位（主管单位或管理部门）的工作人员登记")


def _codes(account: Account) -> list[str]:
    """The platforms the account is open on (read once for a whole import)."""
    return [p.platform for p in AccountPlatform.select(AccountPlatform.platform).where(AccountPlatform.account == account)]


def _problems(codes: list[str], data: dict) -> dict[str, str]:
    errors = {}
    if data["platform"] not in codes:
        errors["platform"] = said("须为该账号开设的平台：{names}",
                                  names="、".join(platforms().get(c, c) for c in codes) or "（无）")
    if not data["handle"]:
        errors["handle"] = "请填写所关注账号的账号名"
    if data.get("url") and not URL.match(data["url"]):
        errors["url"] = "网址须以 http:// 或 https:// 开头"
    return errors


def _audit(account: Account, who: Identity, action: str, detail: str) -> None:
    audit.record(who, action, "account", account.id, account.unit.path, detail, account.name)


def _describe(follow: FollowedAccount) -> str:
    return N_("{platform} {handle}（{kind}）").format(
        platform=platforms().get(follow.platform, follow.platform), handle=follow.handle, kind=KINDS[follow.kind])


def _put(account: Account, who: Identity, data: dict) -> tuple[FollowedAccount, bool]:
    """Add the follow, or update the one of the same platform and handle (its name and address,
    judged again; its reason kept); (the follow, added?). Inside the caller's transaction."""
    follow = FollowedAccount.get_or_none(FollowedAccount.account == account, FollowedAccount.platform == data["platform"],
                                         FollowedAccount.handle == data["handle"])
    if follow is not None:  # its name and address only: a reason given meanwhile is not overwritten
        follow.name, follow.url = data.get("name") or follow.name, data.get("url") or follow.url
        FollowedAccount.update(name=follow.name, url=follow.url).where(FollowedAccount.id == follow.id).execute()
        _rejudge(follow)
        return follow, False
    kind, matched = judge(data["platform"], data["handle"], data.get("url", ""))
    follow = FollowedAccount.create(account=account, platform=data["platform"], handle=data["handle"],
                                    name=data.get("name", ""), url=data.get("url", ""), kind=kind, matched=matched,
                                    created_by=who.name)
    _count(account.id, unexplained(follow))
    return follow, True


def record(account: Account, who: Identity, data: dict) -> FollowedAccount:
    """Record one follow; one already on the list (same platform and handle) is refused on `handle`."""
    _may_work(account, who)
    data = {**data, "platform": platform_code(data["platform"]), "handle": normal_handle(data["handle"]),
            "url": (data.get("url") or "").strip(), "name": (data.get("name") or "").strip()}
    if errors := _problems(_codes(account), data):
        raise Invalid(errors)
    with db.atomic():
        if FollowedAccount.get_or_none(FollowedAccount.account == account, FollowedAccount.platform == data["platform"],
                                       FollowedAccount.handle == data["handle"]):
            raise Invalid("handle", "该账号已在关注名单中")
        try:
            with db.atomic():
                follow, _ = _put(account, who, data)
        except peewee.IntegrityError:  # the same follow recorded at the same moment by someone else
            raise Invalid("handle", "该账号已在关注名单中") from None
        _audit(account, who, "follow.record", _describe(follow))
    return follow


def give_reason(account: Account, follow: FollowedAccount, who: Identity, reason: str) -> FollowedAccount:
    """The unit's reason for keeping an unrelated follow (kept, with who gave it and when)."""
    _may_work(account, who)
    reason = (reason or "").strip()
    if follow.kind != "unrelated":
        raise Conflict(said("该关注已判定为{kind}，无需说明理由", kind=KINDS[follow.kind]))
    if len(reason) < 4:
        raise Invalid("reason", "请写明关注的理由（至少 4 个字）")
    with db.atomic():
        if not _guarded(follow, reason=reason, reason_by=who.name, reason_at=now()):
            raise Conflict("该关注刚被他人改动，请刷新后再说明")
        _audit(account, who, "follow.reason", N_("{follow}；理由：{reason}").format(follow=_describe(follow), reason=reason))
    return follow


def remove(account: Account, follow: FollowedAccount, who: Identity) -> None:
    _may_work(account, who)
    with db.atomic():
        deleted = (FollowedAccount.delete().where(FollowedAccount.id == follow.id, FollowedAccount.kind == follow.kind,
                                                  FollowedAccount.reason == follow.reason).execute())
        if deleted != 1:  # changed or removed since it was read: its count is not ours to move
            raise Conflict("该关注刚被他人改动或已移除，请刷新后再试")
        _count(account.id, -unexplained(follow))
        _audit(account, who, "follow.remove", _describe(follow))


def listed(account: Account, kind: str | None = None, unexplained_only: bool = False) -> peewee.ModelSelect:
    """The account's follows, newest first (of one kind, or the unexplained ones alone); a query to page."""
    query = FollowedAccount.select().where(FollowedAccount.account == account)
    if kind:
        query = query.where(FollowedAccount.kind == kind)
    if unexplained_only:
        query = query.where(FollowedAccount.kind == "unrelated", FollowedAccount.reason == "")
    return query.order_by(FollowedAccount.id.desc())


def shown(follow: FollowedAccount) -> FollowedAccount:
    follow.platform_name = platforms().get(follow.platform, follow.platform)
    follow.kind_name = KINDS[follow.kind] + ("" if follow.kind != "unrelated" else
                                             N_("（已说明）") if follow.reason else N_("（待说明）"))
    follow.unexplained = unexplained(follow)
    return follow


def export_rows(account: Account):
    """The list as rows of a table (平台, 账号, 名称, 网址, 判定, 理由), read in batches."""
    last = 0
    while batch := list(FollowedAccount.select().where(FollowedAccount.account == account, FollowedAccount.id > last)
                        .order_by(FollowedAccount.id).limit(BATCH)):
        for f in batch:
            yield [platforms().get(f.platform, f.platform), f.handle, f.name, f.url, shown(f).kind_name, f.reason]
        last = batch[-1].id


EXPORT_HEADER = ("平台", "账号", "名称", "网址", "判定", "理由")


# ------------------------------------------------------------------------------- the import
class RowSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    platform = fields.String(required=True, validate=validate.Length(min=1, max=20))
    handle = fields.String(required=True, validate=validate.Length(min=1, max=100))
    name = fields.String(load_default="", validate=validate.Length(max=100))
    url = fields.String(load_default="", validate=validate.Length(max=500))

    @pre_load
    def _tidy(self, row, **_):
        row = {k: (str(int(v)) if isinstance(v, float) and v.is_integer() else str(v)).strip()
               for k, v in row.items() if v not in (None, "")}
        if "platform" in row:
            row["platform"] = platform_code(row["platform"])
        if "handle" in row:
            row["handle"] = normal_handle(row["handle"])
        return {k: v for k, v in row.items() if v != ""}


def import_file(account: Account, who: Identity, filename: str, data: bytes) -> dict:
    """Good rows added or updated, bad ones reported by their row number; an unreadable file is
    refused whole and changes nothing."""
    _may_work(account, who)
    try:
        records = tables.read_records(filename, data, HEADERS, required=("platform", "handle"))
    except tables.TableError as exc:
        raise Invalid("file", str(exc)) from exc
    errors, good, codes = [], [], _codes(account)
    for number, row in tables.loaded(records, RowSchema(), errors):
        if problems := _problems(codes, row):
            errors.append({"row": number, "errors": problems})
            continue
        good.append(row)
    added = updated = 0
    with db.atomic():
        for row in good:
            try:
                with db.atomic():
                    _, new = _put(account, who, row)
            except peewee.IntegrityError:  # added by someone else meanwhile: update it
                _, new = _put(account, who, row)
            added, updated = added + new, updated + (not new)
        _audit(account, who, "follow.import", N_("新增 {added} 个，更新 {updated} 个，错误 {errors} 行").format(
            added=added, updated=updated, errors=len(errors)))
    return {"added": added, "updated": updated, "errors": errors}


# ------------------------------------------------------------------------------ the register
def _office(who: Identity) -> None:
    if not who.has("joint_office"):
        raise Refused("媒体与专家名录由联席会议办公室维护")


def write_entry(who: Identity, data: dict, entry: FollowRegisterEntry | None = None) -> FollowRegisterEntry:
    """Add an entry to the register, or change one; the follows it (used to) match judged again."""
    _office(who)
    platform, handle = platform_code(data["platform"]), normal_handle(data["handle"])
    errors = {}
    if platform not in platforms():
        errors["platform"] = said("请从已批准的平台中选择：{platforms}", platforms="、".join(platforms().values()))
    if not handle:
        errors["handle"] = "请填写账号名"
    if data.get("url") and not URL.match(data["url"].strip()):
        errors["url"] = "网址须以 http:// 或 https:// 开头"
    taken = FollowRegisterEntry.get_or_none(FollowRegisterEntry.platform == platform, FollowRegisterEntry.handle == handle)
    if taken is not None and (entry is None or taken.id != entry.id):
        errors["handle"] = said("名录中已有该平台的这个账号：{name}", name=taken.name)
    if errors:
        raise Invalid(errors)
    with db.atomic():
        before = (entry.platform, entry.handle) if entry else None
        values = {"platform": platform, "handle": handle, "name": data["name"].strip(), "kind": data["kind"],
                  "url": (data.get("url") or "").strip(), "note": (data.get("note") or "").strip(),
                  "updated_by": who.name, "updated_at": now()}
        if entry is None:
            entry = FollowRegisterEntry.create(**values)
        else:
            FollowRegisterEntry.update(**values).where(FollowRegisterEntry.id == entry.id).execute()
            entry = FollowRegisterEntry.get_by_id(entry.id)
        for p, h in {before, (platform, handle)} - {None}:
            _rejudge_handle(p, h)
        _audit_entry(who, "follow_register.write", entry)
    return entry


def delete_entry(who: Identity, entry: FollowRegisterEntry) -> None:
    _office(who)
    with db.atomic():
        entry.delete_instance()
        _rejudge_handle(entry.platform, entry.handle)
        _audit_entry(who, "follow_register.delete", entry)


def _audit_entry(who: Identity, action: str, entry: FollowRegisterEntry) -> None:
    audit.record(who, action, "follow_register_entry", entry.id, "/", N_("{platform} {handle}（{kind}）").format(
        platform=platforms().get(entry.platform, entry.platform), handle=entry.handle, kind=KINDS[entry.kind]),
        entry.name)


def shown_entry(entry: FollowRegisterEntry) -> FollowRegisterEntry:
    entry.platform_name = platforms().get(entry.platform, entry.platform)
    entry.kind_name = KINDS[entry.kind]
    return entry
