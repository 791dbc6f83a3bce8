"""Forms in the shapes of the template family and of other forms, laid out in workbooks and
pastes by hand (not by our exporter), the way departments' own files look. Nothing is copied
from a published form: the contents are made up.

* the Guangdong 市级部门整体预算绩效目标表: a 基本信息 row, one 指标值 column (E:F merged),
  the older framework (产出指标 › 成本指标, 效益指标 › 可持续影响指标), a 时效 value stored
  as an Excel date serial, a rate stored as a number formatted 0%, an optional amount left blank;
* the same copied out of a spreadsheet as text (cells with line breaks quoted);
* a 部门整体支出绩效目标表 (年度履职目标, 指标解释, 目标值 columns) and a 项目支出绩效目标表,
  which the readers refuse by name.
"""

from __future__ import annotations

from decimal import Decimal

from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from form_model.findings import Section
from form_model.models import (
    BasicInfo,
    Budget,
    Form,
    Indicator,
    NoteKind,
    ReaderNote,
    Task,
    TaskItem,
    Template,
)
from tests.builders import save

GD_TITLE = "2025年度市级部门整体预算绩效目标表"
GD_GOAL = "1. 完成全市职业技能培训3万人次，培训合格率不低于95%；\n2. 建成“技能人才驿站”12个；\n3. 服务对象满意度不低于90%。"


def _ind(level1: str, level2: str, name: str, value: str) -> Indicator:
    return Indicator(level1=level1, level2=level2, name=name, annual_value=value)


def guangdong_form() -> Form:
    """What the Guangdong workbook below holds, as the reader should give it back."""
    return Form(
        department="某市人力资源和社会保障局",
        year=2025,
        template=Template.GUANGDONG,
        basic_info=BasicInfo(fiscal_staff=128, subordinate_units=3),
        budget=Budget(
            basic_expenditure=Decimal("3210.50"),
            project_expenditure=Decimal("8600.00"),
            fiscal_appropriation=Decimal("11810.50"),
            other_funds=None,  # left blank: not the same as 0
            special_fiscal_funds=Decimal("0.00"),
            other_development_expenditure=Decimal("1200.00"),
            city_level_funds=Decimal("9810.50"),
            transfer_payment_funds=Decimal("2000.00"),
        ),
        overall_goal=GD_GOAL,
        tasks=[
            Task(name="职业技能提升行动", items=[
                TaskItem(content="面向重点群体开展“订单式”培训，\n组织职业技能等级认定。",
                         amount=Decimal("5600.00"), goal="完成培训3万人次，合格率不低于95%。"),
                TaskItem(content="建设“技能人才驿站”", amount=Decimal("1800.00"),
                         goal="建成驿站12个并投入使用。"),
            ]),
            Task(name="就业服务“暖心”工程", items=[
                TaskItem(content="举办线上线下招聘会", amount=Decimal("1200.00"),
                         goal="举办招聘会不少于60场。"),
            ]),
        ],
        other_tasks="",
        indicators=[
            _ind("产出指标", "数量指标", "职业技能培训人次", "≥30000人次"),
            _ind("产出指标", "数量指标", "建成技能人才驿站数量", "≥12个"),
            _ind("产出指标", "质量指标", "培训合格率", "100%"),
            _ind("产出指标", "时效指标", "培训补贴发放时间", "2025年4月30日"),
            _ind("产出指标", "成本指标", "人均培训成本", "≤0.19万元"),
            _ind("效益指标", "社会效益指标", "参训人员就业率", "≥80%"),
            _ind("效益指标", "可持续影响指标", "驿站长效运行机制", "持续运行"),
            _ind("满意度指标", "服务对象满意度指标", "参训人员满意度", "≥90%"),
        ],
    )


def guangdong_notes(sheet: str = "部门整体绩效目标") -> list[ReaderNote]:
    """The notes the reader leaves on the Guangdong workbook: the date serial it converted."""
    return [ReaderNote(kind=NoteKind.CONVERTED, sheet=sheet, row=21, col=5, text="45777",
                       value="2025年4月30日", section=Section.INDICATORS,
                       path="indicators[3].annual_value")]


def _put(ws: Worksheet, ref: str, value: object, merge: str | None = None, fmt: str | None = None) -> None:
    ws[ref] = value
    if fmt:
        ws[ref].number_format = fmt
    if merge:
        ws.merge_cells(f"{ref}:{merge}")


