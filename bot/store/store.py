"""Persistent storage of drafts, conversation positions and change history.

Everything lives in a SQL database reached through SQLAlchemy 2 (SQLite file by default,
PostgreSQL for several server processes); nothing is kept only in process memory.

Concurrency: every conversation turn is one database transaction that first locks the
conversation's row, so two turns of the same conversation run one after the other:

* PostgreSQL: one statement reads the conversation (``SELECT … FOR UPDATE``), the person's
  language, the event's mark and the active draft's header together; the conversation row is
  created on first use (``INSERT … ON CONFLICT DO NOTHING``). Two conversations of one owner
  that edit the same draft are kept apart by the draft's version: a turn whose draft was
  changed under it is refused (:class:`DraftChanged`) and the engine runs it again.
* SQLite: the turn opens with ``BEGIN IMMEDIATE``, taking the database's single write lock
  (writers are serialised; WAL keeps readers going).

Transient database failures surface as :class:`StoreUnavailable`. Pooled connections are not
pinged before use; a transaction whose first statement finds its connection dead is started
once more on a fresh connection (nothing had been done), so the first call after the database
comes back works again.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, ParamSpec, TypeVar

from sqlalchemy import (
    Connection,
    Engine,
    bindparam,
    create_engine,
    delete,
    event,
    exc,
    func,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import URL, make_url

from bot.store.draft import Draft
from bot.store.ending import EVENT, JOIN, TICKET, DraftChanged, Write, end_turn
from bot.store.migrate import migrate
from bot.store.paths import PositionMap
from bot.store.rows import DraftRows, dumps, header_of
from bot.store.schema import (
    conversations,
    drafts,
    metadata,
    participants,
    people,
    processed_events,
    turn_tickets,
)
from form_model.models import Form

#: SQLite file used when neither an explicit URL nor DATABASE_URL is given.
DEFAULT_SQLITE_PATH = "declbot.sqlite3"
#: pg_advisory_xact_lock key taken while creating tables, so that several server processes
#: starting at once do not race each other's CREATE TABLE or migration.
_SCHEMA_LOCK_KEY = 0x6465636C626F74  # "declbot"
_WRITE_OPTION = "declbot_write"

P = ParamSpec("P")
R = TypeVar("R")


class StoreError(Exception):
    """Base class of the store's own exceptions."""


class StoreUnavailable(StoreError):
    """The database cannot be reached right now (or a lock wait timed out): try again later."""


class AccessDenied(StoreError):
    """The caller's owner key does not own what it asked for."""


class NotYourDraft(AccessDenied):
    """The draft does not exist or belongs to another owner (the two are indistinguishable)."""


class NotYourConversation(AccessDenied):
    """The conversation is already bound to another owner key."""


@dataclass(frozen=True)
class DraftInfo:
    """A draft as listings show it, without its rows."""

    id: int
    owner: str
    title: str
    created_at: datetime
    updated_at: datetime
    version: int
    header: dict[str, Any]
    #: Written by whole-form operations (check, export, import): see ``bot.summary``.
    summary: dict[str, Any] | None


@dataclass(frozen=True)
class Snapshot:
    """A whole draft read outside any turn (for check, export, App Home)."""

    info: DraftInfo
    form: Form
    positions: PositionMap
    base: dict[str, Any] | None


# --------------------------------------------------------------------------------------------
# Helpers


def _now() -> datetime:
    return datetime.now(UTC)


def _is_transient(error: BaseException) -> bool:
    if isinstance(
        error,
        exc.OperationalError | exc.InterfaceError | exc.DisconnectionError | exc.TimeoutError,
    ):
        return True
    return isinstance(error, exc.DBAPIError) and error.connection_invalidated


@contextlib.contextmanager
def _translated() -> Iterator[None]:
    """Transient database failures (and a pool that timed out) become StoreUnavailable."""
    try:
        yield
    except exc.SQLAlchemyError as error:
        if _is_transient(error):
            raise StoreUnavailable(str(error).splitlines()[0]) from error
        raise


