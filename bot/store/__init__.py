"""Storage of drafts, conversation positions and change history (see :mod:`bot.store.store`)."""

from bot.store.store import (
    DEFAULT_SQLITE_PATH,
    AccessDenied,
    Change,
    ChangeSet,
    DraftRecord,
    HistoryEntry,
    NotYourConversation,
    NotYourDraft,
    Store,
    StoreError,
    StoreUnavailable,
    Turn,
    resolve_url,
)

__all__ = [
    "DEFAULT_SQLITE_PATH",
    "AccessDenied",
    "Change",
    "ChangeSet",
    "DraftRecord",
    "HistoryEntry",
    "NotYourConversation",
    "NotYourDraft",
    "Store",
    "StoreError",
    "StoreUnavailable",
    "Turn",
    "resolve_url",
]
