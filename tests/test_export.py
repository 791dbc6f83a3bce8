"""The xlsx export, checked the way a user (or the importer) sees the file: by opening it.

Most assertions read the workbook back with openpyxl; borders and wrapping of merged cells are
checked in the raw sheet/styles XML, because openpyxl re-derives a merge's edge borders from
its top-left cell on load and would hide a broken box that Excel and LibreOffice show.
"""

from __future__ import annotations

import io
import math
import re
import shutil
import unicodedata
import zipfile
from decimal import Decimal
from pathlib import Path
from xml.etree import ElementTree as ET

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.worksheet.worksheet import Worksheet

from form_model.exporter import (
    ExportError,
    export_filename,
    save_form,
    write_form,
)
from form_model.framework import framework
from form_model.importers import FormReadError
from form_model.models import Budget, Form, Indicator, Task, TaskItem, Template
from form_model.normalize import strip_unsafe

TITLE = "部门整体预算绩效目标申报表"
BLOCK_LABELS = [
    "部门名称",
    "预算整体情况",
    "总体绩效目标",
    "年度重点工作任务",
    "其他需完成的任务（可选填）",
    "绩效指标",
]
MAIN_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"

# --------------------------------------------------------------------------------------------
# The seed form (shared/seed), built literally. 总体绩效目标 without the source system's <p> tags,
# as an importer hands it over; the shifted 社会影响力 row put back under 效益指标/社会效益指标.

SEED_GOAL = (
    "1. 全面对标对表中央部署要求，推动东西部协作工作走在全国全省前列；2. 坚持长期支援精准支援，"
    "推动对口支援工作开创新局面；3. 持续深化拓展合作广度深度，推动对口合作工作迈上新台阶；"
    "4. 完善新型帮扶协作机制，推动省内帮扶协作走在全国前列；5. 深化“双向赋能”行动，"
    "夯实广州在强化国内大循环中的战略节点功能；6. 深化“广博会+”战略布局，"
    "全力将广博会建设成为服务国际国内双循环的重要平台。"
)
TASK1_GOAL = (
    "紧紧围绕国家发展改革委《革命老区重点城市对口合作工作方案》重点任务，发挥与龙岩、梅州各项结对机制，"
    "持续做好传承弘扬红色文化、衔接推进乡村振兴和新型城镇化、完善基础设施和基本公共服务、"
    "促进生态环境保护修复和绿色低碳发展、共同建设产业合作平台载体等五大领域合作。"
    "加强与齐齐哈尔市对口合作力度，谋划推动建设广州与齐齐哈尔对口合作产业园。"
    "强化“区域城乡协调发展+广博会”联动效应，支持帮扶协作地区及国内合作城市企业产品融入大湾区市场。"
    "构建“媒体+广博会”立体传播矩阵，创新内容表达与宣传形式，塑造更受年轻群体青睐的现"
)


