"""The one exception every importer raises when an upload or a paste cannot be read."""

from __future__ import annotations

#: Stable reason codes with the message shown to the user, in Chinese and in English.
#: Messages are one line each; ``{detail}`` is filled in where a code names a place or a size.
MESSAGES: dict[str, tuple[str, str]] = {
    "empty": ("文件是空的", "The file is empty."),
    "too_large": (
        "文件过大（超过 {detail}），申报表不会这么大",
        "The file is too large (over {detail}); a declaration form is never that big.",
    ),
    "not_xlsx": ("不是 Excel 工作簿（.xlsx）", "This is not an Excel workbook (.xlsx)."),
    "legacy_xls": (
        "这是旧版 Excel 文件（.xls），请另存为 .xlsx 后再上传",
        "This is a legacy Excel file (.xls); please save it as .xlsx and upload again.",
    ),
    "xlsb": (
        "不支持二进制工作簿（.xlsb），请另存为 .xlsx 后再上传",
        "Binary workbooks (.xlsb) are not supported; please save as .xlsx and upload again.",
    ),
    "xlsm": (
        "不接受启用宏的工作簿（.xlsm），请另存为 .xlsx 后再上传",
        "Macro-enabled workbooks (.xlsm) are not accepted; please save as .xlsx and upload again.",
    ),
    "other_format": (
        "不支持 {detail} 文件，请另存为 .xlsx 后再上传",
        "{detail} files are not supported; please save as .xlsx and upload again.",
    ),
    "encrypted": (
        "文件已加密，请另存为不加密的 .xlsx 后再上传",
        "The file is encrypted; please save it as an unencrypted .xlsx and upload again.",
    ),
    "ole_unknown": (
        "文件已加密或是旧版 Excel（.xls），请另存为不加密的 .xlsx 后再上传",
        "The file is encrypted or a legacy .xls; please save it as an unencrypted .xlsx.",
    ),
    "corrupt": (
        "文件已损坏（压缩包不完整），请重新保存后再上传",
        "The file is damaged (incomplete zip archive); please save it again and re-upload.",
    ),
    "malformed": (
        "工作簿内容已损坏，无法读取（{detail}）",
        "The workbook's content is damaged and cannot be read ({detail}).",
    ),
    "too_many_parts": (
        "工作簿结构异常（部件超过 {detail} 个），出于安全原因拒绝读取",
        "The workbook has too many parts (over {detail}); refused for safety.",
    ),
    "zip_bomb": (
        "解压后过大（可能是压缩炸弹）",
        "The file is far too large once unpacked (possibly a zip bomb).",
    ),
    "macro": (
        "工作簿含有宏，出于安全原因拒绝读取",
        "The workbook contains macros; refused for safety.",
    ),
    "external": (
        "工作簿含有外部链接或数据连接，出于安全原因拒绝读取",
        "The workbook contains external links or data connections; refused for safety.",
    ),
    "embedded": (
        "工作簿含有嵌入对象或 ActiveX 控件，出于安全原因拒绝读取",
        "The workbook contains embedded objects or ActiveX controls; refused for safety.",
    ),
    "doctype": (
        "工作簿含有 DOCTYPE/实体声明（可能是 XML 攻击），出于安全原因拒绝读取",
        "The workbook contains a DOCTYPE or entity declaration (a possible XML attack); refused.",
    ),
    "too_complex": (
        "工作簿结构过于复杂（{detail}），出于安全原因拒绝读取",
        "The workbook is too complex ({detail}); refused for safety.",
    ),
    "sheet_too_big": (
        "工作表过大：{detail}，申报表不会这么大",
        "The worksheet is too large: {detail}; a declaration form is never that big.",
    ),
    "merge_too_big": (
        "合并单元格范围过大（{detail}），出于安全原因拒绝读取",
        "A merged range is too large ({detail}); refused for safety.",
    ),
    "link_too_big": (
        "超链接范围过大（{detail}），出于安全原因拒绝读取",
        "A hyperlink range is too large ({detail}); refused for safety.",
    ),
    "no_form": (
        "找不到申报表：没有「部门名称」「绩效指标」等标签",
        "No declaration form found: there are no labels such as 部门名称 or 绩效指标.",
    ),
    "other_template": ("{detail}", "{detail}"),
    "empty_form": (
        "这份申报表中没有读到任何填写的内容{detail}",
        "Nothing is filled in on this form{detail}.",
    ),
    "over_caps": ("申报表过大：{detail}", "The form is too large: {detail}."),
    "text_too_big": (
        "粘贴的内容过多（{detail}），申报表不会这么大",
        "The pasted text is too long ({detail}); a declaration form is never that big.",
    ),
    "encoding": (
        "无法识别文本文件的编码，请另存为 UTF-8 后再上传",
        "The text file's encoding is not recognised; please save it as UTF-8.",
    ),
    "unknown_type": (
        "无法识别的文件类型，请上传 .xlsx、粘贴的文本或 .json",
        "Unrecognised file type; please upload an .xlsx, pasted text or .json.",
    ),
    "unreadable_path": ("无法读取文件：{detail}", "Cannot read the file: {detail}"),
    "json_invalid": ("不是有效的 JSON：{detail}", "Not valid JSON: {detail}"),
    "json_schema": (
        "JSON 内容不符合申报表格式：{detail}",
        "The JSON does not match the declaration form: {detail}",
    ),
}


class FormReadError(Exception):
    """A file or paste that cannot be read as a declaration form.

    ``message`` is one specific line in Chinese (also ``str(e)``), ``message_en`` its English
    counterpart and ``code`` a stable key of :data:`MESSAGES`.
    """

    def __init__(self, message: str, message_en: str, code: str = "unreadable") -> None:
        super().__init__(message)
        self.message = message
        self.message_en = message_en
        self.code = code

    def __str__(self) -> str:
        return self.message

    @classmethod
    def of(cls, code: str, detail: str = "", detail_en: str | None = None) -> FormReadError:
        """The error for a reason code, with ``detail`` filled into both messages."""
        zh, en = MESSAGES[code]
        detail_en = detail if detail_en is None else detail_en
        return cls(_one_line(zh.format(detail=detail)), _one_line(en.format(detail=detail_en)), code)


def _one_line(text: str) -> str:
    return " ".join(text.split())
