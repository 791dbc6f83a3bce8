"""The pure parts of the Slack front end, as data: Block Kit, Slack text, places, the Home view.
Every message and view built here is also checked against what Slack refuses
(tests.slack_limits, the fake Web API's own rules)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from bench.common import generated_form
from bot.engine import DraftOverview
from bot.types import Choice, Reply
from form_model.checker import check
from form_model.report_text import render_report
from handlers.blocks import (
    CHOICE_ACTION_ID,
    MESSAGE_TEXT_BUDGET,
    SECTION_LIMIT,
    Message,
    block_text_length,
    chosen_blocks,
    reply_layout,
    reply_messages,
)
from handlers.home_view import HOME_ACTION_ID, home_view
from handlers.places import dm_key, message_place, thread_key
from handlers.settings import Settings, SettingsError
from handlers.slack_text import mentions, typed_text
from tests.slack_limits import message_refusal, view_refusal

HOSTILE = "部门：<!channel> & <@U123> <https://evil|点我> *粗体* _斜体_ ~删除~ `代码` ```块``` :tada: &amp;"


def sections(message: Message) -> list[str]:
    return [b["text"]["text"] for b in message.blocks if b["type"] == "section"]


def text_objects(value: Any) -> list[dict[str, Any]]:
    """Every text object in blocks or a view."""
    if isinstance(value, dict):
        if value.get("type") in ("plain_text", "mrkdwn"):
            return [value]
        return [t for v in value.values() for t in text_objects(v)]
    if isinstance(value, list):
        return [t for v in value for t in text_objects(v)]
    return []


def accepted(message: Message) -> Message:
    """The message, after checking that Slack would take it and that it stays in the budget."""
    assert message_refusal(message.text, message.blocks) is None
    assert block_text_length(message.blocks) <= MESSAGE_TEXT_BUDGET
    return message


def test_user_text_is_shown_as_typed_never_as_markup() -> None:
    [message] = reply_messages(Reply(HOSTILE))
    [block] = accepted(message).blocks
    assert block["text"] == {"type": "plain_text", "text": HOSTILE, "emoji": False}
    # The notification text is mrkdwn to Slack: escaped, so that it pings and links nothing.
    assert message.text == ("部门：&lt;!channel&gt; &amp; &lt;@U123&gt; &lt;https://evil|点我&gt; *粗体* "
                            "_斜体_ ~删除~ `代码` ```块``` :tada: &amp;amp;")


def test_no_reply_text_ever_goes_into_mrkdwn() -> None:
    choices = (Choice("*选* <!here>", "pick:1"),)
    replies = [Reply(HOSTILE, choices), Reply("\n".join([HOSTILE] * 600), choices)]
    for reply in replies:
        for message in reply_messages(reply):
            for obj in text_objects(accepted(message).blocks):
                if obj["type"] == "mrkdwn":
                    assert "粗体" not in obj["text"] and "<!" not in obj["text"], obj
                else:
                    assert obj["emoji"] is False
    after = chosen_blocks(reply_messages(Reply("问", choices))[0].blocks, "*选* <!here>", "U1")
    assert after[-1]["elements"] == [
        {"type": "mrkdwn", "text": "✅ <@U1> →", "verbatim": True},
        {"type": "plain_text", "text": "*选* <!here>", "emoji": False},
    ]


def test_text_is_split_into_sections_between_lines() -> None:
    lines = [f"第 {n} 行：" + "说明" * 20 for n in range(120)]
    [message] = reply_messages(Reply("\n".join(lines)[:5500]))
    parts = sections(accepted(message))
    assert len(parts) == 2 and all(len(p) <= SECTION_LIMIT for p in parts)
    assert "\n".join(parts) == "\n".join(lines)[:5500]
    assert 0 < len(message.text) <= 3000


def test_a_line_longer_than_a_section_is_cut_and_nothing_is_lost() -> None:
    line = "长" * 5000
    [message] = reply_messages(Reply(line))
    assert [len(p) for p in sections(accepted(message))] == [3000, 2000]
    assert "".join(sections(message)) == line


def test_a_long_reply_is_a_summary_then_numbered_parts_and_a_file() -> None:
    blocks = [f"【第 {n} 部分】\n" + "\n".join(f"! [X{n:02d}] 第 {k} 条：" + "问题" * 40 for k in range(20))
              for n in range(12)]
    text = "表格尚不完整：240 个问题。\n\n══ 警告（建议修改） ══\n" + "\n".join(blocks)
    layout = reply_layout(Reply(text, (Choice("导出", "cmd:export"),)), "zh")
    assert layout is not None and layout.attachment == text and layout.attachment_name == "declbot-全文.txt"
    first = accepted(layout.first)
    assert sections(first) == ["表格尚不完整：240 个问题。"]
    n = len(layout.parts)
    assert first.blocks[1]["elements"][0]["text"] == (
        f"内容较长：其余 {n} 部分发在这条消息的讨论串里，全文另附文件「declbot-全文.txt」。")
    assert [b["value"] for b in first.blocks[2]["elements"]] == ["cmd:export"]  # the buttons stay on top
    assert n > 1
    for k, part in enumerate(layout.parts, 1):
        accepted(part)
        assert part.blocks[0] == {"type": "context", "elements": [
            {"type": "mrkdwn", "text": f"{k}/{n}", "verbatim": True}]}
        assert "\n".join(sections(part)).startswith("══ 警告（建议修改） ══\n【第")  # where we are
    shown = "\n".join("\n".join(sections(p)) for p in layout.parts)
    for line in text.split("\n")[2:]:
        assert line in shown  # nothing lost
    thread = reply_layout(Reply(text), "en", in_thread=True)
    assert thread is not None and "the other" in thread.first.blocks[1]["elements"][0]["text"]
    assert "follow below" in thread.first.blocks[1]["elements"][0]["text"]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_report_of_a_400_indicator_form_fits_slack(lang: str) -> None:
    report = render_report(check(generated_form(50, 400)), lang)
    assert len(report) > 20_000  # one message today: Slack would show nothing
    layout = reply_layout(Reply(report), lang)
    assert layout is not None
    messages = [layout.first, *layout.parts]
    for message in messages:
        accepted(message)
    assert sections(layout.first)[0] == report.split("\n")[0]  # the summary line
    findings = [line for line in report.split("\n") if line.startswith("! [")]
    shown = "\n".join("\n".join(sections(p)) for p in layout.parts)
    assert all(f in shown for f in findings)
    assert layout.attachment == report


def test_choices_are_buttons() -> None:
    choices = tuple(Choice(f"选项 {n} " + "很长" * 50, f"pick:{n}") for n in range(30))
    [message] = reply_messages(Reply("选一个：", choices))
    actions = [b for b in accepted(message).blocks if b["type"] == "actions"]
    assert [len(a["elements"]) for a in actions] == [25, 5]
    buttons = [e for a in actions for e in a["elements"]]
    assert [b["value"] for b in buttons] == [c.value for c in choices]
    ids = [b["action_id"] for b in buttons]
    assert len(set(ids)) == 30 and all(CHOICE_ACTION_ID.match(i) for i in ids)
    assert all(len(b["text"]["text"]) <= 75 for b in buttons)
    assert buttons[0]["text"]["text"].endswith("…")


def test_a_label_of_emoji_is_cut_as_slack_counts() -> None:
    [message] = reply_messages(Reply("选：", (Choice("🎉" * 60, "party"),)))
    label = accepted(message).blocks[-1]["elements"][0]["text"]["text"]
    assert label == "🎉" * 37 + "…"  # 75 UTF-16 units: 37 emoji of two, and the ellipsis


def test_the_chosen_rendering_replaces_the_buttons() -> None:
    [message] = reply_messages(Reply("【预算年度】", (Choice("跳过", "year:skip"),)))
    after = chosen_blocks(message.blocks, "跳过 <b>", "U1")
    assert [b["type"] for b in after] == ["section", "context"]
    assert after[-1]["elements"][1]["text"] == "跳过 <b>"
    assert message_refusal("x", after) is None


def test_typed_text_is_what_the_person_typed() -> None:
    text = "<@UBOT> 基本支出 &lt;5 &amp; 项目 <@U2|小王> <#C1|财务> <https://a.b|链接> <mailto:x@y.z>"
    assert typed_text(text, "UBOT") == "基本支出 <5 & 项目 @小王 #财务 链接 mailto:x@y.z"
    assert mentions(text, "UBOT") and not mentions(text, "UOTHER") and not mentions(text, None)


def test_places() -> None:
    assert dm_key("T1", "U1") == "slack:dm:T1:U1"
    assert thread_key("C1", "1.2") == "slack:thread:C1:1.2"
    in_dm = message_place("T1", "U1", "D1", "5.0", None)
    assert (in_dm.conversation, in_dm.channel, in_dm.thread_ts, in_dm.shared) == ("slack:dm:T1:U1", "D1", None, False)
    in_thread = message_place("T1", "U1", "C1", "5.0", "1.0")
    assert (in_thread.conversation, in_thread.thread_ts, in_thread.shared) == ("slack:thread:C1:1.0", "1.0", True)


def overview_of(n: int, complete: bool = False) -> DraftOverview:
    return DraftOverview(id=n, title=f"草稿 <{n}>", updated_at=datetime(2026, 3, 1, 8, 30, tzinfo=UTC),
                         complete=complete, counts={"error": 0 if complete else 2, "warning": 1, "info": 0},
                         progress="✓ 部门名称：甲\n… 预算整体情况：0/8")


def test_home_view_lists_drafts_with_buttons() -> None:
    view = home_view([overview_of(n, complete=n == 7) for n in (9, 7)], "zh")
    assert view_refusal(view) is None and view["type"] == "home"
    headers = [b["text"] for b in view["blocks"] if b["type"] == "header"]
    assert headers[1:] == [{"type": "plain_text", "text": "草稿 <9>", "emoji": False},
                           {"type": "plain_text", "text": "草稿 <7>", "emoji": False}]
    text = str(view)
    assert "✅ 表格完整" in text and "✏️ 尚不完整" in text
    assert "<!date^1772353800^{date_num} {time}|2026-03-01 08:30 UTC>" in text
    buttons = {e["action_id"]: e["value"] for b in view["blocks"] if b["type"] == "actions" for e in b["elements"]}
    assert buttons == {"declbot_home_new": "new", "declbot_home_open_9": "open:9",
                       "declbot_home_export_9": "export_draft:9", "declbot_home_open_7": "open:7",
                       "declbot_home_export_7": "export_draft:7"}
    assert all(HOME_ACTION_ID.match(a) for a in buttons)


def test_home_view_stays_within_slack_limits() -> None:
    view = home_view([overview_of(n) for n in range(60)], "en")
    assert view_refusal(view) is None and len(view["blocks"]) <= 100
    assert "40 older drafts not shown" in str(view)
    assert "No drafts yet" in str(home_view([], "en"))


def test_a_huge_title_and_progress_are_cut_to_fit() -> None:
    name = "局" * 3000
    drafts = [DraftOverview(id=n, title=name, updated_at=datetime(2026, 3, 1, tzinfo=UTC), complete=False,
                            counts={"error": 1, "warning": 0, "info": 0},
                            progress=f"✓ 部门名称：{name}\n… 预算整体情况：0/8") for n in range(20)]
    view = home_view(drafts, "zh")
    assert view_refusal(view) is None
    header = [b for b in view["blocks"] if b["type"] == "header"][1]["text"]["text"]
    assert header == "局" * 149 + "…"
    progress = view["blocks"][7]["text"]["text"]
    assert len(progress) == 3000 and progress.endswith("…") and progress.startswith("✓ 部门名称：局局")


def test_settings_from_env() -> None:
    with pytest.raises(SettingsError, match="SLACK_BOT_TOKEN"):
        Settings.from_env({})
    s = Settings.from_env({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_API_URL": "http://127.0.0.1:9/api"})
    assert s.api_url == "http://127.0.0.1:9/api/"
    assert s.file_origins == {("https", "files.slack.com"), ("http", "127.0.0.1:9")}
    assert Settings.from_env({"SLACK_BOT_TOKEN": "xoxb-1"}).file_origins == {("https", "files.slack.com")}
    with pytest.raises(SettingsError, match="SIGNING_SECRET"):
        s.require_http()
    with pytest.raises(SettingsError, match="xapp-"):
        s.require_socket_mode()
    with pytest.raises(SettingsError):
        Settings.from_env({"SLACK_BOT_TOKEN": "x", "SLACK_API_URL": "slack.com/api"})
