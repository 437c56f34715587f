"""README.md and every docs/*.md: the paths, links and commands they name exist.

Paths are the repository paths written in `code` or as link targets; commands are
`smartrec …` (checked against the real command line's --help) and `./dev.sh …`.
"""

from __future__ import annotations

import contextlib
import io
import re
from functools import cache
from pathlib import Path

import pytest

from app.cli import SUBCOMMANDS, main

ROOT = Path(__file__).resolve().parent.parent
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
TOP_DIRS = ("app", "rules", "resources", "tools", "bench", "tests", "docs")
TOP_FILES = ("README.md", "dev.sh", "pyproject.toml", "build.spec")
PATH_RE = re.compile(r"(?<![\w./~-])((?:{})/[\w./*-]*|{})".format(
    "|".join(TOP_DIRS), "|".join(map(re.escape, TOP_FILES))))
LINK_RE = re.compile(r"\]\(([^)\s]+)\)")
CODE_SPAN_RE = re.compile(r"`([^`\n]+)`")
SMARTREC_RE = re.compile(r"(?<![\w./-])(?:\.venv/bin/)?smartrec(?![\w./-])([^`#\n]*)")
DEV_RE = re.compile(r"\./dev\.sh\s+([\w-]+)")
WORD_RE = re.compile(r"^[a-z][a-z-]*$")


def code_texts(text: str) -> list[str]:
    """The contents of fenced code blocks and of inline code spans."""
    blocks = re.findall(r"^```[^\n]*\n(.*?)^```", text, flags=re.S | re.M)
    rest = re.sub(r"^```[^\n]*\n.*?^```", "", text, flags=re.S | re.M)
    return blocks + CODE_SPAN_RE.findall(rest)


def slug(heading: str) -> str:
    """GitHub's anchor for a heading."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


def anchors(path: Path) -> set[str]:
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"^```.*?^```", "", text, flags=re.S | re.M)
    return {slug(h) for h in re.findall(r"^#+\s+(.+)$", text, flags=re.M)}


@cache
def help_text(*words: str) -> str | None:
    """`smartrec WORDS --help`, or None when argparse refuses the words."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        try:
            main([*words, "--help"])
        except SystemExit as exc:
            return out.getvalue() if exc.code == 0 else None
    return out.getvalue()


def dev_commands() -> set[str]:
    text = (ROOT / "dev.sh").read_text(encoding="utf-8")
    return set(re.findall(r"^\s+([a-z]+)\)$", text, flags=re.M))


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.name)
def test_named_paths_and_links_exist(doc: Path) -> None:
    text = doc.read_text(encoding="utf-8")
    missing = []
    for code in code_texts(text):
        for found in PATH_RE.findall(code):
            path = found.rstrip(".")
            if "*" in path:
                if not list(ROOT.glob(path)):
                    missing.append(path)
            elif not (ROOT / path).exists():
                missing.append(path)
    for target in LINK_RE.findall(text):
        if re.match(r"^[a-z]+:", target):
            continue  # a web address
        file_part, _, anchor = target.partition("#")
        linked = (doc.parent / file_part).resolve() if file_part else doc
        if not linked.exists() or (anchor and linked.suffix == ".md"
                                   and anchor not in anchors(linked)):
            missing.append(target)
    assert not missing, f"{doc.name} names what does not exist: {missing}"


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.name)
def test_named_commands_exist(doc: Path) -> None:
    text = doc.read_text(encoding="utf-8")
    wrong = []
    for code in code_texts(text):
        for command in DEV_RE.findall(code):
            if command not in dev_commands():
                wrong.append(f"./dev.sh {command}")
        for line in code.replace("\\\n", " ").splitlines():
            for args in SMARTREC_RE.findall(line):
                wrong.extend(_check_smartrec(args.split()))
    assert not wrong, f"{doc.name} names commands that do not exist: {wrong}"


def _check_smartrec(tokens: list[str]) -> list[str]:
    """Leading words are sub-commands (`a|b` names several); options must be in their help."""
    words: list[str] = []
    for token in tokens[:2]:
        names = token.split("|")
        if not all(WORD_RE.match(name) for name in names):
            break
        bad = [name for name in names if help_text(*words, name) is None
               or (not words and name not in SUBCOMMANDS)]
        if bad:
            return [f"smartrec {' '.join([*words, name])}" for name in bad]
        words.append(names[0])
    helped = help_text(*words) or ""
    options = [t.strip("[]").split("=")[0] for t in tokens if t.strip("[").startswith("--")]
    return [f"smartrec {' '.join(words)} {o}" for o in options if o not in helped]


def test_readme_names_the_system_libraries_qt_needs() -> None:
    """The Debian libraries the window needs (dev.sh installs them for the tests) are the ones
    the README tells a new user to install."""
    dev = (ROOT / "dev.sh").read_text(encoding="utf-8")
    listed = re.search(r'SYSTEM_PACKAGES="([^"]+)"', dev)
    assert listed is not None
    qt_libraries = {p for p in listed.group(1).split()
                    if p.startswith(("libxcb", "libxkb", "libegl", "libgl"))}
    assert len(qt_libraries) >= 8
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    apt = re.search(r"sudo apt-get install ([^`]+?)\n```", readme, flags=re.S)
    assert apt is not None
    assert qt_libraries <= set(apt.group(1).replace("\\", " ").split())
