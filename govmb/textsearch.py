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

import time
from collections.abc import Callable

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
    db = field.model._meta.database if indexed else None  # the field may be an expression (no model) if not
    if indexed and len(q) >= 2 and is_postgres(db):
        # The planner estimates a bigram's share of the rows from the column's statistics, but
        # multiplies the shares of several as if independent (消防, 防通 and 通道 made a phrase in
        # a quarter of the messages look like one in a thousand: it read them all through the
        # index to sort them, ten seconds) and takes any LIKE '%…%' for rare. So, when every
        # bigram of the query is among the column's common ones, the index is asked for the
        # rarest alone and the text checked whole: the planner, knowing the word is common, walks
        # the list in its own order and stops at the page's end. When one is not common, the
        # phrase is rare: all of them go to the index, which answers with few rows. Two
        # characters are one bigram: holding it is the match.
        pairs = sorted({q[i:i + 2] for i in range(len(q) - 1)})
        shares = frequencies(db, field.model._meta.table_name, f"{field.column_name}_bigrams")
        common = all(pair in shares for pair in pairs)
        asked = q if not common else min(pairs, key=lambda pair: shares[pair])
        searched(rare=not common)  # also marks the list as searched, should the caller not have
        held = peewee.Expression(bigram_column(field), "@>", peewee.fn.govmb_bigrams(peewee.Value(asked, converter=False)))
        if len(q) == 2:
            return held
        return held & (peewee.fn.strpos(peewee.fn.lower(field), peewee.Value(q, converter=False)) > 0)
    return exact


def searched(rare: bool) -> None:
    """Tell the list being answered that it is searched (`paging.page` counts it only so far)
    and, for a rare word, that it is one to find through the index: the planner takes a bigram
    it has no statistics of for one in a few hundred rows, and would walk the list in its order
    looking for it, through every row if none holds it (`paging.page` then rules out plain index
    scans, leaving the bitmap scans that read the bigram index). The web layer listens
    (`on_search`): this module knows no request."""
    if on_search is not None:
        on_search(rare)


on_search: Callable[[bool], None] | None = None  # set by govmb.paging


STATISTICS_TTL = 600.0  # seconds: ANALYZE refreshes them as the table grows, seldom faster
_statistics: dict[tuple, tuple[float, dict[str, float]]] = {}


def frequencies(db: peewee.Database, table: str, column: str) -> dict[str, float]:
    """The share of rows holding each of a bigram column's most common bigrams, as ANALYZE last
    found them (empty before it has run); read again every STATISTICS_TTL."""
    key = (db.database, table, column)
    read_at, shares = _statistics.get(key, (-STATISTICS_TTL, {}))
    if time.monotonic() - read_at >= STATISTICS_TTL:
        row = db.execute_sql("SELECT most_common_elems::text::text[], most_common_elem_freqs FROM pg_stats "
                             "WHERE schemaname = current_schema() AND tablename = %s AND attname = %s",
                             (table, column)).fetchone()
        shares = dict(zip(row[0], row[1])) if row and row[0] else {}
        _statistics[key] = (time.monotonic(), shares)
    return shares


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
