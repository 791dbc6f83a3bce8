"""@mentions in a channel: the conversation lives in the message's thread, and its draft is
shared by everyone answering there (end to end through ``declbot serve --http``)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fake_slack import FakeSlack
from tests.slack_harness import Endpoint, Twin, dm_of, new_user, posts_for, unique


@pytest.fixture
def twin(tmp_path: Path) -> Iterator[Twin]:
    t = Twin(tmp_path / "twin.sqlite3")
    yield t
    t.close()


def test_mention_starts_a_thread_conversation_two_people_share(served: Endpoint, slack: FakeSlack,
                                                                twin: Twin) -> None:
    channel, alice, bob = unique("C"), new_user(), new_user()

    def turn(user: str, twin_text: str, send) -> str:  # type: ignore[no-untyped-def]
        replies = twin.turn(user, key="thread", shared=True, text=twin_text)
        new = served.exchange(channel, posts_for(replies), send, thread_ts=root)
        assert [m.shown().strip() for m in new] == [r.text.strip() for r in replies]
        return "\n".join(m.shown() for m in new)

    # Alice asks for help in the channel: the app answers in the thread under her message.
    root = served.ts()
    said = turn(alice, "", lambda: served.mention(alice, channel, "帮我们填一下申报表", ts=root)[1])
    assert "你好！我是申报助手" in said and "部门名称" in said
    messages = slack.in_place(channel)
    assert messages and all(m.thread_ts == root for m in messages), "replies stay in the thread"

    # Bob answers in the thread without mentioning the app; Alice answers with a mention
    # (Slack sends both app_mention and message.channels for it: answered once).
    said = turn(bob, "广州市协作办公室", lambda: served.event(
        served.channel_message(bob, channel, "广州市协作办公室", thread_ts=root)[1]))
    assert "已记录：部门名称 = 广州市协作办公室" in said
    said = turn(alice, "2025", lambda: served.mention(alice, channel, "2025", thread_ts=root)[1])
    assert "预算年度 = 2025" in said
    said = turn(bob, "进度", lambda: served.event(
        served.channel_message(bob, channel, "进度", thread_ts=root)[1]))
    assert "部门名称：广州市协作办公室" in said and "预算年度：2025" in said

    # Not for the app: a top-level message without a mention, a reply in another thread.
    other_ts, top = served.channel_message(bob, channel, "午饭吃什么？")
    assert served.event(top).status == 200
    assert served.event(served.channel_message(bob, channel, "随便", thread_ts=other_ts)[1]).status == 200
    turn(alice, "跳过", lambda: served.mention(alice, channel, "跳过", thread_ts=root)[1])
    assert all(m.thread_ts == root for m in slack.in_place(channel))

    # The thread's draft belongs to the thread, not to Alice's own drafts: her Home lists it
    # apart, under the threads she took part in.
    served.home_opened(alice)
    view = slack.wait(lambda: slack.views.get(alice), what="Alice's home")
    shown = str(view)
    assert "还没有草稿" in shown and "讨论串中的共享草稿" in shown
    assert shown.index("还没有草稿") < shown.index("讨论串中的共享草稿") < shown.index("广州市协作办公室")
    assert slack.in_place(dm_of(alice)) == []


def test_a_workbook_shared_in_a_thread_is_checked_and_exported_there(served: Endpoint, slack: FakeSlack,
                                                                      seed_text: str) -> None:
    from form_model.exporter import write_form
    from form_model.importers import read_text, read_xlsx

    channel, alice, bob = unique("C"), new_user(), new_user()
    root = served.ts()
    shared = slack.host_file("申报表.xlsx", write_form(read_text(seed_text)))
    _, message = served.channel_message(alice, channel, "请检查", mention=True, ts=root)
    message.update(subtype="file_share", files=[shared])
    mention = {k: v for k, v in message.items() if k not in ("channel_type", "subtype")} | {"type": "app_mention"}
    said = served.exchange(channel, 4, lambda: served.event(mention), thread_ts=root)
    assert served.event(message).status == 200  # the same message as message.channels: not read twice
    assert "已读取文件「申报表.xlsx」：表格完整：0 个错误，13 个警告" in said[1].shown()
    assert "[S09 警告]" in said[2].shown()

    assert served.event(served.channel_message(bob, channel, "导出", thread_ts=root)[1]).status == 200
    upload = slack.wait(lambda: slack.uploaded(channel), what="the workbook in the thread")[0]
    assert (upload.channel, upload.thread_ts) == (channel, root)
    assert read_xlsx(upload.data) == read_text(seed_text)
    assert len(slack.files[shared["id"]].fetches) == 1


def test_drafts_and_lang_in_a_thread_say_what_they_concern(served: Endpoint, slack: FakeSlack) -> None:
    channel, alice, bob = unique("C"), new_user(), new_user()
    root = served.ts()
    served.exchange(channel, 2, lambda: served.mention(alice, channel, "你好", ts=root)[1], thread_ts=root)

    def say(user: str, text: str) -> str:
        return served.exchange(channel, 1, lambda: served.event(
            served.channel_message(user, channel, text, thread_ts=root)[1]), thread_ts=root)[0].shown()

    say(bob, "广州市协作办公室")
    # 「草稿」 in a thread lists the thread's shared drafts, and says so (not Bob's own).
    listed = say(bob, "草稿")
    assert listed.startswith("此讨论串的共享草稿（讨论串里每个人都可以编辑）：\n1. 广州市协作办公室")
    assert "你的草稿" not in listed

    # 「lang en」 in a thread changes Bob's language only, and says so, mentioning him.
    changed = say(bob, "lang en")
    assert changed.startswith(f"Your language (<@{bob}>) is now English; the others in this thread "
                              "keep theirs, and the draft itself is unchanged.")
    told = slack.in_place(channel, root)[-1]
    runs = [e for b in told.blocks if b["type"] == "rich_text" for s in b["elements"] for e in s["elements"]]
    assert {"type": "user", "user_id": bob} in runs  # a real mention, not the raw token as text
    assert changed.endswith("【预算年度】\nBudget year (optional)?\ne.g. 2026. Say 'skip' to leave it empty.")
    assert say(bob, "status").startswith("Progress (")
    assert say(alice, "进度").startswith("填写进度（广州市协作办公室）")
    assert say(bob, "草稿").startswith("This thread's shared drafts (everyone in the thread may edit them):")
