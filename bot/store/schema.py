"""Tables of the conversation store (SQLAlchemy Core, created with ``metadata.create_all``).

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
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
)


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

#: One draft form. ``owner`` is an opaque key ("user:U123", "thread:C1:1700000000.0001").
drafts = Table(
    "drafts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("owner", String(200), nullable=False),
    Column("title", String(500), nullable=False, default=""),
    Column("form_json", Text, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("version", Integer, nullable=False, default=1),
    Index("ix_drafts_owner_updated", "owner", "updated_at"),
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

#: One row per changed field. Rows saved in the same turn share ``turn_id`` and form one
#: change set. ``undoes`` marks the rows of an undo (naming the turn it reverted);
#: ``undone_by`` is set on the rows of a change set once it has been reverted.
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
