"""What the domain says when it cannot do what was asked, in its own words, knowing nothing of
HTTP: the services' domain modules raise these, and `govmb.errors` alone answers them as problem
details (the status each one maps to is named here so that the API documents it in one place).

    raise Invalid("reason", "请写明关闭理由")              # 422, the message beside the field
    raise Invalid({"title": "请填写标题", "due_at": "…"})  # several fields at once
    raise Refused("“审批”须由主要负责人办理")              # 403
    raise Conflict("该转办已答复")                          # 409: the current state does not allow it
    raise NotFound("培训 7 不存在或与本单位无关")            # 404 (also for a row out of sight)
"""
from __future__ import annotations


class DomainError(Exception):
    """A request the domain turns down; `errors` maps a field (or a nested path of fields) to
    its messages."""
    status = 400

    def __init__(self, message: str = "", errors: dict | None = None):
        super().__init__(message or "; ".join(f"{k}: {v}" for k, v in (errors or {}).items()))
        self.message = message
        self.errors = errors


class Invalid(DomainError):
    """Input the rules refuse, named by its field: `Invalid(field, message)`, or a dict of
    field → message (or of field → nested errors, for a list of rows)."""
    status = 422

    def __init__(self, field: str | dict, message: str | None = None, summary: str = ""):
        errors = dict(field) if isinstance(field, dict) else {field: message}
        super().__init__(summary, {k: v if isinstance(v, (list, dict)) else [v] for k, v in errors.items()})


class Unauthenticated(DomainError):
    """Credentials that do not identify anyone (a client system's wrong secret)."""
    status = 401


class Refused(DomainError):
    """The caller may not take this step (their role, their unit)."""
    status = 403


class NotFound(DomainError):
    """No such thing, or not in the caller's sight (the same words for both: nothing leaks)."""
    status = 404


class Conflict(DomainError):
    """A step the current state does not allow (filing before approval, answering twice)."""
    status = 409
