"""`declbot chat` in a terminal: prompt_toolkit's line editor, driven through a pipe as a
terminal would drive it (bracketed paste, Enter), against the real engine and store."""

from __future__ import annotations

import io
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from bot.engine import Engine
from bot.store import Store
from bot.terminal import run_chat
from form_model.importers import read_text
from tests.chat import current_form

PASTE_START, PASTE_END = "\x1b[200~", "\x1b[201~"


def chat_in_terminal(store: Store, tmp_path: Path, keys: list[str],
                     until: Callable[[str], bool] | None = None) -> str:
    """Type (and paste) into the chat as a terminal sends it; what the chat printed (once
    ``until`` holds of it, or there is a reply block per key)."""
    out = io.StringIO()
    with create_pipe_input() as typed:
        runner = threading.Thread(target=run_chat, args=(Engine(store), "U1", tmp_path),
                                  kwargs={"stdout": out, "pt_input": typed, "pt_output": DummyOutput()})
        runner.start()
        for key in keys:
            typed.send_text(key)
        deadline = time.monotonic() + 30
        done = until or (lambda said: said.count("\n\n") >= len(keys) + 1)
        while not done(out.getvalue()) and time.monotonic() < deadline:
            time.sleep(0.05)  # wait for the replies (the chat prints one block per reply)
        typed.close()  # end of input: the chat ends as on Ctrl-D
        runner.join(10)
    assert not runner.is_alive()
    return out.getvalue()


def test_a_pasted_form_is_one_message(store: Store, tmp_path: Path, seed_text: str) -> None:
    said = chat_in_terminal(store, tmp_path, [PASTE_START + seed_text + PASTE_END + "\r", "表格完整吗\r"])
    assert said.count("已读取粘贴的表格") == 1
    assert "未记录" not in said and "没有记录" not in said  # no line of it was taken as an answer
    assert current_form(store, "cli:U1", "user:U1") == read_text(seed_text)
    with store.turn("cli:U1", "user:U1") as t:
        assert [h.path for h in t.active().history()] == ["form"]  # one change: the paste


def test_typing_in_the_terminal_answers_and_numbers_pick_choices(store: Store, tmp_path: Path) -> None:
    # The year question offers one choice (1 跳过): 2 is no choice, so it is read as a year.
    said = chat_in_terminal(store, tmp_path, ["广州市档案馆\r", "2\r", "1\r"])
    assert "已记录：部门名称 = 广州市档案馆" in said
    assert "「2」不是年份" in said
    assert "已跳过" in said and "【预算整体情况 › 部门预算支出 › 基本支出】" in said
    form = current_form(store, "cli:U1", "user:U1")
    assert form.department == "广州市档案馆" and form.year is None


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_a_file_is_sent_with_at(store: Store, tmp_path: Path, seed_file: Path, seed_text: str) -> None:
    chat_in_terminal(store, tmp_path, [f"@{seed_file}\r"])
    assert current_form(store, "cli:U1", "user:U1") == read_text(seed_text)


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_last_years_form_carried_forward_in_the_terminal(store: Store, tmp_path: Path, seed_text: str) -> None:
    from form_model.exporter import write_form
    from form_model.importers import read_xlsx
    from tests.test_carry_forward import expected_this_year

    last = read_text(seed_text)
    last.year = 2025
    last.overall_goal = "2025年：" + last.overall_goal
    (tmp_path / "in").mkdir()
    workbook = tmp_path / "in" / "2025年申报表.xlsx"
    workbook.write_bytes(write_form(last))
    keys = [f"@{workbook}", "2",  # 2) 以此为基础起草 2026 年
            "1",  # 1) the years in the texts
            "本部分不变", "保留", "4",  # 4) 删除此任务 (开展省内帮扶工作)
            "同上", "≥12次", "广州对口帮扶省内镇数量：≥70个", "其余都不变", "没有了",
            "表格完整吗？", "导出"]
    said = chat_in_terminal(store, tmp_path, [k + "\r" for k in keys],
                            until=lambda said: "[已保存 saved:" in said)
    assert "以此为基础起草 2026 年" in said and "已删除任务「开展省内帮扶工作」" in said
    assert "Y01" in said and "上年年度指标值为「78个」" in said  # the comparison with last year
    assert len(keys) <= 15
    [saved] = [p for p in tmp_path.glob("*.xlsx")]
    assert read_xlsx(saved.read_bytes()) == expected_this_year(last)
