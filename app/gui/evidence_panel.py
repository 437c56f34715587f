"""Evidence tab: suggestions for the current draft, one-click link/unlink, search, libraries.

Every query runs through `TaskManager` on a read-only connection of its own, so typing never
waits for the library; results for an older draft or text are dropped. Links are written on the
GUI thread through the project (one small committed row).
"""

from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.evidence.context import sources_for, suggestions
from app.evidence.library import LibraryError, attach_library, attached_libraries, detach_library
from app.evidence.links import Link, link, unlink
from app.evidence.search import MARKS, SearchHit, search
from app.gui.tasks import TaskManager
from app.storage.errors import ProjectError
from app.storage.project import Project
from app.storage.reader import reading

#: (label, kinds) offered in the filter box.
FILTERS: tuple[tuple[str, tuple[str, ...] | None], ...] = (
    ("Findings and commitments", ("finding", "commitment", "other")),
    ("Prior UPR recommendations", ("precedent",)),
    ("All evidence", None),
)
SUGGESTION_LIMIT = 15
TYPING_DELAY_MS = 400


def _row_size(target: QListWidget, row: QWidget) -> QSize:
    """A row as wide as the list and as tall as its wrapped text needs at that width."""
    width = max(120, target.viewport().width())
    layout = row.layout()
    height = layout.totalHeightForWidth(width) if layout is not None else -1
    return QSize(width, height if height > 0 else row.sizeHint().height())


def snippet_html(snippet: str) -> str:
    """Escape, then turn the search markers into bold."""
    return html.escape(snippet).replace(MARKS[0], "<b>").replace(MARKS[1], "</b>")


class _Row(QWidget):
    """One evidence item: label, highlighted snippet and a Link/Unlink button."""

    def __init__(self, title: str, body_html: str, button: str, enabled: bool) -> None:
        super().__init__()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 3, 4, 3)
        text = QLabel(f"<b>{html.escape(title)}</b><br>{body_html}")
        text.setWordWrap(True)
        text.setTextFormat(Qt.TextFormat.RichText)
        text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(text, 1)
        self.button = QPushButton(button)
        self.button.setEnabled(enabled)
        self.button.setAccessibleName(f"{button}: {title}")
        layout.addWidget(self.button, 0, Qt.AlignmentFlag.AlignTop)


