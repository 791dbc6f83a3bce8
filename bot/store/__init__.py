"""Storage of drafts, conversation positions and change history (see :mod:`bot.store.store`)."""

from bot.store.draft import Change, ChangeSet, Draft, HistoryEntry, InvalidChange
from bot.store.ending import DraftChanged
from bot.store.paths import INDICATOR, ITEM, TASK, PositionMap, RowPath, parse_row_path, row_path
from bot.store.rows import PairInfo, Row
from bot.store.store import (
    DEFAULT_SQLITE_PATH,
    AccessDenied,
    DraftInfo,
    NotYourConversation,
    NotYourDraft,
    Snapshot,
    Store,
    StoreError,
    StoreUnavailable,
    Turn,
    resolve_url,
)

__all__ = [
    "DEFAULT_SQLITE_PATH",
    "INDICATOR",
    "ITEM",
    "TASK",
    "AccessDenied",
    "Change",
    "ChangeSet",
    "Draft",
    "DraftChanged",
    "DraftInfo",
    "HistoryEntry",
    "InvalidChange",
    "NotYourConversation",
    "NotYourDraft",
    "PairInfo",
    "PositionMap",
    "Row",
    "RowPath",
    "Snapshot",
    "Store",
    "StoreError",
    "StoreUnavailable",
    "Turn",
    "parse_row_path",
    "resolve_url",
    "row_path",
]
