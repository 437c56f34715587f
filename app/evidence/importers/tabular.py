"""CSV, XLSX and JSON tables with column mapping; UPR Info and OHCHR UHRI exports recognised.

CSV is parsed record by record with `strict=True`: a record with broken quoting is reported
with its starting line and parsing resumes on the next line, so one bad quote does not swallow
the rest of the file.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import fields
from pathlib import Path

from app.bounds import (
    CYCLE_RANGE,
    MAX_FIELD_CHARS,
    MAX_IMPORT_ROWS,
    SESSION_RANGE,
    YEAR_RANGE,
    JsonBoundsError,
    bounded_int,
    load_json_bounded,
)
from app.evidence.importers.base import (
    EvidenceImportError,
    ImportPreview,
    RowError,
    check_size,
    check_zip,
    decode,
)
from app.evidence.store import EvidenceItem, validate

#: Fields a column can be mapped to.
FIELDS: tuple[str, ...] = tuple(f.name for f in fields(EvidenceItem) if f.name != "id")

#: Header spellings recognised without a mapping (lower-case, spaces/underscores/dashes folded).
SYNONYMS: dict[str, tuple[str, ...]] = {
    "text": ("text", "recommendation", "finding", "description", "content", "body"),
    "country": ("country", "state", "stateunderreview", "sur", "to"),
    "organisation": ("organisation", "organization", "observer", "observers", "org"),
    "mission": ("mission", "eom"),
    "election": ("election", "elections", "electiontype"),
    "year": ("year", "date"),
    "report_title": ("report", "reporttitle", "title", "document"),
    "paragraph": ("paragraph", "para", "paragraphno", "recommendationno", "number", "no"),
    "page": ("page", "pageno"),
    "follow_up": ("followup", "status", "implementation", "implementationstatus"),
    "instrument": ("instrument", "treaty", "convention"),
    "article": ("article", "art", "provision"),
    "summary": ("summary",),
    "binding": ("binding", "ratification", "bound"),
    "cycle": ("cycle",),
    "session": ("session",),
    "recommending_state": ("recommendingstate", "recommendingstates", "from"),
    "response": ("response", "position"),
    "action_category": ("action", "actioncategory", "category"),
    "issues": ("issues", "issue", "themes", "theme"),
    "reference": ("reference", "ref", "recid", "rowid", "id", "symbol"),
    "item_type": ("itemtype", "type"),
    "kind": ("kind",),
}

UPR_INFO_COLUMNS = {"To", "Text", "From", "Response", "Action", "Issue", "Session", "Cycle"}
UHRI_COLUMNS = {"cycle", "session", "sur", "rec_id", "text", "recommending_states", "position",
                "themes"}

UPR_INFO_MAP = {
    "country": "To", "text": "Text", "recommending_state": "From", "response": "Response",
    "action_category": "Action", "issues": "Issue", "session": "Session", "cycle": "Cycle",
    "reference": "row_id",
}
UHRI_MAP = {
    "country": "sur", "text": "text", "recommending_state": "recommending_states",
    "response": "position", "issues": "themes", "session": "session", "cycle": "cycle",
    "reference": "rec_id",
}


def _fold(name: str) -> str:
    return re.sub(r"[\s_\-./()]+", "", name.strip().lower())


def auto_mapping(columns: list[str]) -> dict[str, str]:
    """field -> column for headers that match a known spelling."""
    mapping: dict[str, str] = {}
    folded = {_fold(c): c for c in columns}
    for fld, names in SYNONYMS.items():
        for name in names:
            if name in folded and folded[name] not in mapping.values():
                mapping[fld] = folded[name]
                break
    return mapping


def recognise(columns: list[str]) -> tuple[str, dict[str, str]] | None:
    """('upr-info' | 'uhri', mapping) when the header is one of the known exports."""
    cols = set(columns)
    if cols >= UPR_INFO_COLUMNS:
        return "upr-info", {k: v for k, v in UPR_INFO_MAP.items() if v in cols}
    if cols >= UHRI_COLUMNS:
        return "uhri", dict(UHRI_MAP)
    return None


# ----------------------------------------------------------------------------- value cleaning

_RESPONSES = {
    "accepted": "supported", "supported": "supported", "support": "supported",
    "accept": "supported", "noted": "noted", "note": "noted", "rejected": "noted",
    "notsupported": "noted", "notaccepted": "noted", "": "",
    # Neither answer: kept as evidence with no response (the acceptance outlook skips them).
    "pending": "", "partiallyaccepted": "", "partiallysupported": "", "supportedinpart": "",
    "acceptedinpart": "", "unknown": "", "noresponse": "", "none": "",
}
_FOLLOW_UP = {
    "fully": "fully implemented", "mostly": "mostly implemented",
    "partially": "partially implemented", "partly": "partially implemented",
    "not": "not implemented", "none": "not implemented", "unknown": "unknown", "": "",
}
_BINDING = {
    "ratified": "ratified", "acceded": "ratified", "accession": "ratified",
    "ratification": "ratified", "signed": "signed", "signature": "signed",
    "notratified": "not ratified", "no": "not ratified",
    "politicalcommitment": "political commitment", "political": "political commitment",
    "commitment": "political commitment", "guidance": "guidance", "": "",
}
_KINDS = {
    "finding": "finding", "observation": "finding", "eom": "finding",
    "observationfinding": "finding", "commitment": "commitment", "obligation": "commitment",
    "precedent": "precedent", "uprrecommendation": "precedent", "recommendation": "precedent",
    "other": "other",
}


def _norm(value: str, table: Mapping[str, str], what: str) -> str:
    key = _fold(value)
    if key in table:
        return table[key]
    for prefix, out in table.items():
        if prefix and key.startswith(prefix):
            return out
    allowed = ", ".join(sorted(set(table.values()) - {""}))
    raise ValueError(f"{what} '{value}' is not one of {allowed}")


def _int(value: str, what: str, *, year: bool = False) -> int | None:
    """A whole number within its range; `inf`, `1e999` or a 20-digit year is a row error."""
    value = value.strip()
    if not value:
        return None
    if year:
        m = re.search(r"\b(1[89]\d\d|2[01]\d\d)\b", value)
        if m:
            value = m.group(1)
        return bounded_int(value, what, YEAR_RANGE)
    return bounded_int(value, what)


def _counter(value: str, what: str, bounds: tuple[int, int]) -> str:
    """Sessions and cycles are kept as text, but a number must be a sane one."""
    value = value.strip()
    try:
        float(value)
    except ValueError:
        return value  # e.g. "41st session": kept as written
    return str(bounded_int(value, what, bounds))


def _issues(value: str, fmt: str) -> str:
    if fmt == "uhri":
        parts = value.split("|")
    elif fmt == "upr-info":
        parts = value.split(",")
    else:
        parts = re.split(r"[;|]", value)
    return "; ".join(p.strip() for p in parts if p.strip())


def make_item(
    row: Mapping[str, str], mapping: Mapping[str, str], *, kind: str, fmt: str,
    defaults: Mapping[str, str] | None = None,
) -> EvidenceItem:
    """Build and validate one item from a row; raises ValueError with the reason."""
    values: dict[str, str] = dict(defaults or {})
    for fld, column in mapping.items():
        if column in row and row[column] is not None:
            values[fld] = str(row[column]).strip()
    row_kind = kind
    if "kind" in values:
        raw_kind = values.pop("kind")
        if raw_kind:
            row_kind = _norm(raw_kind, _KINDS, "kind")
    text = values.pop("text", "").strip()
    if not text:
        raise ValueError("the text is empty")
    if len(text) > MAX_FIELD_CHARS:
        raise ValueError(f"the text is longer than {MAX_FIELD_CHARS:,} characters")
    item = EvidenceItem(kind=row_kind, text=text)
    for fld, value in values.items():
        if fld in FIELDS:
            _set_field(item, fld, value, fmt)
    problem = validate(item)
    if problem:
        raise ValueError(problem)
    return item


def check_defaults(defaults: Mapping[str, str]) -> None:
    """Refuse a bad `--set FIELD=VALUE` before any row is read (not once per row, or never)."""
    probe = EvidenceItem(kind="other", text="-")
    for fld, value in defaults.items():
        if fld in ("text", "kind"):
            continue
        try:
            _set_field(probe, fld, value, "csv")
        except ValueError as exc:
            raise EvidenceImportError(f"--set {fld}={value[:40]}: {exc}.") from None
    problem = validate(probe)
    if problem:
        raise EvidenceImportError(f"--set: {problem}.")


def _set_field(item: EvidenceItem, fld: str, value: str, fmt: str) -> None:
    """Clean `value` for `fld` and store it on `item`; raises ValueError with the reason."""
    if len(value) > MAX_FIELD_CHARS:
        raise ValueError(f"{fld} is longer than {MAX_FIELD_CHARS:,} characters")
    if fld == "year":
        item.year = _int(value, "year", year=True)
    elif fld == "action_category":
        item.action_category = _int(value, "action category")
    elif fld == "response":
        item.response = _norm(value, _RESPONSES, "response")
    elif fld == "follow_up":
        item.follow_up = _norm(value, _FOLLOW_UP, "follow-up status")
    elif fld == "binding":
        item.binding = _norm(value, _BINDING, "binding status")
    elif fld == "issues":
        item.issues = _issues(value, fmt)
    elif fld == "item_type":
        item.item_type = "recommendation" if _fold(value).startswith("rec") else (
            "finding" if value else "")
    elif fld == "session":
        item.session = _counter(value, "session", SESSION_RANGE)
    elif fld == "cycle":
        item.cycle = _counter(value, "cycle", CYCLE_RANGE)
    else:
        setattr(item, fld, value)


# ----------------------------------------------------------------------------- readers

Rows = Iterator[tuple[int, dict[str, str]]]


def _csv_records(text: str, errors: list[RowError]) -> tuple[list[str], Rows]:
    """Header and (start line, row) pairs; broken records go to `errors` and are skipped."""
    lines = text.splitlines(keepends=True)
    # The header line decides the separator: texts may hold commas and semicolons, headers rarely.
    head = lines[0] if lines else ""
    delimiter = max((",", ";", "\t"), key=lambda d: (head.count(d), d == ","))
    position = 0  # index into lines of the next unread line

    def feed() -> Iterator[str]:
        nonlocal position
        while position < len(lines):
            position += 1
            yield lines[position - 1]

    def reader() -> csv.Reader:  # type: ignore[name-defined]
        return csv.reader(feed(), delimiter=delimiter, quotechar='"', strict=True)

    rdr = reader()
    try:
        header = next(rdr)
    except StopIteration:
        raise EvidenceImportError("The file has no header row.") from None
    except csv.Error as exc:
        raise EvidenceImportError(f"line 1: the header row cannot be read ({exc}).") from None
    header = [h.strip() for h in header]
    if len(set(header)) != len(header):
        dup = next(h for h in header if header.count(h) > 1)
        raise EvidenceImportError(f"line 1: the column '{dup}' appears twice in the header.")

    def rows() -> Rows:
        nonlocal rdr, position
        while True:
            start = position + 1
            try:
                record = next(rdr)
            except StopIteration:
                return
            except csv.Error as exc:
                errors.append(RowError(start, f"broken quoting ({exc}); row skipped"))
                position = start  # resume right after the record's first line
                rdr = reader()
                continue
            if not any(cell.strip() for cell in record):
                continue
            if len(record) != len(header):
                errors.append(RowError(
                    start, f"expected {len(header)} columns, found {len(record)}"
                    " (a missing or extra separator or quote?)"))
                continue
            yield start, dict(zip(header, record, strict=True))

    return header, rows()


def _xlsx_records(path: Path) -> tuple[list[str], Rows]:
    check_zip(path, required=("[Content_Types].xml",)).close()
    import openpyxl  # imported here: only XLSX imports pay for it
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:
        raise EvidenceImportError(f"'{path.name}' cannot be read as XLSX ({exc}).") from None
    try:
        ws = wb.worksheets[0]
        it = ws.iter_rows(values_only=True)
        first = next(it)
    except StopIteration:
        wb.close()
        raise EvidenceImportError(f"'{path.name}' has an empty first sheet.") from None
    except Exception as exc:  # a damaged sheet: openpyxl raises whatever its parser hit
        wb.close()
        raise EvidenceImportError(f"'{path.name}' cannot be read as XLSX ({exc}).") from None
    header = [str(c).strip() if c is not None else f"column {i + 1}" for i, c in enumerate(first)]

    def rows() -> Rows:
        number = 1
        try:
            for number, values in enumerate(it, start=2):
                if not any(v not in (None, "") for v in values):
                    continue
                yield number, {h: ("" if v is None else str(v)) for h, v in zip(header, values,
                                                                            strict=False)}
        except Exception as exc:  # openpyxl reads rows lazily: damage surfaces here
            raise EvidenceImportError(
                f"'{path.name}' is damaged after row {number}; re-save it in Excel ({exc})."
            ) from None
        finally:
            wb.close()

    return header, rows()


def _json_records(text: str) -> tuple[list[str], Rows]:
    try:
        data = load_json_bounded(text)
    except JsonBoundsError as exc:
        raise EvidenceImportError(f"The JSON cannot be imported: {exc}.") from None
    if isinstance(data, dict):
        data = data.get("items", data.get("evidence"))
    if not isinstance(data, list):
        raise EvidenceImportError(
            'The JSON file must hold a list of objects (or {"items": [...]}).')
    header: list[str] = []
    for obj in data:
        if isinstance(obj, dict):
            for key in obj:
                if key not in header:
                    header.append(str(key))

    def rows() -> Rows:
        for number, obj in enumerate(data, start=1):
            if not isinstance(obj, dict):
                yield number, {"\0bad": type(obj).__name__}
                continue
            yield number, {str(k): ("" if v is None else
                                    ", ".join(map(str, v)) if isinstance(v, list) else str(v))
                           for k, v in obj.items()}

    return header, rows()


def prepare_table(
    path: str | Path,
    *,
    kind: str | None = None,
    encoding: str | None = None,
    column_map: Mapping[str, str] | None = None,
    defaults: Mapping[str, str] | None = None,
    limit: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> ImportPreview:
    """Parse a CSV/XLSX/JSON file into a preview (nothing written).

    `column_map` maps item fields to column names and wins over recognition; `limit` stops after
    that many rows (for a quick preview in the dialog).
    """
    path = Path(path)
    check_size(path)
    suffix = path.suffix.lower()
    errors: list[RowError] = []
    used_encoding = ""
    unit = "line"
    if suffix in (".xlsx", ".xlsm"):
        header, rows = _xlsx_records(path)
        fmt, unit = "xlsx", "row"
    else:
        raw = path.read_bytes()
        text, used_encoding = decode(raw, path.name, encoding)
        if suffix == ".json" or text.lstrip()[:1] in ("[", "{"):
            header, rows = _json_records(text)
            fmt, unit = "json", "record"
        else:
            header, rows = _csv_records(text, errors)
            fmt = "csv"
    known = recognise(header)
    if known:
        fmt, mapping = known
        default_kind = "precedent"
    else:
        mapping = auto_mapping(header)
        default_kind = "finding" if "organisation" in mapping else "other"
    if column_map:
        for fld, column in column_map.items():
            if fld not in (*FIELDS, "kind"):
                raise EvidenceImportError(
                    f"Unknown field '{fld}' in the column mapping; fields are: "
                    f"{', '.join(FIELDS)}.")
            if column and column not in header:
                raise EvidenceImportError(
                    f"The column '{column}' (mapped to {fld}) is not in the file; columns are: "
                    f"{', '.join(header)}.")
            if column:
                mapping[fld] = column
            else:
                mapping.pop(fld, None)
    if "text" not in mapping:
        raise EvidenceImportError(
            "No column holds the evidence text. Map one with --column-map text=COLUMN "
            f"(columns: {', '.join(header)}).")
    chosen_kind = kind or default_kind
    preview = ImportPreview(source=path.name, format=fmt, kind=chosen_kind,
                            encoding=used_encoding, columns=header, mapping=dict(mapping))
    for count, (number, row) in enumerate(rows, start=1):
        if count > MAX_IMPORT_ROWS:
            raise EvidenceImportError(
                f"'{path.name}' has more than {MAX_IMPORT_ROWS:,} rows; split it into smaller "
                "files and import them one by one.")
        if "\0bad" in row:
            found = row["\0bad"]
            preview.errors.append(RowError(number, f"expected an object, found {found}", unit))
            continue
        try:
            item = make_item(row, mapping, kind=chosen_kind, fmt=fmt, defaults=defaults)
        except ValueError as exc:
            preview.errors.append(RowError(number, str(exc), unit))
        else:
            preview.items.append((number, item))
        if progress and count % 5000 == 0:
            progress(count)
        if limit is not None and count >= limit:
            preview.notes.append(f"Preview limited to the first {limit} rows.")
            break
    for err in errors:
        preview.errors.append(err)
    preview.errors.sort(key=lambda e: e.line)
    return preview
