"""Workshop mode, Qt-free: exercises, hand-ins, the folder scanner, the room and the report."""

from __future__ import annotations

import json
import os
import zipfile
from pathlib import Path

import docx
import pytest
from workshop_room import EXERCISE_ID, NAMES, NO_DEADLINE, ROOM, STRONG, write_room

from app.core.engine import Checker, load_checker
from app.paths import exercises_dir
from app.storage.project import Project
from app.workshop.analysis import analyse, group_label
from app.workshop.exercise import Exercise, load_exercise, load_exercises
from app.workshop.folder import FolderScanner, scan_folder
from app.workshop.handin import (
    HANDIN_SUFFIX,
    HandIn,
    HandInDraft,
    now,
    read_handin,
    write_handin,
)
from app.workshop.project import handin_from_project, start_project, workshop_info
from app.workshop.report import write_report

THEMES = (
    "voter-registration",
    "election-commission-independence",
    "campaign-finance",
    "media-freedom-elections",
    "women-political-participation",
    "election-dispute-resolution",
)


@pytest.fixture(scope="module")
def checker() -> Checker:
    return load_checker(user_rules=False)


@pytest.fixture(scope="module")
def exercises() -> dict[str, Exercise]:
    loaded = load_exercises([exercises_dir()])
    assert loaded.problems == []
    return loaded.exercises


def test_six_election_exercises_ship(exercises: dict[str, Exercise]) -> None:
    assert set(THEMES) <= set(exercises)
    for exercise in exercises.values():
        assert 2 <= len(exercise.evidence) <= 5, exercise.id
        assert exercise.hints, exercise.id


def test_every_model_answer_is_strong_and_no_starting_draft_is(
    exercises: dict[str, Exercise], checker: Checker
) -> None:
    for exercise in exercises.values():
        for answer in exercise.model_answers:
            result = checker.check(answer.text)
            assert result.overall == "strong", (exercise.id, answer.text, result.scores())
        for text in exercise.starting_drafts:
            assert checker.check(text).overall != "strong", (exercise.id, text)


def test_unknown_key_is_reported_with_file_line_and_key(tmp_path: Path) -> None:
    source = (exercises_dir() / "campaign-finance.yaml").read_text(encoding="utf-8")
    ref = "    reference: Article 7(3)\n"
    broken = source.replace(ref, ref + "    pages: 4\n")
    path = tmp_path / "mine.yaml"
    path.write_text(broken, encoding="utf-8")
    exercise, problems = load_exercise(path)
    assert exercise is None
    line = broken.splitlines().index("    pages: 4") + 1
    assert [str(p) for p in problems] == [f"{path}:{line}: pages: unknown key"]


