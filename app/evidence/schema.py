"""Evidence tables, their FTS5 index and (in projects) the attached libraries.

One wide `evidence` table holds all kinds; kind-specific columns are empty strings for the other
kinds. That keeps one FTS5 index (external content, kept in sync by triggers) and one query path.
`ensure_schema` only issues single statements, never `executescript`, so it runs inside the
project's migration transaction without committing it.
"""

from __future__ import annotations

import sqlite3

#: Version of the evidence tables, kept in `evidence_meta` (projects and libraries alike).
EVIDENCE_SCHEMA_VERSION = 1

KINDS = ("finding", "commitment", "precedent", "other")
FOLLOW_UP = (
    "",
    "fully implemented",
    "mostly implemented",
    "partially implemented",
    "not implemented",
    "unknown",
)
BINDING = ("", "ratified", "signed", "not ratified", "political commitment", "guidance")
RESPONSES = ("", "supported", "noted")
ITEM_TYPES = ("", "finding", "recommendation")

#: FTS5 tokenizer: Porter stemming over Unicode words, accents folded ("élection" = "election").
TOKENIZER = "porter unicode61 remove_diacritics 2"


class EvidenceSchemaError(Exception):
    """The file's evidence tables are newer than this version understands."""


def _in(values: tuple[str, ...]) -> str:
    return "(" + ", ".join("'" + v.replace("'", "''") + "'" for v in values) + ")"


_EVIDENCE_TABLE = f"""
CREATE TABLE IF NOT EXISTS evidence (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL CHECK (kind IN {_in(KINDS)}),
    text TEXT NOT NULL CHECK (length(text) > 0),
    country TEXT NOT NULL DEFAULT '',
    item_type TEXT NOT NULL DEFAULT '' CHECK (item_type IN {_in(ITEM_TYPES)}),
    organisation TEXT NOT NULL DEFAULT '',
    mission TEXT NOT NULL DEFAULT '',
    election TEXT NOT NULL DEFAULT '',
    year INTEGER,
    report_title TEXT NOT NULL DEFAULT '',
    paragraph TEXT NOT NULL DEFAULT '',
    page TEXT NOT NULL DEFAULT '',
    follow_up TEXT NOT NULL DEFAULT '' CHECK (follow_up IN {_in(FOLLOW_UP)}),
    instrument TEXT NOT NULL DEFAULT '',
    article TEXT NOT NULL DEFAULT '',
    summary TEXT NOT NULL DEFAULT '',
    binding TEXT NOT NULL DEFAULT '' CHECK (binding IN {_in(BINDING)}),
    cycle TEXT NOT NULL DEFAULT '',
    session TEXT NOT NULL DEFAULT '',
    recommending_state TEXT NOT NULL DEFAULT '',
    response TEXT NOT NULL DEFAULT '' CHECK (response IN {_in(RESPONSES)}),
    action_category INTEGER CHECK (action_category BETWEEN 1 AND 5),
    issues TEXT NOT NULL DEFAULT '',
    reference TEXT NOT NULL DEFAULT '',
    keywords TEXT NOT NULL DEFAULT '',
    import_id INTEGER REFERENCES evidence_imports(id) ON DELETE SET NULL,
    created TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
)"""

_STATEMENTS: tuple[str, ...] = (
    "CREATE TABLE IF NOT EXISTS evidence_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    """CREATE TABLE IF NOT EXISTS evidence_imports (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        source TEXT NOT NULL,
        format TEXT NOT NULL,
        rows INTEGER NOT NULL,
        created TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
    )""",
    _EVIDENCE_TABLE,
    "CREATE INDEX IF NOT EXISTS evidence_kind_country ON evidence(kind, country COLLATE NOCASE)",
    # External content: the index stores no second copy of the text; snippet() reads `evidence`.
    f"""CREATE VIRTUAL TABLE IF NOT EXISTS evidence_fts USING fts5(
        text, issues, keywords, content='evidence', content_rowid='id',
        tokenize='{TOKENIZER}'
    )""",
    # Document frequency per (stemmed) term, to keep long draft queries cheap at 100,000 items.
    "CREATE VIRTUAL TABLE IF NOT EXISTS evidence_vocab USING fts5vocab(evidence_fts, row)",
    """CREATE TRIGGER IF NOT EXISTS evidence_ai AFTER INSERT ON evidence BEGIN
        INSERT INTO evidence_fts(rowid, text, issues, keywords)
        VALUES (new.id, new.text, new.issues, new.keywords);
    END""",
    """CREATE TRIGGER IF NOT EXISTS evidence_ad AFTER DELETE ON evidence BEGIN
        INSERT INTO evidence_fts(evidence_fts, rowid, text, issues, keywords)
        VALUES ('delete', old.id, old.text, old.issues, old.keywords);
    END""",
    """CREATE TRIGGER IF NOT EXISTS evidence_au AFTER UPDATE OF text, issues, keywords
        ON evidence BEGIN
        INSERT INTO evidence_fts(evidence_fts, rowid, text, issues, keywords)
        VALUES ('delete', old.id, old.text, old.issues, old.keywords);
        INSERT INTO evidence_fts(rowid, text, issues, keywords)
        VALUES (new.id, new.text, new.issues, new.keywords);
    END""",
)

_PROJECT_STATEMENTS: tuple[str, ...] = (
    # Libraries attached to a project. (The draft↔evidence links are a table of the project
    # file, created by app.storage.links.)
    """CREATE TABLE IF NOT EXISTS evidence_libraries (
        path TEXT PRIMARY KEY,
        added TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
    )""",
)


def schema_version(conn: sqlite3.Connection) -> int:
    """Evidence schema version of an open file (0 when it has no evidence tables yet)."""
    has = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'evidence_meta'"
    ).fetchone()
    if not has:
        return 0
    row = conn.execute("SELECT value FROM evidence_meta WHERE key = 'schema_version'").fetchone()
    try:
        return int(row[0]) if row else 0
    except ValueError:
        return 0


def ensure_schema(conn: sqlite3.Connection, *, project: bool) -> None:
    """Create or upgrade the evidence tables; idempotent and transaction-neutral."""
    version = schema_version(conn)
    if version > EVIDENCE_SCHEMA_VERSION:
        raise EvidenceSchemaError(
            f"The evidence tables were written by a newer SMARTrec (evidence schema {version}; "
            f"this version understands up to {EVIDENCE_SCHEMA_VERSION}). Update SMARTrec."
        )
    for statement in _STATEMENTS:
        conn.execute(statement)
    if project:
        for statement in _PROJECT_STATEMENTS:
            conn.execute(statement)
    if version != EVIDENCE_SCHEMA_VERSION:
        conn.execute(
            "INSERT OR REPLACE INTO evidence_meta (key, value) VALUES ('schema_version', ?)",
            (str(EVIDENCE_SCHEMA_VERSION),),
        )
