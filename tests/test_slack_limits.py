"""The fake Web API refuses what Slack refuses, and answers as Slack does (HTTP 200,
``{"ok": false, "error": …}``): otherwise the end-to-end tests would pass on messages that
real Slack never shows."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from tests.fake_slack import BOT_TOKEN, FakeSlack


@pytest.fixture
def api(slack: FakeSlack) -> Iterator[WebClient]:
    yield WebClient(token=BOT_TOKEN, base_url=slack.base_url)
    slack.refused.clear()  # refusals are what these tests are about


def section(text: str, kind: str = "plain_text") -> dict[str, Any]:
    return {"type": "section", "text": {"type": kind, "text": text}}


def button(text: str = "好", value: str = "v", action_id: str = "a") -> dict[str, Any]:
    return {"type": "button", "text": {"type": "plain_text", "text": text}, "value": value,
            "action_id": action_id}


def refused(api: WebClient, method: str, **kw: Any) -> dict[str, Any]:
    with pytest.raises(SlackApiError) as e:
        api.api_call(method, json=kw)
    assert e.value.response.status_code == 200
    return e.value.response.data  # type: ignore[return-value]


@pytest.mark.parametrize(("blocks", "pointer"), [
    pytest.param([section("字" * 3001)], "/blocks/0/text/text", id="section-3001"),
    pytest.param([section("")], "/blocks/0/text/text", id="empty-text"),
    pytest.param([section("🎉" * 1501)], "/blocks/0/text/text", id="utf16-3002"),
    pytest.param([{"type": "section", "fields": [{"type": "plain_text", "text": "x" * 2001}]}],
                 "/blocks/0/fields/0/text", id="field-2001"),
    pytest.param([{"type": "section", "fields": [{"type": "plain_text", "text": "x"}] * 11}],
                 "/blocks/0/fields", id="fields-11"),
    pytest.param([{"type": "header", "text": {"type": "plain_text", "text": "x" * 151}}],
                 "/blocks/0/text/text", id="header-151"),
    pytest.param([{"type": "header", "text": {"type": "mrkdwn", "text": "*x*"}}],
                 "/blocks/0/text/type", id="header-mrkdwn"),
    pytest.param([{"type": "context", "elements": [{"type": "plain_text", "text": "x"}] * 11}],
                 "/blocks/0/elements", id="context-11"),
    pytest.param([{"type": "actions", "elements": [button(action_id=f"a{n}") for n in range(26)]}],
                 "/blocks/0/elements", id="actions-26"),
    pytest.param([{"type": "actions", "elements": [button("x" * 76)]}],
                 "/blocks/0/elements/0/text/text", id="button-text-76"),
    pytest.param([{"type": "actions", "elements": [button(value="x" * 2001)]}],
                 "/blocks/0/elements/0/value", id="button-value-2001"),
    pytest.param([{"type": "actions", "elements": [button(action_id="x" * 256)]}],
                 "/blocks/0/elements/0/action_id", id="action-id-256"),
    pytest.param([{"type": "actions", "elements": [button(), button()]}],
                 "/blocks/0/elements/1/action_id", id="action-id-twice"),
    pytest.param([{**section("x"), "block_id": "b" * 256}], "/blocks/0/block_id", id="block-id-256"),
    pytest.param([{**section("x"), "block_id": "b"}, {**section("y"), "block_id": "b"}],
                 "/blocks/1/block_id", id="block-id-twice"),
    pytest.param([section("x")] * 51, "/blocks", id="blocks-51"),
    pytest.param([{"type": "actions", "elements": [{"type": "static_select", "action_id": "s", "options": [
        {"text": {"type": "plain_text", "text": "x" * 76}, "value": "v"}]}]}],
                 "/blocks/0/elements/0/options/0/text/text", id="option-text-76"),
    pytest.param([{"type": "input", "label": {"type": "plain_text", "text": "x"},
                   "element": {"type": "plain_text_input", "action_id": "i"}}], "/blocks/0", id="input-in-message"),
    pytest.param([{"type": "carousel_of_dreams"}], "/blocks/0", id="unknown-block"),
])
def test_a_message_over_block_kits_limits_is_invalid_blocks(api: WebClient, slack: FakeSlack,
                                                           blocks: list[dict[str, Any]], pointer: str) -> None:
    answer = refused(api, "chat.postMessage", channel="D1", text="x", blocks=blocks)
    assert answer["error"] == "invalid_blocks"
    assert any(f"[json-pointer:{pointer}]" in m for m in answer["errors"]), answer
    assert answer["response_metadata"]["messages"][0].startswith("[ERROR] ")
    assert slack.messages == [] and [m for m, _ in slack.refused] == ["chat.postMessage"]


def test_the_sizes_of_a_whole_message(api: WebClient, slack: FakeSlack) -> None:
    # Five sections of 2,500 characters are each fine, 12,500 together are not.
    assert refused(api, "chat.postMessage", channel="D1", text="x",
                   blocks=[section("字" * 2500)] * 5)["error"] == "msg_blocks_too_long"
    assert refused(api, "chat.postMessage", channel="D1", text="x" * 40_001)["error"] == "msg_too_long"
    assert refused(api, "chat.postMessage", channel="D1", text="")["error"] == "no_text"
    api.chat_postMessage(channel="D1", text="x" * 40_000, blocks=[section("字" * 3000)] * 4)
    posted = api.chat_postMessage(channel="D1", text="ok", blocks=[section("x")])
    assert refused(api, "chat.update", channel="D1", ts=posted["ts"], text="x",
                   blocks=[section("x" * 3001)])["error"] == "invalid_blocks"
    assert [m.text for m in slack.messages] == ["x" * 40_000, "ok"]
    assert slack.messages[1].blocks == [section("x")]  # the refused update changed nothing


@pytest.mark.parametrize(("view", "pointer"), [
    pytest.param({"type": "home", "blocks": [section("x")] * 101}, "/view/blocks", id="home-101-blocks"),
    pytest.param({"type": "home", "blocks": [section("x" * 3001)]}, "/view/blocks/0/text/text", id="home-3001"),
    pytest.param({"type": "home", "blocks": [section("x")], "submit": {"type": "plain_text", "text": "OK"}},
                 "/view", id="home-submit"),
    pytest.param({"type": "modal", "title": {"type": "plain_text", "text": "x" * 25}, "blocks": [section("x")]},
                 "/view/title/text", id="modal-title-25"),
    pytest.param({"type": "modal", "title": {"type": "plain_text", "text": "t"}, "blocks": [section("x")],
                  "private_metadata": "x" * 3001}, "/view/private_metadata", id="metadata-3001"),
    pytest.param({"type": "modal", "title": {"type": "plain_text", "text": "t"}, "blocks": [
        {"type": "input", "label": {"type": "plain_text", "text": "x"},
         "element": {"type": "plain_text_input", "action_id": "i"}}]}, "/view/submit", id="input-no-submit"),
])
def test_a_view_over_its_limits_is_refused(api: WebClient, slack: FakeSlack, view: dict[str, Any],
                                           pointer: str) -> None:
    method, args = ("views.publish", {"user_id": "U1"}) if view["type"] == "home" else ("views.open", {"trigger_id": "t"})
    answer = refused(api, method, view=view, **args)
    assert answer["error"] == "invalid_arguments"
    assert any(f"[json-pointer:{pointer}]" in m for m in answer["errors"]), answer
    assert slack.views == {} and slack.modals == []


def test_what_fits_is_taken(api: WebClient, slack: FakeSlack) -> None:
    blocks = [{"type": "header", "text": {"type": "plain_text", "text": "x" * 150}},
              {"type": "context", "elements": [{"type": "mrkdwn", "text": "*x*"}] * 10},
              {"type": "actions", "elements": [button("x" * 75, "v" * 2000, f"a{n}") for n in range(25)]},
              *[section("字" * 3000)] * 2]
    api.chat_postMessage(channel="D1", text="x", blocks=blocks)
    home = api.views_publish(user_id="U1", view={"type": "home", "blocks": [section("x")] * 100})
    again = api.views_publish(user_id="U1", view={"type": "home", "blocks": [section("y")]})
    assert home["view"]["id"] == again["view"]["id"] and home["view"]["hash"] != again["view"]["hash"]
    assert len(slack.messages) == 1 and slack.views["U1"]["blocks"] == [section("y")]


def test_files_info_describes_a_file_shared_from_another_organisation(api: WebClient, slack: FakeSlack) -> None:
    shared = slack.host_file("表.xlsx", b"PK\x03\x04")
    connect = slack.host_file("外.xlsx", b"PK\x03\x04", check_file_info=True)
    assert connect == {"id": connect["id"], "mode": "file_access", "file_access": "check_file_info"}
    info = api.files_info(file=connect["id"])["file"]
    assert info["name"] == "外.xlsx" and info["url_private_download"].endswith("/外.xlsx".replace("外", "%E5%A4%96"))
    assert api.files_info(file=shared["id"])["file"] == shared
    with pytest.raises(SlackApiError) as e:
        api.files_info(file="F404")
    assert e.value.response["error"] == "file_not_found"
