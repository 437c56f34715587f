"""`smartrec review`: a realistic delegation document reviewed through the real CLI entry point.

The expectations come from the checker itself run on the known recommendation texts, and from the
input file's own bytes, never from the review module's report.
"""

from __future__ import annotations

import shutil
import subprocess
import zipfile
from collections import Counter
from pathlib import Path

import pytest
from docx.oxml.ns import qn
from doubles.export_sample import sample_export_project
from lxml import etree

from app.cli import main
from app.core.engine import Checker, load_checker
from app.core.models import Replacement
from app.export import export_document
from app.review.sample import (
    COLLEAGUE,
    COLLEAGUE_NOTE,
    INSERTED,
    INTRO,
    LISTED,
    TABLED,
    build_sample_document,
)

RECOMMENDATIONS = LISTED + [text for text, _ in TABLED]
CHANGED_PARTS = {"word/document.xml", "word/comments.xml", "word/_rels/document.xml.rels",
                 "[Content_Types].xml"}
W_T, W_DEL, W_INS, W_ID = qn("w:t"), qn("w:del"), qn("w:ins"), qn("w:id")


@pytest.fixture(scope="module")
def checker() -> Checker:
    return load_checker(user_rules=False)


@pytest.fixture(scope="module")
def reviewed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("review")
    source = build_sample_document(folder / "Freedonia drafts.docx")
    fixed = folder / "fixed.docx"
    assert main(["review", str(source), "--no-user-rules", "--no-spelling"]) == 0
    assert main(["review", str(source), "-o", str(fixed), "--fixes", "--no-user-rules",
                 "--no-spelling"]) == 0
    return {"source": source, "plain": folder / "Freedonia drafts (SMARTrec review).docx",
            "fixed": fixed}


def part(path: Path, name: str) -> bytes:
    with zipfile.ZipFile(path) as zf:
        return zf.read(name)


def comments(path: Path) -> dict[str, tuple[str, str]]:
    """Comment id -> (author, text with paragraphs joined by newlines)."""
    root = etree.fromstring(part(path, "word/comments.xml"))
    return {
        c.get(W_ID): (c.get(qn("w:author")),
                      "\n".join("".join(t.text or "" for t in p.iter(W_T))
                                for p in c.iter(qn("w:p"))).strip())
        for c in root.iter(qn("w:comment"))
    }


def anchored_text(body: etree._Element) -> dict[str, str]:
    """Comment id -> the visible text between its range start and end, in document order."""
    open_ids: set[str] = set()
    texts: dict[str, list[str]] = {}
    for el in body.iter():
        if el.tag == qn("w:commentRangeStart"):
            open_ids.add(el.get(W_ID))
            texts[el.get(W_ID)] = []
        elif el.tag == qn("w:commentRangeEnd"):
            open_ids.discard(el.get(W_ID))
        elif el.tag == W_T and el.text:
            for cid in open_ids:
                texts[cid].append(el.text)
    return {cid: "".join(parts) for cid, parts in texts.items()}


def paragraph_texts(root: etree._Element) -> list[str]:
    return ["".join(t.text or "" for t in p.iter(W_T)) for p in root.iter(qn("w:p"))]


def test_one_comment_per_finding_on_its_words_and_one_summary_each(
    reviewed: dict[str, Path], checker: Checker
) -> None:
    out = reviewed["plain"]
    notes = comments(out)
    anchors = anchored_text(etree.fromstring(part(out, "word/document.xml")))
    ours = {cid: text for cid, (author, text) in notes.items() if author == "SMARTrec"}
    expected: Counter[tuple[str, str]] = Counter()
    for text in RECOMMENDATIONS:
        result = checker.check(text)
        for finding in result.findings:
            assert finding.end > finding.start
            expected[(text[finding.start : finding.end], finding.message.rstrip("."))] += 1
        expected[(text, "SMARTrec summary")] += 1
    got: Counter[tuple[str, str]] = Counter()
    for cid, text in ours.items():
        first = text.split("\n")[0]
        key = "SMARTrec summary" if first.startswith("SMARTrec summary") else first.rstrip(".")
        got[(anchors[cid], key)] += 1
    assert got == expected
    assert sum(1 for _a, key in got if key == "SMARTrec summary") == len(RECOMMENDATIONS) == 15


