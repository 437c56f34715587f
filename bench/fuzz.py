"""Mutation fuzzing of everything SMARTrec reads: rule files, projects, imports, drafts.

Usage: .venv/bin/python bench/fuzz.py --minutes N [--family F] [--seed S] [--keep DIR]

Valid seed files are built in code, then mutated (random byte flips, inserts, deletes, splices
of hostile tokens, truncation; for zip containers also mutations of the XML inside; for projects
also SQL-level edits). Each case runs the real CLI entry point (`app.cli.main`) in a worker
process and is counted as:

  crash         an internal error (crash report), a traceback, a dead worker, or an exit code
                other than 0/1/2
  hang          no answer within --hang-seconds (default 10); the worker is killed and restarted
  changed file  the input file's bytes changed (every command here must only read it)
  false success exit 0 while the result is not there: an export whose file is missing or cut
                short, an import whose library holds fewer items than it reported

Families: rules, project, csv, json, xlsx, docx, pdf, drafts, handin (a workshop hand-ins
folder holding one mutated hand-in file, JSON, text or Word, for `workshop report`). A mutated
Word file (docx) is imported as evidence and, in turn, reviewed (`smartrec review`) or imported
as drafts (`smartrec import-drafts`). With --keep DIR, the input of
every failing case is copied there for reproduction. Prints one line per family.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import io
import json
import multiprocessing
import os
import random
import re
import shutil
import sqlite3
import sys
import tempfile
import time
import zipfile
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

FAMILIES = ("rules", "project", "csv", "json", "xlsx", "docx", "pdf", "drafts", "handin")
#: The workshop exercise the hand-in seeds are for.
EXERCISE = "campaign-finance"
HANDIN_SUFFIXES = (".smartrec-handin", ".txt", ".docx")
DRAFT = "The State should ratify the Optional Protocol to the Convention against Torture by 2027."
TOKENS = [
    b"{", b"}", b"[", b"]", b"[[[[[[[[[[[[[[[[", b"\x00", b"\xff\xfe", b"\xef\xbb\xbf", b"1e999",
    b"-1", b"99999999999999999999", b"NaN", b"inf", b"&a", b"*a", b"!!python/object", b"(?:a+)+",
    b"{year}", b"=HYPERLINK(1)", b"@SUM", b"\r", b"\n\n\n", b'"', b"'", b",", b";", b"\t",
    b"<!DOCTYPE x [<!ENTITY e 'x'>]>", b"%%EOF", b"PK\x03\x04", b"\xe9", b"\x81\x40",
    b"Recommendations\n\n1. ", b"- ", b": ", b"    ", b"a" * 300,
]


# ----------------------------------------------------------------------------- seeds


def seed_rules() -> list[bytes]:
    return [p.read_bytes() for p in sorted((ROOT / "rules").glob("*.yaml"))]


def seed_csv() -> list[bytes]:
    rows = [f'"{DRAFT}",Freedonia,{2010 + n},EU EOM,{n + 1},3\n' for n in range(8)]
    plain = "Text,Country,Year,Organisation,Session,Cycle\n" + "".join(rows)
    upr = "To,Text,From,Response,Action,Issue,Session,Cycle\n" + "".join(
        f'Freedonia,"{DRAFT}",Utopia,Supported,5,Elections,{n + 20},3\n' for n in range(8))
    return [plain.encode(), plain.encode("utf-16"), upr.encode("cp1252")]


def seed_json() -> list[bytes]:
    items = [{"text": DRAFT, "country": "Freedonia", "year": 2015 + n, "issues": ["a", "b"]}
             for n in range(6)]
    return [json.dumps(items).encode(), json.dumps({"items": items}, indent=2).encode()]


def seed_xlsx() -> list[bytes]:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Text", "Country", "Year"])
    for n in range(6):
        sheet.append([DRAFT, "Freedonia", 2015 + n])
    buffer = io.BytesIO()
    book.save(buffer)
    return [buffer.getvalue()]


def seed_docx() -> list[bytes]:
    import docx

    document = docx.Document()
    document.add_paragraph("Recommendations")
    for n in range(1, 7):
        document.add_paragraph(f"{n}. The authorities should publish results, see para. {n}.")
    buffer = io.BytesIO()
    document.save(buffer)
    return [buffer.getvalue()]


def seed_pdf() -> list[bytes]:
    """A one-page PDF with a text layer, written by hand (no PDF library needed)."""
    lines = ["Recommendations", *(f"{n}. The authorities should publish all results." for n in
                                  range(1, 8))]
    text = "BT /F1 11 Tf 50 780 Td 14 TL " + " ".join(f"({line}) '" for line in lines) + " ET"
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        "/Resources << /Font << /F1 5 0 R >> >> >>",
        f"<< /Length {len(text)} >>\nstream\n{text}\nendstream",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode()
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer << /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n"\
        .encode()
    return [out]


def seed_drafts() -> list[bytes]:
    return [
        (DRAFT + "\n\nEnsure free elections.\n").encode(),
        ("id,Text\n" + "".join(f'{n},"{DRAFT}"\n' for n in range(5))).encode(),
        "".join(json.dumps({"text": DRAFT}) + "\n" for _ in range(4)).encode(),
    ]


def seed_handin() -> list[bytes]:
    """A hand-in file as `smartrec workshop hand-in` writes it, a plain-text one and a Word one
    (the three kinds `workshop report` reads from a hand-ins folder)."""
    handin = {"format": "smartrec-handin", "version": 1, "exercise": EXERCISE,
              "participant": "Group A", "handed_in": "2026-01-05T10:00:00Z",
              "drafts": [{"title": "Deadline", "text": DRAFT},
                         {"title": "Vague", "text": "Ensure free and fair elections."}]}
    text = DRAFT + "\n\nEnsure free elections.\n"
    return [json.dumps(handin, indent=1).encode(), text.encode(), seed_docx()[0]]


def seed_project(folder: Path) -> list[bytes]:
    from app.storage.models import ProjectMeta
    from app.storage.project import Project

    path = folder / "seed.smartrec"
    project = Project.create(path, ProjectMeta(state_under_review="Freedonia"))
    for n in range(5):
        draft = project.add_draft(text=f"{DRAFT} ({n})", title=f"Draft {n}", theme="Elections")
        project.add_snapshot(draft.id, draft.text + " earlier")
    project.close()
    conn = sqlite3.connect(path)  # one self-contained file: no -wal beside the mutated copy
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.close()
    return [path.read_bytes()]


# ----------------------------------------------------------------------------- mutation


def mutate_bytes(data: bytes, rng: random.Random) -> bytes:
    buf = bytearray(data)
    for _ in range(rng.choice((1, 1, 2, 3, 5, 10))):
        choice = rng.random()
        pos = rng.randrange(len(buf) + 1) if buf else 0
        if choice < 0.25 and buf:
            buf[min(pos, len(buf) - 1)] = rng.randrange(256)
        elif choice < 0.5:
            buf[pos:pos] = rng.choice(TOKENS) * rng.choice((1, 1, 1, 4, 64))
        elif choice < 0.65 and buf:
            end = min(len(buf), pos + rng.randrange(1, 64))
            del buf[pos:end]
        elif choice < 0.8 and buf:
            end = min(len(buf), pos + rng.randrange(1, 256))
            buf[pos:pos] = buf[pos:end] * rng.choice((1, 2, 8))
        elif choice < 0.9 and buf:
            del buf[rng.randrange(len(buf)):]
        else:
            buf[pos:pos] = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 16)))
    return bytes(buf[:3_000_000])


def mutate_zip(data: bytes, rng: random.Random) -> bytes:
    """Mutate one XML part inside the container and zip it again (reaches the XML readers)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as source:
            parts = {info.filename: source.read(info) for info in source.infolist()}
    except zipfile.BadZipFile:
        return mutate_bytes(data, rng)
    xml_parts = [name for name in parts if name.endswith(".xml")]
    name = rng.choice(xml_parts)
    parts[name] = mutate_bytes(parts[name], rng)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for part, body in parts.items():
            target.writestr(part, body)
    return out.getvalue()


