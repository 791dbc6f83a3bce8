"""What an upload may contain, derived from the form's own caps, and the cheap check of a zip
directory against them. Shared by the upload gate and the exporter (which refuses to write a
file its own reader would refuse)."""

from __future__ import annotations

import zipfile
from dataclasses import dataclass

from form_model.importers.errors import FormReadError
from form_model.models import CAPS

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
#: Columns the exporter writes (A..F).
EXPORT_COLUMNS = 6


@dataclass(frozen=True)
class GateLimits:
    """What an upload may contain. A filled-in form is about 10 KB with some 40 rows; the
    sheet limits are those of the largest form the exporter writes (:data:`CAPS`)."""

    upload_bytes: int = 5 << 20
    members: int = 300
    part_bytes: int = 10 << 20
    total_bytes: int = 25 << 20
    #: Parts larger than ratio_floor may not be compressed more than ratio : 1.
    ratio: int = 100
    ratio_floor: int = 1 << 20
    max_row: int = CAPS.sheet_rows()
    max_col: int = 50
    #: Cell elements of one sheet (the exporter writes every cell of its six columns).
    max_cells: int = CAPS.sheet_rows() * EXPORT_COLUMNS
    max_cells_total: int = 2 * CAPS.sheet_rows() * EXPORT_COLUMNS
    merged_area: int = CAPS.sheet_rows() * EXPORT_COLUMNS
    link_area: int = 20_000
    #: Elements in any one XML part (a full sheet of max_cells cells has about 3 per cell).
    max_elements: int = 300_000


LIMITS = GateLimits()


def part_name(info: zipfile.ZipInfo) -> str:
    return info.filename.lstrip("/").lower()


def check_sizes(infos: list[zipfile.ZipInfo], limits: GateLimits = LIMITS) -> None:
    """Member count, duplicate names, declared sizes and compression ratios (zip bombs)."""
    if len(infos) > limits.members:
        raise FormReadError.of("too_many_parts", str(limits.members))
    names = [part_name(i) for i in infos]
    if len(set(names)) != len(names):
        raise FormReadError.of("malformed", "重复的部件", "duplicate parts")
    if sum(i.file_size for i in infos) > limits.total_bytes:
        raise FormReadError.of("zip_bomb")
    for info in infos:
        too_big = info.file_size > limits.part_bytes
        too_packed = (
            info.file_size > limits.ratio_floor
            and info.file_size > limits.ratio * max(info.compress_size, 1)
        )
        if too_big or too_packed:
            raise FormReadError.of("zip_bomb")
