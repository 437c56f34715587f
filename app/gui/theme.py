"""Colours and the application palette, light or dark following the system.

Dimension colours are picked so that each finding's underline is distinguishable on both a
laptop screen and a washed-out projector; the dark variants are lighter so they keep contrast.
"""

from __future__ import annotations

import os

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

LIGHT_DIMENSION_COLOURS: dict[str, str] = {
    "specific": "#1f5fbf",
    "measurable": "#7a3fc4",
    "attainable": "#a86a00",
    "relevant": "#1d7a3a",
    "time_bound": "#c0262e",
    "jargon": "#b34700",
    "tone": "#c2187a",
    "readability": "#5b6570",
    "grammar": "#0a7ea0",
    "spelling": "#d1242f",
    "action": "#4b4fb8",
}

DARK_DIMENSION_COLOURS: dict[str, str] = {
    "specific": "#6ea8ff",
    "measurable": "#c299ff",
    "attainable": "#e3b341",
    "relevant": "#56d364",
    "time_bound": "#ff7b72",
    "jargon": "#ffa657",
    "tone": "#ff8fc9",
    "readability": "#a5b0bb",
    "grammar": "#56c8e8",
    "spelling": "#ff6b6b",
    "action": "#9ea2ff",
}

STATUS_COLOURS = {
    False: {"met": "#1d7a3a", "partly": "#a86a00", "not_met": "#c0262e"},
    True: {"met": "#56d364", "partly": "#e3b341", "not_met": "#ff7b72"},
}


def is_dark() -> bool:
    """True when the system (Qt 6.5+) or the current palette asks for a dark scheme.

    SMARTREC_THEME=dark|light overrides the system (for screenshots and odd desktops).
    """
    forced = os.environ.get("SMARTREC_THEME", "").lower()
    if forced in ("dark", "light"):
        return forced == "dark"
    app = QGuiApplication.instance()
    if app is None:
        return False
    hints = QGuiApplication.styleHints()
    scheme = hints.colorScheme()
    if scheme == Qt.ColorScheme.Dark:
        return True
    if scheme == Qt.ColorScheme.Light:
        return False
    window = QGuiApplication.palette().color(QPalette.ColorRole.Window)
    return window.lightness() < 128


def dimension_colour(dimension: str, dark: bool | None = None) -> QColor:
    dark = is_dark() if dark is None else dark
    table = DARK_DIMENSION_COLOURS if dark else LIGHT_DIMENSION_COLOURS
    return QColor(table.get(dimension, table["readability"]))


def status_colour(status: str, dark: bool | None = None) -> str:
    dark = is_dark() if dark is None else dark
    return STATUS_COLOURS[dark].get(status, "#888888")


def on_colour(dark: bool | None = None) -> str:
    """Text colour on a filled dimension/score chip: the dark palette's chips are light."""
    dark = is_dark() if dark is None else dark
    return "#0d1117" if dark else "#ffffff"


def score_colour(score: int | None, dark: bool | None = None) -> str:
    """Badge colour for a SMART score: green when strong, amber when middling, red when weak."""
    if score is None:
        return "#8a8f98"
    if score >= 75:
        return status_colour("met", dark)
    if score >= 45:
        return status_colour("partly", dark)
    return status_colour("not_met", dark)


def _light_palette() -> QPalette:
    p = QPalette()
    c = QColor
    p.setColor(QPalette.ColorRole.Window, c("#f3f4f6"))
    p.setColor(QPalette.ColorRole.WindowText, c("#1f2328"))
    p.setColor(QPalette.ColorRole.Base, c("#ffffff"))
    p.setColor(QPalette.ColorRole.AlternateBase, c("#f6f8fa"))
    p.setColor(QPalette.ColorRole.Text, c("#1f2328"))
    p.setColor(QPalette.ColorRole.Button, c("#f6f7f9"))
    p.setColor(QPalette.ColorRole.ButtonText, c("#1f2328"))
    p.setColor(QPalette.ColorRole.Highlight, c("#1f5fbf"))
    p.setColor(QPalette.ColorRole.HighlightedText, c("#ffffff"))
    p.setColor(QPalette.ColorRole.ToolTipBase, c("#ffffff"))
    p.setColor(QPalette.ColorRole.ToolTipText, c("#1f2328"))
    p.setColor(QPalette.ColorRole.PlaceholderText, c("#6e7781"))
    p.setColor(QPalette.ColorRole.Link, c("#1f5fbf"))
    p.setColor(QPalette.ColorRole.Mid, c("#d0d7de"))
    for role in (QPalette.ColorRole.Text, QPalette.ColorRole.WindowText,
                 QPalette.ColorRole.ButtonText):
        p.setColor(QPalette.ColorGroup.Disabled, role, c("#8c959f"))
    return p