_SQL_EDITS = (
    "UPDATE drafts SET created = 'not a date' WHERE id = 1",
    "UPDATE drafts SET status = 'archived' WHERE id = 2",
    "UPDATE drafts SET text = X'00FF10' WHERE id = 3",
    "UPDATE drafts SET position = 'x' WHERE id = 1",
    "UPDATE snapshots SET created = 5",
    "UPDATE meta SET value = X'FF' WHERE key LIKE 'meta.%'",
    "DELETE FROM meta",
    "DROP TABLE snapshots",
    "DROP TABLE words",
    "ALTER TABLE drafts RENAME COLUMN notes TO remarks",
    "ALTER TABLE drafts ADD COLUMN extra TEXT",
    "PRAGMA user_version = 7",
    "PRAGMA user_version = 0",
    "PRAGMA application_id = 0",
    "UPDATE drafts SET id = -5 WHERE id = 1",
    "INSERT INTO rule_overrides VALUES ('x', '{not json')",
    "INSERT INTO rule_overrides VALUES ('y', '[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]')",
)


def mutate_project(data: bytes, rng: random.Random, folder: Path) -> bytes:
    if rng.random() < 0.5:
        return mutate_bytes(data, rng)
    path = folder / "sql-edit.smartrec"
    path.write_bytes(data)
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA ignore_check_constraints = ON")
    for statement in rng.sample(_SQL_EDITS, rng.choice((1, 1, 2, 3))):
        with contextlib.suppress(sqlite3.Error):
            conn.execute(statement)
    conn.commit()
    conn.close()
    edited = path.read_bytes()
    path.unlink()
    return edited


