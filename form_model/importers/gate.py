"""The pre-parse gate for uploaded workbooks (xlsx-notes §3.2).

Cheap checks that run before openpyxl sees a byte: size, file type, the zip directory
(zip bombs, encrypted entries, forbidden parts such as macros or external links), and one
streaming pass over every XML part with the expat parser defusedxml's reader sets up (it
refuses any DOCTYPE, entity declaration or external reference), which counts rows, cells,
merged areas and hyperlink areas of the worksheets and records, for the read-only reader, each
sheet's merged ranges and whether its rows are in order. The sheet limits are derived from
the form's caps (:mod:`.gate_limits`). Each refusal is a :class:`FormReadError` with its own
message.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from dataclasses import dataclass, field
from io import BytesIO
from pyexpat import ExpatError
from typing import IO
from xml.sax import SAXException
from xml.sax.handler import feature_external_ges, feature_namespaces

from defusedxml.common import DefusedXmlException
from defusedxml.expatreader import create_parser

from form_model.importers.errors import FormReadError
from form_model.importers.gate_limits import (
    LIMITS,
    OLE_MAGIC,
    ZIP_MAGIC,
    GateLimits,
    check_sizes,
    part_name,
)

__all__ = ["LIMITS", "GateLimits", "SheetScan", "WorkbookScan", "check_xlsx"]

#: SpreadsheetML's main namespace, transitional and strict.
SHEET_NS = frozenset({
    "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "http://purl.oclc.org/ooxml/spreadsheetml/main",
})
EXCEL_MAX_ROW = 1_048_576
EXCEL_MAX_COL = 16_384


@dataclass
class SheetScan:
    """What the gate saw of one worksheet part: enough for openpyxl's read-only mode, which
    keeps no merged ranges and trusts the file's ``<dimension>``."""

    #: Merged ranges as (min_col, min_row, max_col, max_row), 1-based.
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)
    #: Rows strictly ascending, every cell inside its row, every merge written top-left
    #: first: read-only iteration then sees exactly what normal mode sees.
    orderly: bool = True


@dataclass
class WorkbookScan:
    """The gate's findings: one :class:`SheetScan` per worksheet part (lower-cased name)."""

    sheets: dict[str, SheetScan] = field(default_factory=dict)

    def sheet(self, part: str) -> SheetScan | None:
        return self.sheets.get(part.lstrip("/").lower())


# Parts refused by name (lower-cased, no leading slash).
_MACRO_PART = re.compile(r"(^|/)vbaproject\.bin$|(^|/)vbadata\.xml$|^xl/macrosheets/|^xl/dialogsheets/")
_EXTERNAL_PART = re.compile(r"^xl/externallinks/|^xl/connections\.xml$|^xl/querytables/")
_EMBEDDED_PART = re.compile(r"^xl/embeddings/|^xl/activex/")
# Relationship types and content types refused wherever the part lives.
_MACRO_TYPE = re.compile(r"vbaproject|macroenabled|macrosheet|dialogsheet", re.I)
_EXTERNAL_TYPE = re.compile(r"externallink|/connections$|\.connections\+xml|querytable", re.I)
_EMBEDDED_TYPE = re.compile(r"oleobject|activex|/control$|/package$", re.I)
_WORKBOOK_TYPE = re.compile(r"spreadsheetml\.(sheet|template)\.main\+xml", re.I)
_REF = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d{1,7})$")
_DOCTYPE_BYTES = [
    token.encode(enc)
    for token in ("<!doctype", "<!entity")
    for enc in ("ascii", "utf-16-le", "utf-16-be")
]


def check_xlsx(data: bytes, limits: GateLimits = LIMITS) -> WorkbookScan:
    """What the worksheets hold (merged ranges, row order); raises :class:`FormReadError`
    unless ``data`` is a plain .xlsx that is safe to parse."""
    if not data:
        raise FormReadError.of("empty")
    if len(data) > limits.upload_bytes:
        raise FormReadError.of("too_large", _mib(limits.upload_bytes))
    if data.startswith(OLE_MAGIC):
        raise _ole_error(data)
    if not data.startswith(ZIP_MAGIC):
        raise FormReadError.of("not_xlsx")
    try:
        archive = zipfile.ZipFile(BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise FormReadError.of("corrupt") from exc
    with archive:
        _check_directory(infos, limits)
        scanner = _PartScanner(archive, limits)
        for info in infos:
            if not info.is_dir():
                scanner.scan(info)
        if not scanner.has_workbook:
            raise FormReadError.of("not_xlsx")
        return scanner.result


def _mib(n: int) -> str:
    return f"{n >> 20} MB"


def _ole_error(data: bytes) -> FormReadError:
    """An OLE compound file is either an encrypted OOXML package or a legacy .xls."""
    def has(name: str) -> bool:
        return name.encode("utf-16-le") in data

    if has("EncryptionInfo") or has("EncryptedPackage"):
        return FormReadError.of("encrypted")
    if has("Workbook") or has("Book"):
        return FormReadError.of("legacy_xls")
    return FormReadError.of("ole_unknown")


def _check_directory(infos: list[zipfile.ZipInfo], limits: GateLimits) -> None:
    check_sizes(infos, limits)
    for info in infos:
        name = part_name(info)
        if info.flag_bits & 0x1:
            raise FormReadError.of("encrypted")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise FormReadError.of("malformed", f"不支持的压缩方式：{name}", f"unsupported compression: {name}")
        if _MACRO_PART.search(name):
            raise FormReadError.of("macro")
        if _EXTERNAL_PART.search(name):
            raise FormReadError.of("external")
        if _EMBEDDED_PART.search(name):
            raise FormReadError.of("embedded")


def _looks_like_xml(head: bytes) -> bool:
    if head.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"<\x00", b"\x00<")):
        return True
    return head.lstrip(b" \t\r\n").startswith(b"<")


