"""Whole-form work a turn leaves for after it (:class:`bot.types.Job`): checking, exporting,
进度 and 查看. It reads the draft in a short transaction of its own, not under the
conversation's lock, so a person's next message is never kept waiting behind a large check;
its offers are recorded afterwards only if the conversation is still at the same question.
"""

from __future__ import annotations

from bot.carrying import offer as carrying_offer
from bot.messages import msg
from bot.prompts import shorten
from bot.render import draft_title, render_progress, render_show, summary_of
from bot.state import load_state
from bot.store import NotYourDraft, Snapshot, Store
from bot.types import Choice, Job, OutFile, Reply
from form_model.checker import Report, check
from form_model.exporter import ExportError, export_filename, write_form
from form_model.findings import Severity
from form_model.models import Form
from form_model.report_text import finding_line, render_report, summary_line

#: 「去修改」 offers after a report.
MAX_OFFERS = 3


def run(store: Store, job: Job) -> list[Reply]:
    try:
        snap = store.snapshot(job.draft_id, job.owner)
    except NotYourDraft:
        return [Reply(msg(job.lang, "not_your_draft"))]
    handler = {"check": _check, "export": _export, "status": _status, "show": _show}[job.kind]
    return handler(store, job, snap)


def check_and_keep(store: Store, snap: Snapshot) -> Report:
    """Check a draft (against last year's, when it was carried forward) and keep its summary."""
    base = Form.model_validate(snap.base) if snap.base else None
    report = check(snap.form, base=base)
    store.set_summary(snap.info.id, snap.info.owner, summary_of(snap.form, report, snap.info.version))
    return report


def _offers(job: Job, snap: Snapshot, report: Report) -> list[Choice]:
    lang = job.lang
    choices, seen = [], set()
    for f in report.findings:
        if f.severity == Severity.INFO or not f.path:
            continue
        target = snap.positions.to_row_path(f.path)
        if not target or target in seen:
            continue
        seen.add(target)
        where = f.where if lang == "zh" else f.where_en
        choices.append(Choice(msg(lang, "goto", where=shorten(where, 30)), f"goto:{target}"))
        if len(choices) == MAX_OFFERS:
            break
    return choices


def record_offers(store: Store, job: Job, choices: list[Choice]) -> None:
    """Make a job's choices the ones a typed number picks, if nothing happened meanwhile
    (nothing is written otherwise)."""
    if job.question < 0:  # run for another place than the conversation's (no question there)
        return
    with store.turn(job.conversation, job.owner, user=job.user) as st:
        state = load_state(st.state)
        if state.question != job.question:
            st.leave_unchanged()
            return
        state.offer(choices)
        st.state = state.dump()


def _check(store: Store, job: Job, snap: Snapshot) -> list[Reply]:
    report = check_and_keep(store, snap)
    choices = _offers(job, snap, report) + [Choice(msg(job.lang, "choice_export"), "cmd:export")]
    heading = msg(job.lang, "import_ok", source=job.data["source"], summary=summary_line(report, job.lang)) \
        if job.data.get("source") else None
    replies = [Reply(heading)] if heading else []
    replies.append(Reply(render_report(report, job.lang), kind="report"))
    offer = "continue_offer" if job.data.get("source") else "report_offer"
    if job.data.get("source"):
        choices.insert(0, Choice(msg(job.lang, "choice_continue"), "cmd:continue"))
        if not snap.base:  # a form read in: it may be last year's, to start this year's from
            choices.insert(1, carrying_offer(snap.form, job.lang))
    record_offers(store, job, choices)  # what a typed number picks: the choices as shown
    replies.append(Reply(msg(job.lang, offer), tuple(choices)))
    return replies


def _export(store: Store, job: Job, snap: Snapshot) -> list[Reply]:
    try:
        data = write_form(snap.form)
    except ExportError as e:
        return [Reply(msg(job.lang, "export_failed", reason=e.message_zh if job.lang == "zh" else e.message_en))]
    report = check_and_keep(store, snap)
    name = export_filename(snap.form)
    text = msg(job.lang, "export_ok", name=name, summary=summary_line(report, job.lang))
    if report.errors:
        items = "\n".join(finding_line(f, job.lang).split("\n")[0] for f in report.errors[:8])
        text += "\n" + msg(job.lang, "export_with_errors", n=len(report.errors), items=items)
    return [Reply(text, file=OutFile(name, data, title=name.removesuffix(".xlsx")))]


def _status(store: Store, job: Job, snap: Snapshot) -> list[Reply]:
    report = check_and_keep(store, snap)
    title = draft_title(snap.form, job.lang)
    text = msg(job.lang, "status_head", draft=title) + "\n" + render_progress(snap.form, report, job.lang)
    nxt = job.data.get("next")
    text += "\n" + (msg(job.lang, "status_next", where=nxt) if nxt else msg(job.lang, "status_done_all"))
    return [Reply(text)]


def _show(store: Store, job: Job, snap: Snapshot) -> list[Reply]:
    return [Reply(render_show(snap.form, job.lang) or msg(job.lang, "show_empty"))]
