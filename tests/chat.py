"""A person in a conversation with the engine, for the conversation tests."""

from __future__ import annotations

from bot.conversation import split_choice
from bot.engine import Engine
from bot.store import Store
from bot.types import Attachment, Reply, Turn
from form_model.models import Form
from tests.walk_script import walk_script


class Chat:
    """One person in one conversation. ``turns`` counts what the person typed or clicked."""

    def __init__(self, engine: Engine, user: str = "U1", conversation: str | None = None,
                 shared: bool = False) -> None:
        self.engine = engine
        self.user = user
        self.conversation = conversation or f"dm:{user}"
        self.shared = shared
        self.replies: list[Reply] = []
        self.turns = 0

    def _send(self, **kw: object) -> list[Reply]:
        turn = Turn(self.conversation, self.user, shared=self.shared, **kw)  # type: ignore[arg-type]
        self.replies = self.engine.handle(turn)
        return self.replies

    def open(self) -> list[Reply]:
        """The opening (empty) turn a front end sends when a conversation starts."""
        return self._send(text="")

    def say(self, text: str) -> list[Reply]:
        self.turns += 1
        return self._send(text=text)

    def click(self, value: str) -> list[Reply]:
        """Click the offered choice whose value (without its question id) is ``value``."""
        self.turns += 1
        return self._send(choice=self.offered(value))

    def offered(self, value: str) -> str:
        for offered in self.choices:
            if split_choice(offered)[0] == value:
                return offered
        raise AssertionError(f"{value!r} not offered; offered {self.choices}")

    def upload(self, name: str, data: bytes) -> list[Reply]:
        self.turns += 1
        return self._send(file=Attachment(name, data))

    @property
    def text(self) -> str:
        return "\n".join(r.text for r in self.replies)

    @property
    def choices(self) -> list[str]:
        return [c.value for r in self.replies for c in r.choices]

    @property
    def values(self) -> list[str]:
        """The offered choices without their question ids."""
        return [split_choice(v)[0] for v in self.choices]

    def labels(self) -> list[str]:
        return [c.label for r in self.replies for c in r.choices]

    def form(self) -> Form:
        return current_form(self.engine.store, self.conversation, self.owner)

    @property
    def owner(self) -> str:
        return f"place:{self.conversation}" if self.shared else f"user:{self.user}"


def current_form(store: Store, conversation: str, owner: str) -> Form:
    with store.turn(conversation, owner) as t:
        return t.active().form()[0]


def drive(chat: Chat, form: Form) -> None:
    """Draft a form through the walk alone, one answer at a time."""
    for step in walk_script(form):
        if step.choice:
            chat.click(step.choice)
        else:
            chat.say(step.text)