class EvidencePanel(QWidget):
    links_changed = Signal()
    #: Emitted after each finished query (tests and status displays use it).
    results_ready = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.project: Project | None = None
        self.draft_id: int | None = None
        self.text = ""
        self.hits: list[SearchHit] = []
        self._generation = 0
        #: While held, queries wait (the window's start: the first verdict comes first).
        self._held = False
        self._refresh_waiting = False
        self.tasks = TaskManager(self)

        self.search_box = QLineEdit()
        self.search_box.setPlaceholderText("Search evidence (empty: suggestions for this draft)")
        self.search_box.setClearButtonEnabled(True)
        self.filter_box = QComboBox()
        for label, _ in FILTERS:
            self.filter_box.addItem(label)
        # A narrow panel (small screen, large zoom) elides the choice instead of widening.
        self.filter_box.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.filter_box.setMinimumContentsLength(8)
        # A push button draws its menu arrow beside the label, not over it.
        self.libraries_button = QPushButton("Libraries")
        self.libraries_button.setAccessibleName("Evidence libraries")
        self._library_menu = QMenu(self)
        self._library_menu.aboutToShow.connect(self._fill_library_menu)
        self.libraries_button.setMenu(self._library_menu)

        top = QVBoxLayout()
        top.addWidget(self.search_box)
        choices = QHBoxLayout()
        choices.addWidget(self.filter_box, 1)
        choices.addWidget(self.libraries_button)
        top.addLayout(choices)

        self.linked_label = QLabel("Linked to this draft")
        self.linked_label.setWordWrap(True)
        self.linked_list = QListWidget()
        self.linked_list.setAccessibleName("Evidence linked to this draft")
        self.results_label = QLabel("Suggestions")
        self.results_label.setWordWrap(True)
        self.results_list = QListWidget()
        self.results_list.setAccessibleName("Suggested evidence")
        self.status = QLabel("")
        self.status.setWordWrap(True)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.linked_label)
        layout.addWidget(self.linked_list, 1)
        layout.addWidget(self.results_label)
        layout.addWidget(self.results_list, 3)
        layout.addWidget(self.status)

        for rows in (self.linked_list, self.results_list):
            rows.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
            rows.setVerticalScrollMode(QListWidget.ScrollMode.ScrollPerPixel)
            rows.viewport().installEventFilter(self)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(TYPING_DELAY_MS)
        self._timer.timeout.connect(self.refresh)
        self.search_box.textChanged.connect(lambda _t: self._timer.start())
        self.filter_box.currentIndexChanged.connect(lambda _i: self.refresh())
        self._show_links()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        """A narrower list (smaller window, larger zoom) re-wraps its rows instead of cutting."""
        if event.type() == QEvent.Type.Resize:
            for rows in (self.linked_list, self.results_list):
                if watched is rows.viewport():
                    for i in range(rows.count()):
                        item = rows.item(i)
                        widget = rows.itemWidget(item)
                        if widget is not None:
                            item.setSizeHint(_row_size(rows, widget))
        return False

    # ------------------------------------------------------------------ public API

    def set_project(self, project: Project | None) -> None:
        self.project = project
        self.draft_id = None
        self.text = ""
        self.hits = []
        self._show_links()
        self._show_hits()
        self.refresh()

    def set_draft(self, draft_id: int | None, text: str) -> None:
        """Show links and suggestions for a draft; repeated calls with new text re-query."""
        changed = draft_id != self.draft_id
        self.draft_id = draft_id
        self.text = text
        if changed:
            self._show_links()
            self.refresh()
        else:
            self._timer.start()

    def hold(self, held: bool) -> None:
        """Hold queries back (True) or run the one that waited (False).

        The main window holds them until its first verdict is on screen: a look-up in the
        background would compete with the rules for Python's one running thread."""
        self._held = held
        if not held and self._refresh_waiting:
            self.refresh()

    def shutdown(self) -> None:
        self._timer.stop()
        self.tasks.shutdown()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt API
        self.shutdown()
        super().closeEvent(event)

    # ------------------------------------------------------------------ queries

    def _kinds(self) -> tuple[str, ...] | None:
        return FILTERS[max(0, self.filter_box.currentIndex())][1]

    def refresh(self) -> None:
        """Run the search (or the draft's suggestions) in the background."""
        self._timer.stop()
        self._refresh_waiting = self._held
        if self._held:
            return
        self._generation += 1
        generation = self._generation
        project = self.project
        if project is None or project.closed:
            self.status.setText("No project open.")
            return
        query = self.search_box.text().strip()
        text = query or self.text
        if not text.strip():
            self.hits = []
            self._show_hits()
            self.status.setText("Type a draft or a search to see evidence.")
            return
        path = Path(project.path)
        state = project.meta.state_under_review
        kinds = self._kinds()
        self.results_label.setText("Search results" if query else "Suggestions for this draft")
        self.status.setText("Searching…")

        def work() -> tuple[list[SearchHit], int, int]:
            with reading(path) as conn:
                sources = sources_for(conn)
                attached = len(attached_libraries(conn))
                if query:
                    hits = search(sources, query, country=state, kinds=kinds,
                                  limit=SUGGESTION_LIMIT)
                else:
                    hits = suggestions(sources, text, state, limit=SUGGESTION_LIMIT, kinds=kinds)
                return hits, len(sources), attached

        def done(result: tuple[list[SearchHit], int, int]) -> None:
            if generation != self._generation:
                return
            self.hits, n_sources, attached = result
            self._show_hits()
            missing = attached - (n_sources - 1)
            note = f" ({missing} attached library not found)" if missing > 0 else ""
            if self.hits:
                self.status.setText(f"{len(self.hits)} item(s){note}.")
            else:
                self.status.setText(
                    "No matching evidence. Import observation reports or treaty commitments "
                    f"(File ▸ Import evidence), or attach a shared library{note}.")
            self.results_ready.emit()

        def failed(exc: BaseException) -> None:
            if generation != self._generation:
                return
            self.status.setText(f"Evidence search failed: {exc}")
            self.results_ready.emit()

        self.tasks.run(work, done, failed)

    # ------------------------------------------------------------------ display

    def _links(self) -> list[Link]:
        if self.project is None or self.project.closed or self.draft_id is None:
            return []
        return self.project.evidence_links(self.draft_id)

    def _writable(self) -> Project | None:
        """The project when it can be changed now, else None."""
        project = self.project
        if project is None or project.closed or project.read_only:
            return None
        return project

    def _editable(self) -> bool:
        return self._writable() is not None and self.draft_id is not None

    def _show_links(self) -> None:
        self.linked_list.clear()
        current = self._links()
        self.linked_label.setText(
            f"Linked to this draft ({len(current)})" if current else
            "Linked to this draft: none yet — link a finding or commitment below")
        for item_link in current:
            body = html.escape(item_link.text[:300] + ("…" if len(item_link.text) > 300 else ""))
            row = _Row(item_link.label, body, "Unlink", self._editable())
            row.button.clicked.connect(
                lambda _c=False, lk=item_link: self._unlink(lk.evidence_id, lk.library))
            self._add_row(self.linked_list, row)

    def _show_hits(self) -> None:
        self.results_list.clear()
        linked = {lk.key for lk in self._links()}
        for hit in self.hits:
            is_linked = hit.key in linked
            where = "" if hit.library is None else f" · {Path(hit.library).stem}"
            title = f"{hit.item.label()}{where}"
            row = _Row(title, snippet_html(hit.snippet or hit.item.text),
                       "Unlink" if is_linked else "Link", self._editable())
            if is_linked:
                row.button.clicked.connect(
                    lambda _c=False, h=hit: self._unlink(h.item.id or 0, h.library))
            else:
                row.button.clicked.connect(lambda _c=False, h=hit: self._link(h))
            self._add_row(self.results_list, row)

    @staticmethod
    def _add_row(target: QListWidget, row: _Row) -> None:
        item = QListWidgetItem()
        item.setSizeHint(_row_size(target, row))
        target.addItem(item)
        target.setItemWidget(item, row)

    # ------------------------------------------------------------------ actions

    def _link(self, hit: SearchHit) -> None:
        project = self._writable()
        if project is None or self.draft_id is None:
            return
        try:
            link(project, self.draft_id, hit.item, hit.library)
        except (ProjectError, ValueError) as exc:
            QMessageBox.warning(self, "Link evidence", f"The link was not saved: {exc}")
            return
        self._after_link_change()

    def _unlink(self, evidence_id: int, library: str | None) -> None:
        project = self._writable()
        if project is None or self.draft_id is None:
            return
        try:
            unlink(project, self.draft_id, evidence_id, library)
        except ProjectError as exc:
            QMessageBox.warning(self, "Unlink evidence", f"The change was not saved: {exc}")
            return
        self._after_link_change()

    def _after_link_change(self) -> None:
        self._show_links()
        self._show_hits()
        self.links_changed.emit()

    # ------------------------------------------------------------------ libraries

    def _fill_library_menu(self) -> None:
        menu = self._library_menu
        menu.clear()
        project = self._writable()
        editable = project is not None
        act = menu.addAction("Attach a shared library…")
        act.setEnabled(editable)
        act.triggered.connect(self._attach_dialog)
        act = menu.addAction("Load the built-in commitments")
        act.setEnabled(editable)
        act.triggered.connect(self.load_reference_set)
        paths = attached_libraries(project.connection) if project is not None else []
        if paths:
            menu.addSeparator()
        for path in paths:
            exists = Path(path).exists()
            sub = menu.addMenu(Path(path).name + ("" if exists else " (not found)"))
            detach = sub.addAction("Detach from this project")
            detach.triggered.connect(lambda _c=False, p=path: self.detach(p))

    def _attach_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Attach evidence library", "", "Evidence libraries (*.smartlib);;All files (*)")
        if path:
            self.attach(path)

    def attach(self, path: str) -> bool:
        project = self._writable()
        if project is None:
            return False
        try:
            with project.transaction() as conn:
                attach_library(conn, path)
        except LibraryError as exc:
            QMessageBox.warning(self, "Attach library", str(exc))
            return False
        self.refresh()
        self.links_changed.emit()
        return True

    def detach(self, path: str) -> None:
        project = self._writable()
        if project is None:
            return
        with project.transaction() as conn:
            detach_library(conn, path)
        self.refresh()
        self.links_changed.emit()

    def load_reference_set(self) -> int:
        project = self._writable()
        if project is None:
            return 0
        from app.evidence.reference import load_reference  # the importers: not at start-up

        result = load_reference(project, state=project.meta.state_under_review)
        self.status.setText(f"Loaded {result.written} built-in commitment(s).")
        self.refresh()
        return result.written
