"""Render an xlsx through LibreOffice headless to PDF, and the PDF to PNG with poppler.

Optional helper for looking at the exported form (xlsx-notes §4.1). Tests that use it must
skip when :func:`available` is False; nothing else in the suite depends on it.

    .venv/bin/python -m tests.render out.xlsx [outdir]    # writes outdir/<name>.pdf and -N.png
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

#: Map the Windows face names the form uses to free look-alikes (needs fonts-noto-cjk).
_FONTS_CONF = """<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig>
  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>
  <alias binding="same"><family>宋体</family><prefer><family>Noto Serif CJK SC</family></prefer></alias>
  <alias binding="same"><family>SimSun</family><prefer><family>Noto Serif CJK SC</family></prefer></alias>
  <alias binding="same"><family>黑体</family><prefer><family>Noto Sans CJK SC</family></prefer></alias>
</fontconfig>
"""


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def available() -> bool:
    return soffice() is not None


def pdf_tools_available() -> bool:
    return shutil.which("pdftoppm") is not None and shutil.which("pdfinfo") is not None


def to_pdf(xlsx: Path, outdir: Path, timeout: float = 120) -> Path:
    """Convert xlsx to outdir/<stem>.pdf; raises RuntimeError if no PDF comes out
    (soffice exits 0 even when it fails)."""
    exe = soffice()
    if exe is None:
        raise RuntimeError("LibreOffice (soffice) is not installed")
    outdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="lo-render-") as tmp:
        conf = Path(tmp, "config", "fontconfig")
        conf.mkdir(parents=True)
        (conf / "fonts.conf").write_text(_FONTS_CONF, encoding="utf-8")
        env = {**os.environ, "XDG_CONFIG_HOME": str(Path(tmp, "config")), "HOME": tmp}
        proc = subprocess.run(
            [exe, "--headless", "--norestore", f"-env:UserInstallation=file://{tmp}/profile",
             "--convert-to", "pdf", "--outdir", str(outdir), str(xlsx)],
            env=env, capture_output=True, text=True, timeout=timeout, check=False,
        )
    pdf = outdir / (xlsx.stem + ".pdf")
    if not pdf.exists() or pdf.stat().st_size == 0:
        raise RuntimeError(f"soffice produced no PDF: {proc.stderr.strip()}")
    return pdf


def to_png(pdf: Path, dpi: int = 80) -> list[Path]:
    """One PNG per page, next to the PDF."""
    prefix = pdf.with_suffix("")
    subprocess.run(["pdftoppm", "-r", str(dpi), "-png", str(pdf), str(prefix)], check=True)
    return sorted(pdf.parent.glob(prefix.name + "-*.png"))


def pdf_info(pdf: Path) -> dict[str, str]:
    out = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return {k.strip(): v.strip() for k, _, v in (ln.partition(":") for ln in out.splitlines())}


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__)
        return 2
    xlsx = Path(argv[0])
    outdir = Path(argv[1]) if len(argv) > 1 else xlsx.parent
    pdf = to_pdf(xlsx, outdir)
    print(pdf)
    if pdf_tools_available():
        for png in to_png(pdf):
            print(png)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
