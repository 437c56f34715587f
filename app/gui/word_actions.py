"""The File menu's Word entries as one small part: *Review a Word Document…* (needs no project)
and *Import Drafts from Word…* (into the open, writable project, then shown in the list).
The dialogs (and python-docx) are imported when first used, not at start-up."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDialog

from app.gui.drafts_controller import DraftsController
from app.gui.session import ProjectSession
from app.gui.window import MainWindow
from app.storage.project import Project


class WordActions(QObject):
    #: A one-line status message for the window.
    message = Signal(str)
    #: The dialog about to be shown (tests drive it; nothing else needs it).
    dialog_opened = Signal(QDialog)

    def __init__(self, window: MainWindow, session: ProjectSession, drafts: DraftsController,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.w = window
        self.session = session
        self.drafts = drafts
        self.act_review = QAction("Re&view a Word Document…", window)
        self.act_review.setStatusTip("Check the recommendations in a .docx and save a copy with "
                                     "SMARTrec's advice as Word comments")
        self.act_import = QAction("Import &Drafts from Word…", window)
        self.act_import.setStatusTip("Add the recommendations of a .docx to this project")
        menu = window.menu("file")
        actions = menu.actions()
        anchor = actions.index(window.act_import) + 1 if window.act_import in actions else 0
        before = actions[anchor] if anchor < len(actions) else None
        for action in (self.act_review, self.act_import):
            if before is None:
                menu.addAction(action)
            else:
                menu.insertAction(before, action)
        self.act_review.triggered.connect(self.review)
        self.act_import.triggered.connect(self.import_drafts)
        session.project_changed.connect(self._project_changed)
        self._project_changed(session.project)

    def _project_changed(self, project: Project | None) -> None:
        self.act_import.setEnabled(project is not None and not project.read_only)

    def review(self) -> None:
        from app.gui.word_review import WordReviewDialog

        project = self.session.project
        dialog = WordReviewDialog(
            self.w, evidence=project.path if project is not None else None,
            state=project.meta.state_under_review if project is not None else "")
        self.dialog_opened.emit(dialog)
        dialog.exec()
        if dialog.report is not None:
            self.message.emit(f"Reviewed copy saved as {dialog.report.output}")

    def import_drafts(self) -> None:
        from app.gui.word_import import WordImportDialog

        project = self.session.project
        if project is None or project.read_only:
            return
        self.drafts.saver.flush()
        dialog = WordImportDialog(self.w, project)
        self.dialog_opened.emit(dialog)
        if dialog.exec() != QDialog.DialogCode.Accepted or not dialog.imported:
            return
        self.drafts.refresh_drafts(select=dialog.imported[0].id)
        self.message.emit(f"Imported {len(dialog.imported)} drafts from Word")
