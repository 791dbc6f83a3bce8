"""V rules: indicator values are assessable targets (domain.md §3 and §4.3, V01–V17).

Every rule that judges a value is defined once, in :mod:`form_model.judgement` (the chat asks
the same functions); here each is registered under its code and its verdicts become findings
with their place. Two values of an indicator with the same verdict make one finding that
names both fields. V12 and V14 look at the form as a whole and stay here.
"""

from __future__ import annotations

from collections.abc import Iterator

from form_model.checker.registry import (
    Context,
    Place,
    both_fields,
    finding,
    group_place,
    indicator_place,
    rule,
    verdict_finding,
)
from form_model.findings import Finding
from form_model.findings import Severity as S
from form_model.judgement import ANNUAL, PERIOD, Verdict, rule_catalogue
from form_model.vocabulary import VOCAB


def _place(ctx: Context, i: int, fields: list[str]) -> Place:
    """One field of an indicator, or its two values named together."""
    if fields == [PERIOD, ANNUAL] or fields == ["both"]:
        place = indicator_place(ctx, i)
        zh, en = both_fields([PERIOD, ANNUAL])
        # "Go there" opens the first of the two values (the walk asks the other next).
        path = indicator_place(ctx, i, PERIOD).path
        return Place(place.section, (*place.parts, zh), (*place.parts_en, en), path)
    return indicator_place(ctx, i, fields[0])


def _findings(ctx: Context, code: str) -> Iterator[Finding]:
    for i, judged in ctx.judgements.items():
        grouped: dict[Verdict, list[str]] = {}
        for field, verdict in judged.of(code):
            grouped.setdefault(verdict, []).append(field)
        for v, fields in grouped.items():
            yield verdict_finding(v, _place(ctx, i, fields))


def _register(code: str, severity: S, title: str) -> None:
    def judged(ctx: Context) -> Iterator[Finding]:
        return _findings(ctx, code)

    judged.__name__ = code.lower()
    rule(code, severity, title)(judged)


for _info in rule_catalogue():
    _register(_info.code, _info.severity, _info.title)


@rule("V12", S.WARNING, "产出 is not only input-type indicators")
def v12(ctx: Context) -> Iterator[Finding]:
    names = [ind.name for _, ind in ctx.named_indicators() if ind.level1 == "产出指标"]
    if names and all(any(w in n for w in VOCAB.input_words) for n in names):
        yield finding(
            "V12", S.WARNING, group_place("产出指标"),
            "产出指标只有资金投入类指标（如资金到位率、预算执行率）；投入不能作为绩效目标。",
            "Outputs are only input-type indicators (funds arrived, budget executed); inputs are not targets.",
            "补充反映实际产出的数量、质量、时效指标。", "Add real output quantity/quality/timeliness.",
        )


@rule("V14", S.WARNING, "satisfaction not used as a benefit")
def v14(ctx: Context) -> Iterator[Finding]:
    for i, ind in ctx.named_indicators():
        if ind.level1 == "效益指标" and VOCAB.satisfaction_word in ind.name:
            yield finding(
                "V14", S.WARNING, indicator_place(ctx, i, "name"),
                "满意度指标放在了效益指标下；应放在满意度指标 › 服务对象满意度指标。",
                "A satisfaction indicator sits under benefit; move it to satisfaction.",
                "满意度指标 › 服务对象满意度指标",
            )
