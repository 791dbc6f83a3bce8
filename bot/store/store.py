"""Persistent storage of drafts, conversation positions and change history.

Everything lives in a SQL database reached through SQLAlchemy 2 (SQLite file by default,
PostgreSQL for several server processes); nothing is kept only in process memory.

Concurrency: every conversation turn is one database transaction that first locks the
conversation's row, so two turns of the same conversation run one after the other:

* PostgreSQL: ``INSERT … ON CONFLICT DO NOTHING`` creates the row, ``SELECT … FOR UPDATE``
  locks it; the active draft's row is locked the same way when the turn first reads it, so two
  conversations of one owner editing the same draft are serialised too. Turns of different
  conversations run in parallel.
* SQLite: the turn opens with ``BEGIN IMMEDIATE``, taking the database's single write lock
  (writers are serialised; WAL keeps readers going).

Transient database failures surface as :class:`StoreUnavailable`; the engine pings pooled
connections before use, so the first call after the database comes back works again.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, ParamSpec, TypeVar

from pydantic_core import to_jsonable_python
from sqlalchemy import (
    Connection,
    Engine,
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
from sqlalchemy.engine import URL, Row, make_url

from bot.store.schema import (
    conversations,
    drafts,
    history,
    metadata,
    people,
    processed_events,
    turn_tickets,
)
from form_model.models import Form

#: SQLite file used when neither an explicit URL nor DATABASE_URL is given.
DEFAULT_SQLITE_PATH = "declbot.sqlite3"
#: pg_advisory_xact_lock key taken while creating tables, so that several server processes
#: starting at once do not race each other's CREATE TABLE.
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
class Change:
    """One field change: ``path`` names the field (its syntax is the engine's business);
    ``old`` and ``new`` are JSON-able values (Decimals and pydantic models are converted)."""

    path: str
    old: Any
    new: Any


@dataclass(frozen=True)
class ChangeSet:
    """The changes one turn made to one draft, in the order they were recorded."""

    turn_id: str
    draft_id: int
    actor: str
    at: datetime
    changes: tuple[Change, ...]

    def inverse(self) -> list[Change]:
        """The changes that revert this set, to be applied in the order given."""
        return [Change(c.path, c.new, c.old) for c in reversed(self.changes)]


@dataclass(frozen=True)
class HistoryEntry:
    id: int
    draft_id: int
    actor: str
    at: datetime
    path: str
    old: Any
    new: Any
    turn_id: str
    #: Set on the rows of an undo: the turn whose change set they reverted.
    undoes: str | None
    #: Set once this row's change set was reverted: the turn that reverted it.
    undone_by: str | None


@dataclass(frozen=True)
class DraftRecord:
    id: int
    owner: str
    title: str
    form: Form
    created_at: datetime
    updated_at: datetime
    version: int


# --------------------------------------------------------------------------------------------
# Helpers


def _now() -> datetime:
    return datetime.now(UTC)


def _to_json(value: Any) -> str:
    return json.dumps(to_jsonable_python(value), ensure_ascii=False, separators=(",", ":"))


def _dump_form(form: Form) -> str:
    return json.dumps(form.model_dump(mode="json"), ensure_ascii=False, separators=(",", ":"))


def _draft_from_row(row: Row[Any]) -> DraftRecord:
    return DraftRecord(
        id=row.id,
        owner=row.owner,
        title=row.title,
        form=Form.model_validate(json.loads(row.form_json)),
        created_at=row.created_at,
        updated_at=row.updated_at,
        version=row.version,
    )


def _history_from_row(row: Row[Any]) -> HistoryEntry:
    return HistoryEntry(
        id=row.id,
        draft_id=row.draft_id,
        actor=row.actor,
        at=row.at,
        path=row.path,
        old=json.loads(row.old_json),
        new=json.loads(row.new_json),
        turn_id=row.turn_id,
        undoes=row.undoes,
        undone_by=row.undone_by,
    )


def _is_transient(error: BaseException) -> bool:
    if isinstance(
        error,
        exc.OperationalError | exc.InterfaceError | exc.DisconnectionError | exc.TimeoutError,
    ):
        return True
    return isinstance(error, exc.DBAPIError) and error.connection_invalidated


@contextlib.contextmanager
def _translated() -> Iterator[None]:
    try:
        yield
    except exc.SQLAlchemyError as error:
        if _is_transient(error):
            raise StoreUnavailable(str(error).splitlines()[0]) from error
        raise


def _translating(method: Callable[P, R]) -> Callable[P, R]:
    @functools.wraps(method)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with _translated():
            return method(*args, **kwargs)

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
        engine = create_engine(
            url,
            pool_pre_ping=True,
            connect_args={"timeout": lock_timeout, "check_same_thread": False},
        )

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
    engine = create_engine(
        url, pool_pre_ping=True, connect_args=connect_args, pool_size=pool_size, max_overflow=pool_size
    )

    @event.listens_for(engine, "connect")
    def _postgres_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute(f"SET lock_timeout = {int(lock_timeout * 1000)}")
        cursor.close()
        dbapi_connection.commit()

    return engine


def _insert_ignore(conn: Connection, table: Any, values: dict[str, Any], key: str) -> bool:
    """INSERT unless a row with the same ``key`` exists; True when a row was inserted."""
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    stmt = (
        dialect.insert(table)
        .values(**values)
        .on_conflict_do_nothing(index_elements=[key])
        .returning(table.c[key])
    )
    # RETURNING rather than rowcount: drivers need not report a rowcount for INSERT.
    return conn.execute(stmt).first() is not None


def _upsert(conn: Connection, table: Any, values: dict[str, Any], key: str) -> None:
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    stmt = dialect.insert(table).values(**values)
    stmt = stmt.on_conflict_do_update(
        index_elements=[key],
        set_={name: getattr(stmt.excluded, name) for name in values if name != key},
    )
    conn.execute(stmt)


def _quietly(action: Callable[[], object]) -> None:
    """Clean up after a failure that is already being raised; a second error would hide it."""
    with contextlib.suppress(Exception):
        action()


# --------------------------------------------------------------------------------------------
# Store


class Store:
    """The database behind declbot. Thread-safe; share one instance per process.

    ``url``: a SQLAlchemy URL; None → env DATABASE_URL, else ``sqlite:///declbot.sqlite3``.
    ``lock_timeout``: seconds a transaction waits for a lock (a busy conversation, SQLite's
    write lock) before giving up with :class:`StoreUnavailable`.

    Tables are created on construction; :class:`StoreUnavailable` if the database is down.
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
            conn = self._engine.connect()
            if write:
                conn.execution_options(**{_WRITE_OPTION: True})
            conn.begin()
            yield conn
            conn.commit()
        except BaseException as error:
            if conn is not None:
                _quietly(conn.rollback)
            if isinstance(error, exc.SQLAlchemyError) and _is_transient(error):
                raise StoreUnavailable(str(error).splitlines()[0]) from error
            raise
        finally:
            if conn is not None:
                _quietly(conn.close)

    # ---- conversation turns

    @contextlib.contextmanager
    def turn(self, conversation_key: str, owner: str) -> Iterator[Turn]:
        """Process one turn of a conversation inside a single transaction.

        Locks the conversation (creating it on first use) so that turns of the same
        conversation never interleave. Everything done through the yielded :class:`Turn`,
        including changes to ``Turn.state``, is committed when the block exits normally and
        rolled back entirely when it raises.
        """
        _require_key(conversation_key, "conversation_key")
        _require_key(owner, "owner")
        with self._transaction(write=True) as conn:
            current = Turn(conn, conversation_key, owner)
            try:
                yield current
                current._finish()
            finally:
                current._closed = True

    def has_conversation(self, conversation_key: str) -> bool:
        """Whether a conversation with this key has been started (by any process)."""
        with self._transaction(write=False) as conn:
            found = conn.execute(
                select(conversations.c.key).where(conversations.c.key == conversation_key)
            ).first()
            return found is not None

    # ---- people

    def get_lang(self, user_id: str) -> str | None:
        with self._transaction(write=False) as conn:
            return conn.execute(
                select(people.c.lang).where(people.c.user_id == user_id)
            ).scalar_one_or_none()

    def set_lang(self, user_id: str, lang: str | None) -> None:
        _require_key(user_id, "user_id")
        with self._transaction(write=True) as conn:
            _upsert(conn, people, {"user_id": user_id, "lang": lang, "updated_at": _now()}, "user_id")

    # ---- Slack event de-duplication

    def claim_event(self, event_id: str, *, retry: bool = False) -> bool:
        """True for the first caller across all processes sharing the database, else False.

        ``retry``: Slack re-sent the event (X-Slack-Retry-Num), which it does only when the
        first delivery got no answer — the process that claimed it died or hung. A retry may
        take over a claim whose turn was never applied (see :meth:`Turn.complete_event`).
        """
        _require_key(event_id, "event_id")
        with self._transaction(write=True) as conn:
            if _insert_ignore(conn, processed_events, {"event_id": event_id, "at": _now()}, "event_id"):
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

    def release_event(self, event_id: str) -> None:
        """Forget a claim, so that a retry of an event that failed early is processed."""
        with self._transaction(write=True) as conn:
            conn.execute(delete(processed_events).where(processed_events.c.event_id == event_id))

    def prune_events(self, older_than: timedelta | datetime) -> int:
        """Delete claims older than an age (timedelta) or a moment (aware datetime)."""
        cutoff = _now() - older_than if isinstance(older_than, timedelta) else older_than
        with self._transaction(write=True) as conn:
            result = conn.execute(delete(processed_events).where(processed_events.c.at < cutoff))
            return result.rowcount

    # ---- ordering of a shared conversation's messages

    def take_ticket(self, conversation_key: str, order_key: str) -> None:
        """Announce a message waiting for its turn (see :meth:`earlier_tickets`)."""
        with self._transaction(write=True) as conn:
            _insert_ignore_pair(conn, conversation_key, order_key)

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

    def drop_ticket(self, conversation_key: str, order_key: str) -> None:
        with self._transaction(write=True) as conn:
            _delete_ticket(conn, conversation_key, order_key)

    # ---- listings

    def drafts_of(self, owner: str) -> list[DraftRecord]:
        """The owner's drafts, most recently updated first."""
        with self._transaction(write=False) as conn:
            return _list_drafts(conn, owner)


def _insert_ignore_pair(conn: Connection, conversation_key: str, order_key: str) -> None:
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    conn.execute(
        dialect.insert(turn_tickets)
        .values(conversation=conversation_key, order_key=order_key, at=_now())
        .on_conflict_do_nothing(index_elements=["conversation", "order_key"])
    )


def _delete_ticket(conn: Connection, conversation_key: str, order_key: str) -> None:
    conn.execute(
        delete(turn_tickets).where(
            turn_tickets.c.conversation == conversation_key, turn_tickets.c.order_key == order_key
        )
    )


def _list_drafts(conn: Connection, owner: str) -> list[DraftRecord]:
    rows = conn.execute(
        select(drafts)
        .where(drafts.c.owner == owner)
        .order_by(drafts.c.updated_at.desc(), drafts.c.id.desc())
    )
    return [_draft_from_row(row) for row in rows]


class Turn:
    """One conversation turn; obtained from :meth:`Store.turn`, valid only inside its block.

    ``state`` is the conversation's position (a JSON-able dict), saved when the block exits.
    """

    def __init__(self, conn: Connection, conversation_key: str, owner: str) -> None:
        self._conn = conn
        self._closed = False
        self.conversation_key = conversation_key
        self.owner = owner
        #: Groups the history rows written in this turn into one change set.
        self.turn_id = uuid.uuid4().hex
        #: True when this turn started the conversation.
        self.created = _insert_ignore(
            conn,
            conversations,
            {
                "key": conversation_key,
                "owner": owner,
                "active_draft_id": None,
                "state_json": "{}",
                "version": 0,
                "updated_at": _now(),
            },
            "key",
        )
        row = conn.execute(
            select(conversations)
            .where(conversations.c.key == conversation_key)
            .with_for_update()
        ).one()
        if row.owner != owner:
            raise NotYourConversation(conversation_key)
        self.state: dict[str, Any] = json.loads(row.state_json)
        #: The number of turns committed before this one.
        self.version: int = row.version
        self._active_id: int | None = row.active_draft_id
        self._draft: DraftRecord | None = None

    def _check_open(self) -> None:
        if self._closed:
            raise RuntimeError("this turn has ended")

    def _load_draft(self, draft_id: int) -> DraftRecord | None:
        row = self._conn.execute(
            select(drafts).where(drafts.c.id == draft_id).with_for_update()
        ).one_or_none()
        if row is None:
            return None
        if row.owner != self.owner:
            raise NotYourDraft(draft_id)
        return _draft_from_row(row)

    def _finish(self) -> None:
        if not isinstance(self.state, dict):
            raise TypeError("Turn.state must be a dict")
        self._conn.execute(
            update(conversations)
            .where(conversations.c.key == self.conversation_key)
            .values(
                state_json=json.dumps(self.state, ensure_ascii=False, separators=(",", ":")),
                active_draft_id=self._active_id,
                version=conversations.c.version + 1,
                updated_at=_now(),
            )
        )

    # ---- drafts

    @_translating
    def draft(self) -> DraftRecord | None:
        """The active draft (its row locked until the turn ends), or None."""
        self._check_open()
        if self._active_id is None:
            return None
        if self._draft is None or self._draft.id != self._active_id:
            self._draft = self._load_draft(self._active_id)
            if self._draft is None:
                self._active_id = None
        return self._draft

    def form(self) -> Form:
        """A copy of the active draft's form; an empty draft is created if there is none."""
        current = self.draft() or self.new_draft()
        return current.form.model_copy(deep=True)

    @_translating
    def new_draft(self, title: str = "", form: Form | None = None) -> DraftRecord:
        """Create a draft for this owner and make it the active one."""
        self._check_open()
        form = form if form is not None else Form()
        now = _now()
        result = self._conn.execute(
            insert(drafts).values(
                owner=self.owner,
                title=title,
                form_json=_dump_form(form),
                created_at=now,
                updated_at=now,
                version=1,
            )
        )
        draft_id = result.inserted_primary_key[0]
        self._draft = DraftRecord(
            id=draft_id,
            owner=self.owner,
            title=title,
            form=form.model_copy(deep=True),
            created_at=now,
            updated_at=now,
            version=1,
        )
        self._active_id = draft_id
        return self._draft

    @_translating
    def list_drafts(self) -> list[DraftRecord]:
        """This owner's drafts, most recently updated first."""
        self._check_open()
        return _list_drafts(self._conn, self.owner)

    @_translating
    def switch(self, draft_id: int) -> DraftRecord:
        """Make one of this owner's drafts the active one.

        Raises :class:`NotYourDraft` when the id is unknown or another owner's.
        """
        self._check_open()
        try:
            wanted = int(draft_id)
        except (TypeError, ValueError):
            raise NotYourDraft(draft_id) from None
        found = self._load_draft(wanted)
        if found is None:
            raise NotYourDraft(draft_id)
        self._draft = found
        self._active_id = found.id
        return found

    def _write_draft(self, current: DraftRecord, **values: Any) -> DraftRecord:
        now = _now()
        result = self._conn.execute(
            update(drafts)
            .where(drafts.c.id == current.id, drafts.c.version == current.version)
            .values(updated_at=now, version=current.version + 1, **values)
        )
        if result.rowcount != 1:  # cannot happen while the row is locked; never write blindly
            raise StoreError(f"draft {current.id} changed during the turn")
        changed = {k: v for k, v in values.items() if k != "form_json"}
        return DraftRecord(
            id=current.id,
            owner=current.owner,
            title=changed.get("title", current.title),
            form=current.form,
            created_at=current.created_at,
            updated_at=now,
            version=current.version + 1,
        )

    @_translating
    def rename(self, title: str) -> DraftRecord:
        """Retitle the active draft (creating an empty one if there is none)."""
        current = self.draft() or self.new_draft()
        self._draft = self._write_draft(current, title=title)
        return self._draft

    @_translating
    def save_form(
        self,
        form: Form,
        actor: str,
        changes: Sequence[Change] = (),
        *,
        undoes: str | None = None,
    ) -> DraftRecord:
        """Store ``form`` as the active draft and record ``changes`` in its history.

        ``actor`` is who made the changes (e.g. "user:U123"). When the save reverts an earlier
        change set, pass its ``turn_id`` as ``undoes``: that set is marked undone and the new
        rows are recorded as its undo (neither is offered by :meth:`last_change_set` again).
        """
        if not isinstance(form, Form):
            raise TypeError("save_form expects a Form")
        _require_key(actor, "actor")
        rows = []
        for change in changes:
            if not isinstance(change, Change):
                raise TypeError("changes must be Change instances")
            _require_key(change.path, "Change.path")
            rows.append(
                {
                    "actor": actor,
                    "path": change.path,
                    "old_json": _to_json(change.old),
                    "new_json": _to_json(change.new),
                    "turn_id": self.turn_id,
                    "undoes": undoes,
                }
            )
        current = self.draft() or self.new_draft()
        if undoes is not None:
            self.mark_undone(undoes)
        saved = self._write_draft(current, form_json=_dump_form(form))
        self._draft = DraftRecord(
            id=saved.id,
            owner=saved.owner,
            title=saved.title,
            form=form.model_copy(deep=True),
            created_at=saved.created_at,
            updated_at=saved.updated_at,
            version=saved.version,
        )
        if rows:
            for row in rows:
                row["draft_id"] = saved.id
                row["at"] = saved.updated_at
            self._conn.execute(insert(history), rows)
        return self._draft

    # ---- history and undo

    @_translating
    def history(self, limit: int = 20) -> list[HistoryEntry]:
        """The active draft's most recent history rows, newest first."""
        current = self.draft()
        if current is None:
            return []
        rows = self._conn.execute(
            select(history)
            .where(history.c.draft_id == current.id)
            .order_by(history.c.id.desc())
            .limit(limit)
        )
        return [_history_from_row(row) for row in rows]

    @_translating
    def last_change_set(self, actor: str | None = None) -> ChangeSet | None:
        """The most recent change set on the active draft that is neither undone nor an undo,
        optionally only among ``actor``'s; None when there is nothing to undo."""
        current = self.draft()
        if current is None:
            return None
        live = (
            history.c.draft_id == current.id,
            history.c.undoes.is_(None),
            history.c.undone_by.is_(None),
        )
        by_actor = (history.c.actor == actor,) if actor is not None else ()
        turn_id = self._conn.execute(
            select(history.c.turn_id)
            .where(*live, *by_actor)
            .order_by(history.c.id.desc())
            .limit(1)
        ).scalar_one_or_none()
        if turn_id is None:
            return None
        rows = list(
            self._conn.execute(
                select(history)
                .where(*live, *by_actor, history.c.turn_id == turn_id)
                .order_by(history.c.id)
            )
        )
        return ChangeSet(
            turn_id=turn_id,
            draft_id=current.id,
            actor=rows[-1].actor,
            at=rows[-1].at,
            changes=tuple(
                Change(row.path, json.loads(row.old_json), json.loads(row.new_json))
                for row in rows
            ),
        )

    @_translating
    def mark_undone(self, turn_id: str) -> int:
        """Mark the active draft's change set ``turn_id`` as reverted by this turn.

        Returns the number of history rows marked; ValueError if there was nothing to mark.
        """
        current = self.draft()
        if current is None or turn_id == self.turn_id:
            raise ValueError(f"no change set {turn_id!r} to undo")
        result = self._conn.execute(
            update(history)
            .where(
                history.c.draft_id == current.id,
                history.c.turn_id == turn_id,
                history.c.undoes.is_(None),
                history.c.undone_by.is_(None),
            )
            .values(undone_by=self.turn_id)
        )
        if result.rowcount == 0:
            raise ValueError(f"no change set {turn_id!r} to undo")
        return result.rowcount

    # ---- events

    @_translating
    def lang_of(self, user_id: str) -> str | None:
        """A person's language, read in this turn's transaction (no extra round trip)."""
        self._check_open()
        return self._conn.execute(
            select(people.c.lang).where(people.c.user_id == user_id)
        ).scalar_one_or_none()

    @_translating
    def event_done(self, event_id: str) -> bool:
        """Whether a turn already applied this event (committed, in any process)."""
        self._check_open()
        done = self._conn.execute(
            select(processed_events.c.done_at).where(processed_events.c.event_id == event_id)
        ).scalar_one_or_none()
        return done is not None

    @_translating
    def complete_event(self, event_id: str) -> None:
        """Record, as part of this turn, that it applied the event: a later retry is dropped."""
        self._check_open()
        _require_key(event_id, "event_id")
        now = _now()
        if not _insert_ignore(
            self._conn, processed_events, {"event_id": event_id, "at": now, "done_at": now}, "event_id"
        ):
            self._conn.execute(
                update(processed_events)
                .where(processed_events.c.event_id == event_id)
                .values(done_at=now)
            )

    @_translating
    def drop_ticket(self, order_key: str) -> None:
        """This turn's message has been applied: it no longer holds back later ones."""
        self._check_open()
        _delete_ticket(self._conn, self.conversation_key, order_key)

    @_translating
    def claim_event(self, event_id: str) -> bool:
        """Like :meth:`Store.claim_event`, but part of this turn: rolled back with it."""
        self._check_open()
        _require_key(event_id, "event_id")
        return _insert_ignore(
            self._conn, processed_events, {"event_id": event_id, "at": _now()}, "event_id"
        )
