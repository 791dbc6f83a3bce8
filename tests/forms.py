"""Forms built in code for tests: a clean, complete form and small helpers."""

from __future__ import annotations

from decimal import Decimal

from form_model.models import Budget, Form, Indicator, Task, TaskItem


def ind(level1: str, level2: str, name: str, value: str, period: str | None = None) -> Indicator:
    return Indicator(
        level1=level1, level2=level2, name=name,
        period_value=value if period is None else period, annual_value=value,
    )


def clean_form() -> Form:
    """A complete form that a reviewer would accept: no errors and no warnings."""
    return Form(
        department="广州市示例局",
        year=2025,
        budget=Budget(
            basic_expenditure=Decimal("100.00"),
            project_expenditure=Decimal("900.00"),
            fiscal_appropriation=Decimal("1000.00"),
            other_funds=Decimal("0.00"),
            special_fiscal_funds=Decimal("100.00"),
            other_development_expenditure=Decimal("50.00"),
            city_level_funds=Decimal("1000.00"),
            transfer_payment_funds=Decimal("0.00"),
        ),
        overall_goal="1. 举办干部培训班20次，培训合格率不低于95%；2. 受训学员满意度不低于90%。",
        tasks=[
            Task(
                name="干部培训",
                items=[
                    TaskItem(
                        content="举办干部培训班，提升干部履职能力。",
                        amount=Decimal("500.00"),
                        goal="完成干部培训班20次，培训合格率不低于95%。",
                    )
                ],
            )
        ],
        other_tasks="无",
        indicators=[
            ind("产出指标", "数量指标", "组织培训班次", "≥20次"),
            ind("产出指标", "质量指标", "培训合格率", "≥95%"),
            ind("产出指标", "时效指标", "培训计划完成时间", "2025年12月底前"),
            ind("效益指标", "社会效益指标", "干部履职能力提升人数", "≥200人"),
            ind("满意度指标", "服务对象满意度指标", "受训学员满意度", "≥90%"),
            ind("成本指标", "经济成本指标", "人均培训成本", "≤0.25万元"),
        ],
    )