def _dark_palette() -> QPalette:
    p = QPalette()
    c = QColor
    p.setColor(QPalette.ColorRole.Window, c("#1e2227"))
    p.setColor(QPalette.ColorRole.WindowText, c("#e6edf3"))
    p.setColor(QPalette.ColorRole.Base, c("#16191d"))
    p.setColor(QPalette.ColorRole.AlternateBase, c("#22262c"))
    p.setColor(QPalette.ColorRole.Text, c("#e6edf3"))
    p.setColor(QPalette.ColorRole.Button, c("#2a2f36"))
    p.setColor(QPalette.ColorRole.ButtonText, c("#e6edf3"))
    p.setColor(QPalette.ColorRole.Highlight, c("#3b7de0"))
    p.setColor(QPalette.ColorRole.HighlightedText, c("#ffffff"))
    p.setColor(QPalette.ColorRole.ToolTipBase, c("#2a2f36"))
    p.setColor(QPalette.ColorRole.ToolTipText, c("#e6edf3"))
    p.setColor(QPalette.ColorRole.PlaceholderText, c("#8b949e"))
    p.setColor(QPalette.ColorRole.Link, c("#6ea8ff"))
    p.setColor(QPalette.ColorRole.Mid, c("#3d444d"))
    for role in (QPalette.ColorRole.Text, QPalette.ColorRole.WindowText,
                 QPalette.ColorRole.ButtonText):
        p.setColor(QPalette.ColorGroup.Disabled, role, c("#6e7681"))
    return p


def stylesheet(dark: bool) -> str:
    """A light touch of QSS for spacing and panel headings; colours come from the palette."""
    border = "#3d444d" if dark else "#d0d7de"
    panel = "#22262c" if dark else "#ffffff"
    muted = "#8b949e" if dark else "#57606a"
    banner_bg = "#4d3800" if dark else "#fff4d6"
    banner_fg = "#ffdf8a" if dark else "#5c4300"
    return f"""
    QWidget#Panel {{ background: {panel}; border: 1px solid {border}; border-radius: 6px; }}
    QLabel#PanelTitle {{ font-weight: 600; color: {muted}; letter-spacing: 0.5px; }}
    QLabel#Muted {{ color: {muted}; }}
    QLabel#Banner, QLabel#Notice {{ background: {banner_bg}; color: {banner_fg}; padding: 6px 10px;
                     border-radius: 4px; }}
    QPlainTextEdit#Editor {{ border: 1px solid {border}; border-radius: 6px; padding: 6px; }}
    QListWidget, QTreeWidget {{ border: 1px solid {border}; border-radius: 6px; }}
    QTabWidget::pane {{ border: 1px solid {border}; border-radius: 6px; top: -1px; }}
    QStatusBar QPushButton {{ border: none; padding: 0 8px; }}
    QStatusBar QLabel {{ padding: 0 8px; }}
    QStatusBar QPushButton:hover {{ text-decoration: underline; }}
    QSplitter::handle {{ background: transparent; }}
    """


def apply_theme(app: QApplication) -> bool:
    """Fusion + our palette for the current system scheme; returns True when dark."""
    app.setStyle("Fusion")
    dark = is_dark()
    app.setPalette(_dark_palette() if dark else _light_palette())
    app.setStyleSheet(stylesheet(dark))
    return dark
