"""How the window looks: zoom, light or dark palette, and its size and layout across runs.

The window always fits the screen it opens on (a projector at 1280×720 included), whatever
size was remembered from a bigger monitor.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QRect, QSettings, QTimer, Signal
from PySide6.QtGui import QFont, QGuiApplication
from PySide6.QtWidgets import QApplication

from app.gui import theme
from app.gui.window import MainWindow

#: The editor text is larger than the chrome: it is what people read, and trainers project it.
EDITOR_SCALE = 1.35
ZOOM_STEPS = (0.8, 0.9, 1.0, 1.1, 1.25, 1.5, 1.75, 2.0, 2.5)
DEFAULT_SIZE = (1360, 820)
#: Share of the available screen a new window may take.
SCREEN_SHARE = 0.92


def fit_rect(wanted: QRect, available: QRect) -> QRect:
    """`wanted` shrunk to `available` if needed and moved fully onto it."""
    width = min(wanted.width(), available.width())
    height = min(wanted.height(), available.height())
    x = min(max(wanted.x(), available.x()), available.right() - width + 1)
    y = min(max(wanted.y(), available.y()), available.bottom() - height + 1)
    return QRect(x, y, width, height)


class ViewPreferences(QObject):
    """Zoom steps, palette and window geometry, remembered in QSettings."""

    zoom_changed = Signal(float)
    #: light/dark changed: colours computed from the palette (underlines) must be redone
    palette_changed = Signal()

    def __init__(self, window: MainWindow, settings: QSettings,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.w = window
        self.settings = settings
        self.dark = theme.is_dark()
        self._zoom_index = ZOOM_STEPS.index(1.0)
        self._base_point_size = _base_point_size()
        window.act_zoom_in.triggered.connect(lambda: self.zoom(+1))
        window.act_zoom_out.triggered.connect(lambda: self.zoom(-1))
        window.act_zoom_reset.triggered.connect(lambda: self.zoom(0))
        QGuiApplication.styleHints().colorSchemeChanged.connect(
            lambda _s: self.apply_palette(restyle=True))
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        """When larger text makes the window grow past the screen's edge, pull it back."""
        if watched is self.w and event.type() in (QEvent.Type.Resize, QEvent.Type.Move):
            screen = self.w.screen()
            if screen is not None and not self.w.isMaximized() and not self.w.isFullScreen() \
                    and not screen.availableGeometry().contains(self.w.frameGeometry()):
                QTimer.singleShot(0, self.fit_to_screen)
        return False

    # -- geometry ----------------------------------------------------------------------------
    def restore(self) -> None:
        """Size, layout and zoom of the last run, fitted to the current screen."""
        s = self.settings
        geometry = s.value("window/geometry")
        if geometry is None or not self.w.restoreGeometry(geometry):
            self._default_geometry()
        state = s.value("window/state")
        if state is not None:
            self.w.restoreState(state)
        splitter = s.value("window/splitter")
        if splitter is not None:
            self.w.splitter.restoreState(splitter)
        try:
            index = int(str(s.value("zoom", self._zoom_index)))
        except ValueError:
            index = self._zoom_index
        self._zoom_index = max(0, min(len(ZOOM_STEPS) - 1, index))
        self.apply_zoom()
        self.fit_to_screen()

    def _room(self) -> QRect | None:
        """Where the window's client area may go: the screen's available area minus frame."""
        screen = self.w.screen() or QGuiApplication.primaryScreen()
        if screen is None:
            return None
        available = screen.availableGeometry()
        frame = self.w.frameGeometry()
        extra_w = max(0, frame.width() - self.w.width())
        extra_h = max(0, frame.height() - self.w.height())
        return QRect(available.x(), available.y(), available.width() - extra_w,
                     available.height() - extra_h)

    def _default_geometry(self) -> None:
        """First start: the usual size, or most of a smaller screen, centred."""
        room = self._room()
        if room is None:
            self.w.resize(*DEFAULT_SIZE)
            return
        wanted = QRect(0, 0, min(DEFAULT_SIZE[0], int(room.width() * SCREEN_SHARE)),
                       min(DEFAULT_SIZE[1], int(room.height() * SCREEN_SHARE)))
        wanted.moveCenter(room.center())
        self.w.setGeometry(wanted)

    def fit_to_screen(self) -> None:
        """Keep the whole window (menus to status bar) on the available part of its screen."""
        room = self._room()
        if room is None:
            return
        wanted = QRect(self.w.geometry())
        layout = self.w.layout()
        if layout is not None:
            layout.activate()  # the minimum size after the latest font change
        minimum = self.w.minimumSizeHint()
        wanted.setWidth(max(wanted.width(), minimum.width()))
        wanted.setHeight(max(wanted.height(), minimum.height()))
        fitted = fit_rect(wanted, room)
        if fitted != self.w.geometry():
            self.w.setGeometry(fitted)

    def save(self) -> None:
        s = self.settings
        s.setValue("window/geometry", self.w.saveGeometry())
        s.setValue("window/state", self.w.saveState())
        s.setValue("window/splitter", self.w.splitter.saveState())
        s.sync()

    # -- zoom --------------------------------------------------------------------------------
    def zoom(self, step: int) -> None:
        if step == 0:
            self._zoom_index = ZOOM_STEPS.index(1.0)
        else:
            self._zoom_index = max(0, min(len(ZOOM_STEPS) - 1, self._zoom_index + step))
        self.settings.setValue("zoom", self._zoom_index)
        self.apply_zoom()

    def zoom_factor(self) -> float:
        return ZOOM_STEPS[self._zoom_index]

    def apply_zoom(self) -> None:
        """The whole interface grows, menus and status bar included: trainers project it."""
        factor = self.zoom_factor()
        font = QFont(QApplication.font())
        font.setPointSizeF(self._base_point_size * factor)
        changed = abs(QApplication.font().pointSizeF() - font.pointSizeF()) > 0.01
        QApplication.setFont(font)
        app = QApplication.instance()
        if changed and isinstance(app, QApplication) and app.styleSheet():
            # Widgets polished by a style sheet keep their old font until polished again.
            app.setStyleSheet(app.styleSheet())
        self.w.editor.set_point_size(self._base_point_size * factor * EDITOR_SCALE)
        self.w.editor.document().setDefaultFont(self.w.editor.font())
        self.w.scorecard.set_base_font(font)
        if factor != 1.0:
            self.w.statusBar().showMessage(f"Zoom {round(factor * 100)} %", 1500)
        # Larger text can make the window's minimum size grow: keep it on the screen.
        QTimer.singleShot(0, self.fit_to_screen)
        self.zoom_changed.emit(factor)

    # -- palette -----------------------------------------------------------------------------
    def apply_palette(self, restyle: bool = False) -> None:
        app = QApplication.instance()
        if restyle and isinstance(app, QApplication):
            theme.apply_theme(app)
        self.dark = theme.is_dark()
        self.w.editor.set_dark(self.dark)
        self.w.scorecard.set_dark(self.dark)
        self.w.history.set_dark(self.dark)
        if restyle:
            self.w.drafts.list.viewport().update()
            self.palette_changed.emit()


def _base_point_size() -> float:
    """The application font size before any zoom (remembered on the app across windows)."""
    app = QApplication.instance()
    stored = app.property("smartrecBasePointSize") if app is not None else None
    if isinstance(stored, float) and stored > 0:
        return stored
    size = QApplication.font().pointSizeF()
    if size <= 0:
        size = 10.0
    if app is not None:
        app.setProperty("smartrecBasePointSize", float(size))
    return size
