"""UN regional groups and one spelling-insensitive key per State name.

UPR Info writes "Iran (Islamic Republic of)", OHCHR sometimes "Iran"; a draft may say "Türkiye" for
an export's "Turkey". `state_key` folds those differences so the history of one State is counted
once, and `regional_group` lets a thin record borrow from the State's neighbours.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

from app.paths import resources_dir

GROUPS_FILE = "regional_groups.yaml"

_PARENS = re.compile(r"\([^)]*\)")
_NON_WORD = re.compile(r"[^a-z0-9]+")


class GroupsFileError(Exception):
    """The built-in regional-group file is missing or malformed (a packaging bug)."""


def state_key(name: str) -> str:
    """Case-, accent- and punctuation-free name without any "(...)" part or leading "the"."""
    text = unicodedata.normalize("NFKD", _PARENS.sub(" ", name))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    text = _NON_WORD.sub(" ", text.replace("&", " and ")).strip()
    if text.startswith("st "):
        text = "saint " + text[3:]
    if text.startswith("the "):
        text = text[4:]
    return text


@cache
def _table() -> dict[str, tuple[str, str]]:
    """state key -> (official name, group)."""
    import yaml  # only when an outlook is asked for: a plain check must not load a parser

    path = resources_dir() / "acceptance" / GROUPS_FILE
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise GroupsFileError(f"'{GROUPS_FILE}' cannot be read: {exc}") from exc
    if not isinstance(data, dict) or set(data) != {"groups", "aliases"}:
        raise GroupsFileError(f"'{GROUPS_FILE}' must hold exactly 'groups' and 'aliases'.")
    table: dict[str, tuple[str, str]] = {}
    for group, states in data["groups"].items():
        for state in states:
            table[state_key(state)] = (state, str(group))
    for alias, official in data["aliases"].items():
        target = table.get(state_key(official))
        if target is None:
            raise GroupsFileError(f"'{GROUPS_FILE}': alias '{alias}' names unknown '{official}'.")
        table.setdefault(state_key(alias), target)
    return table


@cache
def regional_group(name: str) -> str:
    """The State's UN regional group ("Africa", "Asia", "EEG", "GRULAC", "WEOG", "Observer"),
    or "" when the name is not a State the file knows."""
    found = _table().get(state_key(name))
    return found[1] if found else ""


@cache
def canonical_key(name: str) -> str:
    """One key for every spelling the file knows ("Turkey" = "Türkiye"); else `state_key`."""
    key = state_key(name)
    found = _table().get(key)
    return state_key(found[0]) if found else key


def split_states(value: str) -> tuple[str, ...]:
    """Recommending States from a cell such as "Portugal, Slovakia" (a joint recommendation).

    "Iran, Islamic Republic of" stays one State: a part ending in "of" joins the one before it.
    """
    parts: list[str] = []
    for part in (p.strip() for p in re.split(r"[;,]", value)):
        if not part:
            continue
        if parts and part.casefold().endswith(" of"):
            parts[-1] = f"{parts[-1]} ({part})"
        else:
            parts.append(part)
    return tuple(parts)