def _retry_dead_connection(action: Callable[[], R]) -> R:
    """Run a self-contained transaction; once more if its connection turned out to be dead
    (connections are not pinged before use: the first statement after an outage finds out,
    and nothing had been done on it). Transient failures become StoreUnavailable."""
    for attempt in (1, 2):
        try:
            with _translated():
                return action()
        except StoreUnavailable as error:
            cause = error.__cause__
            if attempt == 1 and isinstance(cause, exc.DBAPIError) and cause.connection_invalidated:
                continue
            raise
    raise AssertionError("unreachable")


def _translating(method: Callable[P, R]) -> Callable[P, R]:
    """Store methods: transient failures become StoreUnavailable."""
    @functools.wraps(method)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with _translated():
            return method(*args, **kwargs)

    return wrapper


def _short(method: Callable[P, R]) -> Callable[P, R]:
    """A short transaction of the Store: retried once on a dead pooled connection."""
    @functools.wraps(method)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        return _retry_dead_connection(lambda: method(*args, **kwargs))

    return wrapper


def _require_key(value: str, name: str) -> None:
    if not isinstance(value, str) or not value:
        raise ValueError(f"{name} must be a non-empty string")


def resolve_url(url: str | None = None) -> URL:
    """The database URL to use: ``url``, else env DATABASE_URL, else the default SQLite file.

    A bare ``postgresql://`` / ``postgres://`` URL is given the psycopg 3 driver.
    """
    raw = url or os.environ.get("DATABASE_URL") or f"sqlite:///{DEFAULT_SQLITE_PATH}"
    parsed = make_url(raw)
    if parsed.drivername in ("postgres", "postgresql"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    backend = parsed.get_backend_name()
    if backend not in ("sqlite", "postgresql"):
        raise ValueError(f"unsupported database {backend!r}: use SQLite or PostgreSQL")
    if backend == "sqlite" and (
        parsed.database in (None, "", ":memory:") or parsed.query.get("mode") == "memory"
    ):
        raise ValueError("an in-memory SQLite database cannot be shared: use a file")
    return parsed


def _make_engine(url: URL, lock_timeout: float, pool_size: int) -> Engine:
    if url.get_backend_name() == "sqlite":
        engine = create_engine(url, connect_args={"timeout": lock_timeout, "check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
            # Take transaction control away from the sqlite3 module: "begin" below emits it.
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute(f"PRAGMA busy_timeout={int(lock_timeout * 1000)}")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(conn: Connection) -> None:
            write = conn.get_execution_options().get(_WRITE_OPTION, False)
            conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

        return engine

    connect_args: dict[str, Any] = {}
    if "connect_timeout" not in url.query:
        connect_args["connect_timeout"] = 10
    # One pooled connection per thread that may run a turn, so that connections are reused
    # rather than opened and closed under load.
    engine = create_engine(url, connect_args=connect_args, pool_size=pool_size, max_overflow=pool_size)

    @event.listens_for(engine, "connect")
    def _postgres_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute(f"SET lock_timeout = {int(lock_timeout * 1000)}")
        cursor.close()
        dbapi_connection.commit()

    return engine


def _dialect(conn: Connection) -> Any:
    return postgresql if conn.dialect.name == "postgresql" else sqlite


def _insert_ignore(conn: Connection, table: Any, values: dict[str, Any], keys: list[str]) -> bool:
    """INSERT unless a row with the same key exists; True when a row was inserted."""
    stmt = (
        _dialect(conn).insert(table).values(**values).on_conflict_do_nothing(index_elements=keys)
        .returning(table.c[keys[0]])
    )
    # RETURNING rather than rowcount: drivers need not report a rowcount for INSERT.
    return conn.execute(stmt).first() is not None


def _upsert(conn: Connection, table: Any, values: dict[str, Any], key: str) -> None:
    stmt = _dialect(conn).insert(table).values(**values)
    stmt = stmt.on_conflict_do_update(
        index_elements=[key],
        set_={name: getattr(stmt.excluded, name) for name in values if name != key},
    )
    conn.execute(stmt)


def _quietly(action: Callable[[], object]) -> None:
    """Clean up after a failure that is already being raised; a second error would hide it."""
    with contextlib.suppress(Exception):
        action()


def _info(row: Any) -> DraftInfo:
    return DraftInfo(
        id=row.id, owner=row.owner, title=row.title, created_at=row.created_at,
        updated_at=row.updated_at, version=row.version,
        header=json.loads(row.header_json) if row.header_json else {},
        summary=json.loads(row.summary_json) if row.summary_json else None,
    )


_INFO_COLUMNS = (
    drafts.c.id, drafts.c.owner, drafts.c.title, drafts.c.created_at, drafts.c.updated_at,
    drafts.c.version, drafts.c.header_json, drafts.c.summary_json,
)
_LIST_DRAFTS = (
    select(*_INFO_COLUMNS)
    .where(drafts.c.owner == bindparam("owner"))
    .order_by(drafts.c.updated_at.desc(), drafts.c.id.desc())
)
_DRAFT_COLUMNS = (*_INFO_COLUMNS, drafts.c.base_json)
_SELECT_DRAFT = select(*_DRAFT_COLUMNS).where(drafts.c.id == bindparam("draft_id"))
#: What a turn reads of a draft (its summary is for listings, not for turns).
_TURN_DRAFT_COLUMNS = tuple(c for c in _DRAFT_COLUMNS if c is not drafts.c.summary_json)
_SELECT_TURN_DRAFT = select(*_TURN_DRAFT_COLUMNS).where(drafts.c.id == bindparam("draft_id"))

#: The opening of a turn on PostgreSQL: lock the conversation's row. (On SQLite the
#: transaction's BEGIN IMMEDIATE has taken the write lock already.)
_LOCK = select(conversations.c.key).where(conversations.c.key == bindparam("key")).with_for_update()
#: Then, in one statement whose snapshot is taken once the lock is held (so it sees what the
#: turn we may have waited for committed): the conversation, the person's language, the event's
#: mark and the active draft's header.
_OPEN = (
    select(
        conversations.c.owner, conversations.c.state_json, conversations.c.version,
        conversations.c.active_draft_id, people.c.lang, processed_events.c.done_at,
        *(c.label(f"d_{c.name}") for c in _TURN_DRAFT_COLUMNS),
    )
    .select_from(
        conversations
        .outerjoin(people, people.c.user_id == bindparam("user"))
        .outerjoin(processed_events, processed_events.c.event_id == bindparam("event_id"))
        .outerjoin(drafts, drafts.c.id == conversations.c.active_draft_id)
    )
    .where(conversations.c.key == bindparam("key"))
)


# --------------------------------------------------------------------------------------------
# Store


class Store:
    """The database behind declbot. Thread-safe; share one instance per process.

    ``url``: a SQLAlchemy URL; None → env DATABASE_URL, else ``sqlite:///declbot.sqlite3``.
    ``lock_timeout``: seconds a transaction waits for a lock (a busy conversation, SQLite's
    write lock) before giving up with :class:`StoreUnavailable`.

    Tables are created (and an older layout migrated) on construction;
    :class:`StoreUnavailable` if the database is down.
    """

    def __init__(self, url: str | None = None, *, lock_timeout: float = 60.0, pool_size: int = 5) -> None:
        self.url = resolve_url(url)
        self.backend = self.url.get_backend_name()
        self._engine = _make_engine(self.url, lock_timeout, pool_size)
        try:
            with self._transaction(write=True) as conn:
                if self.backend == "postgresql":
                    conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _SCHEMA_LOCK_KEY})
                metadata.create_all(conn)
                migrate(conn)
        except BaseException:
            self._engine.dispose()
            raise

    def close(self) -> None:
        """Close all pooled connections."""
        self._engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *_exc_info: object) -> None:
        self.close()

    @contextlib.contextmanager
    def _transaction(self, *, write: bool) -> Iterator[Connection]:
        """One transaction; commits on success, rolls back on any exception."""
        conn: Connection | None = None
        try:
            with _translated():
                conn = self._engine.connect()
                if write:
                    conn.execution_options(**{_WRITE_OPTION: True})
                conn.begin()
                yield conn
                conn.commit()
        except BaseException:
            if conn is not None:
                _quietly(conn.rollback)
            raise
        finally:
            if conn is not None:
                _quietly(conn.close)

    # ---- conversation turns

    @contextlib.contextmanager
    def turn(self, conversation_key: str, owner: str, *, user: str = "",
             event_id: str | None = None) -> Iterator[Turn]:
        """Process one turn of a conversation inside a single transaction.

        Locks the conversation (creating it on first use) so that turns of the same
        conversation never interleave. ``user`` (whose language is read) and ``event_id``
        (whether it was already applied) are looked up in the same statement. Everything done
        through the yielded :class:`Turn` is committed when the block exits normally and
        rolled back entirely when it raises.
        """
        _require_key(conversation_key, "conversation_key")
        _require_key(owner, "owner")
        current = _retry_dead_connection(
            lambda: self._open_turn(conversation_key, owner, user, event_id))
        conn = current.conn
        try:
            with _translated():
                yield current
                if current.unchanged:
                    conn.rollback()
                else:
                    current.finish()
                    conn.commit()
        except BaseException:
            _quietly(conn.rollback)
            raise
        finally:
            current.closed = True
            _quietly(conn.close)

    def _open_turn(self, conversation_key: str, owner: str, user: str, event_id: str | None) -> Turn:
        conn = self._engine.connect()
        try:
            conn.execution_options(**{_WRITE_OPTION: True})
            conn.begin()
            return Turn(conn, conversation_key, owner, user, event_id)
        except BaseException:
            _quietly(conn.rollback)
            _quietly(conn.close)
            raise

    @_short
    def has_conversation(self, conversation_key: str) -> bool:
        """Whether a conversation with this key has been started (by any process)."""
        with self._transaction(write=False) as conn:
            found = conn.execute(
                select(conversations.c.key).where(conversations.c.key == conversation_key)
            ).first()
            return found is not None

    # ---- people

    @_short
    def get_lang(self, user_id: str) -> str | None:
        with self._transaction(write=False) as conn:
            return conn.execute(
                select(people.c.lang).where(people.c.user_id == user_id)
            ).scalar_one_or_none()

    @_short
    def set_lang(self, user_id: str, lang: str | None) -> None:
        _require_key(user_id, "user_id")
        with self._transaction(write=True) as conn:
            _upsert(conn, people, {"user_id": user_id, "lang": lang, "updated_at": _now()}, "user_id")

    # ---- Slack event de-duplication

    @_short
    def claim_event(self, event_id: str, *, retry: bool = False) -> bool:
        """True for the first caller across all processes sharing the database, else False.

        ``retry``: Slack re-sent the event (X-Slack-Retry-Num), which it does only when the
        first delivery got no answer — the process that claimed it died or hung. A retry may
        take over a claim whose turn was never applied (see :meth:`Turn.complete_event`).
        """
        _require_key(event_id, "event_id")
        with self._transaction(write=True) as conn:
            if _insert_ignore(conn, processed_events, {"event_id": event_id, "at": _now()}, ["event_id"]):
                return True
            if not retry:
                return False
            taken = conn.execute(
                update(processed_events)
                .where(processed_events.c.event_id == event_id, processed_events.c.done_at.is_(None))
                .values(at=_now())
                .returning(processed_events.c.event_id)
            ).first()
            return taken is not None

    @_short
    def release_event(self, event_id: str) -> None:
        """Forget a claim, so that a retry of an event that failed early is processed."""
        with self._transaction(write=True) as conn:
            conn.execute(delete(processed_events).where(processed_events.c.event_id == event_id))

    @_short
    def prune_events(self, older_than: timedelta | datetime) -> int:
        """Delete claims older than an age (timedelta) or a moment (aware datetime)."""
        cutoff = _now() - older_than if isinstance(older_than, timedelta) else older_than
        with self._transaction(write=True) as conn:
            result = conn.execute(delete(processed_events).where(processed_events.c.at < cutoff))
            return result.rowcount

    # ---- ordering of a shared conversation's messages

    @_short
    def take_ticket(self, conversation_key: str, order_key: str) -> None:
        """Announce a message waiting for its turn (see :meth:`earlier_tickets`)."""
        with self._transaction(write=True) as conn:
            _insert_ignore(conn, turn_tickets, {"conversation": conversation_key, "order_key": order_key,
                                                "at": _now()}, ["conversation", "order_key"])

    @_short
    def earlier_tickets(self, conversation_key: str, order_key: str, max_age: timedelta) -> int:
        """How many messages of the conversation with an earlier order key still wait (tickets
        older than max_age belong to a process that died and are ignored)."""
        with self._transaction(write=False) as conn:
            return conn.execute(
                select(func.count())
                .select_from(turn_tickets)
                .where(
                    turn_tickets.c.conversation == conversation_key,
                    turn_tickets.c.order_key < order_key,
                    turn_tickets.c.at >= _now() - max_age,
                )
            ).scalar_one()

    @_short
    def drop_ticket(self, conversation_key: str, order_key: str) -> None:
        with self._transaction(write=True) as conn:
            _delete_ticket(conn, conversation_key, order_key)

    # ---- listings and whole-draft reads

    @_short
    def drafts_of(self, owner: str) -> list[DraftInfo]:
        """The owner's drafts, most recently updated first (no rows are read)."""
        with self._transaction(write=False) as conn:
            return [_info(r) for r in conn.execute(_LIST_DRAFTS, {"owner": owner})]

    @_short
    def shared_drafts_of(self, user: str) -> list[tuple[str, DraftInfo]]:
        """(conversation, draft) of every shared conversation the person took part in."""
        with self._transaction(write=False) as conn:
            joined = conn.execute(
                select(participants.c.conversation, *_INFO_COLUMNS)
                .select_from(participants.join(drafts, drafts.c.owner == participants.c.owner))
                .where(participants.c.user_id == user)
                .order_by(drafts.c.updated_at.desc(), drafts.c.id.desc())
            )
            return [(r.conversation, _info(r)) for r in joined]

    @_short
    def snapshot(self, draft_id: int, owner: str) -> Snapshot:
        """The whole draft, read in a short transaction of its own (no conversation lock)."""
        with self._transaction(write=False) as conn:
            row = conn.execute(_SELECT_DRAFT, {"draft_id": draft_id}).first()
            if row is None or row.owner != owner:
                raise NotYourDraft(draft_id)
            info = _info(row)
            form, positions = DraftRows(conn, draft_id).load_form(info.header)
            base = json.loads(row.base_json) if row.base_json else None
            return Snapshot(info, form, positions, base)

    @_short
    def set_summary(self, draft_id: int, owner: str, summary: dict[str, Any]) -> None:
        """Keep a whole-form operation's summary with the draft (without changing its version)."""
        with self._transaction(write=True) as conn:
            conn.execute(
                update(drafts).where(drafts.c.id == draft_id, drafts.c.owner == owner)
                .values(summary_json=dumps(summary))
            )


