"""Edits, deletions and double clicks, end to end through ``declbot serve --http``: an edited or
deleted answer is acknowledged plainly (once, in the person's language, only in a declbot
conversation), nothing recorded changes; a Home button pressed twice on the same view counts once."""

from __future__ import annotations

import threading
import time

from tests.fake_slack import FakeSlack, Message
from tests.slack_harness import Endpoint, dm_of, new_user, unique

EDIT_ZH = "修改消息不会被采用：我处理的是原来的「广州市协作办公室」，它仍然有效。"
DELETION_ZH = "删除消息不会撤回已记录的回答；要撤回请说「撤销」。（删除的是「2025」）"


def settle(slack: FakeSlack, channel: str, count: int) -> list[Message]:
    """After the app had its chance to answer: the channel holds exactly ``count`` messages."""
    time.sleep(0.4)
    messages = slack.in_place(channel)
    assert len(messages) == count, [m.shown() for m in messages]
    return messages


def test_an_edited_or_deleted_answer_in_a_dm_is_acknowledged_and_changes_nothing(
        served: Endpoint, slack: FakeSlack) -> None:
    user = new_user()
    dm = dm_of(user)
    served.exchange(dm, 2, lambda: served.dm(user, "你好"))
    answer = served.dm_message(user, "广州市协作办公室")
    served.exchange(dm, 1, lambda: served.event(answer))
    year = served.dm_message(user, "2025")
    served.exchange(dm, 1, lambda: served.event(year))

    edit, edit_id = served.edited(answer, "广州市协作局"), unique("EvEdit")
    [told] = served.exchange(dm, 1, lambda: served.event(edit, event_id=edit_id))
    assert told.shown().startswith(EDIT_ZH) and "请说「撤销」" in told.shown()
    # The same edit again — Slack's retry, or a second delivery under another event id: told once.
    assert served.event(edit, event_id=edit_id, retry_num=1).status == 200
    assert served.event(edit).status == 200
    settle(slack, dm, 5)

    deletion = served.deleted(year)
    [told] = served.exchange(dm, 1, lambda: served.event(deletion))
    assert told.shown() == DELETION_ZH
    assert served.event(deletion).status == 200
    settle(slack, dm, 6)

    shown = served.exchange(dm, 1, lambda: served.dm(user, "查看"))[0].shown()
    assert "广州市协作办公室" in shown and "广州市协作局" not in shown and "2025" in shown


def test_notices_are_in_the_persons_language(served: Endpoint, slack: FakeSlack) -> None:
    user = new_user()
    dm = dm_of(user)
    served.exchange(dm, 2, lambda: served.dm(user, "你好"))
    served.exchange(dm, 1, lambda: served.dm(user, "lang en"))
    answer = served.dm_message(user, "广州市协作办公室")
    served.exchange(dm, 1, lambda: served.event(answer))
    [told] = served.exchange(dm, 1, lambda: served.event(served.edited(answer, "*甲局*")))
    assert told.shown().startswith("Edits are not taken: I acted on the original '广州市协作办公室', and it stands.")
    [told] = served.exchange(dm, 1, lambda: served.event(served.deleted(answer)))
    assert told.shown().startswith("Deleting a message does not withdraw the recorded answer; to take it back")


def test_in_channels_only_a_conversations_messages_are_acknowledged(served: Endpoint, slack: FakeSlack) -> None:
    channel, alice, bob = unique("C"), new_user(), new_user()
    root = served.ts()
    served.exchange(channel, 2, lambda: served.mention(alice, channel, "帮我们填表", ts=root)[1], thread_ts=root)
    _, reply = served.channel_message(bob, channel, "甲局", thread_ts=root)
    served.exchange(channel, 1, lambda: served.event(reply), thread_ts=root)

    [told] = served.exchange(channel, 1, lambda: served.event(served.edited(reply, "乙局")), thread_ts=root)
    assert told.thread_ts == root and "我处理的是原来的「甲局」" in told.shown()

    # Other people's chatter: a top-level message, a reply in another thread — edited, deleted.
    _, chatter = served.channel_message(bob, channel, "午饭吃什么？")
    _, elsewhere = served.channel_message(bob, channel, "随便", thread_ts=chatter["ts"])
    for event in (chatter, elsewhere):
        assert served.event(event).status == 200
        assert served.event(served.edited(event, "改了")).status == 200
        assert served.event(served.deleted(event)).status == 200
    settle(slack, channel, 4)
    assert "甲局" in served.exchange(channel, 1, lambda: served.event(
        served.channel_message(alice, channel, "查看", thread_ts=root)[1]), thread_ts=root)[0].shown()


def test_a_home_button_pressed_twice_on_the_same_view_counts_once(served: Endpoint, slack: FakeSlack,
                                                                  seed_text: str) -> None:
    user = new_user()
    dm = dm_of(user)
    served.exchange(dm, 4, lambda: served.dm(user, seed_text))
    served.home_opened(user)
    view = slack.wait(lambda: slack.views.get(user), what="the Home tab")
    [draft] = [e["value"].split(":")[1] for b in view["blocks"] if b["type"] == "actions"
               for e in b["elements"] if e["value"].startswith("export_draft:")]

    def double_click(action_id: str, value: str) -> None:
        payloads = [served.home_click(user, action_id, value) for _ in range(2)]  # same view, two presses
        assert payloads[0]["actions"][0]["action_ts"] != payloads[1]["actions"][0]["action_ts"]
        threads = [threading.Thread(target=served.interact, args=(p,)) for p in payloads]
        for t in threads:
            t.start()
        for t in threads:
            t.join()

    double_click(f"declbot_home_export_{draft}", f"export_draft:{draft}")
    slack.wait(lambda: slack.uploaded(dm), what="the workbook")
    double_click("declbot_home_new", "new")
    served.replies(dm, 6)  # the export's message, "new draft"
    time.sleep(0.5)
    assert len(slack.uploaded(dm)) == 1
    assert sum(m.shown().startswith("已新建草稿") for m in slack.in_place(dm)) == 1

    # Once the tab was published again, a press is a new press.
    slack.wait(lambda: len([c for c in slack.calls_to("views.publish") if c.params["user_id"] == user]) >= 3,
               what="the refreshed Home tab")
    [again] = served.exchange(dm, 1, lambda: served.click_home(user, "declbot_home_new", "new"))
    assert again.shown().startswith("已新建草稿 3。")
