"""The pure parts of the Slack front end: Block Kit, Slack text, places, the Home view."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from bot.engine import DraftOverview
from bot.types import Choice, OutFile, Reply
from handlers.blocks import (
    CHOICE_ACTION_ID,
    SECTION_LIMIT,
    chosen_blocks,
    reply_messages,
    text_chunks,
)
from handlers.files import split_comment
from handlers.home_view import HOME_ACTION_ID, home_view
from handlers.middleware import is_noise
from handlers.places import dm_key, message_place, thread_key
from handlers.settings import Settings, SettingsError
from handlers.slack_text import escape, mentions, typed_text


def sections(message) -> list[str]:  # type: ignore[no-untyped-def]
    return [b["text"]["text"] for b in message.blocks if b["type"] == "section"]


def test_user_text_cannot_ping_or_link() -> None:
    [message] = reply_messages(Reply("部门：<!channel> & <@U123> <https://evil|点我>"))
    shown = sections(message)[0]
    assert shown == "部门：&lt;!channel&gt; &amp; &lt;@U123&gt; &lt;https://evil|点我&gt;"
    assert message.text == shown  # the notification text too
    assert message.blocks[0]["text"]["verbatim"] is True


def test_long_text_is_split_into_sections_between_lines() -> None:
    lines = [f"第 {n} 行：" + "说明" * 60 for n in range(120)]
    [message] = reply_messages(Reply("\n".join(lines)))
    parts = sections(message)
    assert len(parts) > 1 and all(len(p) <= SECTION_LIMIT for p in parts)
    assert "\n".join(parts) == "\n".join(lines)
    assert 0 < len(message.text) <= 3000


def test_a_line_longer_than_a_section_is_cut_outside_entities() -> None:
    line = ("a&b" * 2000)[:4999]
    chunks = text_chunks(escape(line))
    assert all(len(c) <= SECTION_LIMIT for c in chunks)
    assert all(not re.search(r"&(a|am|amp)?$", c) for c in chunks[:-1]), "an entity was cut"
    assert "".join(chunks) == escape(line)


def test_a_huge_reply_becomes_several_messages_with_the_buttons_last() -> None:
    text = "\n".join("问题" * 1400 for _ in range(60))
    messages = reply_messages(Reply(text, (Choice("导出", "cmd:export"),)))
    assert len(messages) == 2
    assert all(len(m.blocks) <= 50 for m in messages)
    assert [b["type"] for b in messages[0].blocks if b["type"] != "section"] == []
    assert messages[-1].blocks[-1]["type"] == "actions"


def test_choices_are_buttons() -> None:
    choices = tuple(Choice(f"选项 {n} " + "很长" * 50, f"pick:{n}") for n in range(30))
    [message] = reply_messages(Reply("选一个：", choices))
    actions = [b for b in message.blocks if b["type"] == "actions"]
    assert [len(a["elements"]) for a in actions] == [25, 5]
    buttons = [e for a in actions for e in a["elements"]]
    assert [b["value"] for b in buttons] == [c.value for c in choices]
    ids = [b["action_id"] for b in buttons]
    assert len(set(ids)) == 30 and all(CHOICE_ACTION_ID.match(i) for i in ids)
    assert all(len(b["text"]["text"]) <= 75 for b in buttons)
    assert buttons[0]["text"]["text"].endswith("…")


def test_the_chosen_rendering_replaces_the_buttons() -> None:
    [message] = reply_messages(Reply("【预算年度】", (Choice("跳过", "year:skip"),)))
    after = chosen_blocks(message.blocks, "跳过 <b>", "U1")
    assert [b["type"] for b in after] == ["section", "context"]
    assert after[-1]["elements"][0]["text"] == "✅ <@U1> → 跳过 &lt;b&gt;"


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


@pytest.mark.parametrize(("event", "noise"), [
    ({"type": "message", "user": "U1", "text": "hi"}, False),
    ({"type": "message", "user": "U1", "subtype": "file_share"}, False),
    ({"type": "message", "user": "U1", "subtype": "thread_broadcast"}, False),
    ({"type": "message", "subtype": "message_changed"}, True),
    ({"type": "message", "subtype": "message_deleted"}, True),
    ({"type": "message", "user": "U1", "subtype": "channel_join"}, True),
    ({"type": "message", "subtype": "bot_message", "bot_id": "B2"}, True),
    ({"type": "message", "user": "U9", "bot_id": "B2", "text": "a bot with a user"}, True),
    ({"type": "app_mention", "user": "U1", "text": "<@UBOT>"}, False),
    ({"type": "app_mention", "user": "U9", "bot_id": "B2"}, True),
    ({"type": "app_home_opened", "user": "U1"}, False),
])
def test_noise(event: dict[str, str], noise: bool) -> None:
    assert is_noise({"type": "event_callback", "event": event}) is noise


def test_export_reply_comment_is_one_line() -> None:
    text = "已生成正式表格：甲.xlsx\n表格尚不完整：2 个错误，0 个警告，0 个提示。\n注意：仍有 2 个错误，已照常导出：\n✗ A\n✗ B"
    comment, rest = split_comment(text)
    assert comment == "已生成正式表格：甲.xlsx  表格尚不完整：2 个错误，0 个警告，0 个提示。"
    assert rest.startswith("注意：仍有 2 个错误") and rest.endswith("✗ B")
    assert split_comment("已生成正式表格：甲.xlsx\n表格完整。")[1] == ""
    assert Reply("x", file=OutFile("a.xlsx", b"")).file is not None


def overview_of(n: int, complete: bool = False) -> DraftOverview:
    return DraftOverview(id=n, title=f"草稿 <{n}>", updated_at=datetime(2026, 3, 1, 8, 30, tzinfo=UTC),
                         complete=complete, counts={"error": 0 if complete else 2, "warning": 1, "info": 0},
                         progress="✓ 部门名称：甲\n… 预算整体情况：0/8")


def test_home_view_lists_drafts_with_buttons() -> None:
    view = home_view([overview_of(n, complete=n == 7) for n in (9, 7)], "zh")
    assert view["type"] == "home" and len(view["blocks"]) <= 100
    text = str(view)
    assert "*草稿 &lt;9&gt;*" in text and "✅ 表格完整" in text and "✏️ 尚不完整" in text
    assert "<!date^1772353800^{date_num} {time}|2026-03-01 08:30 UTC>" in text
    buttons = {e["action_id"]: e["value"] for b in view["blocks"] if b["type"] == "actions" for e in b["elements"]}
    assert buttons == {"declbot_home_new": "new", "declbot_home_open_9": "open:9",
                       "declbot_home_export_9": "export_draft:9", "declbot_home_open_7": "open:7",
                       "declbot_home_export_7": "export_draft:7"}
    assert all(HOME_ACTION_ID.match(a) for a in buttons)


def test_home_view_stays_within_slack_limits() -> None:
    view = home_view([overview_of(n) for n in range(60)], "en")
    assert len(view["blocks"]) <= 100
    assert "40 older drafts not shown" in str(view)
    assert "No drafts yet" in str(home_view([], "en"))


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
