"""Search that works for Chinese: a substring match (no word boundaries to split on), made
fast on PostgreSQL by a GIN index of each text's character bigrams. A query of two or more
characters first narrows to the rows holding every bigram of it (the index), then the exact
substring decides. SQLite (the embedded demo) does the substring match alone."""
from __future__ import annotations

import peewee

from govmb.db import is_postgres

FUNCTION = "govmb_bigrams"

# Immutable, so PostgreSQL can index it and fold it on a constant: the query's own bigrams are
# worked out once at planning, and the index answers which rows hold all of them.
CREATE_FUNCTION = f"""
CREATE OR REPLACE FUNCTION {FUNCTION}(t text) RETURNS text[] LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT coalesce(array_agg(DISTINCT substr(lower(t), i, 2)), '{{}}')
  FROM generate_series(1, char_length(t) - 1) AS i
$$"""


def escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def contains(field: peewee.Field, q: str, indexed: bool = False) -> peewee.Node:
    """Rows whose `field` holds `q` (case-insensitive for Latin letters). `indexed`: the
    field has a bigram index (`bigram_index`), used on PostgreSQL for two characters or more."""
    q = q.strip().lower()
    pattern = peewee.Value(f"%{escape_like(q)}%", converter=False)  # never converted as a neighbouring column
    exact = peewee.NodeList((peewee.fn.lower(field), peewee.SQL("LIKE"), pattern, peewee.SQL("ESCAPE '\\'")))
    if indexed and len(q) >= 2 and is_postgres(field.model._meta.database):
        wanted = peewee.fn.govmb_bigrams(peewee.Value(q, converter=False))
        return peewee.Expression(peewee.fn.govmb_bigrams(field), "@>", wanted) & exact
    return exact


def bigram_index(db: peewee.Database, table: str, column: str) -> None:
    """For a migration: the function and the GIN index of the column's bigrams (PostgreSQL only)."""
    if not is_postgres(db):
        return
    db.execute_sql(CREATE_FUNCTION)
    db.execute_sql(f'CREATE INDEX IF NOT EXISTS "{table}_{column}_bigrams" ON "{table}" USING gin ({FUNCTION}("{column}"))')


def prefix_index(db: peewee.Database, table: str, column: str) -> None:
    """For a migration: an index that serves `column LIKE 'prefix%'` (a unit and the units below
    it) whatever the database's collation (PostgreSQL only; SQLite's LIKE ignores indexes here)."""
    if is_postgres(db):
        db.execute_sql(f'CREATE INDEX IF NOT EXISTS "{table}_{column}_prefix" ON "{table}" ("{column}" text_pattern_ops)')