def seed_form() -> Form:
    budget = Budget(
        basic_expenditure=Decimal("4381.54"),
        project_expenditure=Decimal("270769.27"),
        fiscal_appropriation=Decimal("275150.81"),
        other_funds=Decimal("2536.49"),
        special_fiscal_funds=Decimal("0"),
        other_development_expenditure=Decimal("0"),
        city_level_funds=Decimal("275150.81"),
        transfer_payment_funds=Decimal("0"),
    )
    tasks = [
        Task(
            name="推动国内区域合作、深化“双向赋能”行动及“广博会+”战略布局",
            items=[TaskItem(
                content="协调落实广州市与国内各省、市政府间的全方位交流合作，指导驻穗机构做好招商引资。"
                "以产业园区建设为重点，助力广州更深融入和服务国内大循环发展格局。"
                "全力将广博会建设成为服务国际国内双循环的重要平台。",
                amount=Decimal("10030.00"),
                goal=TASK1_GOAL,
            )],
        ),
        Task(
            name="开展省内帮扶工作",
            items=[TaskItem(
                content="推动省内乡村振兴驻镇帮镇扶村，帮扶梅州、湛江、清远市的重点镇，为帮镇扶村提供资金保障。"
                "安排财政资金支持梅州、湛江、清远市高质量共建产业转移合作园，开展产业合作园等帮扶项目建设。",
                amount=Decimal("234657.50"),
                goal="聚焦延链补链强链、资源互补、市场互换，建立互利共赢的产业合作关系，"
                "持续建强市、区两级产业合作共建园区，推进产业有序转移。助力广梅产业园、广湛产业园、"
                "广清经济特别合作区发展成为梅州、湛江、清远产业经济发展的重要支撑平台，"
                "助力将一批区县结对共建产业园区打造成为县域经济高质量发展的核心引擎。"
                "持续推动帮扶协作地区乡村产业全链条升级，助力农民收入可持续增长，"
                "助力加强农村生态环境治理、推动绿色发展。",
            )],
        ),
        Task(
            name="加强省外支援协作",
            items=[
                TaskItem(
                    content="对口支援贵州省东西部发展，按照粤黔两省东西部协作协议要求，"
                    "做好安顺、毕节、黔南的乡村振兴工作。",
                    amount=Decimal("21172.00"),
                    goal="持续抓好特色产业提升、 产业集群打造、 消费帮扶助农增收、 "
                    "劳务协作提质“四项行动”和协作帮扶促消费、协作帮扶促就业和平台企业助力乡村文旅融合发展"
                    "“三个专项”等重点工作。探索推进科技、金融等领域的协作，切实增强高质量发展内生动力。",
                ),
                TaskItem(
                    content="对口支援新疆疏附县、西藏波密县和重庆三峡库区巫山县",
                    amount=Decimal("400.00"),
                    goal="继续深入做实民生支援、产业支援、智力支援、文化支援，"
                    "推动对口支援由“单向帮扶”向“双向赋能”模式转化，加快形成受援地特色新质生产力。"
                    "以“生态优先、民生为本、产业赋能、优势互补”为原则，助推巫山县经济社会高质量发展。",
                ),
            ],
        ),
    ]

    def ind(l1: str, l2: str, name: str, period: str, annual: str) -> Indicator:
        return Indicator(level1=l1, level2=l2, name=name, period_value=period, annual_value=annual)

    grade = "10次以上优秀；8-10次良好；5-8次合格"
    indicators = [
        ind("产出指标", "数量指标", "协助国内各地市来穗开展招商推介和经贸考察交流活动次数", grade, grade),
        ind("产出指标", "数量指标", "广州对口帮扶省内镇数量", "78个", "78个"),
        ind("产出指标", "时效指标", "东西部协作资金下达时限", "每年4月底前", "每年4月底前"),
        ind("效益指标", "经济效益指标", "国内省市企业达成经贸签约数额", "2亿元", "2亿元"),
        ind("效益指标", "经济效益指标", "广州企业达成经贸签约数额", "5亿元", "5亿元"),
        ind("效益指标", "社会效益指标", "驻镇帮镇扶村帮助已脱贫人口实现就业数", "≥8000人", "≥8000人"),
        ind("效益指标", "社会效益指标", "帮助转移就业人数", "≥1.4万人", "≥1.4万人"),
        ind("效益指标", "社会效益指标", "驻镇帮镇扶村项目带动脱贫群众增收人数", "≥3万人", "≥3万人"),
        ind("效益指标", "社会效益指标", "驻镇帮镇扶村项目带动当地农户人数", "≥10万人", "≥10万人"),
        ind("效益指标", "社会效益指标", "广州市对口帮扶工作的社会影响力",
            "广州市对口帮扶工作的社会影响力较好", "影响力较好"),
        ind("满意度指标", "服务对象满意度指标", "产业园服务企业满意度", "≥90%", "≥90%"),
    ]
    return Form(
        department="广州市协作办公室",
        budget=budget,
        overall_goal=SEED_GOAL,
        tasks=tasks,
        indicators=indicators,
    )


# --------------------------------------------------------------------------------------------
# Reading the output back.


def open_sheet(data: bytes) -> Worksheet:
    wb = openpyxl.load_workbook(io.BytesIO(data))
    assert len(wb.worksheets) == 1
    return wb.active


def export(form: Form) -> Worksheet:
    return open_sheet(write_form(form))


def find(ws: Worksheet, text: str) -> list[tuple[int, int]]:
    return [
        (c.row, c.column)
        for row in ws.iter_rows()
        for c in row
        if c.value == text
    ]


def find_one(ws: Worksheet, text: str) -> tuple[int, int]:
    hits = find(ws, text)
    assert len(hits) == 1, f"{text!r} found at {hits}"
    return hits[0]


def merge_of(ws: Worksheet, row: int, col: int) -> str | None:
    for rng in ws.merged_cells.ranges:
        if rng.min_row <= row <= rng.max_row and rng.min_col <= col <= rng.max_col:
            return rng.coord
    return None


def shown(ws: Worksheet, row: int, col: int) -> object:
    """What a user sees at (row, col): the top-left value of the merge holding it."""
    for rng in ws.merged_cells.ranges:
        if rng.min_row <= row <= rng.max_row and rng.min_col <= col <= rng.max_col:
            return ws.cell(rng.min_row, rng.min_col).value
    return ws.cell(row, col).value


def indicator_rows(ws: Worksheet) -> list[tuple[object, ...]]:
    """(一级, 二级, 三级, 实施周期指标值, 年度指标值) per row of the 绩效指标 table."""
    header_row, header_col = find_one(ws, "一级指标")
    assert header_col == 2
    return [
        tuple(shown(ws, r, c) for c in range(2, 7))
        for r in range(header_row + 1, ws.max_row + 1)
    ]


def task_rows(ws: Worksheet) -> list[tuple[object, ...]]:
    """(名称, 主要实施内容, 拟投入的资金, 期望达到的目标) per row under the task header."""
    header_row, _ = find_one(ws, "拟投入的资金（万元）")
    end, _ = find_one(ws, "其他需完成的任务（可选填）")
    return [tuple(shown(ws, r, c) for c in range(2, 6)) for r in range(header_row + 1, end)]


