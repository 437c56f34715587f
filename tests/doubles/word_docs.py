"""Word documents built for tests (python-docx), in our own words."""

from __future__ import annotations

from pathlib import Path

import docx

SHORT = "Adopt a law on access to information by 2027."


def with_a_long_numbered_paragraph(path: Path) -> Path:
    """Two numbered paragraphs: a recommendation, then 4,100 characters of report text."""
    document = docx.Document()
    document.add_paragraph(f"1. {SHORT}")
    document.add_paragraph("2. " + "Publish the audited accounts every year. " * 100)
    document.save(str(path))
    return path
