"""The writes that end a turn: the draft's new version, its history, the event's mark, the
person joining a shared conversation, the message's ticket, and the conversation's state.

On PostgreSQL they are one statement — every write a data-modifying CTE of the state's
UPDATE — so a turn's end costs one round trip besides the COMMIT; on SQLite (in-process)
they run one after the other. Statements are built once per shape (which writes, how many
history rows) with bound parameters, so a turn only binds values: nothing is compiled again.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy import Connection, bindparam, delete, func, insert, literal_column, select, update
from sqlalchemy.dialects import postgresql, sqlite

from bot.store.schema import (
    conversations,
    drafts,
    history,
    participants,
    processed_events,
    turn_tickets,
)

DRAFT = "draft"  # bump a draft's version (and updated_at), checking it was not changed since
DRAFT_HEADER = "draft_header"  # the same, with a new header document
HISTORY = "history"  # a turn's history rows of one draft, in order (one INSERT: ids in order)
EVENT = "event"  # the event applied: its mark
JOIN = "join"  # a person takes part in a shared conversation
TICKET = "ticket"  # the message's place in line released


class DraftChanged(Exception):
    """Another conversation changed this draft during the turn: the turn is run again."""


@dataclass(frozen=True)
class Write:
    kind: str
    params: dict[str, Any]
    #: HISTORY: the rows (each a dict of the history columns), in the order they happened.
    rows: tuple[dict[str, Any], ...] = ()

    @property
    def shape(self) -> str:
        return f"{self.kind}:{len(self.rows)}" if self.kind == HISTORY else self.kind


def _draft_update(n: int, header: bool) -> Any:
    values: dict[str, Any] = {"updated_at": bindparam(f"w{n}_at"), "version": bindparam(f"w{n}_new")}
    if header:
        values["header_json"] = bindparam(f"w{n}_header")
    return (
        update(drafts)
        .where(drafts.c.id == bindparam(f"w{n}_id"), drafts.c.version == bindparam(f"w{n}_old"))
        .values(**values)
        .returning(drafts.c.id)
    )


_HISTORY_COLUMNS = ("draft_id", "actor", "at", "path", "old_json", "new_json", "turn_id", "undoes",
                    "legacy", "origin")


def _history_insert(n: int, rows: int) -> Any:
    return insert(history).values([{c: bindparam(f"w{n}_{r}_{c}") for c in _HISTORY_COLUMNS}
                                   for r in range(rows)])


def _event_upsert(n: int, dialect: Any) -> Any:
    stmt = dialect.insert(processed_events).values(
        event_id=bindparam(f"w{n}_event"), at=bindparam(f"w{n}_at"), done_at=bindparam(f"w{n}_at"))
    return stmt.on_conflict_do_update(index_elements=["event_id"], set_={"done_at": stmt.excluded.done_at})


def _join(n: int, dialect: Any) -> Any:
    return dialect.insert(participants).values(
        owner=bindparam(f"w{n}_owner"), user_id=bindparam(f"w{n}_user"),
        conversation=bindparam(f"w{n}_conversation"), at=bindparam(f"w{n}_at"),
    ).on_conflict_do_nothing(index_elements=["owner", "user_id"])


def _ticket(n: int) -> Any:
    return delete(turn_tickets).where(
        turn_tickets.c.conversation == bindparam(f"w{n}_conversation"),
        turn_tickets.c.order_key == bindparam(f"w{n}_order"),
    )


def _statement(shape: str, n: int, dialect: Any) -> Any:
    kind, _, rows = shape.partition(":")
    if kind in (DRAFT, DRAFT_HEADER):
        return _draft_update(n, kind == DRAFT_HEADER)
    if kind == HISTORY:
        return _history_insert(n, int(rows))
    if kind == EVENT:
        return _event_upsert(n, dialect)
    if kind == JOIN:
        return _join(n, dialect)
    if kind == TICKET:
        return _ticket(n)
    raise ValueError(kind)


def _state_update() -> Any:
    return update(conversations).where(conversations.c.key == bindparam("s_key")).values(
        state_json=bindparam("s_state"), active_draft_id=bindparam("s_active"),
        version=conversations.c.version + literal_column("1"), updated_at=bindparam("s_at"),
    )


@cache
def _postgres_statement(shapes: tuple[str, ...]) -> Any:
    """One UPDATE of the state with every write as a CTE; it returns, for each version check,
    how many drafts it updated (1 each, or the draft changed under the turn)."""
    stmt = _state_update()
    checks = []
    for n, shape in enumerate(shapes):
        cte = _statement(shape, n, postgresql).cte(f"end_{n}")
        stmt = stmt.add_cte(cte)
        if shape in (DRAFT, DRAFT_HEADER):
            checks.append(select(func.count()).select_from(cte).scalar_subquery())
    return stmt.returning(*checks) if checks else stmt


@cache
def _postgres_sql(shapes: tuple[str, ...]) -> str:
    """The statement compiled once per shape. (SQLAlchemy does not cache the compilation of a
    multi-row INSERT, so the turn runs the compiled text through the driver.)"""
    from sqlalchemy.dialects.postgresql import psycopg

    return str(_postgres_statement(shapes).compile(dialect=psycopg.dialect()))


@cache
def _sqlite_statement(shape: str, n: int) -> Any:
    return _statement(shape, n, sqlite)


_SQLITE_STATE = _state_update()
_HISTORY_ROW = insert(history)


def _params(n: int, w: Write) -> dict[str, Any]:
    params = {f"w{n}_{k}": v for k, v in w.params.items()}
    for r, row in enumerate(w.rows):
        params.update({f"w{n}_{r}_{c}": row[c] for c in _HISTORY_COLUMNS})
    return params


def _bound(writes: Sequence[Write]) -> dict[str, Any]:
    params: dict[str, Any] = {}
    for n, w in enumerate(writes):
        params.update(_params(n, w))
    return params


def end_turn(conn: Connection, writes: Sequence[Write], state: dict[str, Any], key: str) -> None:
    """Make the writes and save the state; :class:`DraftChanged` when a draft was changed by
    another conversation since this turn read it (the transaction is then rolled back)."""
    state_params = {"s_key": key} | {f"s_{k}": v for k, v in state.items()}
    if conn.dialect.name == "postgresql":
        shapes = tuple(w.shape for w in writes)
        result = conn.exec_driver_sql(_postgres_sql(shapes), _bound(writes) | state_params)
        if any(w.kind in (DRAFT, DRAFT_HEADER) for w in writes):
            row = result.first()
            if row is None or any(count != 1 for count in row):
                raise DraftChanged(key)
        return
    for n, w in enumerate(writes):
        if w.kind == HISTORY:  # one cached INSERT, executed for every row (in order)
            conn.execute(_HISTORY_ROW, list(w.rows))
            continue
        result = conn.execute(_sqlite_statement(w.shape, n), _params(n, w))
        if w.kind in (DRAFT, DRAFT_HEADER) and result.first() is None:
            raise DraftChanged(key)
    conn.execute(_SQLITE_STATE, state_params)
