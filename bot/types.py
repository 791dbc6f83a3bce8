"""Plain data exchanged between the engine and its front ends (Slack, terminal)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Attachment:
    """A file a person sent: its name and content."""

    name: str
    data: bytes


@dataclass(frozen=True)
class Turn:
    """One turn from one person in one conversation.

    ``conversation`` identifies the place (a DM, a channel thread, a terminal session);
    ``shared`` says whether everyone there edits one draft (a channel thread) or the
    person's own drafts are used (a DM, the terminal).
    """

    conversation: str
    user: str
    text: str = ""
    file: Attachment | None = None
    choice: str | None = None
    shared: bool = False
    #: The front end's id of this message (Slack's event_id): applied at most once.
    event_id: str | None = None
    #: The message's place in its conversation (Slack's ts): in a shared conversation,
    #: messages arriving at the same moment are applied in this order.
    order_key: str | None = None
    #: The first message of a conversation that is neither a command nor a pasted form is a
    #: greeting ("你好"), not the answer to a question the person has not seen yet.
    greeting_if_new: bool = False
    #: The front end releases the message's place in line itself (``Store.drop_ticket``) once
    #: the replies are posted, so that replies in a shared conversation also come in order.
    keep_ticket: bool = False

    @property
    def owner(self) -> str:
        return f"place:{self.conversation}" if self.shared else f"user:{self.user}"


@dataclass(frozen=True)
class Choice:
    label: str
    value: str
    #: A choice that opens a form for a whole row (``form:<row target>``, see
    #: :mod:`bot.row_entry`): front ends with forms show it (Slack, as a modal); the others
    #: leave it out, and typing a number never picks it.
    form: bool = False


@dataclass(frozen=True)
class OutFile:
    """A file the engine sends back (the exported workbook)."""

    name: str
    data: bytes
    title: str = ""


@dataclass(frozen=True)
class Reply:
    text: str
    choices: tuple[Choice, ...] = field(default_factory=tuple)
    file: OutFile | None = None
    #: What kind of reply it is, for front ends that show some differently: "" (an ordinary
    #: reply), "stale_choice" (a button of a question already answered: nothing was done),
    #: "report" (a check report), "report_part" (one section of a long report).
    kind: str = ""


@dataclass(frozen=True)
class Job:
    """Work a turn leaves for after it, done outside the conversation's lock so that the
    person's next message is not kept waiting (checking a large form, exporting it)."""

    kind: str  # "check" | "export" | "status" | "drafts" | "import_report"
    conversation: str
    owner: str
    user: str
    lang: str
    draft_id: int
    #: The question the turn ended on: offers the job adds are kept only if it still is.
    question: int
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Applied:
    """A turn applied: its replies now, and the jobs that produce the rest."""

    replies: list[Reply]
    jobs: list[Job] = field(default_factory=list)
