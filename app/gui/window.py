"""Main window layout: menus, drafts list, editor, the side tabs and the status bar.

This is the view only; `controller.MainController` connects it to a project and the checker.
Other features plug in through `menu(name)`, `add_menu()`, `add_side_tab()` and `add_dock()`
(see docs/architecture.md).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QPaintEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDockWidget,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenu,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.gui.drafts_panel import DraftsPanel
from app.gui.editor import DraftEditor
from app.gui.history_panel import HistoryPanel
from app.gui.scorecard import ScorecardPanel

if TYPE_CHECKING:
    from app.gui.evidence_panel import EvidencePanel


class WelcomePage(QWidget):
    """Shown when no project is open: the three ways in."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        lay = QVBoxLayout(self)
        lay.addStretch(2)
        title = QLabel("SMARTrec")
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 2.2)
        font.setBold(True)
        title.setFont(font)
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        sub = QLabel("Draft Specific, Measurable, Attainable, Relevant and Time-bound\n"
                     "Universal Periodic Review recommendations.")
        sub.setObjectName("Muted")
        sub.setAlignment(Qt.AlignmentFlag.AlignCenter)
        lay.addWidget(title)
        lay.addWidget(sub)
        lay.addSpacing(18)
        row = QHBoxLayout()
        row.addStretch(1)
        self.new_button = QPushButton("New project…")
        self.open_button = QPushButton("Open project…")
        self.sample_button = QPushButton("Open the sample project")
        for b in (self.new_button, self.open_button, self.sample_button):
            b.setMinimumSize(QSize(180, 36))
            b.setAccessibleName(b.text().rstrip("…"))
            row.addWidget(b)
        row.addStretch(1)
        lay.addLayout(row)
        lay.addStretch(3)