def test_summary_names_score_class_missing_criteria_and_action_upgrade(
    reviewed: dict[str, Path], checker: Checker
) -> None:
    summaries = [t for a, t in comments(reviewed["plain"]).values()
                 if a == "SMARTrec" and t.startswith("SMARTrec summary")]
    vague = next(s for s in summaries if "general" in s)
    result = checker.check(LISTED[0])
    assert f"SMART score {result.smart_score}/100, {result.overall}." in vague
    assert "Time-bound (not met)" in vague
    assert "To move up: " + result.action_category.upgrade.rstrip(".") in vague


def test_everything_else_survives(reviewed: dict[str, Path]) -> None:
    source, out = reviewed["source"], reviewed["plain"]
    with zipfile.ZipFile(source) as a, zipfile.ZipFile(out) as b:
        before = {i.filename: a.read(i) for i in a.infolist()}
        after = {i.filename: b.read(i) for i in b.infolist()}
    assert set(before) <= set(after)
    for name, data in before.items():
        if name not in CHANGED_PARTS:
            assert after[name] == data, f"{name} changed"
    assert b"See the national report" in after["word/footnotes.xml"]
    old_doc = etree.fromstring(before["word/document.xml"])
    new_doc = etree.fromstring(after["word/document.xml"])
    assert paragraph_texts(new_doc) == paragraph_texts(old_doc)
    styles = [p.find(f"{qn('w:pPr')}/{qn('w:pStyle')}") for p in new_doc.iter(qn("w:p"))]
    old_styles = [p.find(f"{qn('w:pPr')}/{qn('w:pStyle')}") for p in old_doc.iter(qn("w:p"))]
    assert [s.get(qn("w:val")) if s is not None else None for s in styles] == [
        s.get(qn("w:val")) if s is not None else None for s in old_styles]
    assert len(new_doc.findall(f".//{qn('w:footnoteReference')}")) == 1
    assert len(new_doc.findall(f".//{qn('w:tbl')}")) == 1
    colleague = {cid: text for cid, (author, text) in comments(out).items() if author == COLLEAGUE}
    assert list(colleague.values()) == [COLLEAGUE_NOTE]
    (cid,) = colleague
    assert anchored_text(new_doc)[cid] == INTRO
    inserted = [i for i in new_doc.iter(W_INS) if i.get(qn("w:author")) == COLLEAGUE]
    assert ["".join(t.text for t in i.iter(W_T)) for i in inserted] == [INSERTED]


def _accept(root: etree._Element, author: str = "SMARTrec") -> etree._Element:
    """What Word's "Accept all changes by SMARTrec" does: drop deletions, keep insertions."""
    for el in list(root.iter(W_DEL)):
        if el.get(qn("w:author")) == author:
            el.getparent().remove(el)
    for el in list(root.iter(W_INS)):
        if el.get(qn("w:author")) == author:
            _unwrap(el)
    return root


def _reject(root: etree._Element, author: str = "SMARTrec") -> etree._Element:
    for el in list(root.iter(W_INS)):
        if el.get(qn("w:author")) == author:
            el.getparent().remove(el)
    for el in list(root.iter(W_DEL)):
        if el.get(qn("w:author")) == author:
            for text in el.iter(qn("w:delText")):
                text.tag = W_T
            _unwrap(el)
    return root


def _unwrap(el: etree._Element) -> None:
    parent = el.getparent()
    index = parent.index(el)
    for offset, child in enumerate(list(el)):
        parent.insert(index + offset, child)
    parent.remove(el)


