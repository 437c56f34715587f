"""`smartrec --selftest`: prove an installation works, from source or from a PyInstaller bundle.

Loads the built-in rules, creates a temporary project, checks and saves a draft, exports it to Word
and (through Qt, offscreen when there is no display) to PDF, and loads the GUI modules. Each step
prints one line; the exit code is 0 only when every step passed. No network, no user files touched.
"""

from __future__ import annotations

import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

SAMPLE_DRAFT = (
    "Adopt the draft law on the prevention of torture by December 2027 and give the national "
    "preventive mechanism its own budget line."
)


def run_selftest(out: Any = None) -> int:
    stream = out or sys.stdout
    state: dict[str, Any] = {}
    failures = 0

    def step(name: str, fn: Callable[[], str], needs: tuple[str, ...] = ()) -> None:
        nonlocal failures
        missing = [key for key in needs if key not in state]
        if missing:  # an earlier step failed; say so once instead of a KeyError per step
            failures += 1
            print(f"SKIP {name}: needs the {', '.join(missing)} step", file=stream)
            return
        started = time.perf_counter()
        try:
            detail = fn()
        except Exception as exc:
            failures += 1
            print(f"FAIL {name}: {type(exc).__name__}: {exc}", file=stream)
            traceback.print_exc(file=sys.stderr)
            return
        ms = (time.perf_counter() - started) * 1000
        print(f"ok   {name}: {detail} ({ms:.0f} ms)", file=stream)

    from app import __version__
    from app.paths import base_dir, resources_dir, rules_dir

    frozen = bool(getattr(sys, "frozen", False))
    print(f"SMARTrec {__version__} selftest ({'bundle' if frozen else 'source'}: {base_dir()})",
          file=stream)

    def folders() -> str:
        missing = [p.name for p in (rules_dir(), resources_dir()) if not p.is_dir()]
        if missing:
            raise FileNotFoundError(f"missing bundled folder(s): {', '.join(missing)}")
        count = len(list(rules_dir().glob("*.yaml")))
        if not count:
            raise FileNotFoundError(f"no rule files in {rules_dir()}")
        return f"{count} rule files in {rules_dir()}"

    def rules() -> str:
        from app.core.engine import load_checker

        checker = load_checker(user_rules=False)
        if checker.load_errors:
            raise RuntimeError("; ".join(str(e) for e in checker.load_errors[:3]))
        if not checker.rules:
            raise RuntimeError("no rules loaded")
        state["checker"] = checker
        return f"{len(checker.rules)} rules loaded"

    tmp = tempfile.TemporaryDirectory(prefix="smartrec-selftest-")
    folder = Path(tmp.name)

    def project() -> str:
        from app.storage.models import ProjectMeta
        from app.storage.project import Project

        path = folder / "selftest.smartrec"
        proj = Project.create(path, ProjectMeta(state_under_review="Kenya", cycle="4"))
        draft = proj.add_draft(text=SAMPLE_DRAFT, theme="Torture and other CID")
        state["project"], state["draft_id"] = proj, draft.id
        return f"created {path.name} with draft {draft.id}"

    def check() -> str:
        from app.core.models import CheckContext

        proj, checker = state["project"], state["checker"]
        result = checker.check(SAMPLE_DRAFT, context=CheckContext(state_under_review="Kenya"))
        proj.update_draft(state["draft_id"], score=result.smart_score)
        if proj.get_draft(state["draft_id"]).score != result.smart_score:
            raise RuntimeError("the score was not saved")
        return (f"SMART score {result.smart_score}, action category "
                f"{result.action_category.category}, {len(result.findings)} findings")

    def word() -> str:
        import docx

        from app.export import collect, export_document

        data = collect(state["project"], state["checker"])
        state["data"] = data
        path = export_document(data, "docx", "list", folder / "selftest.docx")
        paragraphs = [p.text for p in docx.Document(str(path)).paragraphs]
        if SAMPLE_DRAFT not in paragraphs:
            raise RuntimeError("the draft is missing from the Word file")
        return f"{path.name}, {path.stat().st_size // 1024} KB"

    def qt() -> str:
        from app.export import export_document
        from app.gui.export_pdf import ensure_gui_app, write_pdf

        platform = ensure_gui_app()
        path = export_document(state["data"], "pdf", "factsheet", folder / "selftest.pdf",
                               pdf_writer=write_pdf)
        if not path.read_bytes().startswith(b"%PDF"):
            raise RuntimeError("not a PDF")
        return f"Qt platform '{platform}', {path.name} {path.stat().st_size // 1024} KB"

    def spelling() -> str:
        """Third-party data files are what a bundle most often misses."""
        from spellchecker import SpellChecker

        checker = SpellChecker(language="en")
        if "government" not in checker:
            raise RuntimeError("the English dictionary is empty")
        return f"English dictionary, {len(checker.word_frequency.dictionary)} words"

    def language() -> str:
        """The language-detection model is a data file a bundle could miss."""
        from app.core.language import detect

        found = detect("Adopter une loi sur la violence domestique avant la fin de 2027.")
        if found != "fr":
            raise RuntimeError(f"a French sentence was read as {found!r}")
        return "language model loads (French draft recognised)"

    def gui_modules() -> str:
        import importlib
        import pkgutil

        import app.gui

        names = [m.name for m in pkgutil.iter_modules(app.gui.__path__, "app.gui.")]
        for name in names:
            importlib.import_module(name)
        return f"{len(names)} GUI modules import"

    try:
        steps: tuple[tuple[str, Callable[[], str], tuple[str, ...]], ...] = (
            ("data folders", folders, ()),
            ("rules", rules, ()),
            ("project", project, ()),
            ("check", check, ("checker", "project")),
            ("Word export", word, ("checker", "project")),
            ("Qt PDF", qt, ("data",)),
            ("spelling dictionary", spelling, ()),
            ("language detection", language, ()),
            ("GUI modules", gui_modules, ()),
        )
        for name, fn, needs in steps:
            step(name, fn, needs)
    finally:
        proj = state.get("project")
        if proj is not None:
            proj.close()
        tmp.cleanup()
    print("selftest passed" if not failures else f"selftest FAILED ({failures} step(s))",
          file=stream)
    return 0 if not failures else 1
