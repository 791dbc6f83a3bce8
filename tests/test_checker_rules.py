"""Each rule: a case that trips it and the clean form that does not."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest

from form_model.checker import check
from form_model.findings import Section, Severity
from form_model.models import Form, NoteKind, ReaderNote, Task, TaskItem
from tests.forms import clean_form, ind


def test_clean_form_has_no_errors_or_warnings() -> None:
    report = check(clean_form())
    loud = [(f.code, f.where, f.message) for f in report.findings if f.severity != Severity.INFO]
    assert loud == []
    assert report.complete


def _set_indicator(i: int, **changes: str) -> Callable[[Form], None]:
    def mutate(f: Form) -> None:
        for k, v in changes.items():
            setattr(f.indicators[i], k, v)
    return mutate


def _drop(level1: str, level2: str | None = None) -> Callable[[Form], None]:
    def mutate(f: Form) -> None:
        f.indicators = [
            x for x in f.indicators
            if not (x.level1 == level1 and (level2 is None or x.level2 == level2))
        ]
    return mutate


def _budget(**changes: str | None) -> Callable[[Form], None]:
    def mutate(f: Form) -> None:
        for k, v in changes.items():
            setattr(f.budget, k, None if v is None else Decimal(v))
    return mutate


def _add(*rows) -> Callable[[Form], None]:  # type: ignore[no-untyped-def]
    def mutate(f: Form) -> None:
        f.indicators = [*f.indicators, *rows]
    return mutate


def _both(i: int, value: str) -> Callable[[Form], None]:
    return _set_indicator(i, period_value=value, annual_value=value)


def _task_amount(value: str) -> Callable[[Form], None]:
    def mutate(f: Form) -> None:
        f.tasks[0].items[0].amount = Decimal(value)
    return mutate


def _set(**changes: object) -> Callable[[Form], None]:
    def mutate(f: Form) -> None:
        for k, v in changes.items():
            setattr(f, k, v)
    return mutate


def _note(kind: NoteKind, **fields: object) -> Callable[[Form], None]:
    def mutate(f: Form) -> None:
        where: dict[str, object] = {"sheet": "申报表", "row": 40, "col": 7}
        f.reader_notes = [*f.reader_notes, ReaderNote(kind=kind, **{**where, **fields})]  # type: ignore[arg-type]
    return mutate


TRUNCATED = "推动产业合作" * 42 + "青睐的现"  # 256 characters, no final punctuation
LONG_COMPLETE = "持续推进产业合作园区建设。" * 20  # 260 characters, ends with 。

CASES: list[tuple[str, Severity, Callable[[Form], None]]] = [
    ("S01", Severity.ERROR, _set(department="")),
    ("S02", Severity.ERROR, _set(overall_goal="")),
    ("S03", Severity.WARNING, _set(overall_goal="做好干部培训工作，提高履职能力")),
    ("S04", Severity.ERROR, _set(tasks=[])),
    ("S04", Severity.ERROR, lambda f: setattr(f.tasks[0].items[0], "goal", "")),
    ("S05", Severity.INFO, _set(other_tasks="")),
    ("S06", Severity.ERROR, _drop("效益指标")),
    ("S07", Severity.WARNING, _drop("满意度指标")),
    ("S08", Severity.WARNING, _drop("成本指标")),
    ("S09", Severity.WARNING, _drop("产出指标", "质量指标")),
    ("S09", Severity.WARNING, _drop("产出指标", "时效指标")),
    ("S10", Severity.ERROR, _set_indicator(0, level1="产出类")),
    ("S10", Severity.ERROR, _set_indicator(3, level1="产出指标")),
    ("S11", Severity.ERROR, _set_indicator(0, annual_value="")),
    ("S11", Severity.ERROR, _set_indicator(0, name="")),
    ("S12", Severity.WARNING, _set_indicator(0, period_value="")),
    ("S13", Severity.WARNING, _add(ind("产出指标", "数量指标", "组织培训班次 ", "≥20次"))),
    ("S14", Severity.WARNING, _set_indicator(3, period_value="干部履职能力提升人数较多")),
    ("S15", Severity.WARNING, _set_indicator(3, name="社会效益")),
    ("V01", Severity.ERROR, _both(0, "≥abc次")),
    ("V02", Severity.WARNING, _both(0, "20次")),
    ("V03", Severity.WARNING, _both(1, "≥95")),
    ("V03", Severity.WARNING, _both(1, "≥95人")),
    ("V04", Severity.ERROR, _both(1, "≥120%")),
    ("V05", Severity.WARNING, _both(4, "≥70%")),
    ("V05", Severity.WARNING, _both(4, "满意")),
    ("V06", Severity.WARNING, _both(0, "20次以上优秀；15-20次良好；10-15次合格")),
    ("V07", Severity.WARNING, _both(0, "20次以上优秀；15-20次良好；10-15次合格")),
    ("V08", Severity.WARNING, _both(3, "稳步提高")),
    ("V09", Severity.WARNING, _both(2, "≥20次")),
    ("V10", Severity.WARNING, _both(5, "≥0.25万元")),
    ("V11", Severity.WARNING, _set_indicator(0, period_value="≥10次", annual_value="≥20次")),
    ("V12", Severity.WARNING, lambda f: setattr(f, "indicators", [
        ind("产出指标", "质量指标", "资金到位率", "＝100%"),
        ind("产出指标", "时效指标", "预算执行率", "≥95%"),
        *f.indicators[3:],
    ])),
    ("V13", Severity.WARNING, _add(ind("效益指标", "社会效益指标", "举办宣讲活动", "≥5场"))),
    ("V14", Severity.WARNING, _add(ind("效益指标", "社会效益指标", "群众满意度", "≥90%"))),
    ("V15", Severity.ERROR, _both(1, "≥≤95%")),
    ("V15", Severity.ERROR, _both(3, "≥1.2.3万人")),
    ("V16", Severity.ERROR, _both(0, "≥-5次")),
    ("V17", Severity.WARNING, _set_indicator(3, period_value="≥78个", annual_value="≥1.4万人")),
    ("V08", Severity.WARNING, _both(3, "若干")),
    ("B01", Severity.ERROR, _budget(basic_expenditure="0", project_expenditure="0")),
    ("B02", Severity.WARNING, _budget(other_funds="10")),
    ("B03", Severity.ERROR, _budget(city_level_funds="900")),
    ("B04", Severity.ERROR, _budget(special_fiscal_funds="1000")),
    ("B04", Severity.INFO, _budget(special_fiscal_funds="0", other_development_expenditure="0")),
    ("B05", Severity.ERROR, _task_amount("2000")),
    ("B06", Severity.WARNING, _task_amount("950")),
    ("B07", Severity.INFO, _task_amount("100")),
    ("B08", Severity.ERROR, lambda f: setattr(f.tasks[0], "stated_total", Decimal("600"))),
    ("B09", Severity.ERROR, lambda f: (
        setattr(f.budget, "basic_expenditure", None),
        setattr(f, "amount_notes", {"budget.basic_expenditure": "abc"}),
    )),
    ("B09", Severity.ERROR, lambda f: (
        setattr(f.tasks[0].items[0], "amount", None),
        setattr(f, "amount_notes", {"tasks[0].items[0].amount": "-5"}),
    )),
    ("B09", Severity.ERROR, lambda f: setattr(f, "amount_notes", {"budget.other_funds": "0.0000001"})),
    ("B09", Severity.ERROR, lambda f: setattr(f, "amount_notes", {"budget.other_funds": "1" + "0" * 13})),
    ("B10", Severity.INFO, _budget(city_level_funds="900", transfer_payment_funds="100")),
    ("B11", Severity.ERROR, _both(5, "≤5000万元")),
    ("B12", Severity.ERROR, _budget(other_funds=None)),
    ("L01", Severity.WARNING, lambda f: setattr(f.tasks[0].items[0], "content", LONG_COMPLETE)),
    ("L02", Severity.WARNING, lambda f: setattr(f.tasks[0].items[0], "goal", TRUNCATED)),
    ("L03", Severity.ERROR, lambda f: setattr(f.tasks[0].items[0], "content", "长" * 33_000)),
    ("C01", Severity.WARNING, lambda f: f.tasks.append(Task(name="档案数字化改造", items=[
        TaskItem(content="馆藏档案扫描录入", amount=Decimal("100"), goal="完成档案扫描。")]))),
    ("C02", Severity.WARNING, _set(overall_goal=(
        "1. 举办干部培训班20次，培训合格率不低于95%；2. 受训学员满意度不低于90%；3. 推进档案数字化改造。"))),
    ("C03", Severity.WARNING, lambda f: setattr(f.tasks[0].items[0], "goal", "完成干部培训班30次。")),
    ("C04", Severity.WARNING, lambda f: (
        _both(0, "按计划完成")(f), _both(1, "好")(f), _both(2, "年底前")(f))),
    ("S17", Severity.WARNING, _add(ind("产出指标", "成本指标", "人均培训费用", "≤0.3万元"))),
    ("L04", Severity.WARNING, _set(department="广州市" + "示例" * 60 + "局")),
    ("I01", Severity.WARNING, _note(NoteKind.UNPLACED, text="备注：已核对", section=Section.INDICATORS)),
    ("I02", Severity.INFO, _note(NoteKind.OTHER_SHEET, sheet="说明", row=None, col=None,
                                 text="申报表", size=4)),
    ("I02", Severity.WARNING, _note(NoteKind.OTHER_FORM_SHEET, sheet="2024年", row=None, col=None,
                                    text="申报表", value="部门整体预算绩效目标申报表", size=80)),
    ("I03", Severity.INFO, _note(NoteKind.CONVERTED, text="45777", value="2025年4月30日",
                                 path="indicators[2].annual_value", section=Section.INDICATORS)),
    ("I04", Severity.INFO, _note(NoteKind.FOOTER, text="填表人：张三", section=Section.INDICATORS)),
    ("I05", Severity.WARNING, _note(NoteKind.UNREADABLE, text="约120人", path="basic_info.fiscal_staff",
                                    section=Section.BASIC_INFO)),
]


@pytest.mark.parametrize(("code", "severity", "mutate"), CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_rule_trips(code: str, severity: Severity, mutate: Callable[[Form], None]) -> None:
    clean = check(clean_form())
    assert not [f for f in clean.findings if f.code == code and f.severity == severity]
    form = clean_form()
    mutate(form)
    report = check(form)
    hits = [f for f in report.findings if f.code == code and f.severity == severity]
    assert hits, f"{code} did not trip; got {sorted(report.codes())}"
    for f in hits:
        assert f.message and f.message_en and f.where.split(" › ")[0] == f.section.zh
    assert report.complete == (not report.errors)
    if severity == Severity.ERROR:
        assert not report.complete


def test_every_rule_in_the_catalogue_is_tested() -> None:
    from form_model.checker import rules
    from tests.test_carry_forward import COMPARISON_RULES  # they need last year's form

    tested = {c[0] for c in CASES} | {"S16"} | COMPARISON_RULES
    assert {r.code for r in rules()} <= tested


def test_optional_level2_left_empty_is_only_info() -> None:
    def s16_places(form: Form) -> list[str]:
        return [f.where for f in check(form).findings if f.code == "S16"]

    form = clean_form()
    assert "绩效指标 › 效益指标 › 生态效益指标" in s16_places(form)
    assert all(f.severity == Severity.INFO for f in check(form).findings if f.code == "S16")
    _add(ind("效益指标", "生态效益指标", "绿化面积", "≥10公顷"))(form)
    assert "绩效指标 › 效益指标 › 生态效益指标" not in s16_places(form)


def test_suggestions_are_concrete() -> None:
    form = clean_form()
    _both(0, "20次")(form)
    v02 = [f for f in check(form).findings if f.code == "V02"]
    assert v02[0].suggestion == "≥20次"
    assert "实施周期指标值、年度指标值" in v02[0].where


def test_amounts_to_the_fen_are_valid_and_shown_with_two_places() -> None:
    form = clean_form()
    form.budget.other_funds = Decimal("0.000001")
    form.budget.fiscal_appropriation = Decimal("999.999999")
    assert form.budget.fiscal_appropriation == Decimal("999.999999")  # kept, not rounded
    report = check(form)
    assert "B09" not in report.codes()
    b02 = [f for f in report.findings if f.code == "B02"]
    assert b02 == []  # 999.999999 + 0.000001 is exactly the expenditure
    form.amount_notes = {"budget.other_funds": "0.001"}  # an older reader noted it: fine now
    assert "B09" not in check(form).codes()


def test_empty_form_is_a_valid_model_with_errors_reported() -> None:
    report = check(Form())
    assert not report.complete
    assert {"S01", "S02", "S04", "S06", "B12"} <= report.codes()
