"""Bringing a database written by an earlier release to the current layout.

Release 1 kept each draft's whole form as one JSON document (``drafts.form_json``) and named
history fields by list position (``indicators[3].name``). Release 2 keeps a header document
plus one row per task, sub-row and indicator (see :mod:`bot.store.schema`). The migration:

1. adds the columns release 2 needs to existing tables;
2. turns every release-1 draft into a header and rows (the form comes back exactly);
3. marks release-1 history rows ``legacy``: they stay readable, but their positions cannot be
   trusted after rows move, so they are never undone;
4. records ``schema_version``.

Release 3 adds ``draft_rows.name_key`` (a name found through an index): the column and its
index are added to a release-2 table and filled from each row's name; the pair index gains the
rows' place.

It runs inside the transaction that creates the tables (PostgreSQL: under an advisory lock),
so several processes starting at once migrate once.
"""

from __future__ import annotations

import json
import logging

from sqlalchemy import Connection, bindparam, inspect, select, text, update

from bot.store.paths import INDICATOR, TASK
from bot.store.rows import DraftRows, dumps, row_name_key
from bot.store.schema import SCHEMA_VERSION, draft_rows, drafts, history, store_meta
from form_model.models import Form

log = logging.getLogger(__name__)

#: Columns added by release 2 to tables release 1 created: table → (column, DDL type).
ADDED_COLUMNS: dict[str, tuple[tuple[str, str], ...]] = {
    "drafts": (("header_json", "TEXT"), ("summary_json", "TEXT"), ("base_json", "TEXT")),
    "history": (("legacy", "INTEGER NOT NULL DEFAULT 0"), ("origin", "VARCHAR(40)")),
}
#: Columns added by release 3 to tables release 2 created.
ADDED_COLUMNS_3: dict[str, tuple[tuple[str, str], ...]] = {
    "draft_rows": (("name_key", "VARCHAR(300) NOT NULL DEFAULT ''"),),
}


def schema_version(conn: Connection) -> int:
    found = conn.execute(
        select(store_meta.c.value).where(store_meta.c.key == "schema_version")
    ).scalar_one_or_none()
    return int(found) if found is not None else 0


def add_missing_columns(conn: Connection,
                        wanted: dict[str, tuple[tuple[str, str], ...]] = ADDED_COLUMNS) -> list[str]:
    """ALTER TABLE … ADD COLUMN for every wanted column an existing table lacks."""
    inspector = inspect(conn)
    added = []
    for table, columns in wanted.items():
        present = {c["name"] for c in inspector.get_columns(table)}
        for name, ddl in columns:
            if name not in present:
                conn.execute(text(f"ALTER TABLE {table} ADD COLUMN {name} {ddl}"))
                added.append(f"{table}.{name}")
    return added


def migrate(conn: Connection) -> int:
    """Bring the database to :data:`SCHEMA_VERSION`; returns the number of drafts converted."""
    if schema_version(conn) >= SCHEMA_VERSION:
        return 0
    added = add_missing_columns(conn)
    if add_missing_columns(conn, ADDED_COLUMNS_3):
        _fill_name_keys(conn)
    converted = 0
    pending = conn.execute(
        select(drafts.c.id, drafts.c.form_json).where(drafts.c.header_json.is_(None))
    ).all()
    for draft_id, form_json in pending:
        form = Form.model_validate(json.loads(form_json)) if form_json else Form()
        header, _ = DraftRows(conn, draft_id).write_form(form)
        conn.execute(
            update(drafts).where(drafts.c.id == draft_id).values(header_json=dumps(header), form_json="")
        )
        converted += 1
    if added or converted:
        conn.execute(update(history).values(legacy=1))
        log.info("store migrated to schema %d: %d drafts converted, columns added: %s",
                 SCHEMA_VERSION, converted, ", ".join(added) or "none")
    conn.execute(store_meta.delete().where(store_meta.c.key == "schema_version"))
    conn.execute(store_meta.insert().values(key="schema_version", value=str(SCHEMA_VERSION)))
    return converted


def _fill_name_keys(conn: Connection) -> None:
    """Release 2 → 3: every task's and indicator's name key, and the index that finds them."""
    conn.execute(text("CREATE INDEX IF NOT EXISTS ix_draft_rows_name ON draft_rows (draft_id, kind, name_key)"))
    conn.execute(text("DROP INDEX IF EXISTS ix_draft_rows_pair"))  # release 3 adds the place
    conn.execute(text("CREATE INDEX ix_draft_rows_pair ON draft_rows (draft_id, kind, level1, level2, ord, id)"))
    named = conn.execute(
        select(draft_rows.c.id, draft_rows.c.kind, draft_rows.c.data_json)
        .where(draft_rows.c.kind.in_((TASK, INDICATOR)))
    ).all()
    keys = [{"r_id": r.id, "key": row_name_key(r.kind, json.loads(r.data_json))} for r in named]
    if keys:
        conn.execute(
            update(draft_rows).where(draft_rows.c.id == bindparam("r_id")).values(name_key=bindparam("key")),
            keys,
        )
    log.info("store migrated to schema %d: name keys of %d rows", SCHEMA_VERSION, len(keys))