def _fixed(text: str, checker: Checker) -> str:
    """The recommendation with the first replacement of each finding applied, left to right."""
    chosen: list[Replacement] = []
    for fix in sorted((f.replacements[0] for f in checker.check(text).findings
                       if f.replacements), key=lambda r: (r.start, r.end)):
        if not chosen or fix.start >= chosen[-1].end:
            chosen.append(fix)
    for fix in reversed(chosen):
        text = text[: fix.start] + fix.text + text[fix.end :]
    return text


def test_fixes_are_tracked_changes_that_accept_to_the_fixed_text(
    reviewed: dict[str, Path], checker: Checker
) -> None:
    data = part(reviewed["fixed"], "word/document.xml")
    root = etree.fromstring(data)
    marks = [el for el in root.iter(W_INS, W_DEL) if el.get(qn("w:author")) == "SMARTrec"]
    assert len([m for m in marks if m.tag == W_DEL]) >= 5
    ids = [m.get(W_ID) for m in root.iter(W_INS, W_DEL)]
    assert len(ids) == len(set(ids)), "revision ids must be unique"
    assert all(m.get(qn("w:date")) for m in marks)
    accepted = paragraph_texts(_accept(etree.fromstring(data)))
    rejected = paragraph_texts(_reject(etree.fromstring(data)))
    for text in RECOMMENDATIONS:
        assert _fixed(text, checker) in accepted
        assert text in rejected
    assert sum(_fixed(t, checker) != t for t in RECOMMENDATIONS) >= 5
    original = paragraph_texts(etree.fromstring(part(reviewed["source"], "word/document.xml")))
    assert rejected == original


def test_without_fixes_the_text_is_untouched(reviewed: dict[str, Path]) -> None:
    root = etree.fromstring(part(reviewed["plain"], "word/document.xml"))
    assert not [el for el in root.iter(W_INS, W_DEL) if el.get(qn("w:author")) == "SMARTrec"]


def test_reviewing_again_replaces_old_comments(reviewed: dict[str, Path], tmp_path: Path) -> None:
    again = tmp_path / "again.docx"
    assert main(["review", str(reviewed["plain"]), "-o", str(again), "--no-user-rules",
                 "--no-spelling"]) == 0
    first, second = comments(reviewed["plain"]), comments(again)
    assert Counter(v for v in second.values()) == Counter(v for v in first.values())
    root = etree.fromstring(part(again, "word/document.xml"))
    starts = [el.get(W_ID) for el in root.iter(qn("w:commentRangeStart"))]
    refs = [el.get(W_ID) for el in root.iter(qn("w:commentReference"))]
    assert sorted(starts) == sorted(refs) == sorted(second)
    assert paragraph_texts(root) == paragraph_texts(
        etree.fromstring(part(reviewed["source"], "word/document.xml")))


def test_all_paragraphs_reviews_the_intro_too(reviewed: dict[str, Path], tmp_path: Path) -> None:
    out = tmp_path / "all.docx"
    assert main(["review", str(reviewed["source"]), "-o", str(out), "--all-paragraphs",
                 "--no-user-rules", "--no-spelling"]) == 0
    summaries = [cid for cid, (a, t) in comments(out).items()
                 if a == "SMARTrec" and t.startswith("SMARTrec summary")]
    anchors = anchored_text(etree.fromstring(part(out, "word/document.xml")))
    assert INTRO + INSERTED in {anchors[c] for c in summaries}
    assert len(summaries) > len(RECOMMENDATIONS)


