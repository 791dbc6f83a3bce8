"""Tables of the conversation store (SQLAlchemy Core, created with ``metadata.create_all``).

A draft is stored as rows, so that a turn reads and writes only what it touches:

* ``drafts`` holds the draft's identity and its *header* — every field of the form except the
  task and indicator tables (部门名称, 预算年度, the eight amounts, 总体绩效目标, …) — as one JSON
  document, plus a summary for listings (App Home) that whole-form operations refresh;
* ``draft_rows`` holds one row per task (名称), task sub-row (主要实施内容 / 资金 / 目标) and
  indicator, each with its own id, its place (``ord``, a float so that a row can be put between
  two others without renumbering) and its fields as JSON. Indicators also carry their 一级/二级
  in columns of their own, so that one 一级 › 二级 pair can be read through an index, and tasks
  and indicators their name's key, so that a name is found through one.

JSON payloads are kept as text produced by :func:`json.dumps` rather than as a native JSON
type: PostgreSQL's JSONB reorders object keys, and a draft must come back exactly as saved.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    Column,
    DateTime,
    Dialect,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
)

#: The layout written by this release. 1: a draft's whole form in ``drafts.form_json``;
#: 2: a header document plus ``draft_rows``; 3: ``draft_rows.name_key`` (see
#: :mod:`bot.store.migrate`).
SCHEMA_VERSION = 3


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC timestamp on every backend.

    PostgreSQL keeps the offset itself; SQLite stores naive text, so values are normalised to
    naive UTC on the way in and given back their UTC offset on the way out.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("timestamps must be timezone-aware")
        value = value.astimezone(UTC)
        return value if dialect.name == "postgresql" else value.replace(tzinfo=None)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


metadata = MetaData()

#: Key/value facts about the database itself (``schema_version``).
store_meta = Table(
    "store_meta",
    metadata,
    Column("key", String(100), primary_key=True),
    Column("value", Text, nullable=False),
)

#: One draft. ``owner`` is an opaque key ("user:U123", "place:thread:C1:1700000000.0001").
#: ``form_json`` is the release-1 layout, kept only until :mod:`bot.store.migrate` has moved a
#: draft to ``header_json`` + ``draft_rows`` (it is then empty).
drafts = Table(
    "drafts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("owner", String(200), nullable=False),
    Column("title", String(500), nullable=False, default=""),
    Column("form_json", Text, nullable=False, default=""),
    Column("header_json", Text, nullable=True),
    #: What listings show without reading the rows: see :class:`bot.store.store.DraftSummary`.
    Column("summary_json", Text, nullable=True),
    #: The form this draft was carried forward from (last year's), shown, never edited.
    Column("base_json", Text, nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("version", Integer, nullable=False, default=1),
    Index("ix_drafts_owner_updated", "owner", "updated_at"),
)

#: One task (kind "task"), task sub-row (kind "item", ``parent`` = its task) or indicator
#: (kind "indicator") of a draft.
draft_rows = Table(
    "draft_rows",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("draft_id", Integer, ForeignKey("drafts.id", ondelete="CASCADE"), nullable=False),
    Column("kind", String(20), nullable=False),
    Column("parent_id", Integer, nullable=True),
    Column("ord", Float, nullable=False),
    Column("level1", String(200), nullable=False, default=""),
    Column("level2", String(200), nullable=False, default=""),
    Column("data_json", Text, nullable=False),
    #: A task's or an indicator's name as names are compared (form_model.normalize.name_key),
    #: so that one name is found through an index rather than by reading every row.
    Column("name_key", String(300), nullable=False, default=""),
    Index("ix_draft_rows_draft_kind_ord", "draft_id", "kind", "ord"),
    Index("ix_draft_rows_name", "draft_id", "kind", "name_key"),
    # With the place: a pair is read in order, and 「第 N 项」 counted, from the index alone.
    Index("ix_draft_rows_pair", "draft_id", "kind", "level1", "level2", "ord", "id"),
    Index("ix_draft_rows_parent", "parent_id", "ord"),
)

#: Where a conversation stands: its active draft and the engine's state JSON.
conversations = Table(
    "conversations",
    metadata,
    Column("key", String(200), primary_key=True),
    Column("owner", String(200), nullable=False),
    Column(
        "active_draft_id",
        Integer,
        ForeignKey("drafts.id", ondelete="SET NULL"),
        nullable=True,
    ),
    Column("state_json", Text, nullable=False, default="{}"),
    Column("version", Integer, nullable=False, default=0),
    Column("updated_at", UTCDateTime, nullable=False),
)

#: Per-person preferences.
people = Table(
    "people",
    metadata,
    Column("user_id", String(200), primary_key=True),
    Column("lang", String(20), nullable=True),
    Column("updated_at", UTCDateTime, nullable=False),
)

#: Who has taken part in a shared conversation (a channel thread): their thread drafts are
#: listed for them (App Home, /declbot) apart from their own.
participants = Table(
    "participants",
    metadata,
    Column("owner", String(200), primary_key=True),
    Column("user_id", String(200), primary_key=True),
    Column("conversation", String(200), nullable=False),
    Column("at", UTCDateTime, nullable=False),
    Index("ix_participants_user", "user_id"),
)

#: One row per changed field (or inserted / deleted row). Rows saved in the same turn share
#: ``turn_id`` and form one change set. ``undoes`` marks the rows of an undo (naming the turn
#: it reverted); ``undone_by`` is set on the rows of a change set once it has been reverted.
#: ``path`` uses row ids ("indicator:12.annual_value", see :mod:`bot.store.paths`); rows
#: written by release 1 used list indices and are marked ``legacy`` (shown, never undone).
history = Table(
    "history",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("draft_id", Integer, ForeignKey("drafts.id", ondelete="CASCADE"), nullable=False),
    Column("actor", String(200), nullable=False),
    Column("at", UTCDateTime, nullable=False),
    Column("path", String(500), nullable=False),
    Column("old_json", Text, nullable=False),
    Column("new_json", Text, nullable=False),
    Column("turn_id", String(64), nullable=False),
    Column("undoes", String(64), nullable=True),
    Column("undone_by", String(64), nullable=True),
    Column("legacy", Integer, nullable=False, default=0),
    #: Why the change was made when it was not typed: "carry_forward", "import", "undo" …
    Column("origin", String(40), nullable=True),
    Index("ix_history_draft_id", "draft_id", "id"),
    Index("ix_history_draft_turn", "draft_id", "turn_id"),
)

#: Slack event ids already taken by some process, for retry de-duplication.
#: ``done_at`` is set in the transaction of the turn that applied the event, so a retry
#: that reaches another process after a crash can tell "applied" from "claimed, then lost".
processed_events = Table(
    "processed_events",
    metadata,
    Column("event_id", String(200), primary_key=True),
    Column("at", UTCDateTime, nullable=False),
    Column("done_at", UTCDateTime, nullable=True),
    Index("ix_processed_events_at", "at"),
)

#: Messages of a shared conversation waiting for their turn: they are applied in the order
#: of ``order_key`` (Slack's message ts) when they arrive at the same moment.
turn_tickets = Table(
    "turn_tickets",
    metadata,
    Column("conversation", String(200), primary_key=True),
    Column("order_key", String(64), primary_key=True),
    Column("at", UTCDateTime, nullable=False),
)