def block_labels(ws: Worksheet) -> list[str]:
    return [c.value for c in ws["A"][2:] if c.value is not None]


class RawStyles:
    """Border sides and wrapping of every cell as stored in the file (what Excel draws)."""

    def __init__(self, data: bytes) -> None:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            self.sheet_xml = z.read("xl/worksheets/sheet1.xml").decode("utf-8")
            styles = ET.fromstring(z.read("xl/styles.xml"))
        sheet = ET.fromstring(self.sheet_xml)
        borders = []
        for b in styles.find(f"{MAIN_NS}borders"):
            sides = {
                side for side in ("left", "right", "top", "bottom")
                if (el := b.find(f"{MAIN_NS}{side}")) is not None and el.get("style")
            }
            borders.append(sides)
        self.xfs: list[tuple[set[str], bool]] = []
        for xf in styles.find(f"{MAIN_NS}cellXfs"):
            align = xf.find(f"{MAIN_NS}alignment")
            wrap = align is not None and align.get("wrapText") in ("1", "true")
            self.xfs.append((borders[int(xf.get("borderId", 0))], wrap))
        self.cell_style = {
            c.get("r"): int(c.get("s", 0)) for c in sheet.iter(f"{MAIN_NS}c")
        }

    def border(self, coord: str) -> set[str]:
        return self.xfs[self.cell_style[coord]][0] if coord in self.cell_style else set()

    def wraps(self, coord: str) -> bool:
        return coord in self.cell_style and self.xfs[self.cell_style[coord]][1]


def lint(data: bytes) -> list[str]:
    """xlsx-notes §1.13 plus: every merged range inside the table is fully bordered."""
    wb = openpyxl.load_workbook(io.BytesIO(data))
    raw = RawStyles(data)
    out: list[str] = []
    for ws in wb.worksheets:
        t = ws.title
        if len(t) > 31 or any(ch in t for ch in "[]:*?/\\"):
            out.append(f"bad sheet title {t!r}")
        rs = list(ws.merged_cells.ranges)
        out += [
            f"overlapping merges {a.coord}/{b.coord}"
            for i, a in enumerate(rs) for b in rs[i + 1:] if not a.isdisjoint(b)
        ]
        out += [f"single-cell merge {r.coord}" for r in rs if r.size == {"rows": 1, "columns": 1}]
        out += [f"row {r} > 409pt" for r, d in ws.row_dimensions.items() if (d.height or 0) > 409]
        out += [f"col {c} > 255" for c, d in ws.column_dimensions.items() if (d.width or 0) > 255]
        for rng in rs:
            if rng.min_row <= 2:  # title and note lines carry no border by design
                continue
            for row in ws[rng.coord]:
                for c in row:
                    if raw.border(c.coordinate) != {"left", "right", "top", "bottom"}:
                        out.append(f"{rng.coord}: {c.coordinate} not fully bordered")
                    if not raw.wraps(c.coordinate):
                        out.append(f"{rng.coord}: {c.coordinate} not wrapped")
    return out


