"""Direct messages, end to end through ``declbot serve --http`` (gunicorn) and the fake Slack:
a whole draft ending with the uploaded workbook, paste → "is my form complete?", uploads."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest

from bot.types import Reply
from form_model.exporter import write_form
from form_model.importers import read_text, read_xlsx
from form_model.models import Form
from tests.fake_slack import BOT_TOKEN, FakeSlack, Message
from tests.slack_harness import Endpoint, Twin, dm_of, new_user, posts_for
from tests.walk_script import walk_script

SEED_FILE = "部门整体预算绩效目标申报表-广州市协作办公室.xlsx"


@pytest.fixture
def seed_form(seed_text: str) -> Form:
    return read_text(seed_text)


@pytest.fixture
def twin(tmp_path: Path) -> Iterator[Twin]:
    t = Twin(tmp_path / "twin.sqlite3")
    yield t
    t.close()


def slack_buttons(value: str) -> list[str]:
    """The buttons Slack shows for a choice (row ids left out): a finding's 「去修改」 that names
    a row field is followed by one that opens the row's modal."""
    if re.fullmatch(r"goto:(task|item|indicator):\d+(\.\w+)?", value):
        return [rows(value), rows("form:" + value.removeprefix("goto:"))]
    return [rows(value)]


def rows(value: str) -> str:
    """A choice's value with row ids left out (the twin's database numbers rows its own way)."""
    return re.sub(r"\b(task|item|indicator):\d+", r"\1:#", value)


class DM:
    """One person in their DM with the app; every turn is checked against the twin engine."""

    def __init__(self, endpoint: Endpoint, twin: Twin, user: str) -> None:
        self.endpoint = endpoint
        self.twin = twin
        self.user = user
        self.channel = dm_of(user)
        self.last: list[Message] = []

    def _expect(self, replies: list[Reply], send: object) -> list[Message]:
        self.last = self.endpoint.exchange(self.channel, posts_for(replies), send)  # type: ignore[arg-type]
        shown = [m.shown().strip() for m in self.last]
        wanted = [r.text.strip() for r in replies]  # a workbook's reply follows the upload
        assert shown == wanted
        offered = [rows(b["value"]) for m in self.last for b in m.buttons()]
        assert offered == [v for r in replies for c in r.choices for v in slack_buttons(c.value)]
        return self.last

    def say(self, text: str, *, twin_text: str | None = None) -> list[Message]:
        replies = self.twin.turn(self.user, text=text if twin_text is None else twin_text)
        return self._expect(replies, lambda: self.endpoint.dm(self.user, text))

    def click(self, value: str) -> list[Message]:
        """Click the button whose value (without its question's id) is ``value``."""
        message = next(m for m in reversed(self.last) if any(
            b["value"] == value or b["value"].rpartition("~")[0] == value for b in m.buttons()))
        button = message.button(value)
        label, value = button["text"]["text"], button["value"]
        replies = self.twin.turn(self.user, choice=value)
        self._expect(replies, lambda: self.endpoint.click(self.user, message, value))
        assert message.updates == 1 and not message.buttons()  # the question shows the answer
        assert f"✅ <@{self.user}> → {label}" in message.shown()
        return self.last

    @property
    def text(self) -> str:
        return "\n".join(m.shown() for m in self.last)


def test_whole_draft_in_a_dm_ends_with_the_workbook(served: Endpoint, slack: FakeSlack, twin: Twin,
                                                    seed_form: Form) -> None:
    dm = DM(served, twin, new_user())
    dm.say("你好", twin_text="")  # a greeting opens the conversation; it is not the department
    assert "你好！我是申报助手" in dm.text and "部门名称" in dm.text
    steps = walk_script(seed_form)
    for step in steps:
        if step.choice:
            dm.click(step.choice)  # every choice is a button
        else:
            dm.say(step.text)
    assert "所有部分都走完了" in dm.text
    assert {b["value"] for m in dm.last for b in m.buttons()} == {"cmd:check", "cmd:export"}

    dm.say("导出")
    upload = slack.wait(lambda: slack.uploaded(dm.channel), what="the workbook")[0]
    assert upload.filename == SEED_FILE and upload.thread_ts is None
    assert upload.initial_comment == ""  # an upload's comment is mrkdwn: the reply is a message
    assert dm.last[-1].shown().startswith(f"已生成正式表格：{SEED_FILE}\n表格完整：0 个错误，13 个警告")
    assert read_xlsx(upload.data) == seed_form
    sheet = openpyxl.load_workbook(io.BytesIO(upload.data)).active
    assert sheet["A1"].value == "部门整体预算绩效目标申报表"
    assert (sheet["A3"].value, sheet["B3"].value) == ("部门名称", "广州市协作办公室")
    assert (sheet["B5"].value, sheet["C5"].value) == ("基本支出", 4381.54)
    assert (sheet["D5"].value, sheet["E5"].value) == ("财政拨款", 275150.81)
    # What the person saw, in order: the file went through the three upload steps, then the
    # message that says what it is.
    methods = slack.methods()
    assert methods[-4:] == ["files.getUploadURLExternal", f"/upload/v1/{upload.file_id}",
                            "files.completeUploadExternal", "chat.postMessage"]