class _PartScanner:
    """Streams every XML-looking part once; knows the workbook-wide cell budget."""

    def __init__(self, archive: zipfile.ZipFile, limits: GateLimits) -> None:
        self.archive = archive
        self.limits = limits
        self.cells_total = 0
        self.has_workbook = False
        self.result = WorkbookScan()

    def scan(self, info: zipfile.ZipInfo) -> None:
        name = part_name(info)
        try:
            with self.archive.open(info) as stream:
                head = stream.read(64)
            if not _looks_like_xml(head):
                return  # images, printer settings: openpyxl does not parse them as XML
            if name.endswith(".vml"):
                # Legacy drawings are often not well-formed and openpyxl does not parse them.
                self._scan_bytes_for_doctype(info)
                return
            with self.archive.open(info) as stream:
                self._parse(stream, name)
        except FormReadError:
            raise
        except DefusedXmlException as exc:
            raise FormReadError.of("doctype") from exc
        except (SAXException, ExpatError) as exc:
            raise FormReadError.of("malformed", f"{info.filename} 不是有效的 XML",
                                   f"{info.filename} is not valid XML") from exc
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
            raise FormReadError.of("corrupt") from exc
        except Exception as exc:  # a gate refuses what it cannot vouch for
            raise FormReadError.of("malformed", info.filename) from exc

    def _scan_bytes_for_doctype(self, info: zipfile.ZipInfo) -> None:
        content = self.archive.read(info).lower()
        if any(token in content for token in _DOCTYPE_BYTES):
            raise FormReadError.of("doctype")

    def _parse(self, stream: IO[bytes], name: str) -> None:
        """defusedxml's expat reader builds the expat parser, with its refusals of DTDs,
        entity declarations and external references installed; the element callbacks are
        the handler's own, called by expat directly (SAX's per-element wrapping was most of
        the gate's time)."""
        handler = _PartHandler(self, name)
        reader = create_parser(forbid_dtd=True, forbid_entities=True, forbid_external=True)
        reader.setFeature(feature_namespaces, True)
        reader.setFeature(feature_external_ges, False)
        reader.reset()
        expat = reader._parser  # the pyexpat parser, defused
        expat.StartElementHandler = handler.start
        expat.EndElementHandler = handler.end
        expat.CharacterDataHandler = None
        expat.ParseFile(stream)