@pytest.mark.libreoffice
@pytest.mark.slow
def test_libreoffice_opens_the_reviews_and_shows_comments_and_changes(
    reviewed: dict[str, Path], tmp_path: Path
) -> None:
    soffice = shutil.which("soffice")
    assert soffice is not None
    profile = tmp_path / "profile"
    exported = tmp_path / "list.docx"
    export_document(sample_export_project(), "docx", "list", exported)
    exported_review = tmp_path / "list reviewed.docx"
    assert main(["review", str(exported), "-o", str(exported_review), "--fixes",
                 "--no-user-rules", "--no-spelling"]) == 0
    files = [str(reviewed["plain"]), str(reviewed["fixed"]), str(exported_review)]
    for fmt in ("pdf", "odt"):
        done = subprocess.run(
            [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless",
             "--convert-to", fmt, "--outdir", str(tmp_path), *files],
            capture_output=True, text=True, timeout=180, check=False,
        )
        assert done.returncode == 0, done.stderr
    for name in ("plain", "fixed"):
        assert (tmp_path / f"{reviewed[name].stem}.pdf").stat().st_size > 1000
        with zipfile.ZipFile(tmp_path / f"{reviewed[name].stem}.odt") as odt:
            content = odt.read("content.xml").decode()
        ours = sum(1 for a, _ in comments(reviewed[name]).values() if a == "SMARTrec")
        assert content.count("<dc:creator>SMARTrec</dc:creator>") >= ours > 15
        if name == "fixed":
            assert content.count("<text:deletion>") >= 5
    assert (tmp_path / "list reviewed.pdf").stat().st_size > 1000


W14 = "http://schemas.microsoft.com/office/word/2010/wordml"
W15 = "http://schemas.microsoft.com/office/word/2012/wordml"
W16CID = "http://schemas.microsoft.com/office/word/2016/wordml/cid"
W16CEX = "http://schemas.microsoft.com/office/word/2018/wordml/cex"


def _as_word_saves_it(reviewed_copy: Path, target: Path) -> dict[str, str]:
    """Give every comment a paragraph id and the Word 2016+ side records, as a save in Word
    does; a colleague's reply hangs under the first SMARTrec comment. Returns author per id."""
    import docx
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part

    document = docx.Document(str(reviewed_copy))
    ids: dict[str, str] = {}
    for number, comment in enumerate(document.comments, start=1):
        para_id = f"{number:08X}"
        comment._comment_elm.p_lst[-1].set(f"{{{W14}}}paraId", para_id)
        ids[para_id] = comment.author
    first_ours = next(i for i, a in ids.items() if a == "SMARTrec")
    reply = document.comments.add_comment("I agree.", author=COLLEAGUE)
    reply._comment_elm.p_lst[-1].set(f"{{{W14}}}paraId", "7FFFFFFE")
    ids["7FFFFFFE"] = COLLEAGUE
    extended = "".join(
        f'<w15:commentEx w15:paraId="{i}" w15:done="0"'
        + (f' w15:paraIdParent="{first_ours}"' if i == "7FFFFFFE" else "") + "/>"
        for i in ids)
    comment_ids = "".join(f'<w16cid:commentId w16cid:paraId="{i}" w16cid:durableId="D{i}"/>'
                          for i in ids)
    extensible = "".join(f'<w16cex:commentExtensible w16cex:durableId="D{i}"/>' for i in ids)
    for name, reltype, content_type, root in (
        ("commentsExtended", "http://schemas.microsoft.com/office/2011/relationships/"
         "commentsExtended", "application/vnd.openxmlformats-officedocument.wordprocessingml."
         "commentsExtended+xml", f'<w15:commentsEx xmlns:w15="{W15}">{extended}</w15:commentsEx>'),
        ("commentsIds", "http://schemas.microsoft.com/office/2016/09/relationships/commentsIds",
         "application/vnd.openxmlformats-officedocument.wordprocessingml.commentsIds+xml",
         f'<w16cid:commentsIds xmlns:w16cid="{W16CID}">{comment_ids}</w16cid:commentsIds>'),
        ("commentsExtensible", "http://schemas.microsoft.com/office/2018/08/relationships/"
         "commentsExtensible", "application/vnd.openxmlformats-officedocument.wordprocessingml."
         "commentsExtensible+xml",
         f'<w16cex:commentsExtensible xmlns:w16cex="{W16CEX}">{extensible}'
         "</w16cex:commentsExtensible>"),
    ):
        part = Part(PackURI(f"/word/{name}.xml"), content_type, root.encode(),
                    document.part.package)
        document.part.relate_to(part, reltype)
    document.save(str(target))
    return ids


