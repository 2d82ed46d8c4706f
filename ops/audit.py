"""The audit trail's keeping (docs/audit.md, docs/operations.md "The audit trail: verify and purge"):
`python -m ops.cli audit-verify [SERVICE|all]` walks each service's hash chain and names the
first broken link (exit 1), and `python -m ops.cli audit-purge [SERVICE|all]` removes the rows
older than AUDIT_RETENTION_DAYS from the start of each chain, as the database's owner
(`<SERVICE>_MIGRATION_DATABASE_URL` on PostgreSQL: the services' own roles may not delete a row)."""
from __future__ import annotations

import sys

from govmb import config
from govmb.auditpurge import Purged, PurgeRefused, purge
from govmb.auditverify import Report, verify
from govmb.config import SERVICES, Settings
from govmb.db import open_database
from govmb.dbroles import close


def add_parsers(sub) -> None:
    v = sub.add_parser("audit-verify", help="walk each service's audit hash chain; exit 1 at the first broken link")
    v.add_argument("service", nargs="?", default="all", choices=(*SERVICES, "all"))
    p = sub.add_parser("audit-purge", help="remove audit rows older than AUDIT_RETENTION_DAYS (at least 180) from "
                                           "the start of each chain, as the database owner")
    p.add_argument("service", nargs="?", default="all", choices=(*SERVICES, "all"))


def verify_service(service: str) -> Report:
    """The service's chain, read with its own database URL (reading is all it needs)."""
    settings = Settings.from_env(service)
    db = open_database(settings.database_url, max_connections=1)
    try:
        return verify(db, settings.audit_keys, service)
    finally:
        close(db)


def purge_service(service: str, days: int | None = None) -> Purged:
    """The service's oldest rows removed, as the owner of its database."""
    settings = Settings.from_env(service)
    url = settings.migration_database_url or settings.database_url
    if url.startswith("postgres") and not settings.migration_database_url:
        raise PurgeRefused(f"{service}: 清理审计日志须以数据库所有者连接：请设置 {service.upper()}_MIGRATION_DATABASE_URL")
    db = open_database(url, max_connections=1)
    try:
        return purge(db, settings.audit_keys, days or config.options().audit_retention_days, service)
    finally:
        close(db)


def verify_command(args) -> int:
    broken = False
    for name in SERVICES if args.service == "all" else (args.service,):
        report = verify_service(name)
        print(report.text(), file=sys.stdout if report.whole else sys.stderr)
        broken = broken or not report.whole
    return 1 if broken else 0


def purge_command(args) -> int:
    days = config.load().audit_retention_days
    for name in SERVICES if args.service == "all" else (args.service,):
        try:
            done = purge_service(name, days)
        except PurgeRefused as exc:
            print(exc, file=sys.stderr)
            return 1
        print(f"{name}: 已清理 {done.removed} 行（{done.older_than:%Y-%m-%d %H:%M} UTC 之前写入，保留 {days} 天），"
              f"链从 #{done.through_id} 之后继续" if done.removed else f"{name}: 没有超过 {days} 天的记录可清理")
    return 0