def text_units(s: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WFA" else 1 for ch in s)


def column_units(ws: Worksheet, first: str, last: str) -> float:
    letters = [chr(c) for c in range(ord(first), ord(last) + 1)]
    return sum(ws.column_dimensions[x].width for x in letters)


def rows_height(ws: Worksheet, rng: str) -> float:
    r = ws[rng]
    rows = range(r[0][0].row, r[-1][0].row + 1) if isinstance(r, tuple) else [r.row]
    return sum(ws.row_dimensions[i].height or 15 for i in rows)


# --------------------------------------------------------------------------------------------
# The seed form.


@pytest.fixture(scope="module")
def seed_bytes() -> bytes:
    return write_form(seed_form())


@pytest.fixture(scope="module")
def seed_ws(seed_bytes: bytes) -> Worksheet:
    return open_sheet(seed_bytes)


def test_title_and_notes(seed_ws: Worksheet) -> None:
    ws = seed_ws
    assert ws.title == TITLE
    assert ws["A1"].value == TITLE
    assert merge_of(ws, 1, 1) == "A1:F1"
    assert ws["A1"].font.b and ws["A1"].font.sz == 16 and ws["A1"].font.name == "宋体"
    assert ws["A2"].value == "预算年度："  # the seed names no year
    assert find(ws, "单位：万元")


def test_year_line_when_known() -> None:
    ws = export(seed_form().model_copy(update={"year": 2025}))
    assert ws["A2"].value == "预算年度：2025年"
    assert ws["A1"].value == TITLE


def test_block_labels_in_column_a_in_form_order(seed_ws: Worksheet) -> None:
    assert block_labels(seed_ws) == BLOCK_LABELS
    for label in BLOCK_LABELS:
        assert find_one(seed_ws, label)[1] == 1


def test_department_value_spans_b_to_f(seed_ws: Worksheet) -> None:
    row, _ = find_one(seed_ws, "部门名称")
    assert seed_ws.cell(row, 2).value == "广州市协作办公室"
    assert merge_of(seed_ws, row, 2) == f"B{row}:F{row}"


def test_budget_block_layout(seed_ws: Worksheet) -> None:
    ws = seed_ws
    top, _ = find_one(ws, "预算整体情况")
    assert merge_of(ws, top, 1) == f"A{top}:A{top + 5}"
    grid = [[shown(ws, r, c) for c in range(2, 7)] for r in range(top, top + 6)]
    amount = "预算金额（万元）"
    assert grid == [
        ["部门预算支出", amount, "收入来源", amount, amount],
        ["基本支出", 4381.54, "财政拨款", 275150.81, 275150.81],
        ["项目支出", 270769.27, "其他资金", 2536.49, 2536.49],
        ["事业发展性支出", amount, "按预算级次划分", amount, amount],
        ["财政专项资金", 0, "市本级使用资金", 275150.81, 275150.81],
        ["其他事业发展性支出", 0, "拟用于对下转移支付资金", 0, 0],
    ]
    for r in range(top, top + 6):
        assert merge_of(ws, r, 5) == f"E{r}:F{r}"


def test_amounts_are_numbers_with_thousands_format(seed_ws: Worksheet) -> None:
    ws = seed_ws
    expected = {
        "基本支出": 4381.54, "项目支出": 270769.27, "财政拨款": 275150.81, "其他资金": 2536.49,
        "财政专项资金": 0, "其他事业发展性支出": 0, "市本级使用资金": 275150.81,
        "拟用于对下转移支付资金": 0,
    }
    for label, value in expected.items():
        r, c = find_one(ws, label)
        cell = ws.cell(r, c + 1)
        assert cell.data_type == "n", label
        assert isinstance(cell.value, int | float) and cell.value == pytest.approx(value), label
        assert cell.number_format == "#,##0.00", label
    amounts = [row[2] for row in task_rows(ws)]
    assert amounts == [10030, 234657.5, 21172, 400]
    header_row, col = find_one(ws, "拟投入的资金（万元）")
    for r in range(header_row + 1, header_row + 5):
        assert ws.cell(r, col).number_format == "#,##0.00"


def test_overall_goal_spans_b_to_f(seed_ws: Worksheet) -> None:
    row, _ = find_one(seed_ws, "总体绩效目标")
    assert seed_ws.cell(row, 2).value == SEED_GOAL
    assert merge_of(seed_ws, row, 2) == f"B{row}:F{row}"


def test_task_table(seed_ws: Worksheet) -> None:
    ws = seed_ws
    header_row, _ = find_one(ws, "名称")
    assert [shown(ws, header_row, c) for c in range(2, 7)] == [
        "名称", "主要实施内容", "拟投入的资金（万元）", "期望达到的目标（概述）", "期望达到的目标（概述）",
    ]
    assert merge_of(ws, header_row, 5) == f"E{header_row}:F{header_row}"
    rows = task_rows(ws)
    form = seed_form()
    expected = [
        (t.name, i.content, float(i.amount), i.goal) for t in form.tasks for i in t.items
    ]
    assert rows == expected
    # A is merged over the header and the four task rows.
    assert merge_of(ws, header_row, 1) == f"A{header_row}:A{header_row + 4}"
    assert ws.cell(header_row, 1).value == "年度重点工作任务"


def test_task_name_merged_over_its_sub_rows(seed_ws: Worksheet) -> None:
    ws = seed_ws
    r, c = find_one(ws, "加强省外支援协作")
    assert c == 2
    assert merge_of(ws, r, c) == f"B{r}:B{r + 1}"
    assert ws.cell(r + 1, 3).value == "对口支援新疆疏附县、西藏波密县和重庆三峡库区巫山县"
    r1, _ = find_one(ws, "开展省内帮扶工作")
    assert merge_of(ws, r1, 2) is None  # one sub-row: no merge


def test_other_tasks_row(seed_ws: Worksheet) -> None:
    row, _ = find_one(seed_ws, "其他需完成的任务（可选填）")
    assert seed_ws.cell(row, 2).value is None
    assert merge_of(seed_ws, row, 2) == f"B{row}:F{row}"


def test_indicator_header(seed_ws: Worksheet) -> None:
    row, _ = find_one(seed_ws, "一级指标")
    assert [seed_ws.cell(row, c).value for c in range(1, 7)] == [
        "绩效指标", "一级指标", "二级指标", "三级指标", "实施周期指标值", "年度指标值",
    ]


def test_every_printed_pair_in_order_with_blank_rows_for_empty_ones(seed_ws: Worksheet) -> None:
    rows = indicator_rows(seed_ws)
    pairs = list(dict.fromkeys((r[0], r[1]) for r in rows))
    assert pairs == framework().printed_pairs()
    form = seed_form()
    for level1, level2 in pairs:
        under = [r[2:] for r in rows if (r[0], r[1]) == (level1, level2)]
        expected = [
            (i.name, i.period_value, i.annual_value)
            for i in form.indicators_under(level1, level2)
        ]
        assert under == (expected or [(None, None, None)]), (level1, level2)
    # The row that was shifted in the source sits under 效益指标/社会效益指标.
    assert ("效益指标", "社会效益指标", "广州市对口帮扶工作的社会影响力",
            "广州市对口帮扶工作的社会影响力较好", "影响力较好") in rows
    assert len(rows) == 11 + 5  # 11 indicators + one blank row for each of 5 empty pairs


def test_level1_and_level2_merged_over_their_rows(seed_ws: Worksheet) -> None:
    ws = seed_ws
    header_row, _ = find_one(ws, "一级指标")
    spans = {}
    for name in ("产出指标", "效益指标", "满意度指标", "成本指标"):
        r, c = find_one(ws, name)
        assert c == 2
        spans[name] = merge_of(ws, r, c)
    first = header_row + 1
    assert spans == {
        "产出指标": f"B{first}:B{first + 3}",       # 数量 ×2, 质量 (blank), 时效
        "效益指标": f"B{first + 4}:B{first + 11}",  # 经济 ×2, 社会 ×5, 生态 (blank)
        "满意度指标": None,                         # one row
        "成本指标": f"B{first + 13}:B{first + 15}",  # three blank rows
    }
    r, _ = find_one(ws, "社会效益指标")
    assert merge_of(ws, r, 3) == f"C{r}:C{r + 4}"
    assert merge_of(ws, header_row, 1) == f"A{header_row}:A{first + 15}"


def test_every_merged_cell_is_bordered_and_wrapped(seed_bytes: bytes) -> None:
    assert lint(seed_bytes) == []
    # and the plain (unmerged) table cells too
    ws = open_sheet(seed_bytes)
    raw = RawStyles(seed_bytes)
    for row in ws.iter_rows(min_row=3, max_col=6):
        for c in row:
            assert raw.border(c.coordinate) == {"left", "right", "top", "bottom"}, c.coordinate
            assert raw.wraps(c.coordinate), c.coordinate


def test_chinese_font(seed_ws: Worksheet) -> None:
    ws = seed_ws
    for coord in ("B3", "A3", "C5"):
        font = ws[coord].font
        assert font.name == "宋体" and font.sz == 11 and font.charset == 134, coord
    r, c = find_one(ws, "协助国内各地市来穗开展招商推介和经贸考察交流活动次数")
    assert ws.cell(r, c).font.name == "宋体"
    assert ws["A3"].font.b and not ws["B3"].font.b


def test_alignment(seed_ws: Worksheet) -> None:
    ws = seed_ws
    label = ws.cell(*find_one(ws, "总体绩效目标"))
    assert label.alignment.horizontal == "center" and label.alignment.vertical == "center"
    r, _ = find_one(ws, "总体绩效目标")
    goal = ws.cell(r, 2)
    assert goal.alignment.wrap_text and goal.alignment.vertical == "center"
    assert goal.alignment.horizontal == "left"


def test_column_widths_fit_cjk_labels_and_the_page(seed_ws: Worksheet) -> None:
    ws = seed_ws
    widths = {x: ws.column_dimensions[x].width for x in "ABCDEF"}
    assert all(w >= 14 for w in widths.values()), widths
    # The longest budget label shows on one line (2 units per CJK character + padding).
    assert widths["B"] >= text_units("其他事业发展性支出")
    assert widths["D"] >= text_units("拟用于对下转移支付资金")
    # Landscape A4 prints about 140 units at 100 %.
    assert sum(widths.values()) <= 145


def test_row_heights_fit_long_text(seed_ws: Worksheet) -> None:
    ws = seed_ws

    def needed(text: str, width: float) -> float:
        # Independent, generous estimate: a line holds about `width` units; 1.2 × 11 pt a line.
        return math.ceil(text_units(text) / width) * 11 * 1.2

    r, _ = find_one(ws, "总体绩效目标")
    assert ws.row_dimensions[r].height > 15
    assert ws.row_dimensions[r].height >= needed(SEED_GOAL, column_units(ws, "B", "F"))
    r, _ = find_one(ws, TASK1_GOAL)
    assert ws.row_dimensions[r].height >= needed(TASK1_GOAL, column_units(ws, "E", "F"))
    # A merge's text may spread over its rows: the rows together are tall enough.
    r, _ = find_one(ws, "加强省外支援协作")
    assert rows_height(ws, f"B{r}:B{r + 1}") >= needed("加强省外支援协作", column_units(ws, "B", "B"))
    for row, dim in ws.row_dimensions.items():
        assert dim.height is not None and 15 <= dim.height <= 409, row


def test_page_setup(seed_ws: Worksheet) -> None:
    ws = seed_ws
    assert ws.page_setup.paperSize == 9  # A4
    assert ws.page_setup.orientation == "landscape"
    assert ws.sheet_properties.pageSetUpPr.fitToPage is True
    assert ws.page_setup.fitToWidth == 1
    assert ws.page_setup.fitToHeight == 0
    assert ws.print_title_rows == "$1:$3"
    assert ws.print_area == f"'{TITLE}'!$A$1:$F${ws.max_row}"
    assert ws.page_margins.left == pytest.approx(0.5)
    assert "&P" in ws.oddFooter.center.text


def test_document_properties(seed_bytes: bytes) -> None:
    wb = openpyxl.load_workbook(io.BytesIO(seed_bytes))
    assert wb.properties.creator == "declbot"
    assert wb.properties.title == "部门整体预算绩效目标申报表-广州市协作办公室"
    props = {p.name: p.value for p in wb.custom_doc_props.props}
    assert props["declbot_template"].startswith("declbot/")


def test_no_formulas_in_the_sheet_xml(seed_bytes: bytes) -> None:
    xml = RawStyles(seed_bytes).sheet_xml
    assert "<f>" not in xml and "<f " not in xml


# --------------------------------------------------------------------------------------------
# Safety of user text.

DANGEROUS = ['=HYPERLINK("http://x","y")', "+1", "-2", "@SUM(A1)", "#N/A", "=1+1", "#REF!",
             "\t=cmd", "\n=1"]


def _everywhere(text: str) -> Form:
    return Form(
        department=text,
        overall_goal=text,
        other_tasks=text,
        tasks=[Task(name=text, items=[TaskItem(content=text, goal=text)])],
        indicators=[Indicator(level1="产出指标", level2="数量指标", name=text,
                              period_value=text, annual_value=text)],
    )


@pytest.mark.parametrize("text", DANGEROUS)
def test_formula_looking_text_stays_text(text: str) -> None:
    data = write_form(_everywhere(text))
    ws = open_sheet(data)
    hits = find(ws, text)
    assert len(hits) == 9, hits  # department, goal, other tasks, name, content, goal, 3 × indicator
    for r, c in hits:
        cell = ws.cell(r, c)
        assert cell.data_type == "s"
        if text[0] in "=+-@\t\n":
            assert cell.quotePrefix, (text, cell.coordinate)
    xml = RawStyles(data).sheet_xml
    assert "<f>" not in xml and "<f " not in xml
    assert 't="e"' not in xml


def test_control_characters_are_stripped() -> None:
    dirty = "广州\x00市\x07协作\x0b办\x0c公\x1f室\x08"
    form = Form(
        department=dirty,
        tasks=[Task(name="任务\x01一", items=[TaskItem(content="行1\n行2\t列", goal="目标\x1b")])],
        indicators=[Indicator(level1="产出指标", level2="数量指标", name="指\x02标",
                              period_value="≥1\x03个", annual_value="1个")],
    )
    ws = export(form)
    assert ws["B3"].value == "广州市协作办公室"
    assert task_rows(ws) == [("任务一", "行1\n行2\t列", None, "目标")]
    assert ("产出指标", "数量指标", "指标", "≥1个", "1个") in indicator_rows(ws)


def test_carriage_returns_become_line_feeds() -> None:
    ws = export(Form(overall_goal="1. 甲\r\n2. 乙\r3. 丙"))
    r, _ = find_one(ws, "总体绩效目标")
    assert ws.cell(r, 2).value == "1. 甲\n2. 乙\n3. 丙"


def test_text_over_the_cell_limit_is_refused_not_truncated() -> None:
    with pytest.raises(ExportError) as err:
        write_form(Form(overall_goal="字" * 32_768))
    assert "总体绩效目标" in err.value.message_zh and "32,767" in err.value.message_zh
    assert "32,767" in err.value.message_en and "Overall performance goal" in err.value.message_en
    assert isinstance(err.value, ValueError)
    # UTF-16 is what Excel counts: 16,384 astral characters are 32,768 units.
    with pytest.raises(ExportError, match="期望达到的目标"):
        write_form(Form(tasks=[Task(name="t", items=[TaskItem(goal="𠀀" * 16_384)])]))


def test_text_at_the_cell_limit_is_written_whole() -> None:
    text = "字" * 32_767
    ws = export(Form(overall_goal=text))
    r, _ = find_one(ws, "总体绩效目标")
    assert ws.cell(r, 2).value == text
    # Far taller than one row can be: the block spans several rows, none over 409 pt.
    rng = merge_of(ws, r, 2)
    assert rng is not None
    first, last = (int(x) for x in re.findall(r"\d+", rng))
    assert merge_of(ws, r, 1) == f"A{first}:A{last}"
    assert last - first + 1 >= 2
    heights = [ws.row_dimensions[i].height for i in range(first, last + 1)]
    assert all(h <= 409 for h in heights)
    assert sum(heights) >= text_units(text) / column_units(ws, "B", "F") * 11 * 1.2
    assert block_labels(ws) == BLOCK_LABELS
    assert lint(write_form(Form(overall_goal=text))) == []


def test_task_sub_row_too_tall_for_one_row_spans_several() -> None:
    content, goal = "实施内容很长。" * 120, "目标。" * 400
    form = Form(tasks=[
        Task(name="长任务", items=[TaskItem(content=content, amount=Decimal("5"), goal=goal),
                                  TaskItem(content="第二行", amount=Decimal("1"), goal="短")]),
        Task(name="后续", items=[TaskItem(content="x", amount=Decimal("2"), goal="y")]),
    ])
    data = write_form(form)
    ws = open_sheet(data)
    r, c = find_one(ws, content)
    rng = merge_of(ws, r, c)
    assert rng is not None
    first, last = (int(x) for x in re.findall(r"\d+", rng))
    assert last > first
    assert merge_of(ws, r, 4) == f"D{first}:D{last}"
    assert merge_of(ws, r, 5) == f"E{first}:F{last}"
    assert merge_of(ws, r, 2) == f"B{first}:B{last + 1}"  # 名称 over both sub-rows
    assert ws.cell(r, 4).value == 5 and ws.cell(r, 5).value == goal
    heights = [ws.row_dimensions[i].height for i in range(first, last + 1)]
    assert all(h <= 409 for h in heights)
    assert sum(heights) >= text_units(content) / column_units(ws, "C", "C") * 11 * 1.2
    # the continuation rows of the merges show the same values
    assert list(dict.fromkeys(task_rows(ws))) == [
        ("长任务", content, 5, goal), ("长任务", "第二行", 1, "短"), ("后续", "x", 2, "y"),
    ]
    assert lint(data) == []


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=60))
def test_any_text_round_trips_as_a_string(text: str) -> None:
    form = Form(department=text, indicators=[Indicator(level1="产出指标", level2="数量指标",
                                                       name=text)])
    ws = export(form)
    # The model drops bidi and control characters (strip_unsafe), the cell what XML cannot carry.
    expected = re.sub("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]", "", strip_unsafe(text))
    expected = expected.replace("\r\n", "\n").replace("\r", "\n")
    cell = ws["B3"]
    assert (cell.value or "") == expected
    if expected:
        assert cell.data_type == "s"
    rows = indicator_rows(ws)
    assert rows[0][:3] == ("产出指标", "数量指标", expected or None)


