"""What a Slack event is and where it belongs (handlers.routing_logic), event shapes as data.

The predicate stands in for the store: the threads listed in CONVERSATIONS are declbot
conversations; every call to it is recorded, to show it is asked only when it matters.
"""

from __future__ import annotations

from typing import Any

import pytest

from handlers.places import dm_key, thread_key
from handlers.routing_logic import Kind, Route, route_body, route_event, text_turn

TEAM, BOT = "T1", "UBOT"
CONVERSATIONS = {thread_key("C1", "100.0"), thread_key("G1", "300.0"), thread_key("C1", "500.0")}
asked: list[str] = []


def is_conversation(key: str) -> bool:
    asked.append(key)
    return key in CONVERSATIONS


def route(event: dict[str, Any]) -> Route:
    asked.clear()
    return route_event(event, team=TEAM, bot_user_id=BOT, is_conversation=is_conversation)


def dm(text: str = "你好", **extra: Any) -> dict[str, Any]:
    return {"type": "message", "channel_type": "im", "channel": "D1", "user": "U1", "text": text,
            "ts": "200.0", "event_ts": "200.0", **extra}


def in_channel(text: str = "甲局", *, thread_ts: str | None = "100.0", ts: str = "101.0", channel: str = "C1",
               channel_type: str = "channel", **extra: Any) -> dict[str, Any]:
    event = {"type": "message", "channel_type": channel_type, "channel": channel, "user": "U2", "text": text,
             "ts": ts, **extra}
    if thread_ts:
        event["thread_ts"] = thread_ts
    return event


def mention(text: str = f"<@{BOT}> 帮我填表", *, channel: str = "C1", thread_ts: str | None = None,
            **extra: Any) -> dict[str, Any]:
    event = {"type": "app_mention", "channel": channel, "user": "U3", "text": text, "ts": "400.0", **extra}
    if thread_ts:
        event["thread_ts"] = thread_ts
    return event


def changed(before: str, after: str, *, channel: str = "D1", channel_type: str = "im", user: str = "U1",
            thread_ts: str | None = None, ts: str = "200.0", **message: Any) -> dict[str, Any]:
    old = {"type": "message", "user": user, "text": before, "ts": ts}
    new = {"type": "message", "user": user, "text": after, "ts": ts, "edited": {"user": user, "ts": "250.0"},
           **message}
    if thread_ts:
        old["thread_ts"] = new["thread_ts"] = thread_ts
    return {"type": "message", "subtype": "message_changed", "hidden": True, "channel": channel,
            "channel_type": channel_type, "ts": "251.0", "event_ts": "251.0", "message": new,
            "previous_message": old}


def deleted(text: str, *, channel: str = "D1", channel_type: str = "im", user: str = "U1",
            thread_ts: str | None = None, **previous: Any) -> dict[str, Any]:
    old = {"type": "message", "user": user, "text": text, "ts": "200.0", **previous}
    if thread_ts:
        old["thread_ts"] = thread_ts
    return {"type": "message", "subtype": "message_deleted", "hidden": True, "channel": channel,
            "channel_type": channel_type, "ts": "260.0", "deleted_ts": "200.0", "previous_message": old}


# --- what a person says ---------------------------------------------------------------------

