"""Export a :class:`~form_model.models.Form` as the official xlsx 部门整体预算绩效目标申报表.

Public API: :func:`write_form`, :func:`save_form`, :func:`export_filename`, :class:`ExportError`.

Layout (one sheet, columns A..F; A holds the block labels, "A3:A8" style ranges are merges)::

    1      A:F  部门整体预算绩效目标申报表 (title, no year)
    2      A:C  预算年度：2025年              D:F 单位：万元        (notes, no border)
    3      A 部门名称                         B:F department
    4-9    A 预算整体情况 (merged over 6 rows)
           4  B 部门预算支出   C 预算金额（万元）  D 收入来源        E:F 预算金额（万元）
           5  B 基本支出       C amount            D 财政拨款        E:F amount
           6  B 项目支出       C amount            D 其他资金        E:F amount
           7  B 事业发展性支出 C 预算金额（万元）  D 按预算级次划分  E:F 预算金额（万元）
           8  B 财政专项资金   C amount            D 市本级使用资金  E:F amount
           9  B 其他事业发展性支出 C amount        D 拟用于对下转移支付资金 E:F amount
    10     A 总体绩效目标                     B:F text   (A and B:F span k rows if the
                                                          text needs more than 409 pt)
    then   A 年度重点工作任务 (merged over header + rows)
           header  B 名称  C 主要实施内容  D 拟投入的资金（万元）  E:F 期望达到的目标（概述）
           one row per task item (C, D, E:F merged down over k rows when its text needs
           more than 409 pt); B (名称) merged over the task's rows; one blank task row
           when there are none; an amount the importer could not read shows its raw text
    then   A 其他需完成的任务（可选填）       B:F text   (k rows, as 总体绩效目标)
    then   A 绩效指标 (merged over header + rows)
           header  B 一级指标  C 二级指标  D 三级指标  E 实施周期指标值  F 年度指标值
           every pre-printed 一级/二级 pair in template order, then pairs found only in the
           form (under their 一级, or after all the others); B merged over the 一级's rows,
           C over the 二级's rows, one row per indicator, one blank row for an empty pair
"""

from __future__ import annotations

import os
import re
import zipfile
from io import BytesIO
from pathlib import Path

from openpyxl import Workbook
from openpyxl.packaging.custom import IntProperty, StringProperty
from openpyxl.worksheet.properties import PageSetupProperties

from form_model.carry import marks_properties
from form_model.exporter.cells import ExportError, clean_text
from form_model.exporter.layout import build_sheet
from form_model.importers.errors import FormReadError
from form_model.importers.gate_limits import LIMITS, check_sizes
from form_model.models import CAPS, Form
from form_model.normalize import strip_unsafe

__all__ = ["ExportError", "TEMPLATE_ID", "TEMPLATE_VERSION", "export_filename", "save_form",
           "write_form"]

#: Custom document properties marking a file as ours (a hint only: copy-paste loses them).
TEMPLATE_ID = "declbot/gz-dept-overall-performance"
TEMPLATE_VERSION = 1
CREATOR = "declbot"

#: Characters no common file system accepts, plus C0 controls and DEL.
_UNSAFE_FILENAME = re.compile(r'[/\\:*?"<>|\x00-\x1f\x7f\ud800-\udfff]')
_SPACES = re.compile(r"\s+")
DEFAULT_NAME = "未命名"
MAX_NAME_CHARS = 50
#: File systems allow 255 bytes; leave room for " (1)"-style suffixes.
MAX_FILENAME_BYTES = 200


def _filename_part(text: str) -> str:
    s = _SPACES.sub(" ", strip_unsafe(text))
    s = _UNSAFE_FILENAME.sub("_", s).strip(" ._")
    return s[:MAX_NAME_CHARS].rstrip(" ._")


