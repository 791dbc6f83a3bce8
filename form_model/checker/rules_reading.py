"""I rules: what the reader could not place, or did to a value (the form's ``reader_notes``).

Each rule turns notes of one kind into findings, grouped so that a column of cells the reader
could not place is one finding, not one per cell; every cell is named with its position and
its text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from form_model.checker.registry import (
    Context,
    Place,
    finding,
    indicator_place,
    rule,
)
from form_model.findings import Finding, Section
from form_model.findings import Severity as S
from form_model.models import BASIC_INFO_FIELDS, NoteKind, ReaderNote, column_letters

#: Cells listed in one finding, and characters shown of each.
MAX_CELLS = 20
MAX_TEXT = 60
_INDICATOR_PATH = re.compile(r"^indicators\[(\d+)\]\.(\w+)$")


def _notes(ctx: Context, *kinds: NoteKind) -> list[ReaderNote]:
    return [n for n in ctx.form.reader_notes if n.kind in kinds]


def _shown(text: str, lang: str) -> str:
    one_line = " ".join(text.split())
    if len(one_line) <= MAX_TEXT:
        return one_line
    more = f"…（共 {len(one_line)} 字）" if lang == "zh" else f"… ({len(one_line)} characters)"
    return one_line[:MAX_TEXT] + more


def _cells(notes: list[ReaderNote], lang: str) -> str:
    shown = notes[:MAX_CELLS]
    sep = "、" if lang == "zh" else ", "
    if lang == "zh":
        text = sep.join(f"{n.cell('zh')}「{_shown(n.text, 'zh')}」" for n in shown)
    else:
        text = sep.join(f"{n.cell('en')} '{_shown(n.text, 'en')}'" for n in shown)
    rest = len(notes) - len(shown)
    if rest:
        text += f"，另有 {rest} 个" if lang == "zh" else f", and {rest} more"
    return text


def _column_place(note: ReaderNote) -> Place:
    if note.sheet:
        column = column_letters(note.col or 1)
        zh, en = f"{note.sheet_label('zh')} {column} 列", f"{note.sheet_label('en')}, column {column}"
    else:
        zh, en = f"粘贴内容第 {note.col} 列", f"column {note.col} of the paste"
    return Place(note.section, (zh,), (en,))


@rule("I01", S.WARNING, "every cell of the source is placed in the form or reported")
def i01(ctx: Context) -> Iterator[Finding]:
    groups: dict[tuple[str, Section, int | None], list[ReaderNote]] = {}
    for note in _notes(ctx, NoteKind.UNPLACED):
        groups.setdefault((note.sheet, note.section, note.col), []).append(note)
    for notes in groups.values():
        n = len(notes)
        yield finding(
            "I01", S.WARNING, _column_place(notes[0]),
            f"{n} 个单元格的内容没有对应到申报表的栏目，未读入表格：{_cells(notes, 'zh')}。",
            f"{n} cell(s) could not be placed in the form and were not read: {_cells(notes, 'en')}.",
            "如这些内容属于申报表，请填入相应栏目；否则可以忽略。",
            "If this belongs in the form, enter it in its field; otherwise ignore it.",
        )


@rule("I02", S.WARNING, "a workbook's other sheets are named")
def i02(ctx: Context) -> Iterator[Finding]:
    notes = _notes(ctx, NoteKind.OTHER_SHEET, NoteKind.OTHER_FORM_SHEET)
    if not notes:
        return
    read = notes[0].text
    zh, en = [], []
    for n in notes:
        if n.kind == NoteKind.OTHER_FORM_SHEET:
            zh.append(f"「{n.sheet}」（看起来是另一份{n.value}，{n.size} 个非空单元格）")
            en.append(f"'{n.sheet}' (another {n.value}, {n.size} non-empty cells)")
        else:
            zh.append(f"「{n.sheet}」（{n.size} 个非空单元格）")
            en.append(f"'{n.sheet}' ({n.size} non-empty cells)")
    forms = any(n.kind == NoteKind.OTHER_FORM_SHEET for n in notes)
    severity = S.WARNING if forms else S.INFO
    yield finding(
        "I02", severity, Place(Section.SOURCE, ("工作表",), ("sheets",)),
        f"已读取工作表「{read}」；工作簿中另有 {len(notes)} 张工作表未读取：{'、'.join(zh)}。",
        f"Read sheet '{read}'; {len(notes)} other sheet(s) were not read: {', '.join(en)}.",
        "一次只读取一张申报表：请把其他表单独保存为一个文件再检查。" if forms else None,
        "One form is read at a time: save each other form as a file of its own and check it."
        if forms else None,
    )


@rule("I03", S.INFO, "values the reader converted")
def i03(ctx: Context) -> Iterator[Finding]:
    for note in _notes(ctx, NoteKind.CONVERTED):
        match = _INDICATOR_PATH.match(note.path or "")
        if match and int(match.group(1)) < len(ctx.form.indicators):
            place = indicator_place(ctx, int(match.group(1)), match.group(2))
        else:
            place = Place(note.section, (note.cell("zh"),), (note.cell("en"),), note.path)
        yield finding(
            "I03", S.INFO, place,
            f"{note.sheet_label('zh')} {note.cell('zh')} 的「{note.text}」是 Excel 的日期序列号，"
            f"已读作「{note.value}」。",
            f"'{note.text}' at {note.cell('en')} is an Excel date serial, read as '{note.value}'.",
        )


@rule("I04", S.INFO, "footnotes, signatures and totals are not part of the form")
def i04(ctx: Context) -> Iterator[Finding]:
    notes = _notes(ctx, NoteKind.FOOTER)
    if not notes:
        return
    yield finding(
        "I04", S.INFO, Place(notes[0].section, (notes[0].sheet_label("zh"),), (notes[0].sheet_label("en"),)),
        f"表中的说明、签名和合计行不属于申报表的栏目，未读入：{_cells(notes, 'zh')}。",
        f"Notes, signatures and total rows are not fields of the form and were not read: "
        f"{_cells(notes, 'en')}.",
    )


_COUNT_LABELS = {f"basic_info.{f.attr}": f for f in BASIC_INFO_FIELDS}


@rule("I05", S.WARNING, "a count that is not a whole number")
def i05(ctx: Context) -> Iterator[Finding]:
    for note in _notes(ctx, NoteKind.UNREADABLE):
        field = _COUNT_LABELS.get(note.path or "")
        label_zh = field.label_zh if field else (note.path or "")
        label_en = field.label_en if field else (note.path or "")
        yield finding(
            "I05", S.WARNING, Place(Section.BASIC_INFO, (label_zh,), (label_en,), note.path),
            f"{note.sheet_label('zh')} {note.cell('zh')} 的「{note.text}」不是整数，{label_zh}未读入。",
            f"'{note.text}' at {note.cell('en')} is not a whole number; {label_en} was not read.",
            f"填写整数，如「120」（{field.unit_zh}）。" if field else None,
            "Enter a whole number, e.g. 120." if field else None,
        )
