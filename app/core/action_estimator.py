"""Estimate the UPR Info action category (McMahon's 1–5 scale) from the `action_category` rules.

A recommendation's category follows from the action it leads with: its first main verb and, where
the verb alone is ambiguous, the object that follows ("adopt a law" is specific, "adopt measures"
is general). Finding that verb means stepping over framing: adverbs ("Fully implement"), opening
clauses ("In line with..., adopt"), reporting words ("Recommended that..."), nominalisations
("The adoption of...") and passives ("That the Code be amended"). Frames that change the meaning
are verbs in their own right: "continue to adopt" is continuing action (2), "consider ratifying"
is considering action (3), "take measures to adopt" is general action (4).

Rules name verbs (a verb may carry particles: "set up", "put an end") and optionally objects.
Rules whose object is found after the verb win over verb-only rules; among them the object found
earliest wins (so "adopt legislative measures" reads as legislation, not as "measures"), then the
longer object, then the later rule. Among verb-only rules the later rule wins.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import regex

from app.core.document import Document, Token
from app.core.kinds.action_category import ActionCategoryRule, search
from app.core.models import ActionCategory
from app.core.verbs import (
    ADDRESS_OPENERS,
    ADVERBIAL_PHRASES,
    BE,
    CONTINUING_MEANS,
    CONTROL_VERBS,
    DETERMINERS,
    DITRANSITIVE,
    ING_NOUNS,
    LEAD_FILLERS,
    MEANS_MARKERS,
    NEGATIONS,
    NOMINALISATIONS,
    OBJECT_STOPS,
    PREAMBLE_OPENERS,
    REPORTING,
    SHARING,
    SOFT_STOPS,
    is_participle,
    lemma,
)

#: How many tokens from the start the leading verb may be searched for.
LEAD_WINDOW = 60
#: How many tokens after the verb its object may span.
OBJECT_WINDOW = 12

#: Categories that a specific act named as the means ("by adopting a law") lifts to 5.
MEANS_UPGRADE_FROM = frozenset({2, 4})
#: Objects that make "to seek / to request" a request for outside help.
_HELP = regex.compile(
    r"\b(?:assistance|support|aid|funding|expertise|help|cooperation)\b", regex.IGNORECASE
)
_FRAME = regex.compile(
    r"\b(?:encouraged|invited|urged|called\s+(?:up)?on|requested|recommended|recommends|asked|"
    r"invites|encourages|urges|calls\s+(?:up)?on)\s+(?:[\p{L}'’-]+\s+){0,3}?to\s+",
    regex.IGNORECASE,
)


@dataclass(frozen=True)
class _Head:
    """The leading verb: token index of the verb, index after its particles, its entries."""

    index: int
    after: int
    entries: tuple[ActionCategoryRule, ...]


class ActionEstimator:
    """Chooses one action_category rule for a draft."""

    def __init__(self, rules: Sequence[ActionCategoryRule]) -> None:
        self.rules = [r for r in rules if r.enabled]
        #: first word (lemma) -> [(particle words, rule, order)]
        self.by_verb: dict[str, list[tuple[tuple[str, ...], ActionCategoryRule, int]]] = {}
        for order, rule in enumerate(self.rules):
            for verb in rule.verbs:
                words = tuple(w.lower() for w in regex.findall(r"[\p{L}\p{N}'’-]+", verb))
                if words:
                    self.by_verb.setdefault(words[0], []).append((words[1:], rule, order))
        self.vocabulary = frozenset(self.by_verb)
        self.order = {id(rule): i for i, rule in enumerate(self.rules)}
        # Plain attributes for the hot path: pydantic private attributes are slow to read.
        self._patterns: dict[int, tuple[regex.Pattern[str] | None, regex.Pattern[str] | None]] = {
            id(rule): (rule._object_re, rule._not_object_re) for rule in self.rules
        }
        self._results: dict[tuple[str, str], ActionCategory] = {}
        defaults = [r for r in self.rules if r.default]
        self.default = defaults[-1] if defaults else None
        #: addressee phrase (lower-case words) -> rule; later rules win
        self.subjects: dict[tuple[str, ...], ActionCategoryRule] = {}
        for rule in self.rules:
            for phrase in rule.subjects:
                words = tuple(w.lower() for w in regex.findall(r"[\p{L}\p{N}'’-]+", phrase))
                if words:
                    self.subjects[words] = rule
        self._subject_starts = frozenset(words[0] for words in self.subjects)

    # -- public ------------------------------------------------------------------------------
    def estimate(self, doc: Document) -> tuple[ActionCategory, tuple[int, int] | None]:
        # The engine may ask twice for one document (estimate, then the finding); compute once.
        cache: dict[int, tuple[ActionCategory, tuple[int, int] | None]] = doc.__dict__.setdefault(
            "_action_estimates", {}
        )
        key = id(self)
        if key not in cache:
            cache[key] = self._estimate(doc)
        return cache[key]

    def _estimate(self, doc: Document) -> tuple[ActionCategory, tuple[int, int] | None]:
        tokens = doc.tokens
        addressed = self._addressee(tokens)
        if addressed is not None:
            other, start, end = addressed
            return self._result(other, doc.text[tokens[start].start : tokens[end - 1].end]), (
                tokens[start].start,
                tokens[end - 1].end,
            )
        breaks = doc.token_breaks
        for head in self._heads(doc, tokens, breaks):
            rule, head = self._decide(doc, tokens, breaks, head)
            if rule is not None and rule.category in MEANS_UPGRADE_FROM:
                means = self._means(doc, tokens, breaks, head.after, rule.category)
                if means is not None:
                    rule, head = means
            if rule is not None:
                verb_token = tokens[head.index]
                end = tokens[head.after - 1].end if head.after > head.index else verb_token.end
                verb_text = doc.text[verb_token.start : end]
                return self._result(rule, verb_text), (verb_token.start, end)
        if self.default is not None:
            return self._result(self.default, ""), None
        return (
            ActionCategory.model_construct(
                category=4,
                reason="No recognised action verb leads the draft.",
                upgrade="Start with a concrete action verb such as adopt, amend or ratify.",
                verb="",
                rule_id="",
            ),
            None,
        )

    # -- finding the leading verb ------------------------------------------------------------
    def _addressee(self, tokens: list[Token]) -> tuple[ActionCategoryRule, int, int] | None:
        """A draft addressed to another actor: "(Recommends) that the international community
        help...", "To donors: provide...". Returns the rule and the phrase's token span."""
        if not self.subjects:
            return None
        i = 0
        n = min(len(tokens), 6)
        while i < n and tokens[i].lower in ADDRESS_OPENERS:
            i += 1
        if i >= n or tokens[i].lower not in self._subject_starts:
            return None
        for words, rule in self.subjects.items():
            end = i + len(words)
            if tuple(t.lower for t in tokens[i:end]) == words:
                return rule, i, end
        return None

    def _heads(self, doc: Document, tokens: list[Token], breaks: list[str]) -> Iterable[_Head]:
        """Candidate leading verbs, most likely first."""
        head = self._find_head(tokens, breaks)
        if head is not None:
            yield head
        head = self._fallback(doc, tokens)
        if head is not None:
            yield head

    def _verb_at(self, tokens: list[Token], i: int) -> _Head | None:
        """The longest verb entry (with particles) starting at token i."""
        word = tokens[i].lower
        base = lemma(word, self.vocabulary)
        if base is None and "-" in word:  # "ratify-accede", "sign-ratify"
            base = lemma(word.split("-", 1)[0], self.vocabulary)
        if base is None or (base in NEGATIONS and word != base):  # "noting" is not "not"
            return None
        best_len = -1
        chosen: list[ActionCategoryRule] = []
        for particles, rule, _order in self.by_verb[base]:
            n = len(particles)
            if n and tuple(t.lower for t in tokens[i + 1 : i + 1 + n]) != particles:
                continue
            if n > best_len:
                best_len, chosen = n, [rule]
            elif n == best_len:
                chosen.append(rule)
        if best_len < 0:
            return None
        return _Head(i, i + 1 + best_len, tuple(chosen))

    def _find_head(self, tokens: list[Token], breaks: list[str]) -> _Head | None:
        n = len(tokens)
        i = 0
        limit = min(n, LEAD_WINDOW)
        framed = False  # inside an opening clause: unknown words skip to the next comma
        while i < limit:
            word = tokens[i].lower
            prev = tokens[i - 1].lower if i else ""
            if word[:1].isdigit() or (len(word) == 1 and word not in {"a"}):
                i += 1  # list markers: "1.", "(a)"
                continue
            if word in LEAD_FILLERS or (
                word.endswith("ly") and lemma(word, self.vocabulary) is None
            ):
                head = self._verb_at(tokens, i)  # a filler may open a phrase ("further pursue")
                # "not" is a verb entry of its own: "should not amend" asks for restraint
                negation = (
                    word in NEGATIONS
                    and not framed
                    and not (i + 1 < n and tokens[i + 1].lower == "only")  # "not only... but"
                )
                if head is not None and (head.after > i + 1 or negation):
                    return head
                i += 1
                continue
            skip = _adverbial_at(tokens, i)
            if skip:
                i += skip
                continue
            if word in REPORTING and lemma(word, self.vocabulary) is None:
                i += 1
                continue
            head = self._verb_at(tokens, i)
            if (
                head is not None
                and prev not in DETERMINERS
                and not (
                    is_participle(word)
                    and word in PREAMBLE_OPENERS  # "Given the...", "Based on..."
                )
            ):
                return head
            if word in {"the", "a", "an"}:
                # "the (early / immediate and unconditional) adoption of", "the sanctioning of"
                for k in range(i + 1, min(n - 1, i + 5)):
                    if tokens[k + 1].lower not in {"of", "to"}:
                        continue
                    candidate = tokens[k].lower
                    base = NOMINALISATIONS.get(candidate)
                    if base is None and candidate.endswith("ing"):
                        base = lemma(candidate, self.vocabulary)
                    if base is not None and base in self.by_verb:
                        entries = tuple(r for parts, r, _o in self.by_verb[base] if not parts)
                        if entries:
                            return _Head(k, k + 2, entries)
                    break
            noun = NOMINALISATIONS.get(word)
            if noun is not None and noun in self.by_verb:
                entries = tuple(r for parts, r, _o in self.by_verb[noun] if not parts)
                if entries:
                    return _Head(i, i + 1, entries)
            if word == "that":
                head = self._clause_verb(tokens, i + 1)
                if head is not None:
                    return head
                i += 1
                continue
            if word in PREAMBLE_OPENERS or (framed and i > 0 and breaks[i] == ","):
                framed = True
                j = i + 1
                while j < n and breaks[j] != ",":
                    j += 1
                if j >= n:
                    return self._clause_verb(tokens, i + 1)
                i = j
                continue
            return None
        return None

    def _clause_verb(self, tokens: list[Token], start: int) -> _Head | None:
        """The verb of a subject clause: "that the Government take...", "that X be amended"."""
        for j in range(start, min(len(tokens), start + 30)):
            word = tokens[j].lower
            if word in BE:
                k = j + 1
                while k < len(tokens) and (
                    tokens[k].lower.endswith("ly")
                    or tokens[k].lower in {"further", "also", "not", "duly"}
                ):
                    k += 1
                if k < len(tokens) and is_participle(tokens[k].lower):
                    head = self._verb_at(tokens, k)
                    if head is not None:
                        return head
                continue
            head = self._verb_at(tokens, j)
            if (
                head is not None
                and tokens[j - 1].lower not in DETERMINERS
                and not word.endswith("ing")
                and not tokens[j].text[:1].isupper()  # "that the Police Act be..." is a name
            ):
                return head
        return None

    def _fallback(self, doc: Document, tokens: list[Token]) -> _Head | None:
        """No verb leads: try 'X is encouraged to VERB', then a passive 'be VERBed'."""
        match = _FRAME.search(doc.text)
        if match:
            for i, token in enumerate(tokens):
                if token.start >= match.end():
                    while i < len(tokens) and tokens[i].lower.endswith("ly"):
                        i += 1
                    if i < len(tokens):
                        head = self._verb_at(tokens, i)
                        if head is not None:
                            return head
                    break
        for j, token in enumerate(tokens[:-1]):
            if token.lower not in BE:
                continue
            k = j + 1
            while k < len(tokens) - 1 and (
                tokens[k].lower in {"and", "further", "also", "duly", "not"}
                or (
                    tokens[k].lower.endswith("ly")
                    and lemma(tokens[k].lower, self.vocabulary) is None
                )
            ):
                k += 1
            if is_participle(tokens[k].lower):
                head = self._verb_at(tokens, k)
                if head is not None:
                    return head
        return None

    def _means(
        self, doc: Document, tokens: list[Token], breaks: list[str], start: int, category: int
    ) -> tuple[ActionCategoryRule, _Head] | None:
        """A specific act named as the means: "..., including by adopting a law on X"."""
        for i in range(start, len(tokens) - 1):
            if breaks[i] and ";" in doc.text[tokens[i - 1].end : tokens[i].start]:
                return None  # the next recommendation of a list, not a means of this one
            if tokens[i].lower not in MEANS_MARKERS:
                continue
            j = i + 1
            while j < len(tokens) and (
                tokens[j].lower in {"way", "of", "means", "the"} or tokens[j].lower.endswith("ly")
            ):
                j += 1
            if j >= len(tokens):
                continue
            head: _Head | None = self._nominal_at(tokens, j)
            if head is None:
                if not tokens[j].lower.endswith("ing") or (
                    tokens[i].lower != "by" and tokens[j].lower in ING_NOUNS
                ):
                    continue
                head = self._verb_at(tokens, j)
            if head is None:
                continue
            rule, _found = self._decide(doc, tokens, breaks, head)
            if rule is not None and rule.category > category and rule.category >= 4:
                if (
                    category == 2
                    and NOMINALISATIONS.get(tokens[head.index].lower, "") in CONTINUING_MEANS
                ):
                    continue  # "continue ... through the implementation of X" still continues
                if (
                    category == 2
                    and lemma(tokens[head.index].lower, self.vocabulary) in CONTINUING_MEANS
                ):
                    continue
                return rule, head
        return None

    def _decide(
        self, doc: Document, tokens: list[Token], breaks: list[str], head: _Head
    ) -> tuple[ActionCategoryRule | None, _Head]:
        """The rule for a leading verb, reading its frame: the object, the theme of "provide X
        with Y", the infinitive of "allow X to Y", and a second verb sharing the object."""
        base = lemma(tokens[head.index].lower, self.vocabulary) or ""
        window = self._object_window(doc, tokens, breaks, head.after, base in CONTROL_VERBS)
        rule, by_object = self._choose(head.entries, window)
        if by_object or rule is None:
            return rule, head
        if base in DITRANSITIVE:  # "provide the police with training": the theme decides
            theme = _theme_after_with(doc, tokens, breaks, head.after)
            if theme:
                themed, found = self._choose(head.entries, theme)
                if found:
                    return themed, head
        if rule.category == 4:
            second = self._coordinated(tokens, breaks, head.after)
            if second is not None:
                other, found = self._choose(second.entries, window)
                # "address and investigate attacks": a specific verb commits to the act;
                # "take forward and continue its efforts": the effort is an existing one.
                if other is not None and not found and other.category in (2, 5):
                    return other, head
            purpose = self._purpose(tokens, breaks, head.after)
            if purpose is not None:
                aim, _found = self._choose(purpose.entries, "")
                # "intensify its engagement with donors to share its experience": the aim is
                # to share experience or to obtain help, which is minimal action.
                if aim is not None and aim.category == 1:
                    verb = lemma(tokens[purpose.index].lower, self.vocabulary)
                    aim_object = self._object_window(doc, tokens, breaks, purpose.after)
                    if verb in SHARING or _HELP.search(aim_object):
                        return aim, head
        return rule, head

    def _purpose(self, tokens: list[Token], breaks: list[str], j: int) -> _Head | None:
        """The verb of a purpose clause right after the head's object ("... to share X")."""
        n = len(tokens)
        for k in range(j, min(n - 1, j + OBJECT_WINDOW)):
            if k > j and breaks[k]:
                return None
            if tokens[k].lower == "to":
                return self._verb_at(tokens, k + 1)
        return None

    def _coordinated(self, tokens: list[Token], breaks: list[str], j: int) -> _Head | None:
        """A verb coordinated with the head that shares its object ("strengthen and enforce X")."""
        n = len(tokens)
        if j + 1 >= n or breaks[j] or tokens[j].lower not in {"and", "or", "and/or"}:
            return None
        k = j + 1
        while (
            k < n
            and tokens[k].lower.endswith("ly")
            and lemma(tokens[k].lower, self.vocabulary) is None
        ):
            k += 1
        if k >= n or tokens[k].lower.endswith(("ing", "ed")):
            return None
        return self._verb_at(tokens, k)

    def _nominal_at(self, tokens: list[Token], j: int) -> _Head | None:
        """A nominalised act as the means: "the implementation of", "signature and ratification
        of", "investigations into". (Modifiers before the noun were tried and did not help.)"""
        n = len(tokens)
        if j + 1 >= n:
            return None
        word = tokens[j].lower
        noun = NOMINALISATIONS.get(word) or NOMINALISATIONS.get(
            word[:-1] if word.endswith("s") else ""
        )
        if noun is None:
            return None
        after = j + 1
        if (
            tokens[after].lower in {"and", "or"}
            and after + 2 < n
            and tokens[after + 1].lower in NOMINALISATIONS
        ):
            after += 2  # "signature and ratification of": the later act is the commitment
            noun = NOMINALISATIONS[tokens[after - 1].lower]
        if after < n and tokens[after].lower in {"of", "into"} and noun in self.by_verb:
            entries = tuple(r for parts, r, _o in self.by_verb[noun] if not parts)
            return _Head(j, after + 1, entries) if entries else None
        return None

    # -- the object ---------------------------------------------------------------------------
    def _object_window(
        self,
        doc: Document,
        tokens: list[Token],
        breaks: list[str],
        j: int,
        through_to: bool = False,
    ) -> str:
        """Text of the verb's object: after coordinated verbs, up to a clause or purpose word.

        With `through_to` the window runs on over "to" ("allow observers to visit").
        """
        n = len(tokens)
        while j < n:  # "adopt and implement", "sign, ratify and implement", "adopt, as a priority,"
            k = j
            if tokens[k].lower in {"and", "or", "and/or"} or breaks[k]:
                if tokens[k].lower in {"and", "or", "and/or"}:
                    k += 1
                while (
                    k < n
                    and tokens[k].lower.endswith("ly")
                    and lemma(tokens[k].lower, self.vocabulary) is None
                ):
                    k += 1
                if (
                    k < n
                    and k > j
                    and lemma(tokens[k].lower, self.vocabulary) is not None
                    and (k + 1 >= n or tokens[k + 1].lower != "of")
                ):
                    j = k + 1
                    continue
            if k < n and (
                (tokens[k].lower.endswith("ly") and lemma(tokens[k].lower, self.vocabulary) is None)
                or tokens[k].lower in {"further", "also", "swiftly", "urgently"}
            ):
                j = k + 1
                continue
            break
        if j >= n:
            return ""
        start = tokens[j].start
        end = start
        count = 0
        k = j
        while k < n and count < OBJECT_WINDOW:
            word = tokens[k].lower
            if count and breaks[k]:
                break
            if (
                count
                and word in OBJECT_STOPS
                and not (word in SOFT_STOPS and count < 2)
                and not (through_to and word == "to")
            ):
                break
            if (
                count
                and word == "and"
                and k + 1 < n
                and lemma(tokens[k + 1].lower, self.vocabulary) is not None
                and not tokens[k + 1].lower.endswith("s")
            ):
                break
            end = tokens[k].end
            count += 1
            k += 1
        return doc.text[start:end]

    def _choose(
        self, rules: Sequence[ActionCategoryRule], window: str
    ) -> tuple[ActionCategoryRule | None, bool]:
        """The best rule for this object window, and whether an object decided it."""
        best: tuple[tuple[int, int, int], ActionCategoryRule] | None = None
        plain: ActionCategoryRule | None = None
        plain_order = -1
        for rule in rules:
            key_id = id(rule)
            order = self.order[key_id]
            object_re, not_re = self._patterns[key_id]
            if not_re is not None and window and search(not_re, window) is not None:
                continue
            if object_re is not None:
                match = search(object_re, window) if window else None
                if match is not None:
                    key = (match.start(), match.start() - match.end(), -order)
                    if best is None or key < best[0]:
                        best = (key, rule)
            elif order > plain_order:
                plain, plain_order = rule, order
        if best is not None:
            return best[1], True
        return plain, False

    def _result(self, rule: ActionCategoryRule, verb: str) -> ActionCategory:
        # Results are frozen models, so one per (rule, verb) can be shared between drafts.
        verb = verb.lower()
        key = (rule.id, verb)
        result = self._results.get(key)
        if result is None:
            if len(self._results) > 10_000:
                self._results.clear()
            result = self._results[key] = ActionCategory.model_construct(
                category=rule.category,
                reason=(rule.reason or rule.message)
                .replace("{verb}", verb)
                .replace("{match}", verb),
                upgrade=rule.upgrade.replace("{verb}", verb),
                verb=verb,
                rule_id=rule.id,
            )
        return result


def _adverbial_at(tokens: list[Token], i: int) -> int:
    """Length of a known adverbial phrase starting at token i (0 if none)."""
    first = tokens[i].lower
    for phrase in ADVERBIAL_PHRASES:
        if phrase[0] == first and tuple(t.lower for t in tokens[i : i + len(phrase)]) == phrase:
            return len(phrase)
    return 0


def _theme_after_with(doc: Document, tokens: list[Token], breaks: list[str], j: int) -> str:
    """The theme of "provide [recipient] with [theme]": the words after "with", if it comes
    before the clause ends."""
    n = len(tokens)
    for k in range(j + 1, min(n, j + OBJECT_WINDOW)):
        if breaks[k] == "." or tokens[k].lower in {"to", "by", "through", "including"}:
            return ""
        if tokens[k].lower == "with" and k + 1 < n:
            end = min(n, k + 1 + OBJECT_WINDOW // 2)
            return doc.text[tokens[k + 1].start : tokens[end - 1].end]
    return ""
