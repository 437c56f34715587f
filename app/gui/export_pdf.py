"""PDF and printing through Qt's own text engine (QTextDocument + QPdfWriter / QPrinter).

No extra PDF engine: the same HTML the export package renders is laid out by Qt, so Arabic,
Chinese and Cyrillic text come out as well as the installed fonts allow.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from PySide6.QtCore import QMarginsF
from PySide6.QtGui import QGuiApplication, QPageLayout, QPageSize, QPdfWriter, QTextDocument

_app_ref: list[QGuiApplication] = []


def ensure_gui_app() -> str:
    """The CLI has no QApplication: make a headless one (offscreen when there is no display).

    Returns the Qt platform in use, so callers outside `app.gui` never touch Qt themselves.
    """
    if QGuiApplication.instance() is None:
        if sys.platform.startswith("linux") and not (
            os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
        ):
            os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        _app_ref.append(QGuiApplication(sys.argv[:1]))
    return QGuiApplication.platformName()


def page_layout(landscape: bool = False) -> QPageLayout:
    orient = QPageLayout.Orientation
    orientation = orient.Landscape if landscape else orient.Portrait
    return QPageLayout(
        QPageSize(QPageSize.PageSizeId.A4), orientation, QMarginsF(20, 20, 20, 20),
        QPageLayout.Unit.Millimeter,
    )


def make_document(html: str) -> QTextDocument:
    doc = QTextDocument()
    doc.setHtml(html)
    return doc


def write_pdf(html: str, path: str | Path, *, landscape: bool = False) -> None:
    """Lay out `html` on A4 and write a PDF to `path` (callers write to a temp file first)."""
    ensure_gui_app()
    writer = QPdfWriter(str(path))
    writer.setPageLayout(page_layout(landscape))
    writer.setResolution(300)
    writer.setCreator("SMARTrec")
    doc = make_document(html)
    # No page size on the document: print_() then lays it out on the writer's page and scales
    # screen points to the writer's resolution (setting pixels here would shrink the text).
    doc.print_(writer)
    del writer  # flushes and closes the file
    if not Path(path).exists() or Path(path).stat().st_size == 0:
        raise OSError(f"Qt wrote no PDF to {path}")
