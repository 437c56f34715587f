"""Observation final reports: splitting, DOCX/PDF reading, and hostile files refused.

All documents are generated here from our own sample wording.
"""

from __future__ import annotations

import io
import sqlite3
import zipfile
from pathlib import Path

import pytest

from app.evidence.importers import EvidenceImportError, prepare_import, save_preview
from app.evidence.importers.report import prepare_report
from app.evidence.schema import ensure_schema
from app.evidence.store import count_items

REPORT_TEXT = """FINAL REPORT (SAMPLE)
Utopia, general elections 2021

1. The election board was appointed late, which shortened preparations.
2. Voter lists were displayed for only five days, too short for
corrections to be made.
3. Several rallies were dispersed by the police.

\fRECOMMENDATIONS

1. Appoint the members of the election board at least a year before
election day (see para. 1).
2. Extend the public display of voter lists to at least three weeks,
in line with paragraph 2.
3. Publish polling-station results within 48 hours.

ANNEX
Some closing words that are not a recommendation.
"""

DOCX_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="xml" ContentType="application/xml"/></Types>'
)
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _para(text: str, numbered: bool = False) -> str:
    num = ('<w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="3"/></w:numPr></w:pPr>'
           if numbered else "")
    return f"<w:p>{num}<w:r><w:t>{text}</w:t></w:r></w:p>"


def _docx(path: Path, body: str, *, prolog: str = "") -> Path:
    xml = (f'<?xml version="1.0" encoding="UTF-8"?>{prolog}'
           f'<w:document xmlns:w="{W_NS}"><w:body>{body}</w:body></w:document>')
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", DOCX_CONTENT_TYPES)
        zf.writestr("word/document.xml", xml)
    return path


def _pdf(path: Path, page_texts: list[str | None]) -> Path:
    """A minimal valid PDF; None makes a page without any text (like a scan)."""
    objects: list[bytes] = []
    kids = []
    font_id = 3 + 2 * len(page_texts)
    for index, text in enumerate(page_texts):
        page_id, content_id = 3 + 2 * index, 4 + 2 * index
        kids.append(f"{page_id} 0 R")
        if text is None:
            stream = b"0 0 0 rg 10 10 100 100 re f"
        else:
            lines = [ln.replace("(", r"\(").replace(")", r"\)") for ln in text.splitlines()]
            ops = "BT /F1 10 Tf 14 TL 40 800 Td " + " ".join(f"({ln}) Tj T*" for ln in lines)
            stream = (ops + " ET").encode("latin-1")
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents {content_id} 0 R "
            f"/Resources << /Font << /F1 {font_id} 0 R >> >> >>".encode())
        objects.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
    head = [b"<< /Type /Catalog /Pages 2 0 R >>",
            f"<< /Type /Pages /Kids [{' '.join(kids)}] /Count {len(kids)} >>".encode()]
    objects = head + objects + [b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for off in offsets:
        out.write(f"{off:010d} 00000 n \n".encode())
    out.write(f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n"
              .encode())
    path.write_bytes(out.getvalue())
    return path


def test_text_report_is_split_into_recommendations_and_cited_findings(tmp_path: Path) -> None:
    path = tmp_path / "report.txt"
    path.write_text(REPORT_TEXT, encoding="utf-8")
    preview = prepare_report(path, organisation="Sample EOM", country="Utopia", year=2021)
    recs = [it for _, it in preview.items if it.item_type == "recommendation"]
    finds = [it for _, it in preview.items if it.item_type == "finding"]
    assert [r.paragraph for r in recs] == ["rec. 1", "rec. 2", "rec. 3"]
    assert recs[0].text == ("Appoint the members of the election board at least a year before "
                            "election day (see para. 1).")
    assert recs[0].reference == "cites para. 1" and recs[1].reference == "cites para. 2"
    assert "ANNEX" not in recs[2].text and "closing" not in recs[2].text
    assert recs[0].page == "2"  # after the form feed
    assert [f.paragraph for f in finds] == ["1", "2"]  # only the cited ones
    assert finds[1].text.endswith("too short for corrections to be made.")
    assert recs[0].label() == "Sample EOM Utopia 2021, rec. 1, p. 2"
    conn = sqlite3.connect(":memory:", isolation_level=None)
    ensure_schema(conn, project=False)
    # The user unticks the second recommendation in the review step.
    result = save_preview(conn, preview, selected=[0, 2, 3, 4])
    assert result.written == 4 and count_items(conn) == 4


def test_report_without_numbered_recommendations_says_so(tmp_path: Path) -> None:
    path = tmp_path / "prose.txt"
    path.write_text("The election went well.\nNothing else to add.\n", encoding="utf-8")
    with pytest.raises(EvidenceImportError, match="No numbered recommendations"):
        prepare_import(path)


def test_docx_report_with_automatic_numbering(tmp_path: Path) -> None:
    body = (_para("Findings") + _para("Observers saw long queues.")
            + _para("Recommendations")
            + _para("Open more polling stations in cities.", numbered=True)
            + _para("Train polling staff on assisted voting.", numbered=True))
    path = _docx(tmp_path / "r.docx", body)
    preview = prepare_import(path, defaults={"organisation": "Sample EOM"})
    assert preview.format == "eom-docx"
    assert [(it.paragraph, it.text) for _, it in preview.items] == [
        ("rec. 1", "Open more polling stations in cities."),
        ("rec. 2", "Train polling staff on assisted voting."),
    ]


def test_docx_with_external_entity_is_refused(tmp_path: Path) -> None:
    prolog = '<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    path = _docx(tmp_path / "xxe.docx", _para("Recommendations") + _para("1. &xxe;"),
                 prolog=prolog)
    with pytest.raises(EvidenceImportError, match="DTD or entities"):
        prepare_import(path)


