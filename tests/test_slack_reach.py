"""Where people reach the app, end to end through ``declbot serve --http``: a group DM works like
a channel thread (a mention starts it, everyone in the thread shares its draft), and a file shared
from another organisation (Slack Connect, ``check_file_info``) is fetched through files.info."""

from __future__ import annotations

import time

from form_model.exporter import write_form
from form_model.importers import read_text
from tests.fake_slack import BOT_TOKEN, FakeSlack
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
