"""Reading a form saved as JSON (the model's own serialisation)."""

from __future__ import annotations

import re

from pydantic import ValidationError

from form_model.carry import keep_valid_marks
from form_model.importers.errors import FormReadError
from form_model.models import CAPS, Form

_PLACE = re.compile(r"line (\d+) column (\d+)")

# Chinese wording for the pydantic error types a person is likely to meet.
_REASONS_ZH: dict[str, str] = {
    "greater_than_equal": "不能小于 {ge}（金额不能为负数）",
    "greater_than": "必须大于 {gt}",
    "less_than_equal": "不能大于 {le}",
    "decimal_parsing": "不是数字",
    "decimal_type": "不是数字",
    "int_parsing": "不是整数",
    "int_type": "不是整数",
    "string_type": "应为文本",
    "list_type": "应为列表",
    "model_type": "应为对象（{{…}}）",
    "dict_type": "应为对象（{{…}}）",
    "extra_forbidden": "是不认识的字段",
    "missing": "缺少这一项",
    "value_error": "取值无效",
    "finite_number": "不是有限的数",
}


def read_json(data: str | bytes) -> Form:
    """The form in ``data``; a schema violation becomes a one-line :class:`FormReadError`."""
    if isinstance(data, bytes):
        data = data.removeprefix(b"\xef\xbb\xbf")
    else:
        data = data.removeprefix("\ufeff")
    if not data.strip():
        raise FormReadError.of("empty")
    try:
        form = Form.model_validate_json(data)
    except ValidationError as exc:
        raise _error(exc) from exc
    except ArithmeticError as exc:  # decimal.InvalidOperation: a number too long to round
        raise FormReadError.of(
            "json_schema", "有金额数值过大，无法保留两位小数", "an amount is too large to round to two places"
        ) from exc
    if form.is_empty():
        raise FormReadError.of("empty_form", "", "")
    problem = CAPS.problem(form)
    if problem is not None:
        raise FormReadError.of("over_caps", *problem)
    return keep_valid_marks(form)


def _error(exc: ValidationError) -> FormReadError:
    first = exc.errors(include_url=False)[0]
    kind = first["type"]
    message_en = " ".join(str(first["msg"]).split())
    if kind == "json_invalid":
        place = _PLACE.search(message_en)
        where = f"第 {place.group(1)} 行第 {place.group(2)} 列有语法错误" if place else "语法错误"
        return FormReadError.of("json_invalid", where, message_en)
    where = _location(first["loc"])
    ctx = {k: str(v) for k, v in (first.get("ctx") or {}).items()}
    template = _REASONS_ZH.get(kind)
    if kind == "value_error" and "too large" in message_en:
        template = "金额数值过大，无法保留两位小数"
    elif kind == "value_error" and "decimal places" in message_en:
        template = "金额最多六位小数（以万元计已精确到分）"
    try:
        reason_zh = template.format(**ctx) if template else message_en
    except (KeyError, IndexError):
        reason_zh = message_en
    return FormReadError.of(
        "json_schema", f"{where or '整个文件'}：{reason_zh}", f"{where or 'the document'}: {message_en}"
    )


def _location(loc: tuple[int | str, ...]) -> str:
    """('tasks', 0, 'items', 1, 'amount') → 'tasks[0].items[1].amount'."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out