def test_docx_billion_laughs_is_refused(tmp_path: Path) -> None:
    prolog = ('<!DOCTYPE w:document [<!ENTITY a "aaaaaaaaaa">'
              '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>')
    path = _docx(tmp_path / "lol.docx", _para("1. &b;"), prolog=prolog)
    with pytest.raises(EvidenceImportError, match="refused"):
        prepare_import(path)


def test_docx_zip_bomb_is_refused_quickly(tmp_path: Path) -> None:
    path = tmp_path / "bomb.docx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", DOCX_CONTENT_TYPES)
        zf.writestr("word/document.xml", b"<" + b" " * (30 * 1024 * 1024) + b">")
    assert path.stat().st_size < 1024 * 1024
    with pytest.raises(EvidenceImportError, match="zip bomb"):
        prepare_import(path)


def test_docx_that_is_not_a_zip(tmp_path: Path) -> None:
    path = tmp_path / "fake.docx"
    path.write_text("I am not a Word file", encoding="utf-8")
    with pytest.raises(EvidenceImportError, match="damaged or not a real Office file"):
        prepare_import(path)


def test_pdf_without_text_layer_needs_ocr(tmp_path: Path) -> None:
    path = _pdf(tmp_path / "scan.pdf", [None, None])
    with pytest.raises(EvidenceImportError, match=r"no text layer.*OCR"):
        prepare_import(path)


def test_pdf_with_text_is_split_with_page_numbers(tmp_path: Path) -> None:
    path = _pdf(tmp_path / "report.pdf", [
        "Summary of the observation.\nThe count was orderly.",
        "RECOMMENDATIONS\n1. Publish the results of every polling station.\n"
        "2. Give observers access to the tabulation centres.",
    ])
    preview = prepare_import(path, defaults={"organisation": "Sample EOM", "year": "2020"})
    assert preview.format == "eom-pdf"
    assert [(it.paragraph, it.page) for _, it in preview.items] == [("rec. 1", "2"),
                                                                     ("rec. 2", "2")]
    assert preview.items[0][1].year == 2020


def test_damaged_pdf(tmp_path: Path) -> None:
    path = tmp_path / "broken.pdf"
    path.write_bytes(b"%PDF-1.4\nthis is not really a pdf")
    with pytest.raises(EvidenceImportError):
        prepare_import(path)
