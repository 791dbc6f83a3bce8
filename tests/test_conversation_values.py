"""The chat side of the value table (tests/value_cases.py): every value is typed into the
conversation, and the chat refuses it exactly when the checker reports an error on it, and
takes it with a note naming each warning when the checker warns (the checker side is
tests/test_judgement.py)."""

from __future__ import annotations

import pytest

from bot.engine import Engine
from bot.store import Store
from tests.chat import Chat
from tests.value_cases import CASES, ValueCase

PERIOD = "period_value"


def message(case: ValueCase) -> str:
    period, annual = (case.value, case.other) if case.attr == PERIOD else (case.other, case.value)
    parts = [f"指标：{case.level1}›{case.level2}›{case.name}"]
    if period:
        parts.append(f"实施周期：{period}")
    if annual:
        parts.append(f"年度：{annual}")
    return "；".join(parts)


#: An empty value is nothing to type (the checker side covers it).
TYPED = [c for c in CASES if c.value.strip()]


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize("case", TYPED, ids=[c.id for c in TYPED])
def test_the_chat_refuses_exactly_what_the_checker_calls_an_error(store: Store, case: ValueCase) -> None:
    assert len(TYPED) >= 40
    chat = Chat(Engine(store))
    chat.open()
    chat.say(message(case))
    [ind] = [i for i in chat.form().indicators if i.level2 == case.level2]
    stored = getattr(ind, case.attr)
    if case.refused:
        assert stored == "", f"{case.id}: an error, yet saved"
        assert "未记录" in chat.text
        for code in case.errors:
            assert f"[{code}]" in chat.text
    else:
        assert stored != "", f"{case.id}: no error, yet refused: {chat.text}"
        if case.normalised:
            assert stored == case.normalised
        for code in case.warnings:
            assert f"[{code}]" in chat.text, f"{case.id}: the note does not name {code}"
