"""Drafts: a new one, the list, switching, opening by id, and a pasted or uploaded form.

A form read from a paste or an upload never overwrites a draft's filled fields without asking:
into an empty draft it is taken at once; otherwise the person chooses to replace the draft,
fill only what is empty, keep it as a new draft, or cancel. The form waits as a draft of its
own (not in the conversation's state), so a large workbook does not weigh on every turn.
"""

from __future__ import annotations

from typing import Any

from bot.conversation import Conversation, Imported
from bot.render import draft_title, progress_text
from bot.state import Pending, Pos
from bot.store import Draft, NotYourDraft
from bot.types import Choice
from bot.walk import Nav, first_missing
from form_model.models import Form, Indicator, Task


def _activate(conv: Conversation, draft: Draft) -> None:
    """Go on with another of the conversation's drafts, where it was left (or its first gap)."""
    from bot.walk import resume_at

    saved = conv.state.positions.get(str(draft.id))
    nav = Nav(draft)
    conv.enter_draft(draft, resume_at(nav, saved) if saved else first_missing(nav))


def new(conv: Conversation) -> None:
    conv.enter_draft(conv.st.new_draft(""), Pos(step="department"))
    conv.prompt(conv.m("new_draft", n=len(conv.st.list_drafts())))


def _sorted(conv: Conversation) -> list[Any]:
    return sorted(conv.st.list_drafts(), key=lambda d: d.id)


def listing(conv: Conversation) -> None:
    drafts = _sorted(conv)
    if not drafts:
        conv.say(conv.m("drafts_none"))
        return
    lines = [conv.m("drafts_head_thread" if conv.turn.shared else "drafts_head")]
    for n, d in enumerate(drafts, start=1):
        lines.append(conv.m(
            "drafts_line", n=n, title=draft_title(d.header, conv.lang),
            progress=progress_text(d.summary, d.version, conv.lang),
            at=d.updated_at.strftime("%Y-%m-%d %H:%M"),
            mark=conv.m("drafts_current") if d.id == conv.draft.id else "",
        ))
    lines.append(conv.m("drafts_hint"))
    conv.say("\n".join(lines))


def switch(conv: Conversation, arg: str) -> None:
    drafts = _sorted(conv)
    n = int(arg) if arg.isdigit() else 0
    if not 1 <= n <= len(drafts):
        conv.say(conv.m("switch_bad", n=arg))
        return
    try:
        draft = conv.st.switch(drafts[n - 1].id)
    except NotYourDraft:
        conv.say(conv.m("not_your_draft"))
        return
    _activate(conv, draft)
    conv.prompt(conv.m("switched", n=n, title=draft_title(draft.header, conv.lang)))


def open_draft(conv: Conversation, arg: str, *, export: bool = False) -> None:
    """Open a draft by its id (App Home buttons); only the person's own drafts."""
    try:
        draft_id = int(arg)
        if draft_id != conv.draft.id:
            _activate(conv, conv.st.switch(draft_id))
    except (ValueError, NotYourDraft):
        conv.say(conv.m("not_your_draft"))
        return
    if export:
        conv.later("export")
    else:
        conv.prompt(conv.m("switched", n=draft_id, title=draft_title(conv.draft.header, conv.lang)))


# --- a pasted or uploaded form -----------------------------------------------------------------

def _source(conv: Conversation, imported: Imported) -> str:
    if imported.source == "file":
        return conv.m("source_file", name=imported.name)
    return conv.m("source_paste")


def take_import(conv: Conversation, imported: Imported) -> None:
    source = _source(conv, imported)
    if imported.form is None:
        zh, en = imported.error or ("", "")
        conv.say(conv.m("import_failed", source=source, reason=en if conv.lang == "en" else zh))
        return
    current, _ = conv.draft.form()
    if current.is_empty():
        conv.draft.replace(imported.form)
        _after_import(conv, source)
        return
    conflicts = _conflicts(current, imported.form)
    waiting = conv.st.new_draft("", imported.form)
    conv.st.switch(conv.draft.id)  # the waiting form is not the active draft
    conv.state.pending = Pending(kind="replace", data={"draft": waiting.id, "source": source})
    choices = [Choice(conv.m("choice_replace"), "import:replace")]
    if conflicts:
        choices.append(Choice(conv.m("choice_merge"), "import:merge"))
    choices += [Choice(conv.m("choice_new_draft"), "import:new"), Choice(conv.m("choice_cancel"), "import:cancel")]
    if conflicts:
        text = conv.m("replace_ask", source=source, n=len(conflicts), examples="、".join(conflicts[:3]))
    else:
        text = conv.m("replace_ask_plain", source=source)
    conv.say(text, choices)


