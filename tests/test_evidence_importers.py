"""Table importers: encodings, bad rows by line, atomic saves, recognised exports, limits.

Every fixture is written here, in our own words; nothing comes from ../shared.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from pathlib import Path

import pytest

from app.evidence import importers
from app.evidence.importers import (
    EvidenceImportError,
    detect_encoding,
    import_file,
    prepare_import,
    save_preview,
)
from app.evidence.importers import base as import_base
from app.evidence.schema import ensure_schema
from app.evidence.store import EvidenceItem, count_items

FINDINGS_CSV = (
    "organisation,country,year,paragraph,text,follow-up\n"
    "EU EOM,Kenya,2022,12,“Late funding” delayed the commission’s voter education,partially\n"
    "Carter Center,Kenya,2017,7,Café owners near polling stations were told to close,unknown\n"
)

UPR_INFO_CSV = (
    "row_id,To,To-Rgrp,To-Org,Text,From,From-Rgrp,From-Org,Response,Action,Issue,Session,Cycle\n"
    '1,Utopia,WEOG,,"Adopt a law on the independence of the election board, by 2030.",Arcadia,'
    'WEOG,,Accepted,5,"Elections,Justice",3,1\n'
    "2,Utopia,WEOG,,Consider inviting observers to local polls.,Erewhon,GRULAC,,Noted,3,"
    "Elections,3,1\n"
)

UHRI_CSV = (
    "cycle,session,sur,rec_id,text,recommending_states,position,source_of_position,themes,sdgs,"
    "affected\n"
    '3,40,Utopia,12.5,"Guarantee equal media access for all candidates (Arcadia);",Arcadia,'
    "Supported,A/HRC/00/1,B1 Elections | D43 Freedom of opinion,,general\n"
)


def _conn() -> sqlite3.Connection:
    conn = sqlite3.connect(":memory:", isolation_level=None)
    ensure_schema(conn, project=False)
    return conn


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252", "mac_roman"])
def test_each_encoding_is_detected_and_decoded(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / f"findings-{encoding}.csv"
    path.write_bytes(FINDINGS_CSV.encode(encoding))
    preview = prepare_import(path)
    assert preview.encoding == encoding
    assert not preview.errors
    texts = [item.text for _, item in preview.items]
    assert texts[0].startswith("“Late funding” delayed the commission’s")
    assert texts[1].startswith("Café owners")
    first = preview.items[0][1]
    assert (first.kind, first.organisation, first.year, first.follow_up) == (
        "finding", "EU EOM", 2022, "partially implemented")


def test_detect_encoding_prefers_utf8_and_bom() -> None:
    assert detect_encoding(b"plain ascii") == "utf-8"
    assert detect_encoding("é".encode()) == "utf-8"
    assert detect_encoding(b"\xef\xbb\xbfx") == "utf-8-sig"
    assert detect_encoding("don’t “quote”".encode("cp1252")) == "cp1252"
    assert detect_encoding("don’t “quote” café".encode("mac_roman")) == "mac_roman"


def test_user_chosen_wrong_encoding_is_reported_with_line(tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    path.write_bytes(("text\nok\ncafé\n").encode("cp1252"))
    with pytest.raises(EvidenceImportError, match=r"not valid UTF-8 \(line 3"):
        prepare_import(path, encoding="utf-8")
    assert prepare_import(path, encoding="cp1252").items[1][1].text == "café"


def test_bad_rows_are_reported_by_line_and_good_rows_kept(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(
        "organisation,country,text,follow-up,year\n"           # 1
        "EU EOM,Kenya,Good row one,fully,2022\n"                 # 2
        'EU EOM,Kenya,"Broken "quote" here,fully,2022\n'         # 3 broken quoting
        "EU EOM,Kenya,Good row two,unknown,2022\n"               # 4
        "EU EOM,Kenya,,fully,2022\n"                             # 5 empty text
        "EU EOM,Kenya,Too many,fully,2022,extra\n"               # 6 extra column
        "EU EOM,Kenya,Bad status,finished,2022\n"                # 7 bad vocabulary
        "EU EOM,Kenya,Bad year,fully,soon\n"                     # 8 bad number
        '"EU EOM,Kenya,unclosed quote swallows,fully,2022\n'     # 9 unclosed quote
        "EU EOM,Kenya,Good row three,fully,2022\n",              # 10
        encoding="utf-8",
    )
    preview = prepare_import(path)
    lines = {e.line: e.reason for e in preview.errors}
    assert sorted(lines) == [3, 5, 6, 7, 8, 9]
    assert "quot" in lines[3] and "empty" in lines[5] and "columns" in lines[6]
    assert "finished" in lines[7] and "soon" in lines[8]
    assert [n for n, _ in preview.items] == [2, 4, 10]
    assert str(preview.errors[0]).startswith("line 3:")
    conn = _conn()
    result = save_preview(conn, preview)
    assert result.written == 3 and count_items(conn) == 3


def test_strict_mode_writes_nothing_when_a_row_is_bad(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("text,response\nfine,noted\nwrong,maybe\n", encoding="utf-8")
    conn = _conn()
    with pytest.raises(EvidenceImportError, match="strict"):
        import_file(conn, path, kind="precedent", strict=True)
    assert count_items(conn) == 0


def test_a_failure_mid_save_rolls_everything_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "f.csv"
    path.write_text(FINDINGS_CSV, encoding="utf-8")
    conn = _conn()
    import_file(conn, path)  # two items already in
    real_insert = import_base.insert_items

    def failing(c: sqlite3.Connection, items: Iterable[EvidenceItem],
                import_id: int | None = None) -> int:
        real_insert(c, list(items)[:1], import_id=import_id)  # half written …
        raise sqlite3.OperationalError("disk I/O error")  # … then the disk fails

    monkeypatch.setattr(import_base, "insert_items", failing)
    with pytest.raises(EvidenceImportError, match="Nothing was imported"):
        import_file(conn, path)
    assert count_items(conn) == 2
    assert conn.execute("SELECT count(*) FROM evidence_imports").fetchone()[0] == 1
    assert not conn.in_transaction


def test_upr_info_export_is_recognised(tmp_path: Path) -> None:
    path = tmp_path / "upr.csv"
    path.write_text(UPR_INFO_CSV, encoding="utf-8")
    preview = prepare_import(path)
    assert preview.format == "upr-info" and preview.kind == "precedent"
    item = preview.items[0][1]
    assert (item.country, item.recommending_state, item.response, item.action_category) == (
        "Utopia", "Arcadia", "supported", 5)
    assert item.issue_list() == ["Elections", "Justice"]
    assert (item.session, item.cycle, item.reference) == ("3", "1", "1")
    assert preview.items[1][1].response == "noted"


def test_uhri_export_is_recognised(tmp_path: Path) -> None:
    path = tmp_path / "uhri.csv"
    path.write_text(UHRI_CSV, encoding="utf-8")
    preview = prepare_import(path)
    assert preview.format == "uhri"
    item = preview.items[0][1]
    assert item.issue_list() == ["B1 Elections", "D43 Freedom of opinion"]
    assert (item.country, item.response, item.reference) == ("Utopia", "supported", "12.5")


def test_column_mapping_and_defaults(tmp_path: Path) -> None:
    path = tmp_path / "odd.csv"
    path.write_text("Observation;Mission body;Where\nQueues were long;ODIHR;Utopia\n",
                    encoding="utf-8")
    with pytest.raises(EvidenceImportError, match="text=COLUMN"):
        prepare_import(path)
    preview = prepare_import(
        path, kind="finding",
        column_map={"text": "Observation", "organisation": "Mission body", "country": "Where"},
        defaults={"year": "2021"})
    item = preview.items[0][1]
    assert (item.text, item.organisation, item.country, item.year) == (
        "Queues were long", "ODIHR", "Utopia", 2021)
    with pytest.raises(EvidenceImportError, match="not in the file"):
        prepare_import(path, column_map={"text": "Nope"})
    with pytest.raises(EvidenceImportError, match="Unknown field"):
        prepare_import(path, column_map={"colour": "Where"})


def test_json_import_with_record_numbers(tmp_path: Path) -> None:
    path = tmp_path / "c.json"
    path.write_text(json.dumps({"items": [
        {"instrument": "ICCPR", "article": "art. 25", "text": "Vote and be elected.",
         "binding": "ratified"},
        {"instrument": "ICCPR", "text": ""},
        "not an object",
    ]}), encoding="utf-8")
    preview = prepare_import(path, kind="commitment")
    assert preview.format == "json"
    assert [str(e) for e in preview.errors] == [
        "record 2: the text is empty", "record 3: expected an object, found str"]
    assert preview.items[0][1].label() == "ICCPR art. 25 (ratified)"
    bad = tmp_path / "bad.json"
    bad.write_text('[{"text": "a"},\n{"text": }]', encoding="utf-8")
    with pytest.raises(EvidenceImportError, match="line 2"):
        prepare_import(bad)


def test_xlsx_import(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Organisation", "Country", "Text", "Year"])
    ws.append(["AU EOM", "Utopia", "Voter lists were published late.", 2019])
    ws.append(["AU EOM", "Utopia", None, 2019])
    ws.append([None, None, None, None])
    ws.append(["AU EOM", "Utopia", "Counting was transparent.", "2019"])
    path = tmp_path / "f.xlsx"
    wb.save(path)
    preview = prepare_import(path)
    assert preview.format == "xlsx"
    assert [n for n, _ in preview.items] == [2, 5]
    assert [str(e) for e in preview.errors] == ["row 3: the text is empty"]
    assert preview.items[0][1].year == 2019


def test_huge_file_is_refused_at_once(tmp_path: Path) -> None:
    path = tmp_path / "huge.csv"
    with path.open("wb") as fh:  # sparse: 200 MB on paper, nothing on disk
        fh.truncate(200 * 1024 * 1024)
    with pytest.raises(EvidenceImportError, match="200 MB; the import limit is 100 MB"):
        prepare_import(path)


def test_empty_and_missing_files(tmp_path: Path) -> None:
    empty = tmp_path / "e.csv"
    empty.write_bytes(b"")
    with pytest.raises(EvidenceImportError, match="empty"):
        prepare_import(empty)
    with pytest.raises(EvidenceImportError, match="does not exist"):
        prepare_import(tmp_path / "missing.csv")


def test_import_into_a_project_uses_its_transaction(tmp_path: Path) -> None:
    from app.storage.models import ProjectMeta
    from app.storage.project import Project

    project = Project.create(tmp_path / "p.smartrec", ProjectMeta(state_under_review="Utopia"))
    path = tmp_path / "upr.csv"
    path.write_text(UPR_INFO_CSV, encoding="utf-8")
    _, result = importers.import_file(project, path)
    assert result.written == 2
    project.close()
    project = Project.open(tmp_path / "p.smartrec")
    assert count_items(project.connection, "precedent") == 2
    project.close()


@pytest.mark.parametrize("sep", [",", ";", "\t"])
def test_separator_comes_from_the_header(tmp_path: Path, sep: str) -> None:
    path = tmp_path / "f.csv"
    path.write_text(f"text{sep}country\n\"Late; slow, and partial\"{sep}Utopia\n",
                    encoding="utf-8")
    item = prepare_import(path).items[0][1]
    assert (item.text, item.country) == ("Late; slow, and partial", "Utopia")


def test_bad_defaults_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "r.txt"
    path.write_text("RECOMMENDATIONS\n1. Publish results.\n", encoding="utf-8")
    with pytest.raises(EvidenceImportError, match="not a number"):
        prepare_import(path, defaults={"year": "last year"})
    with pytest.raises(EvidenceImportError, match="Unknown field 'colour'"):
        prepare_import(path, defaults={"colour": "red"})