# --------------------------------------------------------------------------------------------
# Other shapes of form.


def test_empty_form_shows_every_label_and_blank_rows() -> None:
    data = write_form(Form())
    ws = open_sheet(data)
    assert ws["A1"].value == TITLE
    assert block_labels(ws) == BLOCK_LABELS
    for label in ("部门预算支出", "收入来源", "事业发展性支出", "按预算级次划分", "基本支出",
                  "拟用于对下转移支付资金", "主要实施内容", "期望达到的目标（概述）",
                  "实施周期指标值", "年度指标值"):
        assert find(ws, label), label
    assert task_rows(ws) == [(None, None, None, None)]
    rows = indicator_rows(ws)
    assert [(r[0], r[1]) for r in rows] == framework().printed_pairs()
    assert all(r[2:] == (None, None, None) for r in rows)
    r, c = find_one(ws, "基本支出")
    assert ws.cell(r, c + 1).value is None
    assert ws.cell(r, c + 1).number_format == "#,##0.00"
    assert lint(data) == []


def test_form_without_tasks_items_gets_one_row_per_task() -> None:
    ws = export(Form(tasks=[Task(name="只有名称")]))
    assert task_rows(ws) == [("只有名称", None, None, None)]


def test_non_canonical_pairs_are_printed_under_their_level1_or_at_the_end() -> None:
    form = seed_form()
    form.indicators = [
        Indicator(level1="自定义一级", level2="自定义二级", name="甲", period_value="1", annual_value="1"),
        *form.indicators,
        Indicator(level1="效益指标", level2="可持续影响指标", name="长效机制", period_value="健全",
                  annual_value="健全"),
        Indicator(level1="效益指标", level2="社会效益指标"),  # an empty placeholder row
        Indicator(level1="产出指标", level2="质量指标"),       # placeholder of an empty pair
    ]
    data = write_form(form)
    ws = open_sheet(data)
    rows = indicator_rows(ws)
    pairs = list(dict.fromkeys((r[0], r[1]) for r in rows))
    printed = framework().printed_pairs()
    at = printed.index(("效益指标", "生态效益指标")) + 1
    assert pairs == [*printed[:at], ("效益指标", "可持续影响指标"), *printed[at:],
                     ("自定义一级", "自定义二级")]
    assert rows[-1] == ("自定义一级", "自定义二级", "甲", "1", "1")
    assert len([r for r in rows if r[1] == "社会效益指标"]) == 5  # placeholder dropped
    assert len([r for r in rows if r[1] == "质量指标"]) == 1      # its single blank row
    r, c = find_one(ws, "效益指标")
    assert merge_of(ws, r, c) == f"B{r}:B{r + 8}"  # now nine rows
    assert lint(data) == []