def guangdong_workbook() -> bytes:
    """The Guangdong shape, cell by cell (rows below are the sheet's rows)."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "部门整体绩效目标"
    _put(ws, "A1", GD_TITLE, "F1")
    _put(ws, "A2", "单位：万元", "F2")
    _put(ws, "A3", "部门名称")
    _put(ws, "B3", "某市人力资源和社会保障局", "F3")
    _put(ws, "A4", "基本信息")
    _put(ws, "B4", "财政供养人员数")
    _put(ws, "C4", 128)
    _put(ws, "D4", "下属二级单位数")
    _put(ws, "E4", 3, "F4")
    _put(ws, "A5", "预算整体情况", "A10")
    budget = [
        ("部门预算支出", "预算金额（万元）", "收入来源", "预算金额（万元）"),
        ("基本支出", 3210.5, "财政拨款", 11810.5),
        ("项目支出", 8600, "其他资金", None),
        ("事业发展性支出", "预算金额（万元）", "按预算级次划分", "预算金额（万元）"),
        ("财政专项资金", 0, "市本级使用资金", 9810.5),
        ("其他事业发展性支出", 1200, "拟用于对下转移支付资金", 2000),
    ]
    for r, (b, c, d, e) in enumerate(budget, start=5):
        for col, value in (("B", b), ("C", c), ("D", d), ("E", e)):
            _put(ws, f"{col}{r}", value, f"F{r}" if col == "E" else None,
                 "#,##0.00" if isinstance(value, int | float) else None)
    _put(ws, "A11", "总体绩效目标")
    _put(ws, "B11", GD_GOAL, "F11")
    _put(ws, "A12", "年度重点工作任务", "A15")
    for col, text in zip("BCDE", ("名称", "主要实施内容", "拟投入的资金（万元）", "期望达到的目标（概述）"),
                         strict=True):
        _put(ws, f"{col}12", text, "F12" if col == "E" else None)
    tasks = [
        ("职业技能提升行动", "面向重点群体开展“订单式”培训，\n组织职业技能等级认定。", 5600,
         "完成培训3万人次，合格率不低于95%。"),
        (None, "建设“技能人才驿站”", 1800, "建成驿站12个并投入使用。"),
        ("就业服务“暖心”工程", "举办线上线下招聘会", 1200, "举办招聘会不少于60场。"),
    ]
    for r, (name, content, amount, goal) in enumerate(tasks, start=13):
        _put(ws, f"B{r}", name)
        _put(ws, f"C{r}", content)
        _put(ws, f"D{r}", amount, fmt="#,##0.00")
        _put(ws, f"E{r}", goal, f"F{r}")
    ws.merge_cells("B13:B14")
    _put(ws, "A16", "其他需完成的任务（可选填）")
    ws.merge_cells("B16:F16")
    _put(ws, "A17", "绩效指标", "A27")
    for col, text in zip("BCDE", ("一级指标", "二级指标", "三级指标", "指标值"), strict=True):
        _put(ws, f"{col}17", text, "F17" if col == "E" else None)
    rows: list[tuple[str | None, str | None, str | None, object, str | None]] = [
        ("产出指标", "数量指标", "职业技能培训人次", "≥30000人次", None),
        (None, None, "建成技能人才驿站数量", "≥12个", None),
        (None, "质量指标", "培训合格率", 1, "0%"),
        (None, "时效指标", "培训补贴发放时间", 45777, None),  # a date typed where General format kept the serial
        (None, "成本指标", "人均培训成本", "≤0.19万元", None),
        ("效益指标", "经济效益指标", None, None, None),
        (None, "社会效益指标", "参训人员就业率", "≥80%", None),
        (None, "生态效益指标", None, None, None),
        (None, "可持续影响指标", "驿站长效运行机制", "持续运行", None),
        ("满意度指标", "服务对象满意度指标", "参训人员满意度", "≥90%", None),
    ]
    for r, (l1, l2, name, value, fmt) in enumerate(rows, start=18):
        _put(ws, f"B{r}", l1)
        _put(ws, f"C{r}", l2)
        _put(ws, f"D{r}", name)
        _put(ws, f"E{r}", value, f"F{r}", fmt)
    ws.merge_cells("B18:B22")  # 产出指标 over its five rows
    ws.merge_cells("C18:C19")  # 数量指标 over its two
    ws.merge_cells("B23:B26")  # 效益指标
    return save(wb)


def guangdong_text() -> str:
    """The Guangdong form copied out of a spreadsheet as Excel copies it: tabs between cells,
    merged cells empty, a cell with a line break in double quotes with inner quotes doubled."""
    def cell(value: object) -> str:
        text = "" if value is None else str(value)
        return '"' + text.replace('"', '""') + '"' if "\n" in text else text

    form = guangdong_form()
    goal_cell = cell(GD_GOAL.replace("技能人才驿站", '"技能人才驿站"'))
    lines = [
        [GD_TITLE],
        ["", "", "", "", "单位：万元"],
        ["部门名称", form.department],
        ["基本信息", "财政供养人员数", "128", "下属二级单位数", "3"],
        ["预算整体情况", "部门预算支出", "预算金额（万元）", "收入来源", "预算金额（万元）"],
        ["", "基本支出", "3,210.50", "财政拨款", "11,810.50"],
        ["", "项目支出", "8,600.00", "其他资金", ""],
        ["", "事业发展性支出", "预算金额（万元）", "按预算级次划分", "预算金额（万元）"],
        ["", "财政专项资金", "0.00", "市本级使用资金", "9,810.50"],
        ["", "其他事业发展性支出", "1,200.00", "拟用于对下转移支付资金", "2,000.00"],
        ["总体绩效目标", goal_cell],
        ["年度重点工作任务", "名称", "主要实施内容", "拟投入的资金（万元）", "期望达到的目标（概述）"],
        ["", "职业技能提升行动", cell("面向重点群体开展“订单式”培训，\n组织职业技能等级认定。"), "5,600.00",
         "完成培训3万人次，合格率不低于95%。"],
        ["", "", "建设“技能人才驿站”", "1,800.00", "建成驿站12个并投入使用。"],
        ["", "就业服务“暖心”工程", "举办线上线下招聘会", "1,200.00", "举办招聘会不少于60场。"],
        ["其他需完成的任务（可选填）"],
        ["绩效指标", "一级指标", "二级指标", "三级指标", "指标值"],
        ["", "产出指标", "数量指标", "职业技能培训人次", "≥30000人次"],
        ["", "", "", "建成技能人才驿站数量", "≥12个"],
        ["", "", "质量指标", "培训合格率", "100%"],
        ["", "", "时效指标", "培训补贴发放时间", "2025年4月30日"],
        ["", "", "成本指标", "人均培训成本", "≤0.19万元"],
        ["", "效益指标", "经济效益指标"],
        ["", "", "社会效益指标", "参训人员就业率", "≥80%"],
        ["", "", "生态效益指标"],
        ["", "", "可持续影响指标", "驿站长效运行机制", "持续运行"],
        ["", "满意度指标", "服务对象满意度指标", "参训人员满意度", "≥90%"],
    ]
    return "\n".join("\t".join(row) for row in lines) + "\n"


def guangdong_text_form() -> Form:
    """The pasted Guangdong form: the goal's inner quotes are part of its text."""
    form = guangdong_form()
    form.overall_goal = GD_GOAL.replace("技能人才驿站", '"技能人才驿站"')
    return form


