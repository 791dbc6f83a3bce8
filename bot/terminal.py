"""`declbot chat`: the terminal front end on the same engine and store.

Interactive, the line editor is prompt_toolkit's: a multi-line paste (bracketed paste, which
every modern terminal sends) arrives as one message, so a form pasted out of a spreadsheet is
one turn; the history is kept while the chat runs. Piped, each line is a turn. Either way a
line "@path" sends that file as an attachment, a number picks a choice offered by the last
question (the engine remembers them, so this still works after a restart), and files the
engine sends are saved to the output folder.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, TextIO

from bot.engine import Engine
from bot.types import Attachment, Reply, Turn


def render(reply: Reply) -> str:
    """A reply and its numbered choices (a choice opening a form is for front ends with forms)."""
    lines = [reply.text]
    for n, choice in enumerate((c for c in reply.choices if not c.form), start=1):
        lines.append(f"  {n}) {choice.label}")
    return "\n".join(lines)


class TerminalChat:
    def __init__(self, engine: Engine, user: str, out_dir: Path, stdout: TextIO) -> None:
        self.engine = engine
        self.user = user
        self.conversation = f"cli:{user}"
        self.out_dir = out_dir
        self.stdout = stdout

    def send(self, turn: Turn) -> None:
        for reply in self.engine.handle(turn):
            print(render(reply), file=self.stdout)
            if reply.file is not None:
                self.out_dir.mkdir(parents=True, exist_ok=True)
                path = self.out_dir / reply.file.name
                path.write_bytes(reply.file.data)
                print(f"[已保存 saved: {path}]", file=self.stdout)
            print(file=self.stdout)
        self.stdout.flush()

    def message(self, text: str) -> None:
        """One message as typed (or pasted): a file to attach, or text for the engine."""
        stripped = text.strip()
        if stripped.startswith("@") and len(stripped) > 1 and "\n" not in stripped:
            path = Path(stripped[1:].strip()).expanduser()
            try:
                data = path.read_bytes()
            except OSError as e:
                print(f"无法打开 cannot open {path}: {e.strerror}", file=self.stdout)
                return
            self.send(Turn(self.conversation, self.user, file=Attachment(path.name, data)))
            return
        self.send(Turn(self.conversation, self.user, text=text))


def run_chat(engine: Engine, user: str, out_dir: Path, stdin: TextIO = sys.stdin,
             stdout: TextIO = sys.stdout, *, pt_input: Any = None, pt_output: Any = None) -> int:
    """The chat loop. ``pt_input``/``pt_output`` (prompt_toolkit Input/Output objects) make it
    interactive on something other than the terminal — the tests drive it through a pipe."""
    chat = TerminalChat(engine, user, out_dir, stdout)
    chat.send(Turn(chat.conversation, user))
    if pt_input is not None or stdin.isatty():
        return _interactive(chat, pt_input, pt_output)
    for line in stdin:
        if line.strip():
            chat.message(line.rstrip("\n"))
    return 0


def _interactive(chat: TerminalChat, pt_input: Any, pt_output: Any) -> int:
    from prompt_toolkit import PromptSession

    session: PromptSession[str] = PromptSession(input=pt_input, output=pt_output)
    while True:
        try:
            text = session.prompt("> ")
        except KeyboardInterrupt:
            continue
        except EOFError:
            return 0
        if text.strip():
            chat.message(text)