# ----------------------------------------------------------------------------- worker


def _worker(conn: Connection, state_dir: str) -> None:
    """Runs `app.cli.main` for each request; a hang here is killed by the parent."""
    os.environ["XDG_STATE_HOME"] = state_dir
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from app.cli import main

    while True:
        argv = conn.recv()
        out, err = io.StringIO(), io.StringIO()
        started = time.monotonic()
        try:
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                code = main(argv)
        except BaseException as exc:  # the entry point must never let one escape
            code = -1
            err.write(f"Traceback: escaped {type(exc).__name__}: {exc}\n")
        conn.send((code, out.getvalue()[-4000:], err.getvalue()[-4000:],
                   time.monotonic() - started))


class Worker:
    def __init__(self, state_dir: str) -> None:
        self.state_dir = state_dir
        self.context = multiprocessing.get_context("spawn")
        self.start()

    def start(self) -> None:
        self.parent, child = self.context.Pipe()
        self.process = self.context.Process(target=_worker, args=(child, self.state_dir),
                                            daemon=True)
        self.process.start()

    def run(self, argv: list[str], hang_seconds: float) -> tuple[int, str, str] | None:
        """(exit code, stdout, stderr), or None on a hang (the worker is restarted)."""
        self.parent.send(argv)
        if not self.parent.poll(hang_seconds + 20):  # + start-up of a fresh worker
            self.restart()
            return None
        try:
            code, out, err, elapsed = self.parent.recv()
        except EOFError:
            self.restart()
            return -2, "", "worker died"
        if elapsed > hang_seconds:
            return None
        return code, out, err

    def restart(self) -> None:
        self.process.kill()
        self.process.join()
        self.start()

    def stop(self) -> None:
        self.process.kill()
        self.process.join()


# ----------------------------------------------------------------------------- campaign


@dataclass
class Tally:
    tried: int = 0
    crashes: int = 0
    hangs: int = 0
    changed: int = 0
    false_successes: int = 0
    examples: list[str] = field(default_factory=list)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


SUFFIX = {"rules": ".yaml", "project": ".smartrec", "csv": ".csv", "json": ".json",
          "xlsx": ".xlsx", "docx": ".docx", "pdf": ".pdf"}


def commands(family: str, path: Path, work: Path, n: int) -> list[list[str]]:
    quiet = ["--no-grammar", "--no-spelling", "--no-user-rules"]
    if family == "rules":
        argv = [["rules", "lint", str(path)]]
        if n % 10 == 0:
            argv.append(["check", *quiet, "--rules", str(path), "--text", DRAFT])
        return argv
    if family == "project":
        return [["export", str(path), "--no-check", "-f", fmt, "--out", str(work / f"out.{fmt}")]
                for fmt in ("csv", "json", "docx")]
    if family == "drafts":
        return [["check", *quiet, "--format", "csv", "--fail-on", "never", str(path)]]
    if family == "handin":  # the hand-ins folder is the case's folder; the report goes beside it
        return [["workshop", "report", str(work), "--exercise", EXERCISE, "-o",
                 str(work.parent / f"report-{n}.docx")]]
    library = work / "lib.smartlib"
    kind = ["--kind", "report"] if family in ("docx", "pdf") else []
    argv = [["evidence", "import", str(path), "--library", str(library), *kind]]
    if family == "docx":  # a Word file is also reviewed, or its drafts imported, in turn
        if n % 2 == 0:
            argv.append(["review", str(path), "-o", str(work / f"reviewed-{n}.docx"),
                         "--no-spelling", "--no-user-rules"])
        else:
            argv.append(["import-drafts", str(path), str(work / f"drafts-{n}.smartrec")])
    return argv


def false_success(family: str, argv: list[str], out: str, work: Path) -> str | None:
    from app.export.atomic import incomplete

    if argv[0] == "export":
        target = Path(argv[argv.index("--out") + 1])
        if not target.exists():
            return "export said done but wrote no file"
        return incomplete(target)
    if argv[:2] == ["workshop", "report"]:
        target = Path(argv[argv.index("-o") + 1])
        if not target.exists():
            return "workshop report said done but wrote no file"
        problem = incomplete(target)
        target.unlink()
        return problem
    if argv[0] == "review":
        target = Path(argv[argv.index("-o") + 1])
        if not target.exists():
            return "review said done but wrote no file"
        return incomplete(target)
    if argv[0] == "import-drafts":
        match = re.search(r"Imported (\d+) drafts", out)
        project = Path(argv[2])
        if match is None:
            return "import-drafts said done but did not say how many"
        if not project.exists():
            return "import-drafts said done but wrote no project"
        count = _rows(project, "drafts")
        if count < int(match.group(1)):
            return f"reported {match.group(1)} drafts, the project holds {count}"
    if argv[:2] == ["evidence", "import"]:
        match = re.search(r"imported (\d+) item", out)
        library = work / "lib.smartlib"
        if match and library.exists():
            count = _rows(library, "evidence")
            if count < int(match.group(1)):
                return f"reported {match.group(1)} items, library holds {count}"
    return None