def department_expenditure_workbook() -> bytes:
    """A 部门整体支出绩效目标表: 年度履职目标, and indicators with 指标解释 and 目标值."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "整体支出绩效目标"
    for row in (
        ["2025年度部门整体支出绩效目标表"],
        ["部门（单位）名称", "某区文化广电旅游体育局"],
        ["年度履职目标", "1. 举办群众文化活动；2. 完成文物保护修缮。"],
        ["一级指标", "二级指标", "三级指标", "指标解释", "目标值", "评（扣）分标准"],
        ["产出指标", "数量指标", "举办群众文化活动场次", "全年举办活动场次", "≥120场", "每少5场扣1分"],
        [None, "质量指标", "文物修缮验收合格率", "验收合格项目占比", "100%", "不达标不得分"],
        ["满意度指标", "服务对象满意度指标", "群众满意度", "问卷调查", "≥90%", "每低1%扣0.5分"],
    ):
        ws.append(row)
    return save(wb)


def project_workbook() -> bytes:
    """A 项目支出绩效目标表: project details, 中期目标 and 年度目标."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "项目绩效目标"
    for row in (
        ["项目支出绩效目标申报表（2025年度）"],
        ["项目名称", "公共文化服务提升项目", "主管部门", "某区文化广电旅游体育局"],
        ["实施单位", "某区文化馆", "项目属性", "延续项目"],
        ["项目资金（万元）", "中期资金总额", 900, "年度资金总额", 300],
        ["总体目标", "中期目标（2025-2027年）", "年度目标"],
        [None, "建成文化服务网络", "完成三个分馆建设"],
        ["绩效指标", "一级指标", "二级指标", "三级指标", "指标值"],
        [None, "产出指标", "数量指标", "建成分馆数量", "≥3个"],
    ):
        ws.append(row)
    return save(wb)


def project_text() -> str:
    """The project form pasted as text."""
    return (
        "项目名称\t公共文化服务提升项目\t主管部门\t某区文化广电旅游体育局\n"
        "实施单位\t某区文化馆\t项目属性\t延续项目\n"
        "总体目标\t中期目标（2025-2027年）\t年度目标\n"
        "绩效指标\t一级指标\t二级指标\t三级指标\t指标值\n"
        "\t产出指标\t数量指标\t建成分馆数量\t≥3个\n"
    )
