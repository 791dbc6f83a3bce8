"""The checker: rules of domain.md §4.3 and §5 over a :class:`~form_model.models.Form`.

Each rule is one small function registered with a code, a severity and a title
(see :mod:`form_model.checker.registry`); thresholds live in :mod:`.thresholds`.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from form_model.checker import (  # noqa: F401  (importing registers the rules)
    rules_budget,
    rules_compare,
    rules_consistency,
    rules_length,
    rules_reading,
    rules_structure,
    rules_values,
)
from form_model.checker.registry import RULES, Context, Rule
from form_model.findings import Finding, Section, Severity
from form_model.models import Form, Template


@dataclass
class Report:
    """The findings of one check, sorted by severity, section and code."""

    findings: list[Finding]
    #: The template the form was read in (and will be exported in).
    template: Template = Template.GUANGZHOU

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == Severity.ERROR]

    @property
    def complete(self) -> bool:
        return not self.errors

    def counts(self) -> dict[str, int]:
        c = Counter(f.severity.value for f in self.findings)
        return {s.value: c.get(s.value, 0) for s in Severity}

    def by_section(self) -> dict[Section, list[Finding]]:
        out: dict[Section, list[Finding]] = {}
        for f in sorted(self.findings, key=lambda f: (f.section.order, f.severity.rank, f.code)):
            out.setdefault(f.section, []).append(f)
        return out

    def codes(self) -> set[str]:
        return {f.code for f in self.findings}

    def to_dict(self) -> dict[str, Any]:
        return {
            "complete": self.complete,
            "template": self.template.value,
            "counts": self.counts(),
            "findings": [
                {
                    "severity": f.severity.value,
                    "code": f.code,
                    "where": f.where,
                    "where_en": f.where_en,
                    "message": f.message,
                    "message_en": f.message_en,
                    "suggestion": f.suggestion,
                    "path": f.path,
                }
                for f in self.findings
            ],
        }


def check(form: Form, base: Form | None = None) -> Report:
    """Every rule over the form; with ``base`` (last year's form) also the comparison with
    last year (rules Y01–Y05)."""
    ctx = Context(form, base=base)
    findings: list[Finding] = []
    for r in RULES:
        findings.extend(r.func(ctx))
    findings.sort(key=Finding.sort_key)
    return Report(findings=findings, template=form.template)


def rules() -> list[Rule]:
    return sorted(RULES, key=lambda r: r.code)


__all__ = ["Report", "check", "rules"]