def _conflicts(current: Form, incoming: Form) -> list[str]:
    """Filled fields of the draft that the incoming form would change (their labels)."""
    out = []
    if current.department and incoming.department != current.department:
        out.append("部门名称")
    if current.year is not None and incoming.year != current.year:
        out.append("预算年度")
    from form_model.models import BUDGET_FIELDS

    for f in BUDGET_FIELDS:
        mine = getattr(current.budget, f.attr)
        if mine is not None and getattr(incoming.budget, f.attr) != mine:
            out.append(f.label_zh)
    if current.overall_goal and incoming.overall_goal != current.overall_goal:
        out.append("总体绩效目标")
    if current.tasks and incoming.tasks != current.tasks:
        out.append("年度重点工作任务")
    if current.other_tasks and incoming.other_tasks != current.other_tasks:
        out.append("其他需完成的任务")
    if [i for i in current.indicators if i.name] and incoming.indicators != current.indicators:
        out.append("绩效指标")
    return out


def merged(current: Form, incoming: Form) -> tuple[Form, int]:
    """The draft with only its empty fields filled from the incoming form; how many were."""
    data = current.model_copy(deep=True)
    n = 0
    for attr in ("department", "year", "overall_goal", "other_tasks"):
        if getattr(data, attr) in (None, "") and getattr(incoming, attr) not in (None, ""):
            setattr(data, attr, getattr(incoming, attr))
            n += 1
    for attr, value in incoming.budget.amounts().items():
        if getattr(data.budget, attr) is None and value is not None:
            setattr(data.budget, attr, value)
            n += 1
    names = {t.name for t in data.tasks}
    for task in incoming.tasks:
        if task.name not in names:
            data.tasks.append(Task.model_validate(task.model_dump()))
            n += 1
    by_key = {(i.level1, i.level2, i.name): i for i in data.indicators}
    for ind in incoming.indicators:
        mine = by_key.get((ind.level1, ind.level2, ind.name))
        if mine is None:
            data.indicators.append(Indicator.model_validate(ind.model_dump()))
            n += 1
            continue
        for attr in ("period_value", "annual_value"):
            if not getattr(mine, attr) and getattr(ind, attr):
                setattr(mine, attr, getattr(ind, attr))
                n += 1
    return data, n


def on_import_choice(conv: Conversation, arg: str) -> None:
    pending = conv.take_pending("replace")
    if pending is None:
        conv.prompt()
        return
    source = pending.data.get("source", "")
    try:
        waiting = conv.st.switch(int(pending.data["draft"]))
    except (NotYourDraft, KeyError, ValueError):
        conv.prompt()
        return
    incoming, _ = waiting.form()
    conv.st.switch(conv.draft.id)
    if arg == "cancel":
        conv.st.delete_draft(waiting.id)
        conv.say(conv.m("replace_cancelled"))
        return
    if arg == "new":
        conv.st.switch(waiting.id)
        conv.enter_draft(waiting, conv.state.pos)  # (_after_import says where to go on)
        _after_import(conv, source)
        return
    conv.st.delete_draft(waiting.id)
    if arg == "merge":
        current, _ = conv.draft.form()
        form, n = merged(current, incoming)
        conv.draft.replace(form)
        conv.nav.forget()
        conv.say(conv.m("merged", source=source, n=n))
        conv.restart_walk(first_missing(conv.nav))
        conv.later("check")
        return
    conv.draft.replace(incoming)
    _after_import(conv, source)


def _after_import(conv: Conversation, source: str) -> None:
    conv.nav.forget()
    conv.restart_walk(first_missing(conv.nav))
    conv.later("check", source=source)
