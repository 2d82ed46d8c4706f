"""Search that works for Chinese: a substring match (no word boundaries to split on), made
fast on PostgreSQL by a GIN index of each text's character bigrams. A query of two or more
characters first narrows to the rows holding every bigram of it (the index), then the exact
substring decides. SQLite (the embedded demo) does the substring match alone.

The bigrams are a stored column computed by PostgreSQL itself (`<column>_bigrams`, a
generated column), not an index over an expression: a GIN index's answer is rechecked on
each row it names, and a recheck of an expression computes the bigrams of the row's text
again (0.1 ms a row), which a common word such as 路灯, held by a tenth of two million
messages, turned into ten seconds. Rechecking a stored array costs a comparison. The
column also gives the planner statistics of the bigrams (ANALYZE's most common elements),
so a common word is looked for along the list's own order and a rare one through the index."""
from __future__ import annotations

import peewee

from govmb.db import is_postgres

FUNCTION = "govmb_bigrams"

# Immutable, so PostgreSQL can compute it for a generated column and fold it on a constant:
# the query's own bigrams are worked out once, at planning. A bigram may repeat in the array
# (removing repeats costs more than it saves; the index holds each once).
CREATE_FUNCTION = f"""
CREATE OR REPLACE FUNCTION {FUNCTION}(t text) RETURNS text[] LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT ARRAY(SELECT a || b FROM unnest(c[1:cardinality(c) - 1], c[2:]) AS pair(a, b))
  FROM (SELECT string_to_array(lower(t), NULL) AS c) AS chars
$$"""


def escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def bigram_column(field: peewee.Field) -> peewee.Column:
    """The stored bigrams of a text column (`bigram_index`), as the query names its table."""
    return peewee.Column(field.model._meta.table, f"{field.column_name}_bigrams")


def contains(field: peewee.Field, q: str, indexed: bool = False) -> peewee.Node:
    """Rows whose `field` holds `q` (case-insensitive for Latin letters). `indexed`: the
    field has stored, indexed bigrams (`bigram_index`), used on PostgreSQL for two characters
    or more."""
    q = q.strip().lower()
    pattern = peewee.Value(f"%{escape_like(q)}%", converter=False)  # never converted as a neighbouring column
    exact = peewee.NodeList((peewee.fn.lower(field), peewee.SQL("LIKE"), pattern, peewee.SQL("ESCAPE '\\'")))
    if indexed and len(q) >= 2 and is_postgres(field.model._meta.database):
        wanted = peewee.fn.govmb_bigrams(peewee.Value(q, converter=False))
        return peewee.Expression(bigram_column(field), "@>", wanted) & exact
    return exact


def bigram_index(db: peewee.Database, table: str, column: str) -> None:
    """For a migration (PostgreSQL only): the function, the column's stored bigrams
    (`<column>_bigrams`, computed by the database on every insert and update) and their GIN
    index. An index over the expression, the earlier form, is replaced. Adding the column to
    a filled table computes it for every row (about 30 µs each)."""
    if not is_postgres(db):
        return
    db.execute_sql(CREATE_FUNCTION)
    name = f"{table}_{column}_bigrams"
    index_on = db.execute_sql("SELECT indexdef FROM pg_indexes WHERE schemaname = current_schema() "
                              "AND indexname = %s", (name,)).fetchone()
    if index_on and FUNCTION in index_on[0]:
        db.execute_sql(f'DROP INDEX "{name}"')
    db.execute_sql(f'ALTER TABLE "{table}" ADD COLUMN IF NOT EXISTS "{name[len(table) + 1:]}" text[] '
                   f'GENERATED ALWAYS AS ({FUNCTION}("{column}")) STORED')
    db.execute_sql(f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" USING gin ("{name[len(table) + 1:]}")')


def prefix_index(db: peewee.Database, table: str, column: str) -> None:
    """For a migration: an index that serves `column LIKE 'prefix%'` (a unit and the units below
    it) whatever the database's collation (PostgreSQL only; SQLite's LIKE ignores indexes here)."""
    if is_postgres(db):
        db.execute_sql(f'CREATE INDEX IF NOT EXISTS "{table}_{column}_prefix" ON "{table}" ("{column}" text_pattern_ops)')