class _PartHandler:
    """Callbacks for one part: worksheet bounds, relationships and content types. Names come
    as expat gives them with a namespace separator: 「uri local [prefix]」."""

    def __init__(self, scanner: _PartScanner, part: str) -> None:
        super().__init__()
        self.scanner = scanner
        self.limits = scanner.limits
        self.part = part
        self.rows = 0
        self.row = 0
        self.col = 0
        self.cells = 0
        self.in_row = False
        self.merged_area = 0
        self.link_area = 0
        self.elements = 0
        self.strings = 0
        self.sheet: SheetScan | None = None

    def _sheet(self) -> SheetScan:
        if self.sheet is None:
            self.sheet = self.scanner.result.sheets.setdefault(self.part, SheetScan())
        return self.sheet

    def start(self, name: str, attrs: dict[str, str]) -> None:
        parts = name.split(" ")
        uri, local = (parts[0], parts[1]) if len(parts) > 1 else (None, parts[0])
        self.elements += 1
        if self.elements > self.limits.max_elements:
            raise FormReadError.of("too_complex", self.part)
        if uri in SHEET_NS:
            if local == "row":
                self._start_row(attrs.get("r"))
            elif local == "c" and self.in_row:
                row = self._start_cell(attrs.get("r"))
                if row != self.row:
                    self._sheet().orderly = False
            elif local == "sheetData":
                self._sheet()
            elif local == "comment":
                # openpyxl creates the cell a comment is attached to.
                self._start_cell(attrs.get("ref") or "A1")
            elif local == "si":
                self.strings += 1
                if self.strings > self.limits.max_cells_total:
                    raise FormReadError.of("too_complex", self.part)
            elif local == "mergeCell":
                self._merge(attrs.get("ref"))
            elif local == "hyperlink":
                self.link_area = self._add_area(
                    attrs.get("ref"), self.link_area, self.limits.link_area, "link_too_big"
                )
        elif local == "Relationship":
            self._check_type(attrs.get("Type") or "")
        elif local in ("Override", "Default"):
            content_type = attrs.get("ContentType") or ""
            self._check_type(content_type)
            if _WORKBOOK_TYPE.search(content_type):
                self.scanner.has_workbook = True

    def end(self, name: str) -> None:
        if self.in_row:
            parts = name.split(" ")
            if len(parts) > 1 and parts[1] == "row" and parts[0] in SHEET_NS:
                self.in_row = False

    def _check_type(self, value: str) -> None:
        if _MACRO_TYPE.search(value):
            raise FormReadError.of("macro")
        if _EXTERNAL_TYPE.search(value):
            raise FormReadError.of("external")
        if _EMBEDDED_TYPE.search(value):
            raise FormReadError.of("embedded")

    def _merge(self, ref: str | None) -> None:
        self.merged_area = self._add_area(ref, self.merged_area, self.limits.merged_area, "merge_too_big")
        if not ref:
            return
        sheet = self._sheet()
        first, _, last = ref.partition(":")
        c1, r1 = _parse_ref(first, self.part)
        c2, r2 = _parse_ref(last, self.part) if last else (c1, r1)
        if c1 > c2 or r1 > r2:
            sheet.orderly = False  # openpyxl's normal mode decides what a reversed range means
        sheet.merges.append((min(c1, c2), min(r1, r2), max(c1, c2), max(r1, r2)))

    def _start_row(self, ref: str | None) -> None:
        self.rows += 1
        row = _int(ref, self.part) if ref else self.row + 1
        if row <= self.row:
            self._sheet().orderly = False
        self.row = row
        self.col = 0
        self.in_row = True
        if self.rows > self.limits.max_row:
            raise FormReadError.of(
                "sheet_too_big", f"超过 {self.limits.max_row} 行", f"more than {self.limits.max_row} rows"
            )

    def _start_cell(self, ref: str | None) -> int:
        """Counts the cell; returns its row."""
        if ref:
            col, row = _parse_ref(ref, self.part)
        else:
            col, row = self.col + 1, self.row
        self.col = col
        self.cells += 1
        self.scanner.cells_total += 1
        if row > self.limits.max_row or col > self.limits.max_col:
            coord = ref or _coordinate(col, row)
            raise FormReadError.of(
                "sheet_too_big",
                f"单元格 {coord} 超出前 {self.limits.max_row} 行、{self.limits.max_col} 列",
                f"cell {coord} lies beyond {self.limits.max_row} rows and {self.limits.max_col} columns",
            )
        if self.cells > self.limits.max_cells or self.scanner.cells_total > self.limits.max_cells_total:
            cap = self.limits.max_cells
            raise FormReadError.of("sheet_too_big", f"单元格超过 {cap} 个", f"more than {cap} cells")
        return row

    def _add_area(self, ref: str | None, used: int, cap: int, code: str) -> int:
        if not ref:
            return used
        c1, r1, c2, r2 = _parse_range(ref, self.part)
        used += (r2 - r1 + 1) * (c2 - c1 + 1)
        if used > cap or r2 > self.limits.max_row or c2 > self.limits.max_col:
            raise FormReadError.of(code, ref)
        return used


def _int(text: str, part: str) -> int:
    if not text.isdigit() or len(text) > 7:
        raise _bad_ref(text, part)
    return int(text)


def _bad_ref(ref: str, part: str) -> FormReadError:
    return FormReadError.of("malformed", f"{part} 中的单元格地址「{ref[:20]}」无效",
                            f"invalid cell reference {ref[:20]!r} in {part}")


def _parse_ref(ref: str, part: str) -> tuple[int, int]:
    """'XFD1048576' → (16384, 1048576); column first, 1-based."""
    match = _REF.match(ref)
    if not match:
        raise _bad_ref(ref, part)
    col = 0
    for letter in match.group(1).upper():
        col = col * 26 + ord(letter) - ord("A") + 1
    row = int(match.group(2))
    if not (1 <= row <= EXCEL_MAX_ROW and 1 <= col <= EXCEL_MAX_COL):
        raise _bad_ref(ref, part)
    return col, row


def _parse_range(ref: str, part: str) -> tuple[int, int, int, int]:
    """'A1:B3' → (1, 1, 2, 3); a single cell is a one-cell range. mergeCell and hyperlink
    refs are single ranges, so a space-separated list is refused as malformed."""
    if " " in ref.strip():
        raise _bad_ref(ref, part)
    first, _, last = ref.partition(":")
    c1, r1 = _parse_ref(first, part)
    c2, r2 = _parse_ref(last, part) if last else (c1, r1)
    return min(c1, c2), min(r1, r2), max(c1, c2), max(r1, r2)


def _coordinate(col: int, row: int) -> str:
    letters = ""
    while col:
        col, rest = divmod(col - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return f"{letters}{row}"