def _rows(database: Path, table: str) -> int:
    """How many rows `table` of an SQLite file holds, read without writing to it."""
    conn = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        return int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
    finally:
        conn.close()


def fuzz_family(family: str, seconds: float, rng: random.Random, worker: Worker,
                hang_seconds: float, keep: Path | None) -> Tally:
    tally = Tally()
    with tempfile.TemporaryDirectory(prefix=f"fuzz-{family}-") as tmp:
        folder = Path(tmp)
        seeds = seed_project(folder) if family == "project" else {
            "rules": seed_rules, "csv": seed_csv, "json": seed_json, "xlsx": seed_xlsx,
            "docx": seed_docx, "pdf": seed_pdf, "drafts": seed_drafts, "handin": seed_handin,
        }[family]()
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            seed_index = rng.randrange(len(seeds))
            seed = seeds[seed_index]
            zipped = family in ("xlsx", "docx") or (family == "handin" and seed_index == 2)
            if zipped and rng.random() < 0.6:
                data = mutate_zip(seed, rng)
            elif family == "project":
                data = mutate_project(seed, rng, folder)
            else:
                data = mutate_bytes(seed, rng)
            suffix = SUFFIX.get(family) or (
                HANDIN_SUFFIXES if family == "handin" else (".txt", ".csv", ".jsonl"))[seed_index]
            work = folder / f"case{tally.tried}"
            work.mkdir()
            path = work / f"input{suffix}"
            path.write_bytes(data)
            before = digest(path)
            problem = ""
            for argv in commands(family, path, work, tally.tried):
                result = worker.run(argv, hang_seconds)
                if result is None:
                    tally.hangs += 1
                    problem = f"hang: smartrec {' '.join(argv[:2])}"
                    break
                code, out, err = result
                if code not in (0, 1, 2) or any(
                    marker in text for marker in ("Traceback", "internal error")
                    for text in (out, err)
                ):
                    tally.crashes += 1
                    problem = f"crash (exit {code}): {err.strip()[-300:]}"
                    break
                if code == 0:
                    why = false_success(family, argv, out, work)
                    if why:
                        tally.false_successes += 1
                        problem = f"false success: {why}"
                        break
            if digest(path) != before:
                tally.changed += 1
                problem = problem or "input file changed"
            tally.tried += 1
            if problem:
                tally.examples.append(problem)
                if keep is not None:
                    keep.mkdir(parents=True, exist_ok=True)
                    shutil.copy(path, keep / f"{family}-{tally.tried}{suffix}")
            shutil.rmtree(work, ignore_errors=True)
    return tally


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, required=True, help="time per family")
    parser.add_argument("--family", choices=FAMILIES, action="append",
                        help="only this family (repeatable; default: all)")
    parser.add_argument("--seed", type=int, default=None, help="random seed (default: time)")
    parser.add_argument("--hang-seconds", type=float, default=10.0)
    parser.add_argument("--keep", type=Path, help="copy failing inputs into this folder")
    args = parser.parse_args()
    seed = args.seed if args.seed is not None else int(time.time())
    rng = random.Random(seed)
    print(f"seed {seed}; {args.minutes:g} min per family; hang = no answer in "
          f"{args.hang_seconds:g} s")
    failures = 0
    with tempfile.TemporaryDirectory(prefix="fuzz-state-") as state:
        worker = Worker(state)
        try:
            for family in args.family or FAMILIES:
                tally = fuzz_family(family, args.minutes * 60, rng, worker, args.hang_seconds,
                                    args.keep)
                print(f"{family:8} cases {tally.tried:6}  crashes {tally.crashes}  hangs "
                      f"{tally.hangs}  changed files {tally.changed}  false successes "
                      f"{tally.false_successes}", flush=True)
                for example in tally.examples[:5]:
                    print(f"    {example}")
                failures += tally.crashes + tally.hangs + tally.changed + tally.false_successes
        finally:
            worker.stop()
        reports = list(Path(state).rglob("crash-*.txt"))
        if reports:
            print(f"{len(reports)} crash report(s) were written (kept only with --keep)")
            if args.keep is not None:
                args.keep.mkdir(parents=True, exist_ok=True)
                for report in reports:
                    shutil.copy(report, args.keep / report.name)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
