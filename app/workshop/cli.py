"""`smartrec workshop list|start|hand-in|report`: workshop mode from the command line.

Exit codes: 0 done, 1 the work could not be written, 2 bad arguments or unreadable input.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # registering the sub-command loads nothing heavy; running it does
    from app.workshop.exercise import Exercise, ExerciseSet


def register(subparsers: Any) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "workshop",
        help="drafting workshops: list exercises, start one, hand in, write the class report",
        description="Workshop mode for trainers and participants. See docs/workshop.md.",
    )
    sub = parser.add_subparsers(dest="workshop_command", metavar="ACTION", required=True)

    listing = sub.add_parser("list", help="list the exercises with their ids")
    listing.add_argument("--format", choices=("text", "json"), default="text")
    listing.set_defaults(func=cmd_list)

    start = sub.add_parser("start", help="create a participant project for an exercise")
    start.add_argument("exercise", metavar="ID")
    start.add_argument("--participant", required=True, metavar="NAME",
                       help="participant or group name, written into the hand-in")
    start.add_argument("-o", "--out", required=True, metavar="FILE", help="new project file")
    start.add_argument("--force", action="store_true", help="replace an existing file")
    start.set_defaults(func=cmd_start)

    handin = sub.add_parser("hand-in", help="write a hand-in file from a participant project")
    handin.add_argument("project", metavar="PROJECT")
    handin.add_argument("-o", "--out", required=True, metavar="FOLDER",
                        help="folder to write the hand-in to (USB stick, shared folder)")
    handin.add_argument("--participant", default="", metavar="NAME",
                        help="name to hand in under (default: the name given at start)")
    handin.set_defaults(func=cmd_handin)

    report = sub.add_parser("report", help="write the Word class report from a hand-ins folder")
    report.add_argument("folder", metavar="HANDINS_DIR")
    report.add_argument("--exercise", required=True, metavar="ID")
    report.add_argument("-o", "--out", required=True, metavar="FILE", help="report.docx to write")
    report.add_argument("--names", action="store_true",
                        help="print participants' names (default: Group A, B, ...)")
    report.set_defaults(func=cmd_report)
    return parser


def _fail(message: str, code: int = 2) -> int:
    print(f"smartrec: {message}", file=sys.stderr)
    return code


def _exercises() -> ExerciseSet:
    from app.workshop.exercise import load_exercises

    exercises = load_exercises()
    for problem in exercises.problems:
        print(f"smartrec: exercise skipped: {problem}", file=sys.stderr)
    return exercises


def _exercise(exercises: ExerciseSet, exercise_id: str) -> Exercise | None:
    exercise = exercises.get(exercise_id)
    if exercise is None:
        known = ", ".join(sorted(exercises.exercises)) or "none"
        _fail(f"no exercise with id {exercise_id!r} (known: {known}); see `smartrec workshop list`")
    return exercise


def cmd_list(args: argparse.Namespace) -> int:
    from app.workshop.exercise import describe

    exercises = _exercises()
    if args.format == "json":
        json.dump([describe(e) for e in exercises.ordered()], sys.stdout, indent=2)
        sys.stdout.write("\n")
        return 0
    for exercise in exercises.ordered():
        print(f"{exercise.id:34} {exercise.title} ({exercise.state})")
    return 0


def cmd_start(args: argparse.Namespace) -> int:
    from app.storage.errors import ProjectError
    from app.workshop.project import start_project

    exercise = _exercise(_exercises(), args.exercise)
    if exercise is None:
        return 2
    if not args.participant.strip():
        return _fail("--participant needs a name")
    try:  # no checker: the app scores the starting draft when the project is opened
        project = start_project(exercise, args.participant, args.out, overwrite=args.force)
    except ProjectError as exc:
        hint = " (use --force to replace it)" if Path(args.out).is_file() and not args.force else ""
        return _fail(f"{exc}{hint}", code=1)
    path = project.path
    project.close()
    print(f"Started {exercise.id} for {args.participant.strip()}: {path}")
    return 0


def cmd_handin(args: argparse.Namespace) -> int:
    from app.storage.errors import ProjectError
    from app.storage.project import Project
    from app.workshop.handin import HandInError, write_handin
    from app.workshop.project import handin_from_project

    try:
        project = Project.open(args.project, read_only=True)
    except ProjectError as exc:
        return _fail(str(exc))
    try:
        handin = handin_from_project(project, args.participant)
    except ValueError as exc:
        return _fail(str(exc))
    finally:
        project.close()
    try:
        path = write_handin(handin, Path(args.out))
    except HandInError as exc:
        return _fail(str(exc), code=1)
    count = len(handin.drafts)
    print(f"Handed in {count} draft{'s' if count != 1 else ''} as {handin.participant}: {path}")
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from app.core.engine import load_checker
    from app.export.model import ExportError
    from app.workshop.analysis import analyse
    from app.workshop.folder import scan_folder
    from app.workshop.report import write_report

    exercises = _exercises()
    exercise = _exercise(exercises, args.exercise)
    if exercise is None:
        return 2
    folder = Path(args.folder)
    if not folder.is_dir():
        return _fail(f"{folder}: no such folder")
    scan = scan_folder(folder, exercise.id, set(exercises.exercises))
    for skipped in scan.skipped:
        print(f"smartrec: skipped {skipped}", file=sys.stderr)
    if not scan.submissions:
        return _fail(f"{folder}: no hand-ins for {exercise.id} could be read", code=1)
    room = analyse(exercise, scan.submissions, load_checker())
    try:
        path = write_report(room, Path(args.out), show_names=args.names)
    except ExportError as exc:
        return _fail(str(exc), code=1)
    top = f"; most frequent: {room.problems[0].sentence()}" if room.problems else ""
    print(f"{scan.summary().split(';')[0]}{top}. Report: {path}")
    return 0
