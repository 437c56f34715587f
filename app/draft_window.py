"""The part of a very long draft that the editor's live check looks at.

`smartrec check` refuses a draft over `MAX_DRAFT_CHARS`; the editor cannot refuse what was pasted
into it, and checking 5 MB on every keystroke would freeze typing. So above the limit the live
check takes a window: the paragraph at the cursor, or when that paragraph alone is too long, the
sentences around the cursor, at most `LIVE_WINDOW_CHARS` characters. Only that part is copied
out of the editor and checked; the editor places the findings at the window's start. Qt-free:
the GUI calls it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from app.bounds import MAX_DRAFT_CHARS

#: Characters the live check reads of a draft over the limit (about 5 ms of checking; a
#: recommendation is a paragraph of a few hundred characters).
LIVE_WINDOW_CHARS = 5_000
#: Longest paragraph the editor takes: Qt lays a paragraph out again on every keystroke, about
#: 0.2 ms per 1,000 characters (20 ms at this length, 2 s for a 5 MB line).
MAX_EDITOR_PARAGRAPH_CHARS = 100_000
#: Longest draft the editor takes (a 5 MB paste saves in about 70 ms; this is twice that).
MAX_EDITOR_CHARS = 10_000_000
_LINE_BREAK = re.compile(r"\r\n|[\n\r\u2029\u2028]")
_SENTENCE_END = re.compile(r"[.!?;][\"'”’)\]]*\s+")


@dataclass(frozen=True)
class DraftWindow:
    """Characters [start, end) of a draft of `total` characters (in the editor: document
    positions); `whole_paragraph` tells whether it is the cursor's paragraph or a cut of it."""

    start: int
    end: int
    total: int
    whole_paragraph: bool

    def contains(self, offset: int) -> bool:
        return self.start <= offset <= self.end

    def describe(self) -> str:
        """One sentence for the scorecard: why only part was checked, and which part."""
        where = "the paragraph at the cursor" if self.whole_paragraph else (
            "the sentences around the cursor")
        return (f"This draft is too long to check whole ({self.total:,} characters; drafts are "
                f"checked whole up to {MAX_DRAFT_CHARS:,}). Checked: {where}, characters "
                f"{self.start + 1:,}–{self.end:,}. Everything you type is still saved; split "
                "the text into separate drafts to check all of it.")

    def short(self) -> str:
        """For the status bar."""
        return f"Checked characters {self.start + 1:,}–{self.end:,} of {self.total:,}"


def paste_problem(pasted: str, before: int, after: int, length: int) -> str | None:
    """Why `pasted` cannot go into the editor, or None. `before`/`after` are the characters of
    the cursor's paragraph on either side of the paste (they join its first and last lines);
    `length` is the draft's length without the selection being replaced."""
    if length + len(pasted) > MAX_EDITOR_CHARS:
        return (f"Not pasted: the draft would have {length + len(pasted):,} characters, and the "
                f"editor takes up to {MAX_EDITOR_CHARS:,}. A recommendation is a paragraph; "
                "paste the part you are drafting.")
    lines = _LINE_BREAK.split(pasted)
    lengths = [len(line) for line in lines]
    lengths[0] += before
    lengths[-1] += after
    longest = max(lengths)
    if longest > MAX_EDITOR_PARAGRAPH_CHARS:
        return (f"Not pasted: it would make a paragraph of {longest:,} characters without a line "
                f"break, and the editor takes paragraphs of up to "
                f"{MAX_EDITOR_PARAGRAPH_CHARS:,} (longer ones make typing slow). Split the text "
                "into paragraphs first; the draft was left as it was.")
    return None


def window_around(text: str, cursor: int, limit: int = LIVE_WINDOW_CHARS) -> DraftWindow:
    """The paragraph holding `cursor`, or at most `limit` characters of it around the cursor,
    cut at sentence ends where there are any. Linear in `limit`, not in the text."""
    total = len(text)
    cursor = max(0, min(cursor, total))
    start = text.rfind("\n", max(0, cursor - limit), cursor) + 1 if cursor else 0
    end = text.find("\n", cursor, min(total, cursor + limit))
    found_start = start > 0 or cursor <= limit
    found_end = end != -1 or cursor + limit >= total
    if end == -1:
        end = min(total, cursor + limit)
    if found_start and found_end and end - start <= limit:
        return DraftWindow(start, end, total, whole_paragraph=True)
    # The paragraph is longer than the window: centre on the cursor, then cut at sentences.
    lo = max(start if found_start else 0, cursor - limit // 2)
    hi = min(total, lo + limit)
    lo = max(0, min(lo, hi - limit))
    piece = text[lo:hi]
    first = _SENTENCE_END.search(piece, 0, max(1, (cursor - lo) // 2)) if lo > 0 else None
    cut_lo = lo + first.end() if first is not None else lo
    ends = list(_SENTENCE_END.finditer(piece, (cursor - lo + len(piece)) // 2)) if hi < total \
        else []
    cut_hi = lo + ends[-1].end() if ends else hi
    return DraftWindow(cut_lo, max(cut_lo, cut_hi), total, whole_paragraph=False)