def test_paste_then_is_my_form_complete(served: Endpoint, slack: FakeSlack, twin: Twin,
                                        seed_text: str, seed_form: Form) -> None:
    dm = DM(served, twin, new_user())
    dm.say(seed_text)  # a pasted form is taken even as the first message
    assert "已读取粘贴的表格：表格完整：0 个错误，13 个警告，3 个提示" in dm.text
    dm.say("is my form complete?")
    report = dm.last[0].shown()
    assert report.startswith("表格完整：0 个错误，13 个警告，3 个提示。")
    for finding in ("[B02 警告] 预算整体情况 › 收入来源", "[S09 警告] 绩效指标 › 产出指标 › 质量指标",
                    "[V06 警告]", "→ 建议：≥10次", "[S05 提示]"):
        assert finding in report
    assert report.index("警告（建议修改）") < report.index("提示 ══")
    offered = [b["value"] for b in dm.last[-1].buttons()]
    assert "goto:budget.other_funds" in offered and offered[-1] == "cmd:export"
    assert "<p>" not in report  # the paste's source-system tags were not taken as text


def test_uploaded_workbook_gets_the_report(served: Endpoint, slack: FakeSlack, twin: Twin,
                                           seed_form: Form) -> None:
    dm = DM(served, twin, new_user())
    data = write_form(seed_form)
    shared = slack.host_file("申报表.xlsx", data)
    replies = twin.turn(dm.user, file=_attachment("申报表.xlsx", data))
    dm._expect(replies, lambda: served.dm(dm.user, "", files=[shared]))
    assert "已读取文件「申报表.xlsx」：表格完整：0 个错误，13 个警告" in dm.text
    assert "[S09 警告]" in dm.text and "[V07 警告]" in dm.text
    fetches = slack.files[shared["id"]].fetches
    assert fetches == [{"authorization": f"Bearer {BOT_TOKEN}"}]


@pytest.mark.parametrize(("kind", "says"), [
    pytest.param("login_page", "Slack 返回了网页而不是文件「申报表.xlsx」", id="login-page"),
    pytest.param("too_large", "文件「申报表.xlsx」太大（上限 5 MB）", id="too-large"),
    pytest.param("other_host", "没有下载文件「申报表.xlsx」：它不在 Slack 的文件服务器上", id="other-host"),
    pytest.param("not_a_workbook", "无法读取文件「申报表.xlsx」", id="not-a-workbook"),
])
def test_a_bad_file_is_explained_and_changes_nothing(served: Endpoint, slack: FakeSlack, kind: str,
                                                     says: str) -> None:
    user = new_user()
    served.exchange(dm_of(user), 2, lambda: served.dm(user, "你好"))
    data = b"PK\x03\x04 not really a workbook" if kind == "not_a_workbook" else b"PK\x03\x04"
    shared = slack.host_file("申报表.xlsx", data, login_page=kind == "login_page",
                             size=6 << 20 if kind == "too_large" else None)
    if kind == "other_host":
        shared["url_private_download"] = "https://files.example.com/F1/download/申报表.xlsx"
    new = served.exchange(dm_of(user), 1, lambda: served.dm(user, "", files=[shared]))
    assert says in new[-1].shown()
    fetched = slack.files[shared["id"]].fetches
    assert (len(fetched) == 0) == (kind in ("too_large", "other_host"))  # never sent the token away
    status = served.exchange(dm_of(user), 1, lambda: served.dm(user, "进度"))
    assert "部门名称" in status[0].shown() and "广州" not in status[0].shown()


def _attachment(name: str, data: bytes):  # type: ignore[no-untyped-def]
    from bot.types import Attachment

    return Attachment(name, data)


def test_last_years_workbook_carried_forward_in_a_dm(served: Endpoint, slack: FakeSlack, twin: Twin,
                                                     seed_form: Form) -> None:
    """Attach last year's → carry it forward → confirm the amounts → change two indicator values
    and drop one task → 表格完整吗？ (with the comparison) → 导出: the workbook holds exactly
    the expected form."""
    from tests.test_carry_forward import expected_this_year

    last = seed_form.model_copy(deep=True)
    last.year = 2025
    last.overall_goal = "2025年：" + last.overall_goal
    dm = DM(served, twin, new_user())
    data = write_form(last)
    shared = slack.host_file("2025年申报表.xlsx", data)
    dm._expect(twin.turn(dm.user, file=_attachment("2025年申报表.xlsx", data)),
               lambda: served.dm(dm.user, "", files=[shared]))
    assert any(b["text"]["text"] == "以此为基础起草 2026 年" for m in dm.last for b in m.buttons())
    dm.click("carry:start:2026")
    assert "已以上年表格" in dm.text and "上年 4,381.54 万元" in dm.text
    dm.click("carry:years:2025>2026")
    dm.click("carry:section")  # the eight amounts as last year
    dm.say("保留")
    dm.click("carry:drop")  # 开展省内帮扶工作
    dm.say("同上")
    dm.say("≥12次")
    dm.say("广州对口帮扶省内镇数量：≥70个")
    assert "低于上年" in dm.text
    dm.click("carry:all")
    dm.click("carry:none")
    dm.say("表格完整吗？")
    assert "[Y01 警告]" in dm.text and "Y06" not in dm.text
    dm.say("导出")
    upload = slack.wait(lambda: slack.uploaded(dm.channel), what="the workbook")[0]
    assert upload.filename == "部门整体预算绩效目标申报表-广州市协作办公室-2026年.xlsx"
    assert read_xlsx(upload.data) == expected_this_year(last)
