"""`declbot chat`: the terminal front end on the same engine and store.

Interactive or piped: one turn per line; a line "@path" sends that file as an attachment;
a number answers with the choice of that number; files the engine sends are saved.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TextIO

from bot.engine import Engine
from bot.types import Attachment, Choice, Reply, Turn


def render(reply: Reply) -> str:
    lines = [reply.text]
    for n, choice in enumerate(reply.choices, start=1):
        lines.append(f"  {n}) {choice.label}")
    return "\n".join(lines)


class TerminalChat:
    def __init__(self, engine: Engine, user: str, out_dir: Path, stdout: TextIO) -> None:
        self.engine = engine
        self.user = user
        self.conversation = f"cli:{user}"
        self.out_dir = out_dir
        self.stdout = stdout
        self.choices: tuple[Choice, ...] = ()

    def send(self, turn: Turn) -> None:
        for reply in self.engine.handle(turn):
            print(render(reply), file=self.stdout)
            if reply.choices:
                self.choices = reply.choices
            if reply.file is not None:
                self.out_dir.mkdir(parents=True, exist_ok=True)
                path = self.out_dir / reply.file.name
                path.write_bytes(reply.file.data)
                print(f"[已保存 saved: {path}]", file=self.stdout)
            print(file=self.stdout)
        self.stdout.flush()

    def line(self, line: str) -> None:
        text = line.rstrip("\n")
        stripped = text.strip()
        if stripped.startswith("@") and len(stripped) > 1:
            path = Path(stripped[1:].strip()).expanduser()
            try:
                data = path.read_bytes()
            except OSError as e:
                print(f"无法打开 cannot open {path}: {e.strerror}", file=self.stdout)
                return
            self.send(Turn(self.conversation, self.user, file=Attachment(path.name, data)))
            return
        if stripped.isdigit() and self.choices and 1 <= int(stripped) <= len(self.choices):
            choice = self.choices[int(stripped) - 1]
            self.choices = ()
            self.send(Turn(self.conversation, self.user, choice=choice.value))
            return
        self.choices = ()
        self.send(Turn(self.conversation, self.user, text=text))


def run_chat(engine: Engine, user: str, out_dir: Path, stdin: TextIO = sys.stdin,
             stdout: TextIO = sys.stdout) -> int:
    chat = TerminalChat(engine, user, out_dir, stdout)
    interactive = stdin.isatty()
    chat.send(Turn(chat.conversation, user))
    while True:
        if interactive:
            print("> ", end="", file=stdout, flush=True)
        line = stdin.readline()
        if not line:
            break
        if not line.strip():
            continue
        chat.line(line)
    return 0
