"""Evidence imports under hostile input: specific messages, bounded work, nothing half-written."""

from __future__ import annotations

from pathlib import Path

import pytest
from corpus import build

from app.cli import main
from app.evidence.importers import EvidenceImportError, prepare_import
from app.evidence.importers.report import split_lines


@pytest.fixture(scope="module")
def imports(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("imports")
    build(root, ("import",))
    return root / "import"


def refused(path: Path, **kwargs: object) -> str:
    with pytest.raises(EvidenceImportError) as info:
        prepare_import(path, **kwargs)  # type: ignore[arg-type]
    return str(info.value)


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("shift-jis.csv", "looks like Shift-JIS text; re-save it as UTF-8 or pass --encoding"),
        ("deep.json", "nested more than 32 levels deep"),
        ("deep.jsonl", "nested more than 32 levels deep"),
        ("nan.json", "NaN is not a number SMARTrec accepts"),
        ("big-number.json", "the number 1e999 is too large"),
        ("lying-zip.docx", "'word/document.xml' inside the file is damaged (Bad CRC-32"),
        ("huge-startxref.pdf", "'huge-startxref.pdf' is damaged or not a PDF"),
        ("zip-version.xlsx", "is damaged or not a real Office file (zip file version 15.3)"),
    ],
)
def test_whole_file_refusals(imports: Path, name: str, message: str) -> None:
    assert message in refused(imports / name)


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("inf-year.csv", "year 'inf' is not a whole number"),
        ("big-exponent.csv", "year '1e999' is not a whole number"),
        ("twenty-digit-year.csv", "year 100000000000000000000 is outside 1945-2100"),
    ],
)
def test_out_of_range_numbers_are_row_errors(imports: Path, name: str, reason: str) -> None:
    preview = prepare_import(imports / name)
    assert preview.items == []
    assert [str(e) for e in preview.errors] == [f"line 2: {reason}"]


def test_utf16_csv_is_read_with_its_columns(imports: Path) -> None:
    preview = prepare_import(imports / "utf16.csv")
    assert preview.encoding == "utf-16"
    assert preview.columns == ["Text", "Country", "Year", "Organisation"]
    assert preview.items[0][1].year == 2021 and preview.errors == []


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ("year=abc", "--set year=abc: year 'abc' is not a number."),
        ("year=1e999", "--set year=1e999: year '1e999' is not a whole number."),
        ("session=99999", "--set session=99999: session 99999 is outside 1-300."),
        ("cycle=inf", "--set cycle=inf: cycle 'inf' is not a whole number."),
    ],
)
def test_bad_set_values_refuse_the_import(
    imports: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], setting: str, message: str
) -> None:
    library = tmp_path / "lib.smartlib"
    code = main(["evidence", "import", str(imports / "utf16.csv"), "--library", str(library),
                 "--set", setting])
    err = capsys.readouterr().err
    assert code == 2
    assert err.strip().endswith(message)
    assert not library.exists()


def test_report_splitting_keeps_every_paragraph() -> None:
    lines: list[tuple[int | None, str]] = [(1, "Recommendations"), (1, "")]
    for n in range(1, 999):
        lines += [(1, f"{n}. The authorities should publish the results"), (1, "of station"),
                  (1, f"number {n}."), (1, "")]
    entries = split_lines(lines)
    assert len(entries) == 998
    assert entries[-1].text == "The authorities should publish the results of station number 998."


def test_an_annex_of_unfinished_paragraphs_joins_into_one_bounded_item() -> None:
    lines: list[tuple[int | None, str]] = [
        (1, "Recommendations"), (1, ""), (1, "1. The authorities should publish results")]
    for n in range(3000):  # took 36 s at 4,000 before: every blank line re-joined the item
        lines += [(1, f"annex row {n}"), (1, "")]
    (entry,) = split_lines(lines)
    assert entry.text.startswith("The authorities should publish results annex row 0 annex")
    assert len(entry.text) == 3000  # MAX_ITEM_CHARS
