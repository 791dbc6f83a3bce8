"""A check report as readable text, grouped by section, in Chinese or English."""

from __future__ import annotations

from form_model.checker import Report
from form_model.findings import Finding, Severity
from form_model.models import TEMPLATES

SEVERITY_LABELS = {
    "zh": {Severity.ERROR: "错误", Severity.WARNING: "警告", Severity.INFO: "提示"},
    "en": {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "info"},
}
SEVERITY_MARKS = {Severity.ERROR: "✗", Severity.WARNING: "!", Severity.INFO: "·"}


def summary_line(report: Report, lang: str = "zh") -> str:
    c = report.counts()
    if lang == "en":
        state = "complete" if report.complete else "not complete"
        return (
            f"The form is {state}: {c['error']} errors, {c['warning']} warnings, {c['info']} notes."
        )
    state = "表格完整" if report.complete else "表格尚不完整"
    return f"{state}：{c['error']} 个错误，{c['warning']} 个警告，{c['info']} 个提示。"


def finding_line(f: Finding, lang: str = "zh") -> str:
    label = SEVERITY_LABELS[lang][f.severity]
    where = f.where if lang == "zh" else f.where_en
    message = f.message if lang == "zh" else f.message_en
    line = f"{SEVERITY_MARKS[f.severity]} [{f.code} {label}] {where}：{message}" if lang == "zh" \
        else f"{SEVERITY_MARKS[f.severity]} [{f.code} {label}] {where}: {message}"
    suggestion = f.suggestion if lang == "zh" else (f.suggestion_en or f.suggestion)
    if suggestion:
        line += f"\n    → 建议：{suggestion}" if lang == "zh" else f"\n    → suggestion: {suggestion}"
    return line


def template_line(report: Report, lang: str = "zh") -> str:
    info = TEMPLATES[report.template]
    return f"模板：{info.name_zh}" if lang == "zh" else f"Template: {info.name_en}."


BLOCK_TITLES = {
    "zh": {Severity.ERROR: "错误（必须修改）", Severity.WARNING: "警告（建议修改）", Severity.INFO: "提示"},
    "en": {Severity.ERROR: "Errors (must fix)", Severity.WARNING: "Warnings (should fix)",
           Severity.INFO: "Notes"},
}


def render_report(report: Report, lang: str = "zh", *, include_info: bool = True) -> str:
    """Errors first, then warnings, then notes; each block grouped by section in form order."""
    lines = [summary_line(report, lang)]
    for severity in Severity:
        if severity == Severity.INFO and not include_info:
            continue
        block = [f for f in report.findings if f.severity == severity]
        if not block:
            continue
        lines += ["", f"══ {BLOCK_TITLES[lang][severity]} ══"]
        for section in sorted({f.section for f in block}, key=lambda s: s.order):
            lines.append(f"【{section.zh}】" if lang == "zh" else f"[{section.en}]")
            lines.extend(
                finding_line(f, lang)
                for f in sorted((f for f in block if f.section == section), key=Finding.sort_key)
            )
    # Which template was read (and will be exported) closes the report: the summary stays the
    # first paragraph and every block starts a part of its own where a chat splits the report.
    lines += ["", template_line(report, lang)]
    return "\n".join(lines)
