"""Left-hand drafts list: grouped by theme in priority order, with a find box and score badges.

The panel only displays; the controller owns the project and the undo stack and decides what
an add, delete or drop means.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QEvent, QModelIndex, QPersistentModelIndex, QRect, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QDropEvent,
    QFont,
    QFontMetrics,
    QPainter,
    QPalette,
    QResizeEvent,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QSizePolicy,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.gui import theme

ID_ROLE = Qt.ItemDataRole.UserRole
SCORE_ROLE = Qt.ItemDataRole.UserRole + 1
PREVIEW_ROLE = Qt.ItemDataRole.UserRole + 2
STATUS_ROLE = Qt.ItemDataRole.UserRole + 3
HEADER_ROLE = Qt.ItemDataRole.UserRole + 4
SEARCH_ROLE = Qt.ItemDataRole.UserRole + 5

NO_THEME = "No theme yet"


def draft_title(title: str, text: str) -> str:
    """What the list shows: the title, else the first words of the text."""
    if title.strip():
        return title.strip()
    words = text.split()
    if not words:
        return "Untitled draft"
    head = " ".join(words[:8])
    return head + ("…" if len(words) > 8 else "")


class _DraftList(QListWidget):
    """A list whose internal drops report the new order of draft ids."""

    dropped = Signal(list)

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 (Qt override)
        super().dropEvent(event)
        self.dropped.emit(self.draft_ids())

    def draft_ids(self) -> list[int]:
        ids = []
        for row in range(self.count()):
            value = self.item(row).data(ID_ROLE)
            if value is not None:
                ids.append(int(value))
        return ids


class _Delegate(QStyledItemDelegate):
    """Paints a draft as title, preview line and a score badge; a header as a small caption."""

    def sizeHint(  # noqa: N802 (Qt override)
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        fm = QFontMetrics(option.font)
        if index.data(HEADER_ROLE):
            return QSize(100, fm.height() + 14)
        return QSize(100, fm.height() * 2 + 16)

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        rect: QRect = opt.rect
        palette: QPalette = opt.palette
        font: QFont = opt.font
        state = opt.state
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        if index.data(HEADER_ROLE):
            f = QFont(font)
            f.setBold(True)
            f.setPointSizeF(font.pointSizeF() * 0.85)
            painter.setFont(f)
            painter.setPen(palette.color(QPalette.ColorRole.PlaceholderText))
            caption = rect.adjusted(10, 6, -8, 0)
            text = str(index.data(Qt.ItemDataRole.DisplayRole)).upper()
            painter.drawText(caption, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                             QFontMetrics(f).elidedText(text, Qt.TextElideMode.ElideRight,
                                                        caption.width()))
            painter.restore()
            return
        selected = bool(state & QStyle.StateFlag.State_Selected)
        if selected:
            painter.setPen(Qt.PenStyle.NoPen)
            bg = QColor(palette.color(QPalette.ColorRole.Highlight))
            bg.setAlpha(48)
            painter.setBrush(bg)
            painter.drawRoundedRect(rect.adjusted(4, 1, -4, -1), 5, 5)
            painter.setBrush(palette.color(QPalette.ColorRole.Highlight))
            painter.drawRoundedRect(QRect(rect.left() + 4, rect.top() + 4, 3,
                                          rect.height() - 8), 1.5, 1.5)
        elif state & QStyle.StateFlag.State_MouseOver:
            painter.setPen(Qt.PenStyle.NoPen)
            hover = QColor(palette.color(QPalette.ColorRole.Mid))
            hover.setAlpha(60)
            painter.setBrush(hover)
            painter.drawRoundedRect(rect.adjusted(4, 1, -4, -1), 5, 5)

        fm = QFontMetrics(font)
        score = index.data(SCORE_ROLE)
        badge_w = fm.horizontalAdvance("100") + 14
        badge = QRect(rect.right() - badge_w - 10, rect.top() + (rect.height() - fm.height() - 6)
                      // 2, badge_w, fm.height() + 6)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(theme.score_colour(score)))
        painter.drawRoundedRect(badge, badge.height() / 2, badge.height() / 2)
        bold = QFont(font)
        bold.setBold(True)
        painter.setFont(bold)
        painter.setPen(QColor(theme.on_colour()))
        painter.drawText(badge, Qt.AlignmentFlag.AlignCenter, "–" if score is None else str(score))

        text_rect = QRect(rect.left() + 14, rect.top() + 6, badge.left() - rect.left() - 22,
                          fm.height())
        title = str(index.data(Qt.ItemDataRole.DisplayRole))
        status = index.data(STATUS_ROLE)
        if status == "final":
            title = "✓ " + title
        painter.setPen(palette.color(QPalette.ColorRole.Text))
        title_font = bold if selected else font
        painter.setFont(title_font)
        painter.drawText(text_rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                         QFontMetrics(title_font).elidedText(title, Qt.TextElideMode.ElideRight,
                                                             text_rect.width()))
        preview = str(index.data(PREVIEW_ROLE) or "")
        small = QFont(font)
        small.setPointSizeF(font.pointSizeF() * 0.9)
        painter.setFont(small)
        painter.setPen(palette.color(QPalette.ColorRole.PlaceholderText))
        sub = text_rect.translated(0, fm.height() + 2)
        painter.drawText(sub, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                         QFontMetrics(small).elidedText(preview, Qt.TextElideMode.ElideRight,
                                                        sub.width()))
        painter.restore()


class DraftsPanel(QWidget):
    """Find box + grouped list + add/duplicate/delete buttons."""

    draft_selected = Signal(object)  # int | None
    add_requested = Signal()
    duplicate_requested = Signal(int)
    delete_requested = Signal(int)
    reordered = Signal(list)  # list[int]

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Drafts")
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(6)

        self.find_box = QLineEdit()
        self.find_box.setPlaceholderText("Find in drafts (Ctrl+F)")
        self.find_box.setClearButtonEnabled(True)
        self.find_box.setAccessibleName("Find in drafts")
        self.find_box.textChanged.connect(self._filter)
        self.find_box.returnPressed.connect(self._select_first_visible)
        lay.addWidget(self.find_box)

        self.list = _DraftList()
        self.list.setAccessibleName("Draft recommendations, grouped by theme")
        self.list.setItemDelegate(_Delegate(self.list))
        self.list.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.list.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.list.setDragDropOverwriteMode(False)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setMouseTracking(True)
        self.list.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.list.currentItemChanged.connect(self._current_changed)
        self.list.dropped.connect(self.reordered.emit)
        lay.addWidget(self.list, 1)

        # Side by side when they fit, one under the other in a narrow panel at large zoom.
        buttons = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        buttons.setSpacing(4)
        self._buttons = buttons
        self.add_button = self._button("+ New", "Add a draft (Ctrl+Shift+N)")
        self.add_button.clicked.connect(self.add_requested.emit)
        self.dup_button = self._button("Duplicate", "Duplicate the selected draft")
        self.dup_button.clicked.connect(self._dup)
        self.del_button = self._button("Delete", "Delete the selected draft (undo with Ctrl+Z)")
        self.del_button.clicked.connect(self._delete)
        buttons.addWidget(self.add_button, 1)
        buttons.addWidget(self.dup_button)
        buttons.addWidget(self.del_button)
        lay.addLayout(buttons)
        self._fit_buttons()
        self._items: dict[int, QListWidgetItem] = {}
        self._updating = False

    def _button(self, text: str, tip: str) -> QToolButton:
        b = QToolButton()
        b.setText(text)
        b.setToolTip(tip)
        b.setAccessibleName(tip)
        b.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        b.setAutoRaise(False)
        b.setMinimumHeight(28)
        b.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        return b

    def _fit_buttons(self) -> None:
        """Buttons keep their whole label at any zoom ("Duplicate", never "Du…te")."""
        needed = 0
        for b in (self.add_button, self.dup_button, self.del_button):
            b.setMinimumWidth(b.sizeHint().width())
            needed += b.sizeHint().width() + self._buttons.spacing()
        direction = (QBoxLayout.Direction.LeftToRight if needed <= self.width()
                     else QBoxLayout.Direction.TopToBottom)
        if self._buttons.direction() != direction:
            self._buttons.setDirection(direction)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt override)
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._fit_buttons()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt override)
        super().resizeEvent(event)
        self._fit_buttons()

    # -- content ----------------------------------------------------------------------------
    def set_drafts(self, drafts: Iterable[object], current: int | None) -> None:
        """Rebuild the list; drafts are grouped by theme, groups ordered by their top draft."""
        self._updating = True
        self.list.clear()
        self._items.clear()
        groups: dict[str, list[object]] = {}
        for d in sorted(drafts, key=lambda d: d.position):  # type: ignore[attr-defined]
            groups.setdefault(d.theme.strip() or NO_THEME, []).append(d)  # type: ignore[attr-defined]
        for name, members in groups.items():
            header = QListWidgetItem(name)
            header.setData(HEADER_ROLE, True)
            header.setFlags(Qt.ItemFlag.ItemIsEnabled)
            header.setData(Qt.ItemDataRole.AccessibleTextRole, f"Theme: {name}")
            self.list.addItem(header)
            for d in members:
                item = QListWidgetItem()
                item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
                              | Qt.ItemFlag.ItemIsDragEnabled)
                item.setData(ID_ROLE, d.id)  # type: ignore[attr-defined]
                self._fill(item, d.title, d.text, d.score, d.status)  # type: ignore[attr-defined]
                self.list.addItem(item)
                self._items[d.id] = item  # type: ignore[attr-defined]
        self._filter(self.find_box.text())
        if current is not None and current in self._items:
            self.list.setCurrentItem(self._items[current])
        self._updating = False
        self._update_buttons()

    def _fill(self, item: QListWidgetItem, title: str, text: str, score: int | None,
              status: str) -> None:
        shown = draft_title(title, text)
        item.setText(shown)
        preview = " ".join(text.split()[:30]) if title.strip() else ""
        item.setData(PREVIEW_ROLE, preview or ("Empty draft" if not text.strip() else ""))
        item.setData(SCORE_ROLE, score)
        item.setData(STATUS_ROLE, status)
        item.setData(SEARCH_ROLE, f"{title}\n{text[:5000]}".casefold())
        score_text = "not scored" if score is None else f"score {score}"
        item.setData(Qt.ItemDataRole.AccessibleTextRole, f"{shown}, {score_text}")
        item.setToolTip(text[:400])

    def update_draft(self, draft_id: int, *, title: str, text: str, score: int | None,
                     status: str) -> None:
        item = self._items.get(draft_id)
        if item is not None:
            self._fill(item, title, text, score, status)

    def current_id(self) -> int | None:
        item = self.list.currentItem()
        if item is None or item.data(ID_ROLE) is None:
            return None
        return int(item.data(ID_ROLE))

    def select(self, draft_id: int | None) -> None:
        if draft_id is not None and draft_id in self._items:
            self.list.setCurrentItem(self._items[draft_id])

    def draft_ids(self) -> list[int]:
        return self.list.draft_ids()

    # -- internals --------------------------------------------------------------------------
    def _current_changed(self, current: QListWidgetItem | None, _prev: object) -> None:
        self._update_buttons()
        if self._updating:
            return
        if current is not None and current.data(ID_ROLE) is not None:
            self.draft_selected.emit(int(current.data(ID_ROLE)))

    def _update_buttons(self) -> None:
        has = self.current_id() is not None
        self.dup_button.setEnabled(has and self.add_button.isEnabled())
        self.del_button.setEnabled(has and self.add_button.isEnabled())

    def set_editable(self, editable: bool) -> None:
        self.add_button.setEnabled(editable)
        self.list.setDragEnabled(editable)
        self._update_buttons()

    def _dup(self) -> None:
        current = self.current_id()
        if current is not None:
            self.duplicate_requested.emit(current)

    def _delete(self) -> None:
        current = self.current_id()
        if current is not None:
            self.delete_requested.emit(current)

    def _filter(self, text: str) -> None:
        needle = text.strip().casefold()
        header: QListWidgetItem | None = None
        header_visible = False
        for row in range(self.list.count()):
            item = self.list.item(row)
            if item.data(HEADER_ROLE):
                if header is not None:
                    header.setHidden(not header_visible)
                header, header_visible = item, False
                continue
            match = not needle or needle in str(item.data(SEARCH_ROLE))
            item.setHidden(not match)
            header_visible = header_visible or match
        if header is not None:
            header.setHidden(not header_visible)

    def _select_first_visible(self) -> None:
        for row in range(self.list.count()):
            item = self.list.item(row)
            if not item.isHidden() and item.data(ID_ROLE) is not None:
                self.list.setCurrentItem(item)
                return

    def focus_find(self) -> None:
        self.find_box.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.find_box.selectAll()
