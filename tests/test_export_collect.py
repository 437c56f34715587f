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
from app.evidence import store
from app.evidence.links import link
from app.export import collect
from app.export.model import Footnote, footnote_from_item
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
    # nothing is grounded in evidence: the fact sheet shows one draft, never padding
    assert len(data.priorities(2)) == 1


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


def test_commitment_and_observer_citations() -> None:
    item = store.EvidenceItem(kind="commitment", text="Shall be tried promptly.",
                              instrument="ICCPR", article="art. 9(3)", binding="ratified")
    assert footnote_from_item(item) == Footnote("ICCPR art. 9(3) (ratified)",
                                                "Shall be tried promptly.", "commitment")


@pytest.mark.parametrize(("organisation", "mission", "who"), [
    ("EU EOM", "EU Election Observation Mission to Kenya", "EU Election Observation Mission "
     "to Kenya 2022"),
    ("Commonwealth Observer Group", "Commonwealth Observer Group, Kenya",
     "Commonwealth Observer Group, Kenya 2022"),
    ("The Carter Center", "Kenya electoral expert mission",
     "The Carter Center Kenya electoral expert mission 2022"),
])
def test_observer_citation_names_the_organisation_once(organisation: str, mission: str,
                                                        who: str) -> None:
    item = store.EvidenceItem(kind="finding", text="Results forms were not published.",
                              organisation=organisation, mission=mission, country="Kenya",
                              year=2022, report_title="Final report", paragraph="4")
    assert footnote_from_item(item).label == f"{who}, Final report, para. 4"


def test_fact_sheet_picks_grounded_drafts_that_are_not_weak(tmp_path: Path) -> None:
    """A weak draft with no evidence is never one of the priority recommendations."""
    path = tmp_path / "sheet.smartrec"
    with Project.create(path, ProjectMeta(state_under_review="Kenya")) as project:
        grounded = project.add_draft(text=GOOD, theme="Justice")
        project.add_draft(text=VAGUE, theme="Elections")
        other = project.add_draft(text="Ratify the Optional Protocol by 2026.", theme="Treaties")
        item_id = store.add_item(project.connection, store.EvidenceItem(
            kind="commitment", text="Everyone shall be tried promptly.", instrument="ICCPR",
            article="art. 9(3)"))
        item = store.get_items(project.connection, [item_id])[item_id]
        link(project, grounded.id, item)
        link(project, other.id, item)
        data = collect(project, load_checker())
    chosen = data.priorities(3)
    assert [d.text for d in chosen] == [GOOD, "Ratify the Optional Protocol by 2026."]
    assert all(d.footnotes and d.overall != "weak" for d in chosen)
    vague = next(d for d in data.drafts if d.text == VAGUE)
    assert not vague.footnotes and vague not in chosen


def test_cli_fact_sheet_reports_what_is_on_the_sheet(tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "nine.smartrec"
    with Project.create(path, ProjectMeta(state_under_review="Kenya")) as project:
        item_id = store.add_item(project.connection, store.EvidenceItem(
            kind="commitment", text="Everyone shall be tried promptly.", instrument="ICCPR",
            article="art. 9(3)"))
        item = store.get_items(project.connection, [item_id])[item_id]
        for year in range(2026, 2035):
            draft = project.add_draft(text=f"Adopt by December {year} a law that guarantees "
                                      "free legal aid to every detainee.")
            link(project, draft.id, item)
    out = tmp_path / "sheet.md"
    assert main(["export", str(path), "--document", "factsheet", "--out", str(out)]) == 0
    stdout = capsys.readouterr().out
    assert "(3 recommendations, 3 linked sources)" in stdout
    assert out.read_text(encoding="utf-8").count("Adopt by December") == 3