@pytest.mark.parametrize(("event", "kind", "conversation", "thread_ts", "text"), [
    pytest.param(dm(), Kind.TEXT, dm_key(TEAM, "U1"), None, "你好", id="dm"),
    pytest.param(dm("&lt;5 &amp; <@U9|小王>"), Kind.TEXT, dm_key(TEAM, "U1"), None, "<5 & @小王", id="dm-tokens"),
    pytest.param(dm(thread_ts="150.0"), Kind.TEXT, dm_key(TEAM, "U1"), "150.0", "你好", id="dm-thread"),
    pytest.param(dm(subtype="thread_broadcast"), Kind.TEXT, dm_key(TEAM, "U1"), None, "你好", id="dm-broadcast"),
    pytest.param(dm("", subtype="file_share", files=[{"id": "F1"}]), Kind.FILE, dm_key(TEAM, "U1"), None, "",
                 id="dm-file"),
    pytest.param(in_channel(), Kind.TEXT, thread_key("C1", "100.0"), "100.0", "甲局", id="thread-reply"),
    pytest.param(in_channel(channel="G1", thread_ts="300.0", channel_type="group"), Kind.TEXT,
                 thread_key("G1", "300.0"), "300.0", "甲局", id="private-channel-thread"),
    pytest.param(in_channel(channel="G1", thread_ts="300.0", channel_type="mpim"), Kind.TEXT,
                 thread_key("G1", "300.0"), "300.0", "甲局", id="group-dm-thread"),
    pytest.param(in_channel(files=[{"id": "F2"}], subtype="file_share"), Kind.FILE,
                 thread_key("C1", "100.0"), "100.0", "甲局", id="thread-file"),
    pytest.param(mention(), Kind.TEXT, thread_key("C1", "400.0"), "400.0", "帮我填表", id="mention-starts"),
    pytest.param(mention(thread_ts="100.0"), Kind.TEXT, thread_key("C1", "100.0"), "100.0", "帮我填表",
                 id="mention-in-thread"),
    pytest.param(mention(channel="G7"), Kind.TEXT, thread_key("G7", "400.0"), "400.0", "帮我填表",
                 id="mention-in-group-dm"),
    pytest.param(mention(files=[{"id": "F3"}]), Kind.FILE, thread_key("C1", "400.0"), "400.0", "帮我填表",
                 id="mention-with-file"),
])
def test_what_people_say_goes_to_its_conversation(event: dict[str, Any], kind: Kind, conversation: str,
                                                   thread_ts: str | None, text: str) -> None:
    r = route(event)
    assert r.kind is kind and r.place is not None
    assert (r.place.conversation, r.place.thread_ts, r.text, r.ts) == (conversation, thread_ts, text, event["ts"])
    assert r.place.shared is conversation.startswith("slack:thread:")
    assert r.user == event["user"] and r.files == tuple(event.get("files") or ())
    assert r.place.channel == event["channel"]


def test_the_store_is_asked_only_about_channel_thread_replies() -> None:
    for event in (dm(), mention(), in_channel(thread_ts=None), dm(subtype="channel_join")):
        route(event)
        assert asked == []
    route(in_channel())
    assert asked == [thread_key("C1", "100.0")]


# --- noise ----------------------------------------------------------------------------------

@pytest.mark.parametrize(("event", "reason"), [
    pytest.param(in_channel(thread_ts=None), "outside a thread", id="channel-chatter"),
    pytest.param(in_channel(thread_ts="101.0", ts="101.0"), "outside a thread", id="thread-root-itself"),
    pytest.param(in_channel(thread_ts="999.0"), "not a conversation", id="another-thread"),
    pytest.param(in_channel(channel_type="mpim", channel="G2", thread_ts="999.0"), "not a conversation",
                 id="group-dm-other-thread"),
    pytest.param(in_channel(f"<@{BOT}> 进度"), "app_mention", id="mention-duplicate"),
    pytest.param(in_channel(f"<@{BOT}> hi", thread_ts=None), "outside a thread", id="mention-top-duplicate"),
    pytest.param(dm(subtype="channel_join"), "subtype channel_join", id="join"),
    pytest.param(dm(subtype="bot_message", bot_id="B2"), "bot", id="bot-message"),
    pytest.param(dm(bot_id="B2"), "bot", id="bot-with-user"),
    pytest.param(dm(user=BOT), "bot", id="ourselves"),
    pytest.param({**dm(), "user": None}, "no user", id="no-user"),
    pytest.param(dm(subtype="message_replied"), "subtype message_replied", id="replied"),
    pytest.param(mention(bot_id="B2"), "bot", id="mention-by-bot"),
    pytest.param(mention(channel="D1"), "in a DM", id="mention-in-dm"),
    pytest.param({"type": "reaction_added", "user": "U1"}, "event reaction_added", id="other-event"),
    pytest.param(changed("原文", "原文", attachments=[{"title": "unfurl"}]), "unchanged", id="unfurl"),
    pytest.param(changed("问题", "✅ 跳过", user=BOT, bot_id="BBOT"), "bot", id="our-update"),
    pytest.param(changed("午饭", "晚饭", channel="C1", channel_type="channel", ts="700.0"),
                 "not a conversation", id="chatter-edited"),
    pytest.param(changed("甲", "乙", channel="C1", channel_type="channel", thread_ts="999.0", ts="998.0"),
                 "not a conversation", id="other-thread-edited"),
    pytest.param(changed("", "说明", files=[{"id": "F1"}]) | {"previous_message": {
        "user": "U1", "text": "", "ts": "200.0", "files": [{"id": "F1"}]}}, "file", id="file-comment-edited"),
    pytest.param({**changed("a", "b"), "message": None}, "without its messages", id="edit-incomplete"),
    pytest.param({**deleted("a"), "previous_message": None}, "without the message", id="deletion-incomplete"),
    pytest.param(deleted("问题", user=BOT, bot_id="BBOT"), "bot", id="our-message-deleted"),
    pytest.param(deleted("午饭", channel="C1", channel_type="channel"), "not a conversation",
                 id="chatter-deleted"),
])
def test_noise_is_dropped_with_a_reason(event: dict[str, Any], reason: str) -> None:
    r = route(event)
    assert (r.kind, r.place) == (Kind.NOISE, None)
    assert reason in r.reason