def test_indicators_with_missing_levels_are_kept() -> None:
    form = Form(indicators=[Indicator(name="无一级无二级", annual_value="1")])
    rows = indicator_rows(export(form))
    assert rows[-1] == (None, None, "无一级无二级", None, "1")


def test_amount_the_importer_could_not_read_is_shown_as_found() -> None:
    form = seed_form()
    form.budget.other_funds = None
    form.tasks[2].items[1].amount = None
    form.amount_notes = {"budget.other_funds": "-3", "tasks[2].items[1].amount": "约 5 万"}
    ws = export(form)
    r, c = find_one(ws, "其他资金")
    cell = ws.cell(r, c + 1)
    assert cell.value == "-3" and cell.data_type == "s" and cell.quotePrefix
    assert [row[2] for row in task_rows(ws)] == [10030, 234657.5, 21172, "约 5 万"]


def test_round_trip_through_the_importer() -> None:
    reader = pytest.importorskip("form_model.importers.xlsx_reader")
    read_xlsx = getattr(reader, "read_xlsx", None)
    if read_xlsx is None:
        pytest.skip("importer has no read_xlsx yet")
    form = seed_form().model_copy(update={"year": 2025, "other_tasks": "=不是公式",
                                          "template": Template.GUANGZHOU})
    assert read_xlsx(write_form(form)) == form
    # An empty form is exported (a blank form to fill in by hand), and read back as empty.
    with pytest.raises(FormReadError, match="没有读到任何填写的内容"):
        read_xlsx(write_form(Form()))
    # blocks spread over several rows read back as one value
    tall = Form(
        overall_goal="总体目标。" * 2000,
        tasks=[Task(name="长任务", items=[TaskItem(content="内容。" * 500, goal="目标。" * 800),
                                          TaskItem(content="第二行")])],
    )
    assert read_xlsx(write_form(tall)) == tall.model_copy(update={"template": Template.GUANGZHOU})