def test_reviewing_a_copy_saved_by_word_leaves_no_dangling_records(
    reviewed: dict[str, Path], tmp_path: Path
) -> None:
    resaved = tmp_path / "resaved.docx"
    ids = _as_word_saves_it(reviewed["plain"], resaved)
    again = tmp_path / "again.docx"
    assert main(["review", str(resaved), "-o", str(again), "--no-user-rules",
                 "--no-spelling"]) == 0
    kept = {i for i, author in ids.items() if author == COLLEAGUE}
    extended = etree.fromstring(part(again, "word/commentsExtended.xml"))
    assert {el.get(f"{{{W15}}}paraId") for el in extended} == kept
    assert all(el.get(f"{{{W15}}}paraIdParent") is None for el in extended)
    cids = etree.fromstring(part(again, "word/commentsIds.xml"))
    assert {el.get(f"{{{W16CID}}}paraId") for el in cids} == kept
    cex = etree.fromstring(part(again, "word/commentsExtensible.xml"))
    assert {el.get(f"{{{W16CEX}}}durableId") for el in cex} == {f"D{i}" for i in kept}
    authors = Counter(a for a, _ in comments(again).values())
    assert authors[COLLEAGUE] == 2
    assert authors["SMARTrec"] == sum(1 for a, _ in comments(reviewed["plain"]).values()
                                      if a == "SMARTrec")


def test_library_puts_a_precedent_in_the_summary(
    reviewed: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from app.evidence.library import open_library
    from app.evidence.store import EvidenceItem, add_item

    library = tmp_path / "refs.smartlib"
    conn = open_library(library, create=True)
    conn.execute("BEGIN")
    earlier = "Ratify the Optional Protocol to the Convention against Torture."
    add_item(conn, EvidenceItem(kind="precedent", country="Freedonia", recommending_state="Norland",
                                cycle="3", response="supported", issues="Torture", text=earlier))
    conn.execute("COMMIT")
    conn.close()
    out = tmp_path / "with library.docx"
    base = ["review", str(reviewed["source"]), "-o", str(out), "--no-user-rules",
            "--no-spelling", "--library", str(library)]
    assert main(base) == 2
    assert "--state" in capsys.readouterr().err and not out.exists()
    assert main([*base, "--state", "Freedonia"]) == 0
    anchors = anchored_text(etree.fromstring(part(out, "word/document.xml")))
    summary = next(text for cid, (author, text) in comments(out).items()
                   if author == "SMARTrec" and anchors[cid] == LISTED[1]
                   and text.startswith("SMARTrec summary"))
    assert f"Precedent: “{earlier}” (Norland, cycle 3, supported)." in summary
    others = [text for cid, (author, text) in comments(out).items()
              if author == "SMARTrec" and anchors[cid] == LISTED[5]]
    assert not any("Precedent:" in text for text in others)


def test_default_copy_never_overwrites_an_earlier_copy(
    reviewed: dict[str, Path], tmp_path: Path
) -> None:
    source = tmp_path / "drafts.docx"
    source.write_bytes(reviewed["source"].read_bytes())
    first = tmp_path / "drafts (SMARTrec review).docx"
    first.write_bytes(b"an earlier copy with the user's own edits")
    assert main(["review", str(source), "--no-user-rules", "--no-spelling"]) == 0
    second = tmp_path / "drafts (SMARTrec review 2).docx"
    assert second.exists() and first.read_bytes().startswith(b"an earlier copy")
    assert main(["review", str(second), "--no-user-rules", "--no-spelling"]) == 0
    assert (tmp_path / "drafts (SMARTrec review 3).docx").exists()
