"""The office's lists (lexicon, corrections, leaders) copied to the services that check texts
leaving them (issue 16): each entry's revision (its list's version when it was written), and an
event for every entry already there (the corrections seeded by 0013, what the office wrote), in
the outbox in this migration's transaction, so that a copy starts full."""
import json
import uuid

from peewee import IntegerField

from govmb.contracts import contract, validate_outgoing
from govmb.timefmt import utcnow

LISTS = (  # table, its version's table, the event, the columns it carries
    ("lexicon_entry", "lexicon_version", "publishing.lexicon.changed", ("word", "category", "severity")),
    ("correction", "wording_version", "publishing.correction.changed", ("wrong", "right", "kind")),
    ("leader", "wording_version", "publishing.leader.changed", ("name", "title", "rank", "active")),
)


def up(migrator, db):
    migrator.migrate(*(migrator.add_column(table, "revision", IntegerField(default=0)) for table, *_ in LISTS),
                     *(migrator.add_index(table, ("revision",), False) for table, *_ in LISTS))
    with db.atomic():
        for table, versions, event_type, columns in LISTS:
            row = db.execute_sql(f'SELECT "version" FROM "{versions}" WHERE "id" = 1').fetchone()
            revision = max(row[0] if row else 0, 1)
            db.execute_sql(f'UPDATE "{table}" SET "revision" = {db.param}', (revision,))
            picked = ", ".join(f'"{c}"' for c in ("id", *columns))
            for values in db.execute_sql(f'SELECT {picked} FROM "{table}" ORDER BY "id"').fetchall():
                payload = {**dict(zip(("id", *columns), values)), "deleted": False, "revision": revision}
                _emit(db, event_type, {k: bool(v) if k == "active" else v for k, v in payload.items()})


def _emit(db, event_type: str, payload: dict) -> None:
    body = json.dumps(validate_outgoing(event_type, payload), ensure_ascii=False, separators=(",", ":"))
    db.execute_sql('INSERT INTO "outbox" ("message_id", "event_type", "version", "body", "created_at") '
                   f"VALUES ({', '.join([db.param] * 5)})",
                   (str(uuid.uuid4()), event_type, contract(event_type).version, body, utcnow()))
