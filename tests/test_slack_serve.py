"""Running the app: ``declbot serve`` picks Socket Mode or HTTP, refuses a bad configuration,
``declbot run`` starts Slack when configured; several HTTP workers share one database; the
manifest asks for exactly what the app uses and passes Slack's published manifest schema."""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

import app
import handlers
from handlers import server
from tests.fake_slack import BOT_TOKEN, FakeSlack
from tests.slack_harness import Endpoint, ServeProcess, dm_of, new_user, slack_escape, unique

ROOT = Path(__file__).resolve().parents[1]
#: Slack's published manifest schema sits next to the seed, outside the repository.
MANIFEST_SCHEMA = Path(__file__).resolve().parents[2] / "shared" / "slack" / "manifest.schema.json"


@pytest.fixture
def slack_env(monkeypatch: pytest.MonkeyPatch, slack: FakeSlack, tmp_path: Path) -> pytest.MonkeyPatch:
    for name in ("SLACK_APP_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_CLIENT_ID", "SLACK_CLIENT_SECRET"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SLACK_BOT_TOKEN", BOT_TOKEN)
    monkeypatch.setenv("SLACK_API_URL", slack.base_url)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'serve.sqlite3'}")
    return monkeypatch


def test_serve_uses_socket_mode_when_an_app_token_is_set(slack_env: pytest.MonkeyPatch,
                                                         slack: FakeSlack) -> None:
    started: dict[str, Any] = {}
    slack_env.setenv("SLACK_APP_TOKEN", "xapp-1-test")
    slack_env.setattr(server, "serve_socket_mode", lambda bolt, token: started.update(app=bolt, token=token) or 0)
    slack_env.setattr(server, "serve_http", lambda *a, **k: pytest.fail("HTTP mode started"))
    assert app.main(["serve"]) == 0
    assert started["token"] == "xapp-1-test"
    assert started["app"].client.base_url == slack.base_url
    assert "auth.test" in slack.methods()


def test_serve_http_and_run(slack_env: pytest.MonkeyPatch) -> None:
    calls: list[dict[str, Any]] = []
    slack_env.setattr(server, "serve_http", lambda factory, **kw: calls.append(kw) or 0)
    slack_env.setenv("SLACK_SIGNING_SECRET", "s")
    slack_env.setenv("SLACK_APP_TOKEN", "xapp-1-test")
    assert app.main(["serve", "--http", "--port", "4000", "--workers", "3"]) == 0
    assert calls[-1] == {"host": "0.0.0.0", "port": 4000, "workers": 3, "threads": server.DEFAULT_THREADS}
    slack_env.delenv("SLACK_APP_TOKEN")
    slack_env.setenv("PORT", "4100")
    assert app.main(["run"]) == 0  # Slack configured: `make run` starts the Slack app
    assert calls[-1]["port"] == 4100 and calls[-1]["workers"] == 1


@pytest.mark.parametrize(("env", "says"), [
    ({}, "SLACK_SIGNING_SECRET is not set"),
    ({"SLACK_SIGNING_SECRET": "s", "SLACK_BOT_TOKEN": "xoxb-rejected"}, "invalid_auth"),
    ({"SLACK_SIGNING_SECRET": "s", "DATABASE_URL": "mysql://x/y"}, "database"),
])
def test_serve_refuses_a_bad_configuration(slack_env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
                                           slack: FakeSlack, env: dict[str, str], says: str) -> None:
    for name, value in env.items():
        slack_env.setenv(name, value)
    if "xoxb-rejected" in env.values():
        slack.fail("auth.test", error="invalid_auth")
    slack_env.setattr(server, "serve_http", lambda *a, **k: pytest.fail("started anyway"))
    assert app.main(["serve", "--http"]) == 2
    assert says in capsys.readouterr().err


def test_two_http_workers_share_one_database(db_url: str, slack: FakeSlack, tmp_path: Path) -> None:
    process = ServeProcess(slack, db_url, tmp_path / "serve.log", workers=2)
    try:
        endpoint = Endpoint(process.base, slack)
        user = new_user()
        channel = dm_of(user)
        endpoint.exchange(channel, 2, lambda: endpoint.dm(user, "你好"))
        for answer, expect in (("广州市协作办公室", "部门名称 = 广州市协作办公室"), ("2025", "预算年度 = 2025"),
                               ("4381.54", "基本支出 = 4,381.54")):
            said = endpoint.exchange(channel, 1, lambda a=answer: endpoint.dm(user, a))
            assert expect in said[0].shown()  # whichever worker got it knew where we were
        ts, event_id = endpoint.ts(), unique("Ev")
        event = {"type": "message", "channel_type": "im", "channel": channel, "user": user,
                 "text": slack_escape("进度"), "ts": ts, "event_ts": ts}
        threads = [threading.Thread(target=endpoint.event, args=(event,), kwargs={"event_id": event_id,
                                                                                   "retry_num": n or None})
                   for n in range(6)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        endpoint.replies(channel, 6)
        after = endpoint.exchange(channel, 1, lambda: endpoint.dm(user, "查看"))
        assert "广州市协作办公室" in after[0].shown()
        assert sum(m.shown().startswith("填写进度") for m in slack.in_place(channel)) == 1
    finally:
        process.stop()


def test_the_manifest_asks_for_exactly_what_the_app_uses() -> None:
    manifest = yaml.safe_load((ROOT / "manifest.yml").read_text(encoding="utf-8"))
    assert set(manifest["oauth_config"]["scopes"]["bot"]) == set(handlers.BOT_SCOPES)
    assert set(manifest["settings"]["event_subscriptions"]["bot_events"]) == set(handlers.BOT_EVENTS)
    [command] = manifest["features"]["slash_commands"]
    assert command["command"] == "/declbot"
    assert manifest["features"]["app_home"] == {
        "home_tab_enabled": True, "messages_tab_enabled": True, "messages_tab_read_only_enabled": False}
    assert manifest["settings"]["interactivity"]["is_enabled"] is True
    assert manifest["settings"]["socket_mode_enabled"] is True



def test_the_manifest_passes_slacks_manifest_schema() -> None:
    """What Slack checks in "Create New App → From a manifest"."""
    if not MANIFEST_SCHEMA.is_file():
        pytest.skip(f"Slack's manifest schema {MANIFEST_SCHEMA} not found")
    schema = json.loads(MANIFEST_SCHEMA.read_text(encoding="utf-8"))
    manifest = yaml.safe_load((ROOT / "manifest.yml").read_text(encoding="utf-8"))
    validator = jsonschema.Draft7Validator(schema)
    problems = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(manifest)]
    assert problems == []
    # The schema does refuse what Slack refuses: the long description's minimum, for one.
    short = {**manifest, "display_information": {**manifest["display_information"],
                                                 "long_description": "x" * 174}}
    assert [e.validator for e in validator.iter_errors(short)] == ["minLength"]
