"""What the app posts fits Slack, end to end through ``declbot serve --http`` and a fake Web API
that refuses what Slack refuses (every test here fails if the fake refused anything): the report
of a 400-indicator form, text people typed (shown as typed, never as markup), and a Home tab
whose draft has a 3,000-character department name."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.common import generated_form
from bot.render import draft_title
from bot.store import Store
from bot.types import Attachment
from form_model.checker import check
from form_model.exporter import write_form
from form_model.models import Form
from form_model.report_text import render_report, summary_line
from handlers.blocks import MESSAGE_TEXT_BUDGET, block_text_length
from handlers.places import dm_key
from tests.fake_slack import TEAM, FakeSlack, Message
from tests.slack_harness import Endpoint, ServeProcess, Twin, dm_of, new_user, posts_for, unique


@pytest.fixture
def twin(tmp_path: Path) -> Iterator[Twin]:
    t = Twin(tmp_path / "twin.sqlite3")
    yield t
    t.close()


@pytest.fixture(scope="module")
def large_form() -> Form:
    return generated_form(50, 400)


def thread_of(slack: FakeSlack, message: Message) -> list[Message]:
    return [m for m in slack.in_place(message.channel, message.ts) if m.ts != message.ts]


def test_the_report_of_a_400_indicator_form_is_a_summary_its_parts_and_a_file(
        served: Endpoint, slack: FakeSlack, twin: Twin, large_form: Form) -> None:
    user = new_user()
    dm = dm_of(user)
    data = write_form(large_form)
    report = render_report(check(large_form), "zh")
    said = summary_line(check(large_form), "zh")
    assert len(report) > 12_000  # one message of it would be refused (msg_blocks_too_long)
    replies = twin.turn(user, file=Attachment("大表.xlsx", data))
    shared = slack.host_file("大表.xlsx", data)
    posted = served.exchange(dm, posts_for(replies), lambda: served.dm(user, "", files=[shared]), timeout=60)

    top = [m for m in posted if m.thread_ts is None][-3:]  # after the welcome
    assert [m.body().split("\n")[0] for m in top] == [
        f"已读取文件「大表.xlsx」：{said}",
        said,  # the report's summary
        "要接着填写缺少的部分吗？",
    ]
    summary = top[1]
    parts = thread_of(slack, summary)
    n = len(parts)
    assert n >= 4 and f"其余 {n} 部分发在这条消息的讨论串里，全文另附文件「declbot-全文.txt」" in summary.shown()
    assert [p.shown().split("\n")[0] for p in parts] == [f"{k}/{n}" for k in range(1, n + 1)]
    assert all(p.body().startswith("══ 警告（建议修改） ══\n【") for p in parts)
    findings = [line for line in report.split("\n") if line.startswith("! [")]
    shown = "\n".join(p.body() for p in parts)
    assert len(findings) == check(large_form).counts()["warning"] and all(f in shown for f in findings)
    assert top[-1].buttons() and not any(p.buttons() for p in parts)  # the choices stay in sight

    [attached] = slack.wait(lambda: slack.uploaded(dm), what="the report as a file")
    assert (attached.filename, attached.thread_ts) == ("declbot-全文.txt", summary.ts)
    assert attached.data.decode("utf-8") == report
    largest = max(block_text_length(m.blocks) for m in slack.in_place(dm))
    assert largest <= MESSAGE_TEXT_BUDGET < 12_000


def test_typed_text_is_shown_as_typed(served: Endpoint, slack: FakeSlack) -> None:
    user = new_user()
    dm = dm_of(user)
    served.exchange(dm, 2, lambda: served.dm(user, "你好"))
    typed = "*市*_协作_~办~`公室` <!channel> <https://evil.example|点我> :tada:"
    [said] = served.exchange(dm, 1, lambda: served.dm(user, typed))
    [text_block] = [b["text"] for b in said.blocks if b["type"] == "section"][:1]
    assert text_block["type"] == "plain_text" and text_block["emoji"] is False
    assert f"部门名称 = {typed}" in text_block["text"]
    assert "<!channel>" not in said.text and "&lt;!channel&gt;" in said.text  # the notification


def test_a_3000_character_department_name_does_not_break_the_home_tab(
        served: Endpoint, served_process: ServeProcess, slack: FakeSlack) -> None:
    user = new_user()
    name = "超长部门名称" * 500
    store = Store(served_process.database_url)  # a draft saved before names had a cap
    try:
        with store.turn(dm_key(TEAM, user), f"user:{user}") as st:
            st.new_draft(form=Form(department=name))
    finally:
        store.close()
    assert served.home_opened(user).status == 200

    def sections() -> list[str]:
        view = slack.views.get(user) or {"blocks": []}
        return [b["text"]["text"] for b in view["blocks"] if b["type"] == "section"]

    # Published from the kept summaries first, then again once the draft is checked.
    slack.wait(lambda: len(sections()) > 1 and sections()[1].startswith("✓ 部门名称"), what="the Home tab")
    view = slack.views[user]
    headers = [b["text"]["text"] for b in view["blocks"] if b["type"] == "header"]
    assert headers[1] == draft_title(Form(department=name), "zh") and len(headers[1]) <= 150
    progress = sections()[1]
    assert progress.startswith("✓ 部门名称：超长部门名称") and "…" in progress and len(progress) <= 3000

    # The person's Home keeps updating: a new draft from its button shows up in it.
    served.exchange(dm_of(user), 1, lambda: served.click_home(user, "declbot_home_new", "new"))
    slack.wait(lambda: "共 2 份草稿" in str(slack.views[user]), what="the Home tab again")


def test_in_a_channel_thread_the_parts_follow_the_summary_in_the_thread(
        served: Endpoint, slack: FakeSlack, large_form: Form) -> None:
    channel, alice = unique("C"), new_user()
    root = served.ts()
    shared = slack.host_file("大表.xlsx", write_form(large_form))
    _, message = served.channel_message(alice, channel, "请检查", mention=True, ts=root)
    mention = {k: v for k, v in message.items() if k not in ("channel_type",)} | {
        "type": "app_mention", "files": [shared]}
    served.event(mention)
    attached = slack.wait(lambda: slack.uploaded(channel), timeout=60, what="the report as a file")[0]
    assert (attached.channel, attached.thread_ts, attached.filename) == (channel, root, "declbot-全文.txt")
    posted = slack.in_place(channel)
    assert all(m.thread_ts == root for m in posted)  # nothing outside the conversation's thread
    summary = next(m for m in posted if m.body().startswith(summary_line(check(large_form), "zh")))
    parts = posted[posted.index(summary) + 1:]
    n = int(summary.shown().split("其余 ")[1].split(" 部分")[0])
    assert "接着发在下面" in summary.shown()
    assert [p.shown().split("\n")[0] for p in parts[:n]] == [f"{k}/{n}" for k in range(1, n + 1)]
