"""Choice buttons: a click answers like typing the choice, the message shows what was chosen,
and a question is answered once however often its buttons are clicked."""

from __future__ import annotations

import copy
import time

from tests.fake_slack import FakeSlack
from tests.slack_harness import Endpoint, dm_of, new_user, unique


def test_a_button_click_answers_like_typing(served: Endpoint, slack: FakeSlack) -> None:
    user = new_user()
    dm = dm_of(user)
    served.exchange(dm, 2, lambda: served.dm(user, "你好"))
    asked = served.exchange(dm, 1, lambda: served.dm(user, "广州市协作办公室"))[0]
    assert "【预算年度】" in asked.shown()
    skip = asked.button("year:skip")
    assert skip["text"]["text"] == "跳过" and skip["action_id"].startswith("declbot_choice_")

    as_first_seen = copy.deepcopy(asked)
    answered = served.exchange(dm, 1, lambda: served.click(user, asked, "year:skip"))[0]
    assert answered.shown().startswith("已跳过。") and "【预算整体情况 › 部门预算支出 › 基本支出】" in answered.shown()
    update = slack.calls_to("chat.update")[0].params
    assert (update["channel"], update["ts"]) == (dm, asked.ts)
    assert asked.buttons() == [] and asked.shown().endswith(f"✅ <@{user}> → 跳过")
    assert "【预算年度】" in asked.shown()  # the question itself is still there

    # A second click on the same question (double click, or another process) is not taken.
    assert served.click(user, as_first_seen, "year:skip").status == 200
    time.sleep(0.3)
    assert len(slack.in_place(dm)) == 4 and len(slack.calls_to("chat.update")) == 1


def test_a_button_in_a_thread_answers_for_the_thread(served: Endpoint, slack: FakeSlack) -> None:
    channel, alice, bob = unique("C"), new_user(), new_user()
    root = served.ts()
    served.exchange(channel, 2, lambda: served.mention(alice, channel, "你好", ts=root)[1], thread_ts=root)
    asked = served.exchange(channel, 1, lambda: served.event(
        served.channel_message(bob, channel, "甲局", thread_ts=root)[1]), thread_ts=root)[0]
    answered = served.exchange(channel, 1, lambda: served.click(alice, asked, "year:skip"), thread_ts=root)
    assert "基本支出" in answered[0].shown() and answered[0].thread_ts == root
    assert asked.shown().endswith(f"✅ <@{alice}> → 跳过")


def test_a_button_of_a_question_answered_by_typing_records_nothing(served: Endpoint, slack: FakeSlack) -> None:
    user = new_user()
    dm = dm_of(user)
    served.exchange(dm, 2, lambda: served.dm(user, "你好"))
    asked = served.exchange(dm, 1, lambda: served.dm(user, "广州市协作办公室"))[0]
    assert "【预算年度】" in asked.shown() and asked.button("year:skip")
    typed = served.exchange(dm, 1, lambda: served.dm(user, "2025"))[0]
    assert typed.shown().startswith("已记录：预算年度 = 2025")

    # The year's 「跳过」 clicked after the year was typed: nothing is skipped or recorded.
    [told] = served.exchange(dm, 1, lambda: served.click(user, asked, "year:skip"))
    assert told.shown().startswith("这个按钮所在的问题已经回答过了，没有再次记录。当前问题：")
    assert "【预算整体情况 › 部门预算支出 › 基本支出】" in told.shown()
    assert asked.buttons() == [] and "【预算年度】" in asked.shown()  # the question stays readable
    assert asked.shown().endswith("这个问题已经回答过了，按钮不再有效。") and "✅" not in asked.shown()
    [update] = slack.calls_to("chat.update")
    assert (update.params["channel"], update.params["ts"]) == (dm, asked.ts)

    # The year stands, and the conversation is where it was: the next answer is the 基本支出.
    shown = served.exchange(dm, 1, lambda: served.dm(user, "查看"))[0].shown()
    assert "预算年度：2025" in shown
    goes_on = served.exchange(dm, 1, lambda: served.dm(user, "4381.54"))[0].shown()
    assert goes_on.startswith("已记录：基本支出 = 4,381.54")
