"""Slack's rules: duplicates processed once (across processes, in the database), signatures
verified, acks before long work, retries on 429/5xx, and never silence when Slack fails."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.engine import Engine
from bot.types import Applied, Turn
from tests.fake_slack import BOT_ID, BOT_USER, TEAM, FakeSlack
from tests.slack_harness import Endpoint, InProcessServer, dm_of, new_user, slack_escape, unique

Start = Callable[[str], tuple[Endpoint, InProcessServer]]


def dm_event(user: str, text: str, ts: str) -> dict[str, object]:
    return {"type": "message", "channel_type": "im", "channel": dm_of(user), "user": user,
            "text": slack_escape(text), "ts": ts, "event_ts": ts, "team": TEAM}


def test_a_duplicated_event_is_processed_once_across_two_app_instances(
        in_process: Start, db_url: str, slack: FakeSlack) -> None:
    first, _ = in_process(db_url)
    second, _ = in_process(db_url)  # another process's app on the same database
    user = new_user()
    channel = dm_of(user)
    event, event_id = dm_event(user, "帮助", first.ts()), unique("EvDup")

    replies = first.exchange(channel, 2, lambda: first.event(event, event_id=event_id))
    assert "可用命令" in replies[-1].shown()
    # Slack's retries of the same event (X-Slack-Retry-Num) reach either instance.
    assert second.event(event, event_id=event_id, retry_num=1).status == 200
    assert first.event(event, event_id=event_id, retry_num=2).status == 200

    # The same new event delivered to both at once: exactly one of them processes it.
    racing, racing_id = dm_event(user, "进度", first.ts()), unique("EvRace")
    statuses: list[int] = []
    threads = [threading.Thread(target=lambda e=e: statuses.append(e.event(racing, event_id=racing_id).status))
               for e in (first, second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert statuses == [200, 200]
    first.replies(channel, 3)  # the status, from whichever instance claimed the event
    after = first.exchange(channel, 1, lambda: first.dm(user, "查看"))
    assert "草稿还是空的" in after[-1].shown()
    shown = [m.shown() for m in slack.in_place(channel)]
    assert sum("可用命令" in s for s in shown) == 1
    assert sum(s.startswith("填写进度") for s in shown) == 1  # the status, once
    assert len(shown) == 4  # welcome + help, status, the draft


def test_a_bad_signature_is_rejected_and_nothing_is_posted(served: Endpoint, slack: FakeSlack) -> None:
    user = new_user()
    body = json.dumps({"type": "event_callback", "team_id": TEAM, "event_id": unique("Ev"),
                       "event": dm_event(user, "帮助", served.ts())})
    assert served.post(body, "application/json", secret="not-the-secret").status == 401
    assert served.post(body, "application/json", timestamp=int(time.time()) - 600).status == 401  # replayed
    bad = served.post("payload=" + json.dumps({"type": "block_actions"}), "application/x-www-form-urlencoded",
                      secret="not-the-secret")
    assert bad.status == 401
    time.sleep(0.3)
    assert slack.calls == []
    # The same body, correctly signed, is answered.
    assert served.post(body, "application/json").status == 200
    slack.wait(lambda: len(slack.in_place(dm_of(user))) == 2, what="the answer")


def test_url_verification_and_noise_are_acknowledged_without_a_reply(served: Endpoint,
                                                                     slack: FakeSlack) -> None:
    challenge = served.post(json.dumps({"type": "url_verification", "challenge": "c-123", "token": "x"}),
                            "application/json")
    assert challenge.status == 200 and "c-123" in challenge.body
    user = new_user()
    channel = dm_of(user)
    ts = served.ts()
    noise = [
        {"type": "message", "subtype": "message_changed", "channel": channel, "channel_type": "im",
         "hidden": True, "ts": served.ts(), "message": {"user": user, "text": "原文", "ts": ts,
                                                        "attachments": [{"title": "an unfurl"}]},
         "previous_message": {"user": user, "text": "原文", "ts": ts}},
        {"type": "message", "subtype": "message_changed", "channel": channel, "channel_type": "im",
         "hidden": True, "ts": served.ts(), "message": {"user": BOT_USER, "bot_id": BOT_ID, "text": "✅", "ts": ts},
         "previous_message": {"user": BOT_USER, "bot_id": BOT_ID, "text": "问题", "ts": ts}},
        {"type": "message", "subtype": "message_deleted", "channel": channel, "channel_type": "im",
         "hidden": True, "ts": served.ts(), "deleted_ts": ts},
        {"type": "message", "subtype": "bot_message", "channel": channel, "channel_type": "im",
         "bot_id": "BOTHER", "text": "another bot", "ts": served.ts()},
        {"type": "message", "channel": channel, "channel_type": "im", "user": BOT_USER, "bot_id": BOT_ID,
         "text": "我自己说的", "ts": served.ts()},
        {"type": "message", "subtype": "channel_join", "channel": "C0GENERAL", "channel_type": "channel",
         "user": user, "text": "joined", "ts": served.ts()},
        {"type": "app_mention", "channel": "C0GENERAL", "user": "UOTHERBOT", "bot_id": "BOTHER",
         "text": f"<@{BOT_USER}> hi", "ts": served.ts()},
    ]
    for event in noise:
        response = served.event(event)
        assert response.status == 200, (event, response)  # never 404: Slack would retry
    replies = served.exchange(channel, 2, lambda: served.dm(user, "帮助"))
    assert "可用命令" in replies[-1].shown()
    time.sleep(0.2)
    assert [m.channel for m in slack.messages] == [channel, channel]


def test_a_rate_limited_call_is_retried(served: Endpoint, slack: FakeSlack) -> None:
    user = new_user()
    slack.fail("chat.postMessage", status=429, times=1, retry_after=0)
    replies = served.exchange(dm_of(user), 2, lambda: served.dm(user, "帮助"))
    assert "你好！我是申报助手" in replies[0].shown() and "可用命令" in replies[1].shown()
    assert len(slack.calls_to("chat.postMessage")) == 3  # the 429, its retry, the second message
    slack.fail("chat.postMessage", status=500, times=1)
    replies = served.exchange(dm_of(user), 1, lambda: served.dm(user, "查看"))
    assert "草稿还是空的" in replies[0].shown()


def test_a_failed_upload_is_told_not_silent(served: Endpoint, slack: FakeSlack, seed_text: str) -> None:
    user = new_user()
    served.exchange(dm_of(user), 4, lambda: served.dm(user, seed_text))
    slack.fail("files.completeUploadExternal", error="not_in_channel")
    told = served.exchange(dm_of(user), 1, lambda: served.dm(user, "导出"))
    shown = told[0].shown()
    assert "已生成正式表格：部门整体预算绩效目标申报表-广州市协作办公室.xlsx" in shown
    assert "上传到 Slack 失败（not_in_channel）" in shown and "请稍后说「导出」再试一次" in shown
    assert slack.uploaded() == []


def test_a_reply_that_cannot_be_posted_is_reported(served: Endpoint, slack: FakeSlack) -> None:
    user = new_user()
    slack.fail("chat.postMessage", error="msg_too_long", times=1)
    told = served.exchange(dm_of(user), 1, lambda: served.dm(user, "帮助"))
    assert "回复没能完整发出（Slack 出错：msg_too_long）" in told[0].shown()


def test_the_ack_comes_before_the_slow_work(served: Endpoint, slack: FakeSlack, seed_text: str) -> None:
    user = new_user()
    served.exchange(dm_of(user), 4, lambda: served.dm(user, seed_text))
    slack.delay("files.getUploadURLExternal", 2.0)
    response = served.command(user, "export")
    assert response.status == 200
    assert slack.uploaded() == []  # answered while the (delayed) upload has not even begun
    upload = slack.wait(lambda: slack.uploaded(dm_of(user)), timeout=10, what="the upload")[0]
    assert upload.filename.endswith(".xlsx")


def test_a_failed_event_is_released_so_its_retry_is_processed(in_process: Start, tmp_path: Path,
                                                              slack: FakeSlack,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    endpoint, server = in_process(f"sqlite:///{tmp_path / 'release.sqlite3'}")
    user = new_user()
    channel = dm_of(user)
    real = Engine.apply
    failures = iter([RuntimeError("a bug")])

    def apply_failing_once(self: Engine, turn: Turn) -> Applied:
        for error in failures:
            raise error
        return real(self, turn)

    monkeypatch.setattr(Engine, "apply", apply_failing_once)
    event, event_id = dm_event(user, "帮助", endpoint.ts()), unique("EvFail")
    told = endpoint.exchange(channel, 1, lambda: endpoint.event(event, event_id=event_id))
    assert "抱歉，处理时出错了" in told[0].shown()  # never silence

    def released() -> bool:  # the error handler runs just after the person is told
        if not server.store.claim_event(event_id):
            return False
        server.store.release_event(event_id)
        return True

    deadline = time.monotonic() + 5
    while not released():
        assert time.monotonic() < deadline, "the claim was kept"
        time.sleep(0.02)
    # Slack's retry of the event is processed: the failed attempt did not keep the claim.
    replies = endpoint.exchange(channel, 2, lambda: endpoint.event(event, event_id=event_id, retry_num=1))
    assert "可用命令" in replies[-1].shown()
