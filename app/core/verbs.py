"""Just enough English verb morphology to find the action a recommendation leads with.

UPR recommendations are imperatives ("Ratify...", "Continue to..."), but many open with a framing
clause ("In line with..., adopt"), a reporting verb ("Recommended that..."), a nominalisation
("The adoption of...") or a passive ("That the Code be amended"). The word lists here let the
estimator step over that framing to the verb that carries the action.
"""

from __future__ import annotations

from collections.abc import Collection
from functools import lru_cache

_IRREGULAR = {
    "took": "take",
    "taken": "take",
    "taking": "take",
    "made": "make",
    "making": "make",
    "gave": "give",
    "given": "give",
    "giving": "give",
    "sought": "seek",
    "undertook": "undertake",
    "undertaken": "undertake",
    "undertaking": "undertake",
    "brought": "bring",
    "kept": "keep",
    "set": "set",
    "put": "put",
    "ran": "run",
    "run": "run",
    "held": "hold",
    "drew": "draw",
    "drawn": "draw",
    "met": "meet",
    "became": "become",
    "become": "become",
    "built": "build",
    "withdrew": "withdraw",
    "withdrawn": "withdraw",
    "began": "begin",
    "begun": "begin",
    "found": "find",
    "laid": "lay",
    "done": "do",
    "did": "do",
    "does": "do",
    "forbidden": "forbid",
    "spread": "spread",
    "freed": "free",
}

#: Words that may precede the leading verb without being the action ("To further ratify...").
LEAD_FILLERS = frozenset(
    [
        "to",
        "also",
        "further",
        "please",
        "therefore",
        "thus",
        "then",
        "hence",
        "and",
        "finally",
        "moreover",
        "furthermore",
        "additionally",
        "lastly",
        "firstly",
        "secondly",
        "thirdly",
        "accordingly",
        "still",
        "kindly",
        "duly",
        "should",
        "shall",
        "would",
        "could",
        "may",
        "can",
        "will",
        "must",
        "not",
        "do",
        "once",
    ]
)

#: Words that open a framing clause ("In line with..., adopt"); the action follows the comma.
PREAMBLE_OPENERS = frozenset(
    [
        "in",
        "with",
        "as",
        "while",
        "given",
        "bearing",
        "taking",
        "following",
        "within",
        "through",
        "based",
        "building",
        "consistent",
        "pursuant",
        "recalling",
        "noting",
        "according",
        "under",
        "on",
        "for",
        "after",
        "before",
        "by",
        "during",
        "considering",
        "welcoming",
        "acknowledging",
        "commending",
        "appreciating",
        "keeping",
        "mindful",
        "since",
        "once",
        "if",
        "when",
        "where",
        "regarding",
        "concerning",
        "whilst",
        "recognizing",
        "recognising",
        "until",
        "upon",
        "being",
        "aware",
        "having",
        "inspired",
        "encouraged",
        "drawing",
        "referring",
        "against",
        "because",
        "guided",
        "from",
        "beyond",
        "besides",
        "despite",
        "without",
        "towards",
        "toward",
        "like",
        "although",
        "though",
        "conscious",
        "cognizant",
        "cognisant",
        "the",
        "government",
        "state",
        "authorities",
        "republic",
        "kingdom",
        "its",
        "this",
        "these",
    ]
)

#: Reporting words in front of the recommendation proper ("It is recommended that...").
REPORTING = frozenset(
    [
        "recommended",
        "recommends",
        "recommend",
        "recommendation",
        "recommending",
        "suggested",
        "suggests",
        "suggest",
        "it",
        "is",
        "was",
        "are",
        "be",
        "urged",
        "urges",
        "encourages",
        "invites",
    ]
)

#: Nouns that stand for the action in "Recommended the adoption of..." or "The ratification of...".
NOMINALISATIONS: dict[str, str] = {
    "adoption": "adopt",
    "establishment": "establish",
    "ratification": "ratify",
    "accession": "accede",
    "abolition": "abolish",
    "abolishment": "abolish",
    "implementation": "implement",
    "release": "release",
    "consideration": "consider",
    "continuation": "continue",
    "continuity": "continue",
    "creation": "create",
    "introduction": "introduce",
    "removal": "remove",
    "repeal": "repeal",
    "withdrawal": "withdraw",
    "signature": "sign",
    "signing": "sign",
    "strengthening": "strengthen",
    "elaboration": "elaborate",
    "development": "develop",
    "decriminalization": "decriminalize",
    "decriminalisation": "decriminalize",
    "enactment": "enact",
    "revision": "revise",
    "review": "review",
    "amendment": "amend",
    "investigation": "investigate",
    "extension": "extend",
    "promotion": "promote",
    "protection": "protect",
    "improvement": "improve",
    "lifting": "lift",
    "issuance": "issue",
    "issuing": "issue",
    "acceptance": "accept",
    "abrogation": "abrogate",
    "elimination": "eliminate",
    "prohibition": "prohibit",
    "criminalization": "criminalize",
    "criminalisation": "criminalize",
    "intensification": "intensify",
    "reform": "reform",
    "provision": "provide",
    "pursuit": "pursue",
    "study": "study",
    "reduction": "reduce",
    "cessation": "cease",
    "exchange": "exchange",
    "sharing": "share",
    "drafting": "draft",
    "examination": "examine",
    "evaluation": "evaluate",
    "assessment": "assess",
    "finalization": "finalize",
    "finalisation": "finalize",
    "harmonization": "harmonize",
    "harmonisation": "harmonize",
    "incorporation": "incorporate",
    "publication": "publish",
    "allocation": "allocate",
    "commutation": "commute",
    "suspension": "suspend",
    "closure": "close",
    "prosecution": "prosecute",
    "construction": "construct",
    "appointment": "appoint",
    "registration": "register",
}

