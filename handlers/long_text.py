"""A long text (the check report of a large form, the overview of a big draft) as a short
summary and parts that each fit one Slack message, split between the text's sections. Pure.

The engine's long texts are outlined: ``══ 警告（建议修改） ══`` opens a block (errors,
warnings, notes), ``【绩效指标】`` (``[Indicators]`` in English) a section within it. Sections are
packed into parts in order; a part that starts inside a block repeats the block's heading, and a
section too long for one part is continued in the next under its heading again. Nothing is lost:
every line of the text is in exactly one part (or in the summary).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

#: Heading lines of the engine's outlined texts (form_model.report_text.render_report).
BLOCK_HEADING = re.compile(r"^══ .+ ══$")
SECTION_HEADING = re.compile(r"^(?:【[^】]+】|\[[^\]]+\])$")
#: Room kept in a part for the headings repeated above a continued section.
HEADINGS_ROOM = 300


def utf16_len(text: str) -> int:
    """Characters as Slack counts them (UTF-16 code units, never fewer than Python's count)."""
    if text.isascii():
        return len(text)
    # surrogatepass: a lone surrogate (it cannot come from Slack, but may from a test) counts one
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def utf16_prefix(text: str, units: int) -> str:
    """The longest start of ``text`` that is at most ``units`` UTF-16 code units long."""
    if len(text) <= units and utf16_len(text) <= units:
        return text
    used = 0
    for n, ch in enumerate(text):
        used += 2 if ord(ch) > 0xFFFF else 1
        if used > units:
            return text[:n]
    return text


def clip(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters, an ellipsis marking the cut."""
    if utf16_len(text) <= limit:
        return text
    return utf16_prefix(text, limit - 1) + "…"


def line_chunks(text: str, limit: int) -> list[str]:
    """``text`` in pieces of at most ``limit`` characters, cut between lines where it can.
    Pieces that are only blank are left out."""
    chunks: list[str] = []
    current, size = "", 0  # size: utf16_len(current), kept as lines are added
    for line in text.split("\n"):
        line_size = utf16_len(line)
        candidate_size = size + 1 + line_size if current else line_size
        if candidate_size <= limit:
            current, size = (f"{current}\n{line}" if current else line), candidate_size
            continue
        if current.strip():
            chunks.append(current)
        while line_size > limit:
            head = utf16_prefix(line, limit)
            chunks.append(head)
            line = line[len(head):]
            line_size = utf16_len(line)
        current, size = line, line_size
    if current.strip():
        chunks.append(current)
    return chunks


@dataclass
class _Section:
    """A run of lines under one section heading (or before any), within one block."""

    block: str | None
    heading: str | None
    lines: list[str] = field(default_factory=list)


def _sections(lines: list[str]) -> list[_Section]:
    out: list[_Section] = []
    block: str | None = None
    current = _Section(None, None)
    for line in lines:
        if BLOCK_HEADING.match(line):
            block = line
            current = _Section(block, None)
            out.append(current)
        elif SECTION_HEADING.match(line):
            current = _Section(block, line)
            out.append(current)
        else:
            if not out:
                out.append(current)
            current.lines.append(line)
    return [s for s in out if s.heading or any(line.strip() for line in s.lines)]


class _Parts:
    """Packs sections into parts of at most ``limit`` characters."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.parts: list[str] = []
        self.lines: list[str] = []
        self.block: str | None = None

    def _size_with(self, extra: list[str]) -> int:
        return utf16_len("\n".join(self.lines + extra))

    def _flush(self) -> None:
        while self.lines and not self.lines[-1].strip():
            self.lines.pop()
        if self.lines:
            self.parts.append("\n".join(self.lines))
        self.lines, self.block = [], None

    def _opening(self, section: _Section) -> list[str]:
        """The heading lines a section needs in the current part."""
        head = []
        if section.block is not None and section.block != self.block:
            head += ([""] if self.lines else []) + [section.block]
        if section.heading is not None:
            head.append(section.heading)
        return head

    def add(self, section: _Section) -> None:
        body = _trimmed(section.lines)
        whole = self._opening(section) + body
        if self._size_with(whole) <= self.limit:
            self._take(section, whole)
            return
        alone = _Parts(self.limit)
        if alone._size_with(alone._opening(section) + body) <= self.limit:  # fits a part of its own
            self._flush()
            self._take(section, self._opening(section) + body)
            return
        # Longer than any part: line by line from here, the headings repeated in each new part.
        opened = False
        for line in body:
            for piece in line_chunks(line, max(self.limit - HEADINGS_ROOM, self.limit // 2)) or [line]:
                head = [] if opened else self._opening(section)
                if self.lines and self._size_with([*head, piece]) > self.limit:
                    self._flush()
                    head = self._opening(section)
                self._take(section, [*head, piece])
                opened = True

    def _take(self, section: _Section, lines: list[str]) -> None:
        self.lines += lines
        if section.block is not None:
            self.block = section.block

    def done(self) -> list[str]:
        self._flush()
        return self.parts


def _trimmed(lines: list[str]) -> list[str]:
    start, end = 0, len(lines)
    while start < end and not lines[start].strip():
        start += 1
    while end > start and not lines[end - 1].strip():
        end -= 1
    return lines[start:end]


def split_long_text(text: str, part_limit: int, summary_limit: int) -> tuple[str, list[str]]:
    """(summary, parts): the summary is the text's opening lines (up to its first blank line
    or heading), the parts the rest, each at most ``part_limit`` characters. When the opening
    is longer than ``summary_limit`` the summary is its first line, cut to fit, and the parts
    hold the whole text."""
    lines = text.strip("\n").split("\n")
    n = 0
    while n < len(lines) and lines[n].strip() and not _is_heading(lines[n]):
        n += 1
    if n == len(lines):  # no outline: the first line sums it up
        n = 1
    summary = "\n".join(lines[:n]).strip()
    rest = lines[n:]
    if n == 0 or utf16_len(summary) > summary_limit:
        summary, rest = clip(lines[0].strip(), summary_limit), lines
    packer = _Parts(part_limit)
    for section in _sections(rest):
        packer.add(section)
    return summary, packer.done()


def _is_heading(line: str) -> bool:
    return bool(BLOCK_HEADING.match(line) or SECTION_HEADING.match(line))
