"""App Home: the Home tab lists the person's drafts with per-section progress and buttons to
continue or export each; the Messages tab greets on first open."""

from __future__ import annotations

import time
from typing import Any

from form_model.importers import read_text, read_xlsx
from tests.fake_slack import FakeSlack, shown_text
from tests.slack_harness import Endpoint, dm_of, new_user


def texts(view: dict[str, Any]) -> str:
    out = []
    for block in view["blocks"]:
        if "text" in block:
            out.append(shown_text(block["text"]))
        out += [shown_text(e) for e in block.get("elements", []) if isinstance(e.get("text"), str)]
    return "\n".join(out)


def headers(view: dict[str, Any]) -> list[str]:
    return [b["text"]["text"] for b in view["blocks"] if b["type"] == "header"]


def buttons(view: dict[str, Any]) -> dict[str, tuple[str, str]]:
    return {e["action_id"]: (e["text"]["text"], e["value"])
            for b in view["blocks"] if b["type"] == "actions" for e in b["elements"]}


def publish_count(slack: FakeSlack, user: str) -> int:
    return sum(1 for c in slack.calls_to("views.publish") if c.params["user_id"] == user)


def test_app_home_lists_the_drafts_with_progress_and_buttons(served: Endpoint, slack: FakeSlack,
                                                            seed_text: str) -> None:
    user = new_user()
    dm = dm_of(user)
    assert served.home_opened(user).status == 200
    empty = slack.wait(lambda: slack.views.get(user), what="the home view")
    assert empty["type"] == "home" and "还没有草稿" in texts(empty)
    assert buttons(empty) == {"declbot_home_new": ("新建草稿", "new")}

    served.exchange(dm, 4, lambda: served.dm(user, seed_text))
    served.exchange(dm, 1, lambda: served.dm(user, "新建"))
    served.exchange(dm, 1, lambda: served.dm(user, "甲局"))
    served.home_opened(user)
    # Published at once from the kept summaries, then again once the changed drafts are checked.
    slack.wait(lambda: "✏️ 尚不完整" in texts(slack.views[user]), what="the refreshed home")
    view = slack.views[user]
    shown = texts(view)
    assert "共 2 份草稿" in shown
    assert headers(view)[1:] == ["甲局", "广州市协作办公室"]  # most recent first
    assert "✅ 表格完整 · 0 个错误，13 个警告，3 个提示" in shown
    assert "✏️ 尚不完整" in shown
    assert "✓ 部门名称：广州市协作办公室" in shown and "✓ 预算整体情况：8/8" in shown
    assert "✓ 部门名称：甲局" in shown and "✗ 预算整体情况：0/8" in shown  # an error is never ticked
    actions = buttons(view)
    export_ids = sorted(a for a in actions if a.startswith("declbot_home_export_"))
    open_ids = sorted(a for a in actions if a.startswith("declbot_home_open_"))
    assert len(export_ids) == len(open_ids) == 2
    assert all(actions[a][1] == f"export_draft:{a.rsplit('_', 1)[1]}" for a in export_ids)
    assert all(actions[a][1] == f"open:{a.rsplit('_', 1)[1]}" for a in open_ids)
    seed_id = min(int(a.rsplit("_", 1)[1]) for a in export_ids)  # the seed was the first draft

    # Export from the Home tab: the workbook arrives in the DM, the Home tab is refreshed.
    published = publish_count(slack, user)
    assert served.click_home(user, f"declbot_home_export_{seed_id}", f"export_draft:{seed_id}").status == 200
    upload = slack.wait(lambda: slack.uploaded(dm), what="the workbook")[0]
    assert read_xlsx(upload.data) == read_text(seed_text)
    slack.wait(lambda: publish_count(slack, user) > published, what="the refreshed home")

    # Continue from the Home tab: the DM says which draft is open and asks what is missing.
    opened = served.exchange(dm, 1, lambda: served.click_home(user, f"declbot_home_open_{seed_id}",
                                                              f"open:{seed_id}"))
    assert "已切换到草稿" in opened[0].shown() and "广州市协作办公室" in opened[0].shown()
    started = served.exchange(dm, 1, lambda: served.click_home(user, "declbot_home_new", "new"))
    assert started[0].shown().startswith("已新建草稿 3。")

    # Someone else's draft id is refused.
    other = new_user()
    refused = served.exchange(dm_of(other), 2, lambda: served.click_home(
        other, f"declbot_home_export_{seed_id}", f"export_draft:{seed_id}"))
    assert "这份草稿不属于你" in refused[-1].shown()
    assert slack.uploaded(dm_of(other)) == []


def test_the_messages_tab_greets_on_first_open_only(served: Endpoint, slack: FakeSlack) -> None:
    user = new_user()
    greeting = served.exchange(dm_of(user), 2, lambda: served.home_opened(user, tab="messages"))
    assert "你好！我是申报助手" in greeting[0].shown() and "【部门名称】" in greeting[1].shown()
    assert served.home_opened(user, tab="messages").status == 200
    answered = served.exchange(dm_of(user), 1, lambda: served.dm(user, "广州市协作办公室"))
    assert "已记录：部门名称 = 广州市协作办公室" in answered[0].shown()
    time.sleep(0.2)
    assert len(slack.in_place(dm_of(user))) == 3