# --------------------------------------------------------------------------------------------
# File names and saving.


@pytest.mark.parametrize(
    ("department", "year", "expected"),
    [
        ("广州市协作办公室", None, "部门整体预算绩效目标申报表-广州市协作办公室.xlsx"),
        ("广州市协作办公室", 2025, "部门整体预算绩效目标申报表-广州市协作办公室-2025年.xlsx"),
        ("", None, "部门整体预算绩效目标申报表-未命名.xlsx"),
        ("", 2025, "部门整体预算绩效目标申报表-未命名-2025年.xlsx"),
        ('a/b\\c:d*e?f"g<h>i|j', None, "部门整体预算绩效目标申报表-a_b_c_d_e_f_g_h_i_j.xlsx"),
        ("  广州市\n协作\t办公室  ", None, "部门整体预算绩效目标申报表-广州市 协作 办公室.xlsx"),
        ("///", None, "部门整体预算绩效目标申报表-未命名.xlsx"),
        ("..", None, "部门整体预算绩效目标申报表-未命名.xlsx"),
    ],
)
def test_export_filename(department: str, year: int | None, expected: str) -> None:
    assert export_filename(Form(department=department, year=year)) == expected


@given(st.text(max_size=300), st.one_of(st.none(), st.integers(2000, 2100)))
def test_export_filename_is_always_safe(department: str, year: int | None) -> None:
    name = export_filename(Form(department=department, year=year))
    assert name.startswith("部门整体预算绩效目标申报表-") and name.endswith(".xlsx")
    assert not set(name) & set('/\\:*?"<>|')
    assert not any(ord(ch) < 32 or 0xD800 <= ord(ch) <= 0xDFFF for ch in name)
    assert len(name.encode("utf-8")) <= 200
    if year is not None:
        assert name.endswith(f"-{year}年.xlsx")


