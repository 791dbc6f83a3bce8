"""Bringing a database written by an earlier release to the current layout.

Release 1 kept each draft's whole form as one JSON document (``drafts.form_json``) and named
history fields by list position (``indicators[3].name``). Release 2 keeps a header document
plus one row per task, sub-row and indicator (see :mod:`bot.store.schema`). The migration:

1. adds the columns release 2 needs to existing tables;
2. turns every release-1 draft into a header and rows (the form comes back exactly);
3. marks release-1 history rows ``legacy``: they stay readable, but their positions cannot be
   trusted after rows move, so they are never undone;
4. records ``schema_version`` = 2.

It runs inside the transaction that creates the tables (PostgreSQL: under an advisory lock),
so several processes starting at once migrate once.
"""

from __future__ import annotations

import json
import logging

from sqlalchemy import Connection, inspect, select, text, update

from bot.store.rows import DraftRows, dumps
from bot.store.schema import SCHEMA_VERSION, drafts, history, store_meta
from form_model.models import Form

log = logging.getLogger(__name__)

#: Columns added by release 2 to tables release 1 created: table → (column, DDL type).
ADDED_COLUMNS: dict[str, tuple[tuple[str, str], ...]] = {
    "drafts": (("header_json", "TEXT"), ("summary_json", "TEXT"), ("base_json", "TEXT")),
    "history": (("legacy", "INTEGER NOT NULL DEFAULT 0"), ("origin", "VARCHAR(40)")),
}


def schema_version(conn: Connection) -> int:
    found = conn.execute(
        select(store_meta.c.value).where(store_meta.c.key == "schema_version")
    ).scalar_one_or_none()
    return int(found) if found is not None else 0


def add_missing_columns(conn: Connection) -> list[str]:
    """ALTER TABLE … ADD COLUMN for every release-2 column an existing table lacks."""
    inspector = inspect(conn)
    added = []
    for table, columns in ADDED_COLUMNS.items():
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
