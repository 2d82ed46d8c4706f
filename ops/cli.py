"""Operator commands: `python -m ops.cli migrate all`, `python -m ops.cli replay registry publishing
inquiry` (rebuild a consumer, see ops.replay), `python -m ops.cli token ...`,
`python -m ops.cli backup all --to DIR` and `python -m ops.cli restore registry --from FILE`
(ops.backup, docs/operations.md), `python -m ops.cli dead-letters [--redrive SERVICE]`
(govmb.bus.deadletters), `python -m ops.cli create-admin --unit 南昌市` (the first administrator),
`python -m ops.cli keys DIR [--rotate | --retire]` (the token keys, ops.keys),
`python -m ops.cli db-roles all` (each service's database owner and application role, ops.dbroles);
`python -m ops.cli data-key FILE [--rotate | --retire]` and `python -m ops.cli reseal` (the keys of
personal data and backups, ops.datakeys); `python -m ops.cli audit-verify [SERVICE|all]` and
`python -m ops.cli audit-purge [SERVICE|all]` (the audit trail's hash chain and retention, ops.audit)."""
from __future__ import annotations

import argparse
import getpass
import importlib
import os
import sys
from pathlib import Path

from govmb.bus import deadletters
from govmb.bus.topology import build_topology
from govmb.config import SERVICES, Settings
from govmb.contracts import SUBSCRIPTIONS
from govmb.dbroles import MigrationRefused, migrate_service
from govmb.domain import DomainError
from govmb.service import ServiceSpec, create_service_app, ensure_database
from ops import audit, backup, datakeys, dbroles, keys
from ops.replay import replay


def spec_of(name: str) -> ServiceSpec:
    return importlib.import_module(f"services.{name}.app").SPEC


def parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m ops.cli")
    sub = parser.add_subparsers(dest="command", required=True)
    m = sub.add_parser("migrate", help="apply pending migrations")
    m.add_argument("service", choices=(*SERVICES, "all"))
    r = sub.add_parser("replay", help="re-send a producer's state as events, to rebuild a consumer's database")
    r.add_argument("service", nargs="+", choices=("registry", "publishing", "inquiry"))
    t = sub.add_parser("token", help="a token of a new sign-in session of a person, for trying the APIs "
                                     "(embedded mode only)")
    t.add_argument("--username", required=True, help="an active person of the registry, e.g. lianxi")
    b = sub.add_parser("backup", help="write a backup file of each service's database into DIR")
    b.add_argument("service", choices=(*SERVICES, "all"))
    b.add_argument("--to", required=True, type=Path, metavar="DIR")
    s = sub.add_parser("restore", help="load a backup file into a service's (empty) database")
    s.add_argument("service", choices=SERVICES)
    s.add_argument("--from", dest="source", required=True, type=Path, metavar="FILE")
    s.add_argument("--replace", action="store_true", help="drop what the database holds, in the same transaction")
    d = sub.add_parser("dead-letters", help="each service's dead-letter queue: depth, messages, errors; re-drive")
    d.add_argument("--service", choices=SERVICES, action="append", help="only these (default: every consumer)")
    d.add_argument("--show", type=int, default=20, help="how many messages of each queue to show")
    d.add_argument("--json", action="store_true", help="one JSON object per service")
    d.add_argument("--redrive", choices=SERVICES, help="move this service's dead letters back to its queue")
    d.add_argument("--id", action="append", dest="ids", metavar="MESSAGE_ID", help="only these messages")
    a = sub.add_parser("create-admin", help="the top unit and its system administrator, in an empty registry; then "
                                            "(--role) the first security and audit administrators (password: "
                                            "ADMIN_PASSWORD or the prompt)")
    a.add_argument("--role", choices=("admin", "security_admin", "audit_admin"), default="admin")
    a.add_argument("--unit", help="the top unit's name, e.g. 南昌市 (with --role admin only)")
    a.add_argument("--kind", default="region", help="the top unit's kind (region, prefecture, ...)")
    a.add_argument("--name", help="the administrator's name (default: the role's title)")
    a.add_argument("--username", help="default: admin, anquan or shenji")
    p = sub.add_parser("reset-password", help="reset a password the system administrator may not (the three "
                                              "administrators; password: ADMIN_PASSWORD or the prompt)")
    p.add_argument("--username", required=True)
    p.add_argument("--second-factor", action="store_true", help="and remove the person's second factor (a lost phone)")
    keys.add_parser(sub)
    dbroles.add_parser(sub)
    datakeys.add_parsers(sub)
    audit.add_parsers(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    command = {"backup": backup.command, "restore": backup.command, "dead-letters": dead_letters,
               "create-admin": create_admin, "reset-password": reset_password, "migrate": migrate_command,
               "replay": replay_command, "token": token_command, "keys": keys.command,
               "db-roles": dbroles.command, "data-key": datakeys.key_command,
               "reseal": datakeys.reseal_command, "audit-verify": audit.verify_command,
               "audit-purge": audit.purge_command}[args.command]
    return command(args)


def migrate_command(args) -> int:
    for name in SERVICES if args.service == "all" else (args.service,):
        try:
            print(name, migrate_service(spec_of(name), Settings.from_env(name)) or "up to date")
        except MigrationRefused as exc:
            print(exc, file=sys.stderr)
            return 2
    return 0


def replay_command(args) -> int:
    for name in args.service:
        spec, settings = spec_of(name), Settings.from_env(name)
        ensure_database(spec, settings)
        with spec.db.connection_context():
            print(name, replay(spec), "events written to the outbox")
    return 0


def token_command(args) -> int:
    settings = Settings.from_env("registry")
    if settings.production:
        print("tokens are issued by sign-in in production mode", file=sys.stderr)
        return 2
    from services.registry import sessions
    from services.registry.models import Person
    spec = spec_of("registry")
    ensure_database(spec, settings)
    with spec.db.connection_context():
        person = Person.get_or_none(Person.username == args.username, Person.active == True)  # noqa: E712
        if person is None:
            print(f"no active person {args.username!r} in the registry", file=sys.stderr)
            return 2
        session, _refresh = sessions.open_session(person, settings, user_agent="ops.cli token")
        print(sessions.token_of(person, session, settings))
    return 0


def create_admin(args) -> int:
    from services.registry.bootstrap import TITLES, first_admin, first_of
    if (args.role == "admin") != bool(args.unit):
        print("--unit 须且只须与 --role admin（首位系统管理员）一起给出", file=sys.stderr)
        return 2
    title = TITLES[args.role]
    name = args.name or title
    username = args.username or {"admin": "admin", "security_admin": "anquan", "audit_admin": "shenji"}[args.role]
    spec, settings = spec_of("registry"), Settings.from_env("registry")
    migrate_service(spec, settings)
    password = _typed_password("管理员密码：")
    if password is None:
        return 2
    app = create_service_app(spec, settings)
    with app.test_request_context(), spec.db.connection_context():
        try:
            person = (first_admin(args.unit, args.kind, name, username, password, settings.production)
                      if args.role == "admin" else first_of(args.role, name, username, password, settings.production))
        except DomainError as exc:
            errors = exc.errors or {}
            said = exc.message or "请检查以下各项"
            print(said, *(f"{k}: {v[0]}" for k, v in errors.items()), sep="\n", file=sys.stderr)
            return 2
    print(f"已创建{title} {person.name}（用户名 {person.username}，单位 {person.unit.name}）")
    return 0


def _typed_password(prompt: str) -> str | None:
    """ADMIN_PASSWORD, else typed twice at the prompt (never on the command line); None if the two differ."""
    password = os.environ.get("ADMIN_PASSWORD")
    if not password:
        password = getpass.getpass(prompt)
        if password != getpass.getpass("再输入一次："):
            print("两次输入的密码不一致", file=sys.stderr)
            return None
    return password


def reset_password(args) -> int:
    """The operator resets a password the system administrator may not (三员分立: one of the three
    administrators; one whose roles need a second factor not yet enrolled), and with
    `--second-factor` the person's second factor too; the holder changes the password at the next
    sign-in, and the trail records it (by the system)."""
    from services.registry import passwords, second_factor
    from services.registry.models import Person
    spec, settings = spec_of("registry"), Settings.from_env("registry")
    migrate_service(spec, settings)
    password = _typed_password(f"{args.username} 的临时密码：")
    if password is None:
        return 2
    app = create_service_app(spec, settings)
    with app.test_request_context(), spec.db.connection_context():
        person = Person.get_or_none(Person.username == args.username)
        if person is None:
            print(f"没有用户名为 {args.username} 的人员", file=sys.stderr)
            return 2
        try:
            passwords.reset(person, password, None, settings)
            if args.second_factor and second_factor.enrolled(person):
                second_factor.reset(person, None, settings)
        except DomainError as exc:
            print(exc.message or "; ".join(f"{k}: {v[0]}" for k, v in (exc.errors or {}).items()), file=sys.stderr)
            return 2
    print(f"已重置 {person.name}（{person.username}）的密码" + ("和两步验证" if args.second_factor else "")
          + "：其所有登录已结束，下次登录时须修改密码")
    return 0


def dead_letters(args) -> int:
    settings = Settings.from_env("registry")
    if not settings.amqp_url:
        print("dead-letter queues live on RabbitMQ: set AMQP_URL (the embedded mode keeps its bus in process)",
              file=sys.stderr)
        return 2
    topology = build_topology(settings.bus_namespace, settings.delivery_limit)
    with deadletters.DeadLetters(settings.amqp_url, topology) as dl:
        if args.redrive:
            moved = dl.redrive(args.redrive, set(args.ids) if args.ids else None)
            print(f"{args.redrive}: {moved} 条死信已重新投递到 {topology.queue_name(args.redrive)}")
            return 0
        for name in args.service or [s for s in SERVICES if SUBSCRIPTIONS.get(s)]:
            report = dl.report(name, args.show)
            spec = spec_of(name)
            ensure_database(spec, Settings.from_env(name))
            with spec.db.connection_context():
                deadletters.with_errors(report, spec.store.BusFailure)
            print(deadletters.as_json(report) if args.json else deadletters.render(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
