"""工作台 / 待办: what waits for the signed-in person, from the four services' `GET /api/todo`,
ordered by urgency (overdue first, then due within hours, then due today, then the rest), each
group with its count, its most urgent items and a link to its list; and the top bar's badge,
loaded by htmx after the page and polled (X-Poll: not the person's activity). A service that
does not answer leaves its groups out and says so; the page still renders."""
from __future__ import annotations

from flask import Blueprint, render_template, url_for

from web.client import get_each
from web.session import login_required

bp = Blueprint("todo", __name__, url_prefix="/todo")

SERVICES = {"registry": "账号登记", "publishing": "稿件发布", "inquiry": "网民留言", "assessment": "督查考核"}
INFORMATION = {"shifts"}  # shown, not counted in the badge: nothing to do but know it

# kind: (the list it opens, its arguments; the endpoint of one item's page, or None: the list)
LINKS = {
    "applications": ("accounts.index", {"status": "applied"}, "accounts.detail"),
    "filings": ("filings.index", {}, "accounts.detail"),
    "closings": ("accounts.index", {"status": "closing_requested"}, "accounts.detail"),
    "applications_returned": ("accounts.index", {"status": "returned"}, "accounts.detail"),
    "changes": ("accounts.index", {"change": "applied"}, "accounts.detail"),
    "change_filings": ("filings.index", {"change": "filing"}, "accounts.detail"),
    "passwords_due": ("accounts.index", {"password": "due", "status": "active"}, "account_work.security"),
    "follows_unexplained": ("accounts.index", {"follows": "unexplained"}, "follows.account"),
    "emergencies": ("drafts.index", {"info_type": "emergency"}, "drafts.detail"),
    "directives": ("directives.index", {}, None),
    "emergency_first": ("emergencies.index", {"status": "open"}, "emergencies.detail"),
    "emergency_followup": ("emergencies.index", {"status": "open"}, "emergencies.detail"),
    "drafts_to_proofread": ("drafts.index", {"status": "proofreading"}, "drafts.detail"),
    "drafts_to_check": ("drafts.index", {"status": "submitted"}, "drafts.detail"),
    "drafts_to_approve": ("drafts.index", {"status": "checked"}, "drafts.detail"),
    "drafts_returned": ("drafts.index", {"status": "returned"}, "drafts.detail"),
    "messages": ("inbox.index", {"sort": "due"}, "inbox.detail"),
    "replies_check": ("inbox.index", {"review_waiting": "true", "sort": "due"}, "inbox.detail"),  # held replies (N6)
    "replies_approve": ("inbox.index", {"review_waiting": "true", "sort": "due"}, "inbox.detail"),
    "verifying": ("inbox.index", {"status": "verifying", "sort": "due"}, "inbox.detail"),
    "intake": ("inbox.index", {"status": "received", "sort": "due"}, "inbox.detail"),
    "messages_overdue": ("inbox.index", {"overdue": "true", "sort": "due"}, "inbox.detail"),
    "transfers": ("inbox.transfers", {"status": "pending"}, "inbox.detail"),
    "transfers_returned": ("inbox.transfers", {"status": "returned"}, "inbox.detail"),
    "notices": ("inbox.notices", {"status": "issued"}, "inbox.notice"),
    "fixes": ("inspections.index", {}, "inspections.detail"),
    "fixes_to_review": ("inspections.index", {"status": "reported"}, "inspections.detail"),
    "fixes_overdue": ("inspections.index", {"overdue": "true"}, "inspections.detail"),
    "shifts": ("roster.index", {}, None),
    "dormancy_orders": ("dormant.orders", {}, "dormant.detail"),
    "dormancy_answers": ("dormant.orders", {"status": "answered"}, "dormant.detail"),
    "dormancy_due": ("dormant.orders", {"past_deadline": "true"}, "dormant.detail"),
    "narrative_report": ("narratives.index", {}, None),
    "posts_to_read": ("drafts.index", {}, None),
}


def urgency(group: dict) -> tuple:
    """Overdue first, then due within hours, then due today, then the rest; earliest deadline first."""
    rank = 0 if group["overdue"] else 1 if group["due_soon"] else 2 if group["due_today"] else 3
    return rank, group.get("earliest_due") or "9999", -group["count"]


def _linked(group: dict) -> dict:
    endpoint, args, item = LINKS.get(group["kind"], (None, {}, None))
    group["url"] = url_for(endpoint, **args) if endpoint else None
    for i in group["items"]:
        i["url"] = url_for(item, **{_ID[item]: i["id"]}) if item else group["url"]
    return group


_ID = {"accounts.detail": "account_id", "account_work.security": "account_id", "drafts.detail": "draft_id",
       "inbox.detail": "message_id", "inbox.notice": "notice_id", "inspections.detail": "inspection_id",
       "dormant.detail": "order_id", "follows.account": "account_id",
       "emergencies.detail": "emergency_id"}


def gathered(items: bool = True) -> tuple[list[dict], list[str]]:
    """Every service's groups with something waiting, most urgent first; the services that did not
    answer. Without `items`, the counts alone (the badge)."""
    answers = get_each(*((name, "/api/todo", {} if items else {"items": "false"}) for name in SERVICES))
    groups, missing = [], []
    for name, r in zip(SERVICES, answers):
        if r is None or r.status_code != 200:
            missing.append(SERVICES[name])
            continue
        groups += [_linked({**g, "service": name}) for g in r.json() if g["count"]]
    return sorted(groups, key=urgency), missing


def total(groups: list[dict]) -> int:
    return sum(g["count"] for g in groups if g["kind"] not in INFORMATION)


@bp.get("")
@login_required()
def index():
    groups, missing = gathered()
    return render_template("todo/index.html", groups=groups, missing=missing, total=total(groups),
                           overdue=sum(g["overdue"] for g in groups))


@bp.get("/badge")
@login_required()
def badge():
    """The top bar's count (htmx polls it every minute with X-Poll): counts only, no items."""
    groups, missing = gathered(items=False)
    return render_template("_todo_badge.html", polled=True, total=total(groups),
                           overdue=sum(g["overdue"] for g in groups if g["kind"] not in INFORMATION),
                           missing=missing)