def export_filename(form: Form) -> str:
    """「<表名>-<部门名称>[-<年度>年].xlsx」, safe on Windows, macOS and Linux (no bidi or
    control characters either: 「…局\u202eslx.exe」 cannot pose as another file type)."""
    department = _filename_part(form.department) or DEFAULT_NAME
    year = f"-{form.year}年" if form.year is not None else ""
    title = form.template_info.title

    def name(dept: str) -> str:
        return f"{title}-{dept}{year}.xlsx"

    while len(name(department).encode("utf-8")) > MAX_FILENAME_BYTES and len(department) > 1:
        department = department[:-1].rstrip(" ._") or department[:1]
    return name(department)


def _setup_page(ws, last_row: int) -> None:
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.top = ws.page_margins.bottom = 0.7
    ws.page_margins.header = ws.page_margins.footer = 0.3
    ws.print_title_rows = "1:3"  # title, year/unit line and 部门名称 on every page
    ws.print_area = f"A1:F{last_row}"
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"
    ws.sheet_view.showGridLines = False


def _set_properties(wb: Workbook, form: Form) -> None:
    props = wb.properties
    props.title = export_filename(form).removesuffix(".xlsx")
    props.subject = clean_text(form.department)[:255] or None
    props.creator = CREATOR
    props.lastModifiedBy = CREATOR
    wb.custom_doc_props.append(StringProperty(name="declbot_template", value=TEMPLATE_ID))
    wb.custom_doc_props.append(IntProperty(name="declbot_template_version", value=TEMPLATE_VERSION))
    for name, value in marks_properties(form):  # 「沿用上年」 marks and explanations, kept for re-reading
        wb.custom_doc_props.append(StringProperty(name=name, value=value))


def build_workbook(form: Form) -> Workbook:
    """The form as an openpyxl Workbook (one sheet). Raises :class:`ExportError`."""
    problem = CAPS.problem(form)
    if problem is not None:
        raise ExportError(f"无法导出：{problem[0]}。", f"Cannot export: {problem[1]}.")
    wb = Workbook()
    ws = wb.active
    ws.title = form.template_info.title
    last_row = build_sheet(ws, form)
    if last_row > LIMITS.max_row:
        raise ExportError(
            f"无法导出：表格共 {last_row} 行，超过 {LIMITS.max_row} 行的上限（文字过长），请精简后再导出。",
            f"Cannot export: the sheet would have {last_row} rows, more than the {LIMITS.max_row} "
            "allowed (texts too long); shorten them, then export again.",
        )
    _setup_page(ws, last_row)
    _set_properties(wb, form)
    return wb


def write_form(form: Form) -> bytes:
    """The form as xlsx bytes. Raises :class:`ExportError` if a text cannot fit in a cell, or
    if the file would be one the upload gate refuses (so whatever is exported reads back)."""
    buffer = BytesIO()
    build_workbook(form).save(buffer)
    data = buffer.getvalue()
    _check_readable(data)
    return data


def _check_readable(data: bytes) -> None:
    """The gate's size checks on our own file (rows, cells and merges are bounded by the caps)."""
    if len(data) > LIMITS.upload_bytes:
        mib = LIMITS.upload_bytes >> 20
        raise ExportError(f"无法导出：文件会超过 {mib} MB，请精简文字后再导出。",
                          f"Cannot export: the file would exceed {mib} MB; shorten the texts.")
    with zipfile.ZipFile(BytesIO(data)) as archive:
        try:
            check_sizes(archive.infolist())
        except FormReadError as exc:
            raise ExportError(f"无法导出：{exc.message}", f"Cannot export: {exc.message_en}") from exc


def save_form(form: Form, path: str | os.PathLike[str]) -> Path:
    """Write the form to path (a file, or an existing directory to name it
    :func:`export_filename`); returns the path written."""
    target = Path(path)
    if target.is_dir():
        target = target / export_filename(form)
    data = write_form(form)  # build fully before touching the file system
    target.write_bytes(data)
    return target