def test_home_and_other_requests() -> None:
    assert route({"type": "app_home_opened", "user": "U1", "tab": "home"}) == Route(Kind.HOME, user="U1")
    greeting = route({"type": "app_home_opened", "user": "U1", "tab": "messages", "channel": "D1"})
    assert greeting.kind is Kind.GREETING and greeting.place is not None
    assert greeting.place.conversation == dm_key(TEAM, "U1")
    assert route({"type": "app_home_opened", "user": "U1"}).kind is Kind.NOISE
    for body in ({"type": "block_actions"}, {"type": "url_verification"}, {"command": "/declbot"}):
        assert route_body(body, team=TEAM, bot_user_id=BOT, is_conversation=is_conversation).kind is Kind.OTHER
    assert route_body({"type": "event_callback"}, team=TEAM, bot_user_id=BOT,
                      is_conversation=is_conversation).kind is Kind.NOISE


# --- edits and deletions --------------------------------------------------------------------

@pytest.mark.parametrize(("event", "kind", "conversation", "thread_ts", "key"), [
    pytest.param(changed("广州市协作办公室", "广州市协作局"), Kind.EDIT, dm_key(TEAM, "U1"), None,
                 "edit:D1:200.0:250.0", id="dm-edit"),
    pytest.param(changed("2025", "2026", thread_ts="150.0"), Kind.EDIT, dm_key(TEAM, "U1"), "150.0",
                 "edit:D1:200.0:250.0", id="dm-thread-edit"),
    pytest.param(changed("甲局", "乙局", channel="C1", channel_type="channel", thread_ts="100.0", ts="101.0"),
                 Kind.EDIT, thread_key("C1", "100.0"), "100.0", "edit:C1:101.0:250.0", id="thread-edit"),
    pytest.param(changed(f"<@{BOT}> 帮我", f"<@{BOT}> 帮我们", channel="C1", channel_type="channel", ts="500.0"),
                 Kind.EDIT, thread_key("C1", "500.0"), "500.0", "edit:C1:500.0:250.0", id="opening-mention-edit"),
    pytest.param(changed("甲", "乙", channel="G1", channel_type="mpim", thread_ts="300.0", ts="301.0"),
                 Kind.EDIT, thread_key("G1", "300.0"), "300.0", "edit:G1:301.0:250.0", id="group-dm-edit"),
    pytest.param(deleted("4381.54"), Kind.DELETION, dm_key(TEAM, "U1"), None, "deletion:D1:200.0", id="dm-deletion"),
    pytest.param(deleted("甲局", channel="C1", channel_type="channel", thread_ts="100.0"), Kind.DELETION,
                 thread_key("C1", "100.0"), "100.0", "deletion:C1:200.0", id="thread-deletion"),
    pytest.param(changed(f"<@{BOT}> 帮我", "This message was deleted.", channel="C1", channel_type="channel",
                         ts="500.0", thread_ts="500.0", subtype="tombstone"), Kind.DELETION,
                 thread_key("C1", "500.0"), "500.0", "deletion:C1:500.0", id="thread-root-tombstone"),
])
def test_edits_and_deletions_of_a_conversations_messages(event: dict[str, Any], kind: Kind, conversation: str,
                                                         thread_ts: str | None, key: str) -> None:
    r = route(event)
    assert r.kind is kind and r.place is not None
    assert (r.place.conversation, r.place.thread_ts, r.claim_key) == (conversation, thread_ts, key)
    before = event["previous_message"]["text"].replace(f"<@{BOT}> ", "")
    assert r.text == before and r.user == event["previous_message"]["user"]


def test_a_deleted_file_message_names_its_files() -> None:
    r = route(deleted("", subtype="file_share", files=[{"id": "F1", "name": "申报表.xlsx"}]))
    assert r.kind is Kind.DELETION and r.files == ({"id": "F1", "name": "申报表.xlsx"},)


def test_a_typed_route_is_an_engine_turn() -> None:
    turn = text_turn(route(in_channel("2025")), "Ev1")
    assert (turn.conversation, turn.user, turn.text, turn.shared) == (thread_key("C1", "100.0"), "U2", "2025", True)
    assert (turn.event_id, turn.order_key, turn.greeting_if_new, turn.keep_ticket) == ("Ev1", "101.0", True, True)
    own = text_turn(route(dm("进度")), None)
    assert (own.shared, own.keep_ticket, own.owner) == (False, False, "user:U1")