def _delete_ticket(conn: Connection, conversation_key: str, order_key: str) -> None:
    conn.execute(
        delete(turn_tickets).where(
            turn_tickets.c.conversation == conversation_key, turn_tickets.c.order_key == order_key
        )
    )


class Turn:
    """One conversation turn; obtained from :meth:`Store.turn`, valid only inside its block.

    ``state`` is the conversation's state (a JSON-able dict), saved when the block exits.
    """

    def __init__(self, conn: Connection, conversation_key: str, owner: str, user: str,
                 event_id: str | None) -> None:
        self.conn = conn
        self.closed = False
        self.conversation_key = conversation_key
        self.owner = owner
        #: Groups the history rows written in this turn into one change set.
        self.turn_id = uuid.uuid4().hex
        self.created = False
        params = {"key": conversation_key, "user": user, "event_id": event_id or ""}
        postgres = conn.dialect.name == "postgresql"
        new_conversation = {"key": conversation_key, "owner": owner, "active_draft_id": None,
                            "state_json": "{}", "version": 0, "updated_at": _now()}
        locked = conn.execute(_LOCK, params).first() if postgres else True
        if locked is None:
            self.created = _insert_ignore(conn, conversations, new_conversation, ["key"])
            conn.execute(_LOCK, params)
        row = conn.execute(_OPEN, params).first()
        if row is None:  # SQLite, first turn
            self.created = _insert_ignore(conn, conversations, new_conversation, ["key"])
            row = conn.execute(_OPEN, params).one()
        if row.owner != owner:
            raise NotYourConversation(conversation_key)
        self.state: dict[str, Any] = json.loads(row.state_json)
        #: The number of turns committed before this one.
        self.version: int = row.version
        #: The person's language (None: not chosen yet).
        self.lang: str | None = row.lang
        #: Whether a turn already applied this event (committed, in any process).
        self.event_done: bool = row.done_at is not None
        self._active_id: int | None = row.active_draft_id
        self._drafts: dict[int, Draft] = {}
        #: Writes made with the turn's last statement (bot.store.ending).
        self._end: list[Write] = []
        if row.d_id is not None:
            self._drafts[row.d_id] = self._draft_from(row, prefix="d_")

    def _check_open(self) -> None:
        if self.closed:
            raise RuntimeError("this turn has ended")

    def _draft_from(self, row: Any, prefix: str = "") -> Draft:
        def col(name: str) -> Any:
            return getattr(row, prefix + name)

        if col("owner") != self.owner:
            raise NotYourDraft(col("id"))
        return Draft(
            conn=self.conn, id=col("id"), owner=col("owner"), title=col("title"),
            version=col("version"), created_at=col("created_at"), updated_at=col("updated_at"),
            header=json.loads(col("header_json")) if col("header_json") else {},
            base_json=col("base_json"),
        )

    def _load(self, draft_id: int) -> Draft | None:
        if draft_id in self._drafts:
            return self._drafts[draft_id]
        row = self.conn.execute(_SELECT_TURN_DRAFT, {"draft_id": draft_id}).first()
        if row is None:
            return None
        draft = self._draft_from(row)
        self._drafts[draft_id] = draft
        return draft

    # ---- drafts

    @_translating
    def draft(self) -> Draft | None:
        """The active draft, or None."""
        self._check_open()
        if self._active_id is None:
            return None
        found = self._load(self._active_id)
        if found is None:
            self._active_id = None
        return found

    def active(self) -> Draft:
        """The active draft; an empty one is created if there is none."""
        return self.draft() or self.new_draft()

    @_translating
    def new_draft(self, title: str = "", form: Form | None = None, *, base: Form | None = None) -> Draft:
        """Create a draft for this owner and make it the active one."""
        self._check_open()
        now = _now()
        form = form if form is not None else Form()
        result = self.conn.execute(
            insert(drafts).values(
                owner=self.owner, title=title, form_json="", header_json=dumps(header_of(Form())),
                base_json=dumps(base.model_dump(mode="json")) if base is not None else None,
                created_at=now, updated_at=now, version=1,
            )
        )
        draft_id = int(result.inserted_primary_key[0])
        draft = self._load(draft_id)
        assert draft is not None
        if not form.is_empty():
            header, _ = draft.rows.write_form(form)
            draft.header = header
            draft.header_dirty = True
        self._active_id = draft_id
        return draft

    @_translating
    def list_drafts(self) -> list[DraftInfo]:
        """This owner's drafts, most recently updated first."""
        self._check_open()
        return [_info(r) for r in self.conn.execute(_LIST_DRAFTS, {"owner": self.owner})]

    @_translating
    def switch(self, draft_id: int) -> Draft:
        """Make one of this owner's drafts the active one.

        Raises :class:`NotYourDraft` when the id is unknown or another owner's.
        """
        self._check_open()
        try:
            wanted = int(draft_id)
        except (TypeError, ValueError):
            raise NotYourDraft(draft_id) from None
        found = self._load(wanted)
        if found is None:
            raise NotYourDraft(draft_id)
        self._active_id = found.id
        return found

    @_translating
    def delete_draft(self, draft_id: int) -> None:
        """Delete one of this owner's drafts (its rows and history with it)."""
        self._check_open()
        if self._load(draft_id) is None:
            return
        self.conn.execute(delete(drafts).where(drafts.c.id == draft_id, drafts.c.owner == self.owner))
        self._drafts.pop(draft_id, None)
        if self._active_id == draft_id:
            self._active_id = None

    @_translating
    def rename(self, title: str) -> None:
        draft = self.active()
        self.conn.execute(update(drafts).where(drafts.c.id == draft.id).values(title=title))
        draft.title = title

    # ---- events, tickets, participants

    def complete_event(self, event_id: str) -> None:
        """Record, as part of this turn, that it applied the event: a later retry is dropped
        (written with the turn's last statement)."""
        self._check_open()
        _require_key(event_id, "event_id")
        now = _now()
        self._end.append(Write(EVENT, {"event": event_id, "at": now}))

    @_translating
    def claim_event(self, event_id: str) -> bool:
        """Like :meth:`Store.claim_event`, but part of this turn: rolled back with it."""
        self._check_open()
        _require_key(event_id, "event_id")
        return _insert_ignore(self.conn, processed_events, {"event_id": event_id, "at": _now()}, ["event_id"])

    def drop_ticket(self, order_key: str) -> None:
        """This turn's message has been applied: it no longer holds back later ones (written
        with the turn's last statement)."""
        self._check_open()
        self._end.append(Write(TICKET, {"conversation": self.conversation_key, "order": order_key}))

    def join(self, user: str) -> None:
        """Record that a person takes part in this (shared) conversation (written with the
        turn's last statement)."""
        self._check_open()
        self._end.append(Write(JOIN, {"owner": self.owner, "user": user,
                                      "conversation": self.conversation_key, "at": _now()}))

    @_translating
    def participants(self) -> list[str]:
        return list(self.conn.execute(
            select(participants.c.user_id).where(participants.c.owner == self.owner)
            .order_by(participants.c.at)
        ).scalars())

    # ---- end

    def finish(self) -> None:
        """Write every draft's version and history, the marks and the state (called when the
        turn's block exits). On PostgreSQL that is one statement (the writes as CTEs of the
        state's UPDATE), so a turn's end costs one round trip besides the COMMIT."""
        if not isinstance(self.state, dict):
            raise TypeError("Turn.state must be a dict")
        now = _now()
        writes: list[Write] = []
        for draft in self._drafts.values():
            writes += draft.end_writes(self.actor, self.turn_id, now)
        end_turn(self.conn, writes + self._end, {
            "state": dumps(self.state),
            "active": self._active_id, "at": now,
        }, self.conversation_key)
        for draft in self._drafts.values():
            draft.flushed(now)

    #: Who the turn's changes are recorded as (set by the engine: "user:U123").
    actor: str = "system"
    #: Set by :meth:`leave_unchanged`: the turn ends without writing anything.
    unchanged: bool = False

    def leave_unchanged(self) -> None:
        """End this turn without writing (it only looked): no state, no version counted."""
        self.unchanged = True


__all__ = [
    "AccessDenied", "DEFAULT_SQLITE_PATH", "DraftChanged", "DraftInfo", "NotYourConversation",
    "NotYourDraft", "Snapshot", "Store", "StoreError", "StoreUnavailable", "Turn", "resolve_url",
]