class MainWindow(QMainWindow):
    """The SMARTrec window; emits `close_requested` so the controller can flush before closing."""

    close_requested = Signal(QCloseEvent)
    #: Emitted once, after the window has been painted for the first time.
    first_painted = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("SMARTrecMainWindow")
        self.setWindowTitle("SMARTrec")
        self.setAccessibleName("SMARTrec")
        self.menus: dict[str, QMenu] = {}
        self._build_actions()
        self._build_menus()
        self._build_central()
        self._build_status()

    # -- actions ----------------------------------------------------------------------------
    def _action(self, text: str,
                shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None,
                tip: str = "") -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        if tip:
            action.setStatusTip(tip)
            action.setToolTip(tip)
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        SK = QKeySequence.StandardKey  # noqa: N806
        self.act_new = self._action("&New Project…", SK.New, "Create a project for one State")
        self.act_open = self._action("&Open Project…", SK.Open, "Open a .smartrec project")
        self.act_save = self._action("&Save", SK.Save,
                                     "Everything is saved automatically; this saves right now")
        self.act_save_copy = self._action("Save a &Copy…", "Ctrl+Shift+S",
                                          "Save a copy of the project under another name")
        self.act_export = self._action("&Export…", "Ctrl+E",
                                       "Export the drafts to Word, HTML or text")
        self.act_close = self._action("&Close Project", SK.Close)
        self.act_quit = self._action("&Quit", SK.Quit)
        self.act_undo = self._action("&Undo", SK.Undo)
        self.act_redo = self._action("&Redo", "Ctrl+Shift+Z")
        self.act_find = self._action("&Find in Drafts", SK.Find)
        self.act_add = self._action("&New Draft", "Ctrl+Shift+N", "Add a draft recommendation")
        self.act_duplicate = self._action("D&uplicate Draft", "Ctrl+D")
        self.act_delete = self._action("&Delete Draft", None)
        self.act_move_up = self._action("Move Draft &Up", "Alt+Shift+Up",
                                        "Raise the draft's priority (same as dragging it)")
        self.act_move_down = self._action("Move Draft Do&wn", "Alt+Shift+Down",
                                          "Lower the draft's priority")
        self.act_zoom_in = self._action("Zoom &In", "Ctrl+=")
        self.act_zoom_in.setShortcuts([QKeySequence("Ctrl+="), QKeySequence("Ctrl++")])
        self.act_zoom_out = self._action("Zoom &Out", "Ctrl+-")
        self.act_zoom_reset = self._action("&Actual Size", "Ctrl+0")
        self.act_reload_rules = self._action("&Reload Rules", "F5",
                                             "Read the rule files again")
        self.act_rule_errors = self._action("Rule File &Problems…")
        self.act_disabled_rules = self._action("Rules Disabled in This &Project…")
        self.act_project_info = self._action("Project &Details…", None,
                                             "State under Review, cycle, session, delegation")
        self.act_language = self._action("&Language and Grammar…")
        self.act_import = self._action("&Import Evidence…")
        self.act_about = self._action("&About SMARTrec")
        self.act_ignored = self._action("&Restore Ignored Findings in This Draft")

    def _build_menus(self) -> None:
        file_menu = self.add_menu("file", "&File")
        file_menu.addAction(self.act_new)
        file_menu.addAction(self.act_open)
        self.recent_menu = QMenu("Open &Recent", self)
        self.recent_menu.setAccessibleName("Open recent project")
        file_menu.addMenu(self.recent_menu)
        file_menu.addSeparator()
        file_menu.addAction(self.act_save)
        file_menu.addAction(self.act_save_copy)
        file_menu.addAction(self.act_export)
        file_menu.addAction(self.act_import)
        file_menu.addSeparator()
        file_menu.addAction(self.act_project_info)
        file_menu.addAction(self.act_close)
        file_menu.addSeparator()
        file_menu.addAction(self.act_quit)
        edit = self.add_menu("edit", "&Edit")
        edit.addAction(self.act_undo)
        edit.addAction(self.act_redo)
        edit.addSeparator()
        edit.addAction(self.act_find)
        edit.addSeparator()
        edit.addAction(self.act_add)
        edit.addAction(self.act_duplicate)
        edit.addAction(self.act_delete)
        edit.addAction(self.act_move_up)
        edit.addAction(self.act_move_down)
        view = self.add_menu("view", "&View")
        view.addAction(self.act_zoom_in)
        view.addAction(self.act_zoom_out)
        view.addAction(self.act_zoom_reset)
        rules = self.add_menu("rules", "&Rules")
        rules.addAction(self.act_reload_rules)
        rules.addAction(self.act_rule_errors)
        rules.addAction(self.act_disabled_rules)
        rules.addAction(self.act_ignored)
        rules.addSeparator()
        rules.addAction(self.act_language)
        help_menu = self.add_menu("help", "&Help")
        help_menu.addAction(self.act_about)

    # -- central area -----------------------------------------------------------------------
    def _build_central(self) -> None:
        self.stack = QStackedWidget()
        self.welcome = WelcomePage()
        self.stack.addWidget(self.welcome)

        work = QWidget()
        work_lay = QVBoxLayout(work)
        work_lay.setContentsMargins(10, 8, 10, 4)
        work_lay.setSpacing(6)
        self.banner = QLabel("")
        self.banner.setObjectName("Banner")
        self.banner.setWordWrap(True)
        self.banner.setAccessibleName("Notice")
        self.banner.hide()
        work_lay.addWidget(self.banner)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("MainSplitter")
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setHandleWidth(10)

        self.drafts = DraftsPanel()
        self.drafts.setMinimumWidth(170)
        self.splitter.addWidget(self.drafts)

        centre = QWidget()
        clay = QVBoxLayout(centre)
        clay.setContentsMargins(0, 0, 0, 0)
        clay.setSpacing(6)
        head = QHBoxLayout()
        head.setSpacing(6)
        self.title_edit = QLineEdit()
        self.title_edit.setPlaceholderText("Short title (optional)")
        self.title_edit.setAccessibleName("Draft title")
        self.theme_combo = QComboBox()
        self.theme_combo.setEditable(True)
        self.theme_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.theme_combo.setMinimumContentsLength(12)
        self.theme_combo.setAccessibleName("Draft theme")
        self.theme_combo.setToolTip("Theme (UPR issue) used to group the drafts list")
        line = self.theme_combo.lineEdit()
        if line is not None:
            line.setPlaceholderText("Theme")
        self.status_combo = QComboBox()
        self.status_combo.addItem("Draft", "draft")
        self.status_combo.addItem("Final", "final")
        self.status_combo.setAccessibleName("Draft status")
        head.addWidget(self.title_edit, 3)
        head.addWidget(self.theme_combo, 2)
        head.addWidget(self.status_combo)
        clay.addLayout(head)
        self.editor = DraftEditor()
        clay.addWidget(self.editor, 1)
        self.editor_hint = QLabel("Wavy underline: problem · dotted: suggestion · "
                                  "right-click an underline for fixes")
        self.editor_hint.setObjectName("Muted")
        self.editor_hint.setWordWrap(True)
        clay.addWidget(self.editor_hint)
        self.splitter.addWidget(centre)

        self.tabs = QTabWidget()
        self.tabs.setAccessibleName("Draft details")
        self.tabs.setDocumentMode(False)
        # At large zoom the tab labels stay whole and the tab bar scrolls.
        self.tabs.setElideMode(Qt.TextElideMode.ElideNone)
        self.tabs.setUsesScrollButtons(True)
        self.scorecard = ScorecardPanel()
        self.tabs.addTab(self.scorecard, "Scorecard")
        # The Evidence panel needs the evidence library's modules; the controller puts it here
        # (set_evidence_panel) right after the window is first shown.
        self.evidence_tab = QWidget()
        self.evidence_tab.setAccessibleName("Evidence")
        QVBoxLayout(self.evidence_tab).setContentsMargins(0, 0, 0, 0)
        self.tabs.addTab(self.evidence_tab, "Evidence")
        self.history = HistoryPanel()
        self.tabs.addTab(self.history, "History")
        self.notes = QPlainTextEdit()
        self.notes.setAccessibleName("Private notes for this draft")
        self.notes.setPlaceholderText("Private notes (not exported): sources, who to consult…")
        self.tabs.addTab(self.notes, "Notes")
        self.tabs.setMinimumWidth(240)
        self.splitter.addWidget(self.tabs)

        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 5)
        self.splitter.setStretchFactor(2, 3)
        self.splitter.setSizes([290, 640, 430])
        work_lay.addWidget(self.splitter, 1)
        self.workspace = work
        self.stack.addWidget(work)
        self.setCentralWidget(self.stack)

    def _build_status(self) -> None:
        bar = self.statusBar()
        bar.setSizeGripEnabled(True)
        self.packs_button = QPushButton("Loading rules…")
        self.packs_button.setFlat(True)
        self.packs_button.setAccessibleName("Rule packs loaded")
        self.packs_button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.errors_button = QPushButton("")
        self.errors_button.setFlat(True)
        self.errors_button.setAccessibleName("Rule file problems")
        self.errors_button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.errors_button.setStyleSheet("color: #c0262e; font-weight: 600;")
        self.errors_button.hide()
        self.grammar_label = QPushButton("")
        self.grammar_label.setFlat(True)
        self.grammar_label.setCursor(Qt.CursorShape.PointingHandCursor)
        self.grammar_label.setAccessibleName("Grammar checker status")
        self.grammar_label.hide()
        self.check_label = QLabel("")
        self.check_label.setAccessibleName("Check time")
        self.saved_label = QLabel("")
        self.saved_label.setAccessibleName("Save status")
        bar.addPermanentWidget(self.grammar_label)
        bar.addPermanentWidget(self.packs_button)
        bar.addPermanentWidget(self.errors_button)
        bar.addPermanentWidget(self.check_label)
        bar.addPermanentWidget(self.saved_label)

    #: The Evidence tab's panel (set by the controller).
    evidence: EvidencePanel

    def set_evidence_panel(self, panel: EvidencePanel) -> None:
        self.evidence = panel
        layout = self.evidence_tab.layout()
        assert layout is not None
        layout.addWidget(panel)

    # -- extension points -------------------------------------------------------------------
    def add_menu(self, name: str, title: str, *, before: str | None = None) -> QMenu:
        """A new top-level menu, registered as `menus[name]`; placed before menu `before`."""
        if name in self.menus:
            raise ValueError(f"menu {name!r} exists already")
        menu = QMenu(title, self)
        menu.setObjectName(f"{name}Menu")
        anchor = self.menus.get(before) if before else None
        if anchor is not None:
            self.menuBar().insertMenu(anchor.menuAction(), menu)
        else:
            self.menuBar().addMenu(menu)
        self.menus[name] = menu
        return menu

    def menu(self, name: str) -> QMenu:
        """A top-level menu by name: file, edit, view, rules, help (and any added later)."""
        return self.menus[name]

    def add_side_tab(self, widget: QWidget, title: str) -> int:
        """A tab next to Scorecard, Evidence, History and Notes; returns its index."""
        return self.tabs.addTab(widget, title)

    def add_dock(self, widget: QWidget, title: str,
                 area: Qt.DockWidgetArea = Qt.DockWidgetArea.BottomDockWidgetArea
                 ) -> QDockWidget:
        """A movable panel around the workspace (listed in View ▸ Panels)."""
        dock = QDockWidget(title, self)
        dock.setObjectName(f"{title}Dock".replace(" ", ""))
        dock.setWidget(widget)
        self.addDockWidget(area, dock)
        self.menus["view"].addAction(dock.toggleViewAction())
        return dock

    def show_workspace(self, visible: bool) -> None:
        self.stack.setCurrentWidget(self.workspace if visible else self.welcome)

    _painted = False

    @property
    def has_painted(self) -> bool:
        """True once the window has been drawn (and `first_painted` emitted or queued)."""
        return self._painted

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt override)
        super().paintEvent(event)
        if not self._painted:
            self._painted = True
            QTimer.singleShot(0, self.first_painted.emit)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt override)
        self.close_requested.emit(event)
