"""Every unreadable or hostile input gives a FormReadError with its own message, and quickly."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from form_model.importers import FormReadError, load_bytes, load_form
from form_model.importers.errors import MESSAGES
from form_model.importers.gate_limits import LIMITS
from tests import builders as b
from tests.builders import SEED_FORM, form_workbook, sheet_workbook

MACRO = "工作簿含有宏，出于安全原因拒绝读取"
ZIP_BOMB = "解压后过大（可能是压缩炸弹）"
NOT_XLSX = "不是 Excel 工作簿（.xlsx）"
ENCRYPTED = "文件已加密，请另存为不加密的 .xlsx 后再上传"
NO_FORM = "找不到申报表：没有「部门名称」「绩效指标」等标签"
EMPTY = "文件是空的"
EXTERNAL = "工作簿含有外部链接或数据连接，出于安全原因拒绝读取"
EMBEDDED = "工作簿含有嵌入对象或 ActiveX 控件，出于安全原因拒绝读取"
DOCTYPE = "工作簿含有 DOCTYPE/实体声明（可能是 XML 攻击），出于安全原因拒绝读取"
CORRUPT = "文件已损坏（压缩包不完整），请重新保存后再上传"


def _json_form(**budget: object) -> bytes:
    data = json.loads(SEED_FORM.model_dump_json())
    data["budget"].update(budget)
    return json.dumps(data, ensure_ascii=False).encode()


# name → (build the bytes, file name, the exact Chinese message)
CASES: dict[str, tuple[Callable[[], bytes], str, str]] = {
    "random-bytes-named-xlsx": (lambda: os.urandom(4096), "申报表.xlsx", NOT_XLSX),
    "pdf-named-xlsx": (lambda: b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n" + b"0" * 2000, "申报表.xlsx", NOT_XLSX),
    "pdf-without-extension": (lambda: b"%PDF-1.7\n" + b"0" * 100, "upload", "不支持 PDF 文件，请另存为 .xlsx 后再上传"),
    "truncated-zip": (lambda: form_workbook(SEED_FORM)[:3000], "申报表.xlsx", CORRUPT),
    "zip-that-is-not-a-workbook": (b.docx_like_zip, "申报表.xlsx", NOT_XLSX),
    "xlsm-vba-and-content-type": (b.macro_workbook, "申报表.xlsx", MACRO),
    "vbaProject-bin-only": (lambda: b.macro_workbook(macro_content_type=False), "申报表.xlsx", MACRO),
    "macroEnabled-content-type-only": (lambda: b.macro_workbook(vba_part=False), "申报表.xlsx", MACRO),
    "vba-under-another-name": (b.vba_elsewhere_workbook, "申报表.xlsx", MACRO),
    "xlsm-extension": (b.small_workbook, "申报表.xlsm", "不接受启用宏的工作簿（.xlsm），请另存为 .xlsx 后再上传"),
    "xls-extension": (b.legacy_xls, "申报表.xls", "这是旧版 Excel 文件（.xls），请另存为 .xlsx 后再上传"),
    "xlsb-extension": (b.small_workbook, "申报表.xlsb", "不支持二进制工作簿（.xlsb），请另存为 .xlsx 后再上传"),
    "legacy-xls-named-xlsx": (b.legacy_xls, "申报表.xlsx", "这是旧版 Excel 文件（.xls），请另存为 .xlsx 后再上传"),
    "external-links-part": (b.external_link_workbook, "申报表.xlsx", EXTERNAL),
    "data-connections": (b.connections_workbook, "申报表.xlsx", EXTERNAL),
    "embedded-ole-object": (b.embedded_object_workbook, "申报表.xlsx", EMBEDDED),
    "activeX-control": (lambda: b.embedded_object_workbook("xl/activeX/activeX1.bin"), "申报表.xlsx", EMBEDDED),
    "too-many-parts": (
        b.many_parts_workbook, "申报表.xlsx", "工作簿结构异常（部件超过 300 个），出于安全原因拒绝读取"
    ),
    "password-encrypted-ole": (b.encrypted_workbook, "申报表.xlsx", ENCRYPTED),
    "encrypted-zip-entries": (b.encrypted_entry_workbook, "申报表.xlsx", ENCRYPTED),
    "zip-bomb-declared-11-MiB": (b.zip_bomb_workbook, "申报表.xlsx", ZIP_BOMB),
    "zip-bomb-ratio-2-MiB": (lambda: b.zip_bomb_workbook(2), "申报表.xlsx", ZIP_BOMB),
    "too-many-cells": (
        lambda: b.many_cells_workbook(rows=LIMITS.max_cells // 50 + 1),
        "申报表.xlsx", f"工作表过大：单元格超过 {LIMITS.max_cells} 个，申报表不会这么大",
    ),
    "too-many-rows": (
        lambda: b.many_cells_workbook(rows=LIMITS.max_row - 1, cols=1), "申报表.xlsx",
        f"工作表过大：超过 {LIMITS.max_row} 行，申报表不会这么大",
    ),
    "billion-laughs-in-sharedStrings": (b.billion_laughs_workbook, "申报表.xlsx", DOCTYPE),
    "xxe-entity-in-sharedStrings": (lambda: b.billion_laughs_workbook(external=True), "申报表.xlsx", DOCTYPE),
    "cell-at-XFD1048576": (
        b.far_cell_workbook, "申报表.xlsx",
        f"工作表过大：单元格 XFD1048576 超出前 {LIMITS.max_row} 行、50 列，申报表不会这么大",
    ),
    "comment-at-XFD1048576": (
        b.far_comment_workbook, "申报表.xlsx",
        f"工作表过大：单元格 XFD1048576 超出前 {LIMITS.max_row} 行、50 列，申报表不会这么大",
    ),
    "300001-elements-in-styles": (
        b.elements_bomb_workbook, "申报表.xlsx", "工作簿结构过于复杂（xl/styles.xml），出于安全原因拒绝读取"
    ),
    "merged-A1:XFD1048576": (
        b.merge_bomb_workbook, "申报表.xlsx", "合并单元格范围过大（A1:XFD1048576），出于安全原因拒绝读取"
    ),
    "hyperlink-over-a-huge-range": (
        b.hyperlink_bomb_workbook, "申报表.xlsx", "超链接范围过大（A1:AX100000），出于安全原因拒绝读取"
    ),
    "workbook-without-a-form": (
        lambda: sheet_workbook([["姓名", "电话"], ["张三", "123"], ["李四", "456"]]), "名单.xlsx", NO_FORM
    ),
    "empty-xlsx": (lambda: b"", "申报表.xlsx", EMPTY),
    "empty-txt": (lambda: b"  \n\t\n", "paste.txt", EMPTY),
    "empty-unnamed": (lambda: b"", "", EMPTY),
    "text-without-a-form": (lambda: "今天天气很好\n明天见\n".encode(), "paste.txt", NO_FORM),
    "binary-named-txt": (lambda: b"\x00\x01\x02\x03" * 100, "paste.txt", "无法识别的文件类型，请上传 .xlsx、粘贴的文本或 .json"),
    "too-large": (lambda: b"PK\x03\x04" + b"\x00" * (5 << 20), "申报表.xlsx", "文件过大（超过 5 MB），申报表不会这么大"),
    "invalid-json": (
        lambda: b'{"department": "x",', "form.json", "不是有效的 JSON：第 1 行第 19 列有语法错误"
    ),
    "json-negative-amount": (
        lambda: _json_form(basic_expenditure="-5.00"),
        "form.json",
        "JSON 内容不符合申报表格式：budget.basic_expenditure：不能小于 0（金额不能为负数）",
    ),
    "json-absurd-amount": (
        lambda: _json_form(project_expenditure="9" * 40),
        "form.json",
        "JSON 内容不符合申报表格式：budget.project_expenditure：金额数值过大，无法保留两位小数",
    ),
    "json-wrong-shape": (
        lambda: b'{"tasks": {"name": "x"}}', "form.json", "JSON 内容不符合申报表格式：tasks：应为列表"
    ),
    "json-unknown-field": (
        lambda: b'{"departement": "x"}', "form.json", "JSON 内容不符合申报表格式：departement：是不认识的字段"
    ),
}


@pytest.mark.parametrize(("build", "filename", "message"), CASES.values(), ids=CASES.keys())
def test_bad_input_gives_its_own_message_quickly(build: Callable[[], bytes], filename: str, message: str) -> None:
    data = build()
    started = time.perf_counter()
    with pytest.raises(FormReadError) as caught:
        load_bytes(data, filename)
    elapsed = time.perf_counter() - started
    error = caught.value
    assert str(error) == error.message == message
    assert error.code in MESSAGES
    assert error.message_en and "\n" not in error.message_en
    assert elapsed < 2.0, f"took {elapsed:.2f} s"


def test_messages_are_distinct_per_reason() -> None:
    seen: dict[str, str] = {}
    for code, (zh, en) in MESSAGES.items():
        assert zh not in seen, f"{code} and {seen.get(zh)} share a message"
        seen[zh] = code
        assert zh and en and "\n" not in zh + en


def test_a_missing_file_is_a_form_read_error(tmp_path: Path) -> None:
    with pytest.raises(FormReadError) as caught:
        load_form(tmp_path / "不存在.xlsx")
    assert caught.value.code == "unreadable_path"
    assert "不存在.xlsx" in caught.value.message


def test_an_empty_file_on_disk(tmp_path: Path) -> None:
    path = tmp_path / "申报表.xlsx"
    path.write_bytes(b"")
    with pytest.raises(FormReadError, match="^文件是空的$"):
        load_form(path)


def test_a_merge_inside_the_limits_is_accepted() -> None:
    form = load_bytes(b.merge_bomb_workbook("E1:F2"), "申报表.xlsx")
    assert form.department == "广州市示例局"


@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=0, max_value=20_000), st.binary(min_size=0, max_size=64))
def test_damaged_workbooks_never_raise_anything_else(cut: int, junk: bytes) -> None:
    data = form_workbook(SEED_FORM)
    at = cut % len(data)
    damaged = data[:at] + junk + data[at + len(junk):]
    try:
        load_bytes(damaged, "申报表.xlsx")
    except FormReadError as e:
        assert e.message and "\n" not in e.message
