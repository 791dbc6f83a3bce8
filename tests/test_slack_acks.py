"""Acknowledgements at any size of form, end to end through ``declbot serve --http``: a typed
turn never waits behind a workbook being read, behind the check of a large form, or behind
App Home checking a changed draft. Only the order of events is asserted (the figures are
bench/bench_ack.py's)."""

from __future__ import annotations

from bench.common import generated_form
from form_model.exporter import write_form
from form_model.models import Form
from tests.fake_slack import FakeSlack, Message
from tests.slack_harness import Endpoint, dm_of, new_user

#: Close to the largest form the reader takes (a sheet of at most 2,000 rows).
INDICATORS = 1800
_PHASES = ("", "二期", "三期", "四期", "五期")


def large_form() -> Form:
    """50 tasks and 1,800 distinct indicators (the 400 generated ones again as 「二期…」 …)."""
    base = generated_form(50, 400)
    rows = [i.model_copy(update={"name": p + i.name}) for p in _PHASES for i in base.indicators]
    return base.model_copy(update={"indicators": rows[:INDICATORS]})


def starting(messages: list[Message], head: str) -> list[int]:
    """Where (in posting order) the messages that start with ``head`` are."""
    return [n for n, m in enumerate(messages) if m.body().startswith(head)]


def test_a_typed_turn_is_answered_while_a_large_form_is_read_and_checked(served: Endpoint, slack: FakeSlack) -> None:
    user = new_user()
    dm = dm_of(user)
    served.exchange(dm, 2, lambda: served.dm(user, "你好"))
    shared = slack.host_file("大表.xlsx", write_form(large_form()))
    help_head = "可用命令"

    # The workbook is being read (downloaded, not yet answered): a typed turn is acknowledged
    # and answered meanwhile, before the workbook's own answer.
    assert served.dm(user, "", files=[shared]).status == 200
    slack.wait(lambda: slack.files[shared["id"]].fetches, what="the download")
    assert served.dm(user, "帮助").status == 200
    assert starting(slack.in_place(dm), "已读取文件") == []
    slack.wait(lambda: starting(slack.in_place(dm), "要接着填写缺少的部分吗？"), timeout=60, what="the import")
    posted = slack.in_place(dm)
    [answered] = starting(posted, help_head)
    [read] = starting(posted, "已读取文件「大表.xlsx」：表格完整：")
    assert answered < read

    # 「检查」 is acknowledged at once; while the check runs, a typed turn is acknowledged and
    # answered, and the report comes after both.
    reports = len(starting(slack.in_place(dm), "表格完整："))
    assert served.dm(user, "检查").status == 200
    assert served.dm(user, "帮助").status == 200
    assert len(starting(slack.in_place(dm), "表格完整：")) == reports  # the check is still running
    slack.wait(lambda: len(starting(slack.in_place(dm), "表格完整：")) > reports, timeout=60, what="the report")
    slack.wait(lambda: len(starting(slack.in_place(dm), help_head)) == 2, what="the answer")
    posted = slack.in_place(dm)
    assert starting(posted, help_head)[-1] < starting(posted, "表格完整：")[-1]
    assert posted[starting(posted, "表格完整：")[-1]].body().startswith("表格完整：0 个错误，")
    # App Home opens from the kept summaries, then checks the draft that changed since: a typed
    # turn meanwhile is answered before the refreshed tab is published.
    slack.wait(lambda: starting(slack.in_place(dm), "要去修改哪一项？"), timeout=60, what="the report's offer")
    changed = served.exchange(dm, 1, lambda: served.dm(user, "部门名称：广州市示例协作二局"))[0]
    assert changed.body().startswith("已记录：\n• 部门名称 = 广州市示例协作二局")
    published = len(slack.calls_to("views.publish"))
    assert served.home_opened(user).status == 200
    slack.wait(lambda: len(slack.calls_to("views.publish")) > published, what="the home tab")
    assert "🕓 修改后尚未检查" in str(slack.views[user]["blocks"])  # from the kept summary
    assert served.dm(user, "帮助").status == 200
    slack.wait(lambda: len(slack.calls_to("views.publish")) == published + 2, timeout=60, what="the refreshed tab")
    calls = [c for c in slack.calls if c.method in ("views.publish", "chat.postMessage")]
    publishes = [n for n, c in enumerate(calls) if c.method == "views.publish"]
    helps = [n for n, c in enumerate(calls) if str(c.params.get("text", "")).startswith(help_head)]
    assert publishes[-2] < helps[-1] < publishes[-1]
    assert "✅ 表格完整" in str(slack.views[user]["blocks"])