def test_bad_criterion_and_missing_key_are_named(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(
        "id: my-exercise\ntitle: T\nstate: S\nscenario: x\ntask: y\ncriteria: [deadline]\n"
        "evidence:\n  - kind: finding\n    source: Observers\n    text: z\n",
        encoding="utf-8",
    )
    _exercise, problems = load_exercise(path)
    text = [str(p) for p in problems]
    assert f"{path}:6: criteria: unknown criterion 'deadline' (allowed: specific, measurable, " \
        "attainable, relevant, time_bound, jargon, tone)" in text
    assert f"{path}:1: model_answers: required key is missing" in text


def test_user_exercise_replaces_builtin_and_broken_one_is_skipped(tmp_path: Path) -> None:
    source = (exercises_dir() / "campaign-finance.yaml").read_text(encoding="utf-8")
    (tmp_path / "mine.yaml").write_text(
        source.replace("title: Campaign money in Tamberland", "title: Our own version"), "utf-8"
    )
    (tmp_path / "broken.yaml").write_text("id: [unclosed\n", encoding="utf-8")
    loaded = load_exercises([exercises_dir(), tmp_path])
    assert loaded.exercises["campaign-finance"].title == "Our own version"
    assert len(loaded.problems) == 1 and "broken.yaml:" in str(loaded.problems[0])
    assert len(loaded.exercises) == len(load_exercises([exercises_dir()]).exercises)


def _handin(name: str = "Group one", exercise: str = EXERCISE_ID) -> HandIn:
    return HandIn(
        exercise=exercise, participant=name, handed_in=now(),
        drafts=[HandInDraft(text=STRONG[0])],
    )


def test_handin_round_trip_and_reading_never_changes_the_file(tmp_path: Path) -> None:
    path = write_handin(_handin(), tmp_path)
    assert path.name == f"group-one-{EXERCISE_ID}{HANDIN_SUFFIX}"
    before = (path.read_bytes(), path.stat().st_mtime_ns)
    assert read_handin(path).drafts[0].text == STRONG[0]
    scan_folder(tmp_path, EXERCISE_ID, {EXERCISE_ID})
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before
    assert [p.name for p in tmp_path.iterdir()] == [path.name]  # no temporary file left


def test_same_file_name_from_another_participant_gets_a_new_name(tmp_path: Path) -> None:
    first = write_handin(_handin("Group one"), tmp_path)
    again = write_handin(_handin("group ONE"), tmp_path)  # the same participant, handing in again
    other = write_handin(_handin("Group.one"), tmp_path)  # another group, same file name
    assert again == first
    assert other != first and other.name.endswith(f"-2{HANDIN_SUFFIX}")
    assert read_handin(first).participant == "group ONE"
    assert read_handin(other).participant == "Group.one"


def test_a_name_taken_at_the_same_moment_is_not_overwritten(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = write_handin(_handin("Group one"), tmp_path)
    real_exists = Path.exists
    blind = {first.name}

    def exists_late(path: Path) -> bool:  # the other laptop's file lands after our check
        if path.name in blind:
            blind.discard(path.name)
            return False
        return real_exists(path)

    monkeypatch.setattr(Path, "exists", exists_late)
    other = write_handin(_handin("Group.one"), tmp_path)
    monkeypatch.undo()
    assert other.name.endswith(f"-2{HANDIN_SUFFIX}")
    assert read_handin(first).participant == "Group one"
    assert read_handin(other).participant == "Group.one"


def test_participant_flow_carries_history_and_evidence(tmp_path: Path, checker: Checker) -> None:
    exercise = load_exercises([exercises_dir()]).exercises[EXERCISE_ID]
    project = start_project(exercise, "Amina", tmp_path / "a.smartrec", checker=checker)
    try:
        info = workshop_info(project)
        assert info is not None and info.exercise_id == EXERCISE_ID and info.participant == "Amina"
        assert project.meta.state_under_review == exercise.state
        kinds = [row[0] for row in project.connection.execute("SELECT kind FROM evidence")]
        assert sorted(kinds) == sorted(e.kind for e in exercise.evidence)
        draft = project.drafts()[0]
        assert draft.text == exercise.starting_drafts[0]
        from app.evidence.links import link
        from app.evidence.store import get_item

        item = get_item(project.connection, 1)
        assert item is not None
        link(project, draft.id, item)
        project.update_draft(draft.id, text=STRONG[0])
        handin = handin_from_project(project)
    finally:
        project.close()
    (only,) = handin.drafts
    assert only.text == STRONG[0]
    assert only.first_text() == exercise.starting_drafts[0]
    assert only.history[0].score == checker.check(exercise.starting_drafts[0]).smart_score
    assert only.evidence[0].kind == item.kind and only.evidence[0].label == item.label()


def test_ordinary_project_cannot_be_handed_in(tmp_path: Path) -> None:
    from app.storage.models import ProjectMeta

    with Project.create(tmp_path / "p.smartrec", ProjectMeta()) as project:
        assert workshop_info(project) is None
        with pytest.raises(ValueError, match="not started from a workshop exercise"):
            handin_from_project(project)


def _make_docx(path: Path, *paragraphs: str) -> None:
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    document.save(str(path))


def test_plain_files_one_paragraph_per_recommendation(tmp_path: Path) -> None:
    (tmp_path / "Table_1.txt").write_bytes(
        "First recommendation that\nwraps a line.\n\nSecond one.\n".encode("cp1252")
    )
    (tmp_path / "Table_2.txt").write_text("One per line.\nAnother.\n\n", encoding="utf-8")
    _make_docx(tmp_path / "Table 3.docx", "Only one.", "", "And two.")
    scan = scan_folder(tmp_path, EXERCISE_ID, {EXERCISE_ID})
    assert scan.skipped == []
    got = {s.handin.participant: [d.text for d in s.handin.drafts] for s in scan.submissions}
    assert got == {
        "Table 1": ["First recommendation that wraps a line.", "Second one."],
        "Table 2": ["One per line.", "Another."],
        "Table 3": ["Only one.", "And two."],
    }
    assert {s.origin for s in scan.submissions} == {"txt", "docx"}


def test_bad_folder_lists_what_it_read_and_why_it_skipped_the_rest(tmp_path: Path) -> None:
    good = write_handin(_handin("Group one"), tmp_path)
    os.utime(good, (1_000_000_000, 1_000_000_000))
    (tmp_path / "holiday.jpg").write_bytes(b"\xff\xd8\xff\xe0junk")
    whole = json.loads(good.read_text(encoding="utf-8"))
    half = good.read_bytes()[: len(good.read_bytes()) // 2]
    (tmp_path / f"usb{HANDIN_SUFFIX}").write_bytes(half)
    second = write_handin(_handin("Group two"), tmp_path)
    duplicate = tmp_path / f"copy{HANDIN_SUFFIX}"
    duplicate.write_text(json.dumps({**whole, "handed_in": "2030-01-01T00:00:00Z"}), "utf-8")
    (tmp_path / f"other{HANDIN_SUFFIX}").write_text(
        json.dumps({**whole, "exercise": "space-law", "participant": "X"}), "utf-8"
    )
    (tmp_path / f"future{HANDIN_SUFFIX}").write_text(
        json.dumps({**whole, "version": 7, "participant": "Y"}), "utf-8"
    )
    big = tmp_path / "huge.docx"
    with big.open("wb") as fh:
        fh.truncate(50_000_000)
    (tmp_path / "broken.docx").write_bytes(b"PK\x03\x04 half a zip")
    (tmp_path / "~$open.docx").write_bytes(b"lock")
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    everything = set(before)

    scan = scan_folder(tmp_path, EXERCISE_ID, {EXERCISE_ID, "campaign-finance"})

    assert sorted(s.path.name for s in scan.submissions) == sorted([duplicate.name, second.name])
    reasons = {s.name: s.reason for s in scan.skipped}
    assert reasons == {
        "holiday.jpg": "not a hand-in (.jpg files are not read; use .smartrec-handin, .txt or "
        ".docx)",
        f"usb{HANDIN_SUFFIX}": "incomplete or damaged (was it fully copied?)",
        good.name: f"same name (Group one) as {duplicate.name}, which is newer and is shown",
        f"other{HANDIN_SUFFIX}": "for an unknown exercise 'space-law'",
        f"future{HANDIN_SUFFIX}": "made by a newer SMARTrec (hand-in format 7; this version "
        "reads up to 1): update SMARTrec to read it",
        "huge.docx": "too large (50 MB; a hand-in document is at most 20 MB)",
        "broken.docx": "incomplete or damaged .docx (was it fully copied?)",
        "~$open.docx": "Word's lock file for an open document",
    }
    assert scan.summary().startswith("2 hand-ins read; skipped 8: ")
    assert "\n" not in scan.summary()
    for number in range(10):
        (tmp_path / f"junk{number}.bin").write_bytes(b"x")
    crowded = scan_folder(tmp_path, EXERCISE_ID, {EXERCISE_ID, "campaign-finance"})
    assert crowded.summary().startswith("2 hand-ins read; skipped 18: ")
    assert crowded.summary().endswith("; and 10 more")
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.name in everything} == before


def test_zip_bomb_docx_is_refused_without_unpacking(tmp_path: Path) -> None:
    path = tmp_path / "bomb.docx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"\0" * 70_000_000)
    scan = scan_folder(tmp_path, EXERCISE_ID, {EXERCISE_ID})
    assert [str(s) for s in scan.skipped] == ["bomb.docx: unpacks to 70 MB: too large to read"]


def test_rescan_rereads_only_changed_files(tmp_path: Path) -> None:
    path = tmp_path / f"usb{HANDIN_SUFFIX}"
    data = _handin().model_dump_json().encode()
    path.write_bytes(data[:20])  # the copy is still under way
    scanner = FolderScanner(tmp_path, EXERCISE_ID, {EXERCISE_ID})
    assert len(scanner.scan().skipped) == 1
    path.write_bytes(data)  # the copy finished
    result = scanner.scan()
    assert result.skipped == [] and len(result.submissions) == 1


def test_room_counts_pairs_and_report(tmp_path: Path, checker: Checker) -> None:
    exercise = load_exercises([exercises_dir()]).exercises[EXERCISE_ID]
    folder = tmp_path / "handins"
    work = tmp_path / "work"
    folder.mkdir()
    work.mkdir()
    write_room(folder, work, exercise)
    scan = scan_folder(folder, EXERCISE_ID, {EXERCISE_ID})
    assert scan.skipped == [] and len(scan.submissions) == len(ROOM) == 12
    room = analyse(exercise, scan.submissions, checker)
    assert [e.label for e in room.entries] == [group_label(i) for i in range(12)]
    assert room.entries[0].label == "Group A" and room.entries[11].label == "Group L"
    top = room.problems[0]
    assert top.sentence() == f"{len(NO_DEADLINE)} of 12 drafts have no deadline"
    assert top.example.text in NO_DEADLINE
    # every hand-in improves the one starting draft: from its history, or for .txt/.docx
    # (which have none) from the exercise
    assert len(room.pairs) == 12
    assert {d.before for d in room.pairs} == {exercise.starting_drafts[0]}
    best = room.pairs[0]
    assert best.before == exercise.starting_drafts[0] and best.text in STRONG
    assert (best.score_change or 0) > 0
    assert [d.result.overall for d in room.drafts].count("strong") == len(STRONG)

    report = write_report(room, tmp_path / "report.docx")
    text = _docx_text(report)
    assert "9 of 12 drafts have no deadline" in text
    assert not [name for name in NAMES if name in text]
    assert exercise.model_answers[0].text in text
    assert exercise.starting_drafts[0] in text and f"score +{best.score_change}" in text

    named = _docx_text(write_report(room, tmp_path / "named.docx", show_names=True))
    assert all(name in named for name in NAMES)


def _docx_text(path: Path) -> str:
    document = docx.Document(str(path))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts.extend(cell.text for row in table.rows for cell in row.cells)
    return "\n".join(parts)


def test_not_applicable_is_not_counted_as_a_problem(tmp_path: Path, checker: Checker) -> None:
    exercise = load_exercises([exercises_dir()]).exercises[EXERCISE_ID]
    continuing = "Continue to publish the list of voters online."
    assert checker.check(continuing).scores()["time_bound"] == "not_applicable"
    (tmp_path / "Table_1.txt").write_text(continuing + "\n", "utf-8")
    (tmp_path / "Table_2.txt").write_text(NO_DEADLINE[1] + "\n", "utf-8")
    scan = scan_folder(tmp_path, EXERCISE_ID, {EXERCISE_ID})
    room = analyse(exercise, scan.submissions, checker)
    deadline = next(p for p in room.problems if p.dimension == "time_bound")
    assert deadline.sentence() == "1 of 2 drafts have no deadline"
    text = _docx_text(write_report(room, tmp_path / "report.docx"))
    assert "Time-bound n/a" in text
