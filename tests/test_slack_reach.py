"""Where people reach the app, end to end through ``declbot serve --http``: a group DM works like
a channel thread (a mention starts it, everyone in the thread shares its draft), and a file shared
from another organisation (Slack Connect, ``check_file_info``) is fetched through files.info."""

from __future__ import annotations

import time

from form_model.exporter import write_form
from form_model.importers import read_text, read_xlsx
from tests.fake_slack import BOT_TOKEN, FakeSlack, Message
from tests.slack_harness import Endpoint, dm_of, new_user, unique


def test_a_group_dm_works_like_a_channel_thread(served: Endpoint, slack: FakeSlack) -> None:
    group, alice, bob = unique("G"), new_user(), new_user()
    root = served.ts()
    # Alice @mentions the app in the group DM: Slack sends app_mention and message.mpim for it.
    _, message = served.channel_message(alice, group, "帮我们填表", mention=True, ts=root, channel_type="mpim")
    mention = {k: v for k, v in message.items() if k != "channel_type"} | {"type": "app_mention"}
    started = served.exchange(group, 2, lambda: served.event(mention), thread_ts=root)
    assert served.event(message).status == 200  # the same message again: answered once
    assert "你好！我是申报助手" in started[0].shown() and "部门名称" in started[1].shown()

    # Bob answers in the thread without a mention; the thread's draft is shared.
    said = served.exchange(group, 1, lambda: served.event(served.channel_message(
        bob, group, "广州市协作办公室", thread_ts=root, channel_type="mpim")[1]), thread_ts=root)
    assert "已记录：部门名称 = 广州市协作办公室" in said[0].shown()
    status = served.exchange(group, 1, lambda: served.event(served.channel_message(
        alice, group, "进度", thread_ts=root, channel_type="mpim")[1]), thread_ts=root)
    assert "部门名称：广州市协作办公室" in status[0].shown()

    # The group's chatter outside the thread is not for the app.
    _, chatter = served.channel_message(bob, group, "开会了", channel_type="mpim")
    assert served.event(chatter).status == 200
    time.sleep(0.4)
    assert all(m.thread_ts == root for m in slack.in_place(group)) and len(slack.in_place(group)) == 4


def test_a_file_shared_from_another_organisation_is_fetched_through_files_info(
        served: Endpoint, slack: FakeSlack, seed_text: str) -> None:
    user = new_user()
    dm = dm_of(user)
    served.exchange(dm, 2, lambda: served.dm(user, "你好"))
    shared = slack.host_file("申报表.xlsx", write_form(read_text(seed_text)), check_file_info=True)
    assert "url_private_download" not in shared
    said = served.exchange(dm, 3, lambda: served.dm(user, "", files=[shared]))
    assert "已读取文件「申报表.xlsx」：表格完整：0 个错误，13 个警告" in said[0].shown()
    assert [c.params["file"] for c in slack.calls_to("files.info")] == [shared["id"]]
    assert slack.files[shared["id"]].fetches == [{"authorization": f"Bearer {BOT_TOKEN}"}]


def test_when_files_info_fails_the_person_is_told(served: Endpoint, slack: FakeSlack) -> None:
    user = new_user()
    dm = dm_of(user)
    served.exchange(dm, 2, lambda: served.dm(user, "你好"))
    shared = slack.host_file("申报表.xlsx", b"PK\x03\x04", check_file_info=True)
    slack.fail("files.info", error="file_not_found")
    [told] = served.exchange(dm, 1, lambda: served.dm(user, "", files=[shared]))
    assert told.shown() == f"无法从 Slack 取得文件「{shared['id']}」的下载信息（file_not_found），请稍后再上传一次。"
    assert slack.files[shared["id"]].fetches == []


def start_thread(served: Endpoint, channel: str, alice: str, bob: str) -> str:
    """Alice @mentions the app in a channel; Bob gives the department in the thread."""
    root = served.ts()
    served.exchange(channel, 2, lambda: served.mention(alice, channel, "帮我们填表", ts=root)[1], thread_ts=root)
    served.exchange(channel, 1, lambda: served.event(
        served.channel_message(bob, channel, "广州市协作办公室", thread_ts=root)[1]), thread_ts=root)
    return root


def command_note(slack: FakeSlack, count: int) -> dict[str, str]:
    return slack.wait(lambda: slack.responses[count - 1] if len(slack.responses) >= count else None,
                      what=f"note {count}")


def test_declbot_reaches_the_thread_drafts_listed_apart(served: Endpoint, slack: FakeSlack) -> None:
    channel, alice, bob, carol = unique("C"), new_user(), new_user(), new_user()
    root = start_thread(served, channel, alice, bob)
    in_thread = len(slack.in_place(channel))

    # /declbot drafts: Alice's own drafts (in the DM), then the thread's draft, apart.
    dm = dm_of(alice)
    own, listing = served.exchange(dm, 3, lambda: served.command(alice, "drafts"))[1:]
    assert own.shown().startswith("你的草稿：\n1. 未命名草稿")
    shown = listing.shown()
    assert shown.startswith("你参与过的讨论串里还有 1 份共享草稿")
    assert "广州市协作办公室" in shown and f"<#{channel}> 中" in shown and "开始的讨论串" in shown
    assert "广州市协作办公室" not in own.shown()  # the thread's draft is not among her own
    check, export = listing.buttons()
    assert (check["text"]["text"], export["text"]["text"]) == ("检查", "导出表格")
    draft_id = check["value"]
    assert export["value"] == draft_id and check["action_id"] == "declbot_shared_check"
    command_note(slack, 1)

    # Checked from the DM: the report arrives there, without "go and fix" buttons (they
    # belong to the thread's conversation); the thread hears nothing.
    heading, report = served.exchange(dm, 2, lambda: served.click(alice, listing, draft_id))
    assert heading.shown() == "讨论串的共享草稿「广州市协作办公室」："
    assert report.shown().startswith("表格尚不完整：") and report.buttons() == []
    exported = served.exchange(dm, 2, lambda: served.click(alice, listing, draft_id,
                                                           action_id="declbot_shared_export"))
    assert exported[0].shown() == "讨论串的共享草稿「广州市协作办公室」："
    upload = slack.wait(lambda: slack.uploaded(dm), what="the workbook")[0]
    assert read_xlsx(upload.data).department == "广州市协作办公室"
    assert len(slack.in_place(channel)) == in_thread

    # /declbot check: Alice's own draft is checked, and the thread's is offered to check too.
    before = len(slack.in_place(dm))
    assert served.command(alice, "check").status == 200
    listed = slack.wait(lambda: [m for m in slack.in_place(dm)[before:] if m.shown().startswith("你参与过的讨论串")],
                        what="the thread drafts after the check")[0]
    assert [b["action_id"] for b in listed.buttons()] == ["declbot_shared_check"]

    # Carol never took part in the thread: nothing is listed for her, and a forged click on
    # Alice's listing is refused.
    carol_dm = dm_of(carol)
    served.exchange(carol_dm, 2, lambda: served.command(carol, "drafts"))
    time.sleep(0.3)
    assert not any(m.shown().startswith("你参与过的讨论串") for m in slack.in_place(carol_dm))
    forged = Message(carol_dm, listing.ts, listing.text, listing.blocks)
    [refused] = served.exchange(carol_dm, 1, lambda: served.click(carol, forged, draft_id,
                                                                  action_id="declbot_shared_export"))
    assert "这份草稿不属于你" in refused.shown() and slack.uploaded(carol_dm) == []
    assert all(m.thread_ts == root for m in slack.in_place(channel))

