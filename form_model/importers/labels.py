"""The form's printed labels, as the readers look for them, and how a cell is matched to one.

A label matches a short cell that starts with it after normalisation (NFKC, case, punctuation
and spaces ignored), so 「其他需完成的任务（可选填）」 and 「部门名称：」 are found; in a cell
「标签：值」 only the part before the colon counts.
"""

from __future__ import annotations

import re
from functools import lru_cache

from form_model.models import BASIC_INFO_FIELDS, BUDGET_FIELDS
from form_model.normalize import label_key, name_key, nfkc

#: Label keys of short cells, computed once per text (a parse asks for each cell's many times).
cell_key = lru_cache(maxsize=1 << 16)(label_key)
cell_nfkc = lru_cache(maxsize=1 << 16)(nfkc)


def keys(*labels: str) -> tuple[str, ...]:
    return tuple(label_key(x) for x in labels)


# Section labels.
DEPARTMENT = keys("部门名称", "部门（单位）名称", "单位名称", "申报部门", "申报单位", "填报单位")
YEAR = keys("预算年度", "申报年度", "年度")
BASIC_INFO = keys("基本信息", "部门基本信息")
BUDGET = keys("预算整体情况", "部门预算整体情况")
GOAL = keys("总体绩效目标", "年度总体绩效目标", "年度总体目标", "整体绩效目标", "总体目标")
TASKS = keys("年度重点工作任务", "重点工作任务", "年度主要任务")
OTHER = keys("其他需完成的任务", "其他需要完成的任务", "其他任务")
INDICATORS = keys("绩效指标", "年度绩效指标")
# Header cells.
TASK_NAME = keys("名称", "任务名称", "工作任务名称", "重点工作任务名称", "项目名称")
TASK_CONTENT = keys("主要实施内容", "实施内容", "主要内容", "工作内容")
TASK_AMOUNT = keys("拟投入的资金", "拟投入资金", "投入资金", "资金", "预算金额", "金额")
TASK_GOAL = keys("期望达到的目标", "期望目标", "预期达到的目标", "预期目标", "目标")
LEVEL1 = keys("一级指标", "一级")
LEVEL2 = keys("二级指标", "二级")
LEVEL3 = keys("三级指标", "三级")
PERIOD_VALUE = keys("实施周期指标值", "实施周期", "中期指标值", "周期指标值")
ANNUAL_VALUE = keys("年度指标值", "年度目标值", "年度值")
ANY_VALUE = keys("指标值")
NUMBERING = keys("序号", "编号")
# Budget cells that are labels, never amounts.
BUDGET_GROUPS = keys("部门预算支出", "收入来源", "事业发展性支出", "按预算级次划分", "预算金额", "金额")
BUDGET_LABELS = frozenset(name_key(f.label_zh, strip_suffix=False) for f in BUDGET_FIELDS)
BASIC_LABELS = {label_key(f.label_zh): f for f in BASIC_INFO_FIELDS}
TOTAL_ROW = keys("合计", "小计", "总计")
#: Notes printed around the table: 「单位：万元」, 「金额单位：万元」.
UNIT_NOTE = re.compile(r"^(?:金额)?单位[:：]\s*(?:万元|元)$")
# Lines under the indicator table that end it (footnotes, signatures).
FOOTNOTE = re.compile(r"^(注|说明|备注|填报说明|填表说明|填表人|填报人|联系人|联系电话|审核人|负责人"
                      r"|单位负责人|财务负责人|填报日期|填表日期)[:：]|^(备注|说明|填报说明|填表说明)$")
YEAR_NUMBER = re.compile(r"(?<!\d)(?:20\d{2}|2100)(?!\d)")
#: A cell that only names the year: 「2025年度」, 「（2025年）」.
YEAR_ONLY = re.compile(r"^[（(]?\s*(?:20\d{2}|2100)\s*年度?\s*[)）]?$")
INLINE_VALUE = re.compile(r"^([^:：\n]{1,20})[:：]\s*(\S.*)$", re.S)


@lru_cache(maxsize=1 << 16)
def head_key(text: str) -> str:
    """The label key of a cell's label part (before 「：」 in 「标签：值」); "" for long cells."""
    head = INLINE_VALUE.match(text)
    text = head.group(1) if head else text
    return label_key(text) if len(text) <= 80 else ""


def is_label(text: str, wanted: tuple[str, ...], slack: int = 12) -> bool:
    """A short cell starting with one of the labels; in 「标签：值」 only the part before the
    colon counts."""
    if not text or len(text) > 200:
        return False
    k = head_key(text)
    return bool(k) and any(k.startswith(key) and len(k) <= len(key) + slack for key in wanted)


def is_exact(text: str, wanted: tuple[str, ...]) -> bool:
    return bool(text) and len(text) <= 80 and cell_key(text) in wanted


def inline_value(text: str) -> str | None:
    """The value of a cell 「标签：值」, or None."""
    found = INLINE_VALUE.match(text)
    return found.group(2) if found else None
