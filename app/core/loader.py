"""Load rule packs from folders, strictly, reporting every problem with file, line and key.

Layers load in order (built-in, user, project...). Within one layer a rule id may appear only
once; a later layer's rule with the same id replaces the earlier one. `overrides:` entries and
`RuleOverride`s (from a project) are applied last. A broken file or rule is reported and skipped;
everything else still loads.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from app.core.errors import RuleLoadError
from app.core.kinds import KINDS, Rule
from app.core.kinds.action_category import ActionCategoryRule
from app.core.kinds.base import PrepareError, TextMatch, describe_fields
from app.core.models import RuleOverride
from app.core.patterns import BUILTIN_MACROS
from app.core.yamlload import LineMap, YamlError, load_yaml_file, load_yaml_text

_TOP_LEVEL = {"pack", "macros", "rules", "overrides"}
RULE_SUFFIXES = (".yaml", ".yml")


@dataclass
class LoadedRules:
    rules: list[Rule] = field(default_factory=list)
    errors: list[RuleLoadError] = field(default_factory=list)
    packs: list[str] = field(default_factory=list)
    overrides: list[tuple[RuleOverride, Path | None, int | None]] = field(default_factory=list)


def rule_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.suffix in RULE_SUFFIXES and p.is_file())


def load_layers(layers: Sequence[Sequence[Path]]) -> LoadedRules:
    """Each layer is a list of files; ids must be unique within a layer."""
    out = LoadedRules()
    by_id: dict[str, int] = {}
    for files in layers:
        seen_here: dict[str, str] = {}
        for path in files:
            try:
                pack = load_file(path)
            except Exception as exc:  # a bug must cost this file only, never the built-ins
                from app.errors import report_unexpected

                message = f"file skipped: {report_unexpected(exc, f'loading rules {path}')}"
                out.errors.append(RuleLoadError(path, None, "", message))
                continue
            out.errors.extend(pack.errors)
            out.packs.extend(pack.packs)
            out.overrides.extend(pack.overrides)
            for rule in pack.rules:
                if rule.id in seen_here:
                    out.errors.append(
                        RuleLoadError(
                            path,
                            rule._line,
                            "id",
                            f"duplicate rule id {rule.id!r} "
                            f"(first defined at {seen_here[rule.id]})",
                        )
                    )
                    continue
                seen_here[rule.id] = rule.source
                if rule.id in by_id:
                    out.rules[by_id[rule.id]] = rule
                else:
                    by_id[rule.id] = len(out.rules)
                    out.rules.append(rule)
    return out


def load_file(path: Path) -> LoadedRules:
    try:
        data, lines = load_yaml_file(path)
    except YamlError as exc:
        return LoadedRules(errors=[RuleLoadError(path, exc.line, exc.key, exc.message)])
    return decode_pack(data, lines, path)


def load_text(text: str, path: Path | None = None) -> LoadedRules:
    try:
        data, lines = load_yaml_text(text)
    except YamlError as exc:
        return LoadedRules(errors=[RuleLoadError(path, exc.line, exc.key, exc.message)])
    return decode_pack(data, lines, path)


def decode_pack(data: Any, lines: LineMap, path: Path | None) -> LoadedRules:
    out = LoadedRules()

    def error(loc: tuple[str | int, ...], key: str, message: str) -> None:
        out.errors.append(RuleLoadError(path, lines.line_for(loc), key, message))

    if data is None:
        return out  # an empty file is allowed (e.g. a fresh user rules file)
    if not isinstance(data, dict):
        error((), "", "a rule file must be a mapping with `pack:` and `rules:`")
        return out
    for key in data:
        if key not in _TOP_LEVEL:
            error((key,), str(key), f"unknown key (allowed: {', '.join(sorted(_TOP_LEVEL))})")
    pack = data.get("pack")
    if data.get("rules") and not isinstance(pack, str):
        error(("pack",), "pack", "every rule file needs a `pack:` name")
        return out
    if isinstance(pack, str):
        out.packs.append(pack)
    macros = dict(BUILTIN_MACROS)
    raw_macros = data.get("macros") or {}
    if not isinstance(raw_macros, dict) or not all(isinstance(v, str) for v in raw_macros.values()):
        error(("macros",), "macros", "`macros` must map names to regex strings")
    else:
        macros.update({str(k): v for k, v in raw_macros.items()})
    raw_rules = data.get("rules") or []
    if not isinstance(raw_rules, list):
        error(("rules",), "rules", "`rules` must be a list")
        raw_rules = []
    for index, raw in enumerate(raw_rules):
        rule = _decode_rule(raw, ("rules", index), lines, macros, error)
        if rule is not None:
            rule._source = path
            rule._line = lines.line_for(("rules", index))
            out.rules.append(rule)
    raw_overrides = data.get("overrides") or []
    if not isinstance(raw_overrides, list):
        error(("overrides",), "overrides", "`overrides` must be a list")
        raw_overrides = []
    for index, raw in enumerate(raw_overrides):
        loc = ("overrides", index)
        try:
            override = RuleOverride.model_validate(raw)
        except ValidationError as exc:
            for err in exc.errors():
                _report(err, loc, error)
            continue
        out.overrides.append((override, path, lines.line_for(loc)))
    return out


def _decode_rule(
    raw: Any, loc: tuple[str | int, ...], lines: LineMap, macros: dict[str, str], error: Any
) -> Rule | None:
    if not isinstance(raw, dict):
        error(loc, "", "each rule must be a mapping")
        return None
    kind = raw.get("kind")
    model = KINDS.get(kind) if isinstance(kind, str) else None
    if model is None:
        error((*loc, "kind"), "kind", f"unknown rule kind {kind!r} (known: {', '.join(KINDS)})")
        return None
    try:
        rule = model.model_validate(raw)
    except ValidationError as exc:
        for err in exc.errors():
            _report(err, loc, error, model)
        return None
    try:
        rule.compile(macros)
    except PrepareError as exc:
        error((*loc, *exc.loc), str(exc.loc[0]), exc.message)
        return None
    return rule


def _report(err: Any, loc: tuple[str | int, ...], error: Any, model: type | None = None) -> None:
    where = tuple(p for p in err["loc"] if isinstance(p, str | int))
    key = ".".join(str(p) for p in where) or "(rule)"
    if err["type"] == "extra_forbidden":
        allowed = f" (allowed: {', '.join(describe_fields(model))})" if model else ""
        error((*loc, *where), key, f"unknown key{allowed}")
    elif err["type"] == "missing":
        error((*loc, *where[:-1]), key, "required key is missing")
    else:
        error((*loc, *where), key, err["msg"])


def apply_overrides(
    rules: list[Rule],
    overrides: Iterable[tuple[RuleOverride, Path | None, int | None]],
    errors: list[RuleLoadError],
) -> list[Rule]:
    """Return rules with enable/severity/extra terms applied, reporting unknown ids."""
    by_id = {rule.id: i for i, rule in enumerate(rules)}
    result = list(rules)
    for override, path, line in overrides:
        index = by_id.get(override.rule_id)
        if index is None:
            errors.append(
                RuleLoadError(path, line, "rule_id", f"no rule with id {override.rule_id!r}")
            )
            continue
        rule = result[index]
        update: dict[str, Any] = {}
        if override.enabled is not None:
            update["enabled"] = override.enabled
        if override.severity is not None:
            update["severity"] = override.severity
        if override.add_terms and isinstance(rule, ActionCategoryRule):
            update["verbs"] = [*rule.verbs, *override.add_terms]  # e.g. a new category-5 verb
        elif override.add_terms:
            if not isinstance(rule, TextMatch):
                errors.append(
                    RuleLoadError(
                        path, line, "add_terms", f"rule {rule.id!r} has no terms to add to"
                    )
                )
            else:
                update["terms"] = [*rule.terms, *override.add_terms]
        if update:
            copy = rule.model_copy(update=update)
            try:
                copy.compile(rule._macros)
            except PrepareError as exc:
                errors.append(RuleLoadError(path, line, "add_terms", exc.message))
                continue
            result[index] = copy
    return result