#: Adverbial phrases that may stand before the leading verb ("As soon as possible, ratify...").
ADVERBIAL_PHRASES: tuple[tuple[str, ...], ...] = tuple(
    tuple(p.split())
    for p in (
        "as soon as possible",
        "as a matter of priority",
        "as a matter of urgency",
        "as a first step",
        "as a priority",
        "as a next step",
        "as appropriate",
        "as necessary",
        "at the earliest",
        "at the earliest opportunity",
        "without delay",
        "without further delay",
        "in the meantime",
        "in the interim",
        "in the short term",
        "in the medium term",
        "in the long term",
        "in due course",
        "in this regard",
        "in this context",
        "in this respect",
        "to this end",
        "where appropriate",
        "where necessary",
        "if necessary",
        "if needed",
        "at all levels",
        "once again",
        "in particular",
        "in good faith",
        "as early as possible",
        "as quickly as possible",
        "in a timely manner",
        "on a priority basis",
        "with urgency",
        "at once",
    )
)

#: Verbs whose "with" phrase names what is given ("provide the police with training").
DITRANSITIVE = frozenset(["provide", "equip", "furnish", "supply", "endow"])

#: Verbs whose infinitive complement carries the act ("allow observers to visit").
CONTROL_VERBS = frozenset(["allow", "permit", "authorize", "authorise"])

#: Words that make the next word a noun, not a verb ("the review", "a study").
DETERMINERS = frozenset(
    [
        "the",
        "a",
        "an",
        "its",
        "their",
        "his",
        "her",
        "this",
        "that",
        "these",
        "those",
        "of",
        "all",
        "any",
        "our",
        "such",
        "each",
        "every",
        "no",
        "some",
        "whose",
        "which",
    ]
)


def candidates(word: str) -> list[str]:
    """Possible base forms of an inflected word, most likely first."""
    w = word.lower()
    out = [w]
    if w in _IRREGULAR:
        out.insert(0, _IRREGULAR[w])
    if w.endswith("ies") or w.endswith("ied"):
        out.append(w[:-3] + "y")
    if w.endswith("ing"):
        stem = w[:-3]
        out += [stem, stem + "e"]
        if len(stem) > 2 and stem[-1] == stem[-2]:
            out.append(stem[:-1])
        if stem.endswith("y"):
            out.append(stem)
    if w.endswith("ed"):
        stem = w[:-2]
        out += [stem, w[:-1]]
        if len(stem) > 2 and stem[-1] == stem[-2]:
            out.append(stem[:-1])
    if w.endswith("es"):
        out.append(w[:-2])
    if w.endswith("s"):
        out.append(w[:-1])
    if w.startswith("re-") and len(w) > 4:  # "re-introduce", "re-establish", "re-instate"
        out += candidates(w[3:]) + candidates("re" + w[3:])
    return out


@lru_cache(maxsize=100_000)
def _lemma_cached(word: str, vocabulary: frozenset[str]) -> str | None:
    for form in candidates(word):
        if form in vocabulary:
            return form
    return None


def lemma(word: str, vocabulary: Collection[str]) -> str | None:
    """The base form of `word` if it is one of `vocabulary`'s verbs."""
    vocab = vocabulary if isinstance(vocabulary, frozenset) else frozenset(vocabulary)
    return _lemma_cached(word, vocab)


def is_participle(word: str) -> bool:
    """Could `word` be the participle of a passive ("be amended", "be set up")?"""
    w = word.lower()
    return w.endswith(("ed", "en")) or (w in _IRREGULAR and w != _IRREGULAR[w])


# -- word lists the action-category estimator reads a sentence with ----------------------
#: Words that end the verb's object: purpose, manner and relative clauses.
OBJECT_STOPS = frozenset(
    [
        "to",
        "in",
        "so",
        "with",
        "which",
        "that",
        "aimed",
        "by",
        "through",
        "including",
        "notably",
        "particularly",
        "especially",
        "as",
        "whereby",
        "while",
        "who",
        "where",
        "designed",
        "intended",
        "aiming",
        "for",
    ]
)

#: Stops that may still sit inside a short object ("a plan in line with", "training for judges").
SOFT_STOPS = frozenset({"in", "for", "with", "as"})

MEANS_MARKERS = frozenset({"by", "through", "including"})

#: "-ing" words that are usually nouns after "including" ("including training of judges").
ING_NOUNS = frozenset(
    [
        "training",
        "funding",
        "housing",
        "building",
        "meeting",
        "hearing",
        "voting",
        "planning",
        "reporting",
        "monitoring",
        "sentencing",
        "schooling",
        "spending",
        "screening",
        "counselling",
        "counseling",
        "policing",
        "trafficking",
        "understanding",
        "wellbeing",
    ]
)

#: Means that keep a continuing recommendation continuing ("continue ... by implementing X").
CONTINUING_MEANS = frozenset({"implement", "continue", "pursue", "maintain", "apply"})

#: Minimal-action verbs that need no object to be minimal ("to share its experience").
SHARING = frozenset({"share", "exchange"})

#: Words before the addressee of a draft ("Recommends that the...", "To ...").
ADDRESS_OPENERS = frozenset(
    ["recommend", "recommends", "recommended", "that", "to", "the", "it", "is", "calls", "on"]
)

BE = frozenset({"be", "is", "are", "was", "were", "been", "being"})

#: Fillers that turn the act that follows into a restraint ("should not amend").
NEGATIONS = frozenset({"not", "never"})
