"""Reading a declaration form from a file or an upload: .xlsx, pasted text, .csv or .json.

Every failure is a :class:`FormReadError` with one specific line in Chinese (``message``)
and in English (``message_en``). The readers are imported when first used, so that importing
this package (or one of its light modules, such as ``errors``) costs nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from form_model.importers.errors import FormReadError
from form_model.importers.gate_limits import LIMITS, OLE_MAGIC, ZIP_MAGIC

if TYPE_CHECKING:
    from form_model.importers.json_reader import read_json
    from form_model.importers.text_reader import read_csv, read_text
    from form_model.importers.xlsx_reader import read_xlsx
    from form_model.models import Form

__all__ = [
    "FormReadError",
    "load_bytes",
    "load_form",
    "read_csv",
    "read_json",
    "read_text",
    "read_xlsx",
]

_LAZY = {
    "read_json": "form_model.importers.json_reader",
    "read_text": "form_model.importers.text_reader",
    "read_csv": "form_model.importers.text_reader",
    "read_xlsx": "form_model.importers.xlsx_reader",
}
_REFUSED: dict[str, str] = {
    ".xlsm": "xlsm",
    ".xltm": "xlsm",
    ".xls": "legacy_xls",
    ".xlsb": "xlsb",
}
_OTHER_FORMATS = (".et", ".ods", ".numbers", ".doc", ".docx", ".pdf", ".wps")
_TEXT = (".txt", ".tsv", ".tab", ".text")


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(name)


def load_form(path: Path) -> Form:
    """The form in the file at ``path``."""
    try:
        size = path.stat().st_size
        if size > LIMITS.upload_bytes:
            raise FormReadError.of("too_large", f"{LIMITS.upload_bytes >> 20} MB")
        data = path.read_bytes()
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise FormReadError.of("unreadable_path", f"{path}（{reason}）", f"{path} ({reason})") from exc
    return load_bytes(data, path.name)


def load_bytes(data: bytes, filename: str = "") -> Form:
    """The form in an upload, dispatched on the file name's extension, else on its content."""
    if not data.strip():
        raise FormReadError.of("empty")
    if len(data) > LIMITS.upload_bytes:
        raise FormReadError.of("too_large", f"{LIMITS.upload_bytes >> 20} MB")
    ext = Path(filename).suffix.lower()
    if ext in _REFUSED:
        raise FormReadError.of(_REFUSED[ext])
    if ext in _OTHER_FORMATS:
        raise FormReadError.of("other_format", ext)
    if ext in (".xlsx", ".xltx") or data.startswith((ZIP_MAGIC, OLE_MAGIC)):
        from form_model.importers.xlsx_reader import read_xlsx

        return read_xlsx(data)  # a workbook saved under another name is still a workbook
    if ext == ".json":
        from form_model.importers.json_reader import read_json

        return read_json(data)
    from form_model.importers.text_reader import read_csv, read_text

    if ext in _TEXT:
        return read_text(decode_text(data))
    if ext == ".csv":
        return read_csv(decode_text(data))
    return _sniff(data)


def _sniff(data: bytes) -> Form:
    if data.startswith(b"%PDF"):
        raise FormReadError.of("other_format", "PDF")
    text = decode_text(data)
    if text.lstrip().startswith("{"):
        from form_model.importers.json_reader import read_json

        return read_json(text)
    from form_model.importers.text_reader import read_text

    return read_text(text)


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with a BOM (Excel's 「Unicode 文本」), else GB18030."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        candidates: tuple[str, ...] = ("utf-16",)
    else:
        candidates = ("utf-8-sig", "gb18030")
    for encoding in candidates:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" in text:
            raise FormReadError.of("unknown_type")
        return text
    raise FormReadError.of("encoding")
