"""``/declbot new | status | check | export | help``: answered in the person's DM, with a private
note where the command was typed."""

from __future__ import annotations

from form_model.importers import read_text, read_xlsx
from tests.fake_slack import FakeSlack
from tests.slack_harness import Endpoint, dm_of, new_user


def test_the_slash_command(served: Endpoint, slack: FakeSlack, seed_text: str) -> None:
    user = new_user()
    dm = dm_of(user)

    def note(count: int) -> dict[str, str]:
        """The count-th private note to the person (it follows the DM replies)."""
        return slack.wait(lambda: slack.responses[count - 1] if len(slack.responses) >= count else None,
                          what=f"note {count}")

    new = served.exchange(dm, 2, lambda: served.command(user, "help"))
    assert "你好！我是申报助手" in new[0].shown() and "可用命令" in new[1].shown()
    assert slack.calls_to("conversations.open")[0].params["users"] == user
    assert note(1) == {"response_type": "ephemeral", "text": "已在与 declbot 的私信中回复你。"}

    served.exchange(dm, 3, lambda: served.dm(user, seed_text))  # read, report, what next
    status = served.exchange(dm, 1, lambda: served.command(user, "status"))[0].shown()
    assert status.startswith("填写进度（广州市协作办公室）") and "预算整体情况：8/8" in status
    note(2)

    check = served.exchange(dm, 2, lambda: served.command(user, "check"))
    assert check[0].shown().startswith("表格完整：0 个错误，13 个警告，3 个提示。")
    assert "cmd:export" in [b["value"] for b in check[1].buttons()]
    note(3)

    assert served.command(user, "export").status == 200
    upload = slack.wait(lambda: slack.uploaded(dm), what="the workbook")[0]
    assert upload.thread_ts is None and read_xlsx(upload.data) == read_text(seed_text)
    note(4)

    started = served.exchange(dm, 1, lambda: served.command(user, "new"))[0].shown()
    assert started.startswith("已新建草稿 2。") and "【部门名称】" in started
    note(5)

    # Typed in the DM itself: no note. An unknown word: the usage, privately, nothing in the DM.
    served.exchange(dm, 1, lambda: served.command(user, "status", channel=dm))
    posted = len(slack.in_place(dm))
    assert served.command(user, "bogus").status == 200
    usage = note(6)
    assert usage["response_type"] == "ephemeral" and usage["text"].startswith("用法：/declbot new")
    assert len(slack.in_place(dm)) == posted
