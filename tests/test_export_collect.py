"""`collect()` from a real project file, and the `smartrec export` command."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import docx
import pytest

from app.cli import main
from app.core.engine import load_checker
from app.export import collect
from app.export.model import Footnote
from app.storage.models import ProjectMeta
from app.storage.project import Project

ROOT = Path(__file__).resolve().parent.parent
GOOD = "Adopt by December 2027 a law that guarantees free legal aid to every detainee."
VAGUE = "Ensure free and fair elections."


@pytest.fixture()
def project_file(tmp_path: Path) -> Path:
    path = tmp_path / "kenya.smartrec"
    meta = ProjectMeta(state_under_review="Україна", cycle="4", session="47",
                       recommending_state="中国")
    with Project.create(path, meta) as project:
        project.add_draft(text=GOOD, theme="Administration of justice")
        project.add_draft(text="   ", theme="Empty drafts are skipped")
        project.add_draft(text=VAGUE, theme="Elections", title="polls")
        third = project.add_draft(text="Ratify the Optional Protocol by 2026.",
                                  theme="Administration of justice")
        project.update_draft(third.id, status="final")
    return path


def test_collect_reads_drafts_in_project_order(project_file: Path) -> None:
    with Project.open(project_file, read_only=True) as project:
        data = collect(project, None)
    assert data.meta.state_under_review == "Україна"
    assert data.meta.recommending_state == "中国" and data.meta.project_name == "kenya"
    assert [d.text for d in data.drafts] == [GOOD, VAGUE, "Ratify the Optional Protocol by 2026."]
    assert [d.priority for d in data.drafts] == [1, 2, 3]
    assert data.drafts[1].title == "polls" and data.drafts[2].status == "final"
    assert all(d.smart_score is None and not d.smart_status for d in data.drafts)
    # the fact sheet takes final drafts first, then priority order
    assert [d.priority for d in data.priorities(2)] == [3, 1]


def test_collect_checks_each_draft(project_file: Path) -> None:
    checker = load_checker(user_rules=False)
    with Project.open(project_file, read_only=True) as project:
        data = collect(project, checker)
    for draft in data.drafts:
        expected = checker.check(draft.text)
        assert draft.smart_score == expected.smart_score
        assert draft.action_category == expected.action_category.category
        assert list(draft.smart_status) == [
            d for d in ("specific", "measurable", "attainable", "relevant", "time_bound",
                        "jargon", "tone") if d in draft.smart_status
        ]


def test_collect_uses_an_evidence_lister(project_file: Path) -> None:
    calls: list[int] = []

    def lister(project: object, draft_id: int) -> list[object]:
        calls.append(draft_id)
        return [
            {"kind": "finding", "source": "OHCHR", "document": "A/HRC/WG.6/47/UKR/2",
             "paragraph": 12, "text": "Detention conditions remain poor."},
            Footnote("Pledge 2023", "We will adopt the law.", "commitment"),
            {"kind": "recommendation", "label": "Brazil, 121.4", "response": "noted"},
        ]

    with Project.open(project_file, read_only=True) as project:
        data = collect(project, None, evidence_lister=lister)
    assert len(calls) == 3
    notes = data.drafts[0].footnotes
    assert notes[0] == Footnote("OHCHR, A/HRC/WG.6/47/UKR/2, para. 12",
                                "Detention conditions remain poor.", "finding")
    assert notes[1].kind == "commitment"
    assert notes[2].kind == "precedent" and notes[2].response == "noted"


def test_cli_exports_docx(project_file: Path, tmp_path: Path,
                          capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "list.docx"
    code = main(["export", str(project_file), "--format", "docx", "--out", str(out)])
    stdout, stderr = capsys.readouterr()
    assert code == 0, stderr
    assert "3 recommendations" in stdout
    doc = docx.Document(str(out))
    assert doc.paragraphs[0].text == "Recommendations to Україна"
    assert [p.text for p in doc.paragraphs if p.style.name == "Heading 1"] == [
        "Administration of justice", "Elections"]


def test_cli_infers_the_format_and_writes_json(project_file: Path, tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "drafts.json"
    assert main(["export", str(project_file), "--out", str(out), "--document", "annex"]) == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    assert len(data["drafts"]) == 3 and data["drafts"][0]["smart_score"] is not None


def test_cli_empty_project_is_a_clear_error(tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "empty.smartrec"
    Project.create(path, ProjectMeta(state_under_review="Chile")).close()
    code = main(["export", str(path), "--out", str(tmp_path / "x.docx")])
    _, err = capsys.readouterr()
    assert code == 1
    assert "no recommendations" in err and not (tmp_path / "x.docx").exists()


def test_cli_bad_inputs(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                        project_file: Path) -> None:
    assert main(["export", str(tmp_path / "missing.smartrec")]) == 2
    assert main(["export", str(project_file), "--out", str(tmp_path / "x.rtf")]) == 2
    assert main(["export", str(project_file), "--out", str(tmp_path / "no" / "x.md")]) == 1
    err = capsys.readouterr().err
    assert "cannot tell the format" in err and "does not exist" in err


def test_cli_works_while_the_project_is_open_elsewhere(project_file: Path, tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    with Project.open(project_file):  # the desktop app holds the write lock
        code = main(["export", str(project_file), "--out", str(tmp_path / "x.md")])
    assert code == 0, capsys.readouterr().err


def test_cli_pdf_runs_headless(project_file: Path, tmp_path: Path) -> None:
    """PDF needs Qt; the CLI creates an offscreen application itself (own process: no qapp)."""
    out = tmp_path / "sheet.pdf"
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.pop("QT_QPA_PLATFORM", None)
    done = subprocess.run(
        [sys.executable, "-m", "app", "export", str(project_file), "--format", "pdf",
         "--document", "factsheet", "--out", str(out), "--no-check"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert out.read_bytes().startswith(b"%PDF")
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".~")] == []


def test_linked_evidence_becomes_footnotes(tmp_path: Path) -> None:
    store = pytest.importorskip("app.evidence.store")
    path = tmp_path / "ev.smartrec"
    with Project.create(path, ProjectMeta(state_under_review="Kenya")) as project:
        draft = project.add_draft(text=GOOD, theme="Justice")
        conn = project.connection
        finding = store.add_item(conn, store.EvidenceItem(
            kind="finding", text="Detainees wait years for trial.", organisation="OHCHR",
            country="Kenya", year=2024, report_title="Compilation report", paragraph="12"))
        precedent = store.add_item(conn, store.EvidenceItem(
            kind="precedent", text="Provide legal aid.", country="Kenya",
            recommending_state="Brazil", cycle="3", reference="A/HRC/44/9 para. 142.3",
            response="supported"))
        rows = [(draft.id, finding, None, "finding", "copied label", "copied text"),
                (draft.id, precedent, None, "precedent", "x", "y"),
                (draft.id, 99, "/elsewhere/lib.smartlib", "commitment", "ICCPR art. 14",
                 "Everyone charged shall be tried without undue delay.")]
        conn.executemany(
            "INSERT INTO evidence_links (draft_id, evidence_id, library, kind, label, text) "
            "VALUES (?, ?, ?, ?, ?, ?)", rows)
    with Project.open(path, read_only=True) as project:
        data = collect(project, None)
    notes = data.drafts[0].footnotes
    assert notes[0] == Footnote("OHCHR Kenya 2024, Compilation report, para. 12",
                                "Detainees wait years for trial.", "finding")
    assert notes[1] == Footnote("Brazil, UPR cycle 3, A/HRC/44/9 para. 142.3",
                                "Provide legal aid.", "precedent", "supported")
    assert notes[2] == Footnote("ICCPR art. 14",
                                "Everyone charged shall be tried without undue delay.",
                                "commitment")


def test_evidence_items_from_a_links_api_become_footnotes() -> None:
    store = pytest.importorskip("app.evidence.store")
    from app.export.model import _to_footnote

    item = store.EvidenceItem(kind="commitment", text="Shall be tried promptly.",
                              instrument="ICCPR", article="art. 9(3)", binding="ratified")
    assert _to_footnote(item) == Footnote("ICCPR art. 9(3) (ratified)",
                                          "Shall be tried promptly.", "commitment")