def test_save_form_to_file_and_directory(tmp_path: Path) -> None:
    form = seed_form()
    target = save_form(form, tmp_path / "out.xlsx")
    assert target == tmp_path / "out.xlsx"
    assert open_sheet(target.read_bytes())["A1"].value == TITLE
    named = save_form(form, tmp_path)
    assert named == tmp_path / "部门整体预算绩效目标申报表-广州市协作办公室.xlsx"
    assert named.exists()


def test_save_form_does_not_leave_a_file_when_export_fails(tmp_path: Path) -> None:
    with pytest.raises(ExportError):
        save_form(Form(overall_goal="字" * 40_000), tmp_path / "bad.xlsx")
    assert not (tmp_path / "bad.xlsx").exists()


# --------------------------------------------------------------------------------------------
# Optional: render through LibreOffice (skips when it is not installed).


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice not installed")
def test_renders_through_libreoffice(tmp_path: Path, seed_bytes: bytes) -> None:
    import subprocess

    try:
        from tests import render
    except ImportError:  # run by a pytest that put tests/ itself on sys.path
        import render  # type: ignore[no-redef]

    xlsx = tmp_path / "form.xlsx"
    xlsx.write_bytes(seed_bytes)
    pdf = render.to_pdf(xlsx, tmp_path)
    if not render.pdf_tools_available():
        return
    info = render.pdf_info(pdf)
    assert "A4" in info["Page size"]
    width, height = (float(x) for x in re.findall(r"[\d.]+", info["Page size"])[:2])
    assert width > height  # landscape
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    for label in [TITLE, "部门名称", "预算整体情况", "总体绩效目标", "绩效指标",
                  "期望达到的目标（概述）", "年度指标值", "4,381.54", "275,150.81"]:
        assert label in text, label
