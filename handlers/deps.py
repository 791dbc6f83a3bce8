"""What every listener needs: settings, the store and the engine (one set per process)."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from bot.engine import Engine
from bot.store import Store, StoreError
from handlers.settings import Settings

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Deps:
    settings: Settings
    store: Store
    engine: Engine

    @classmethod
    def build(cls, settings: Settings, store: Store) -> Deps:
        return cls(settings, store, Engine(store))

    def claim(self, key: str) -> bool:
        """True the first time a key is claimed, in any process (a button pressed twice is
        taken once); True too when the store cannot say (the engine then tells the person the
        store is down)."""
        try:
            return self.store.claim_event(key)
        except StoreError as e:
            log.warning("%s not claimed (%s): taken as the first", key, e)
            return True

    def lang(self, user: str | None) -> str:
        """The person's language (zh unless they chose English); zh when the store is down."""
        if not user:
            return "zh"
        try:
            return self.store.get_lang(user) or "zh"
        except StoreError:
            log.warning("language of %s unknown: store unavailable", user)
            return "zh"
