"""A synthetic evidence library for the acceptance-outlook tests (texts written for the tests).

Each State has its own sensitivities (Kenya supports election recommendations and notes those on
the death penalty; Norway supports both), and every State supports "continue" recommendations
more often than specific ones. Sessions are spread over 1-12, so each State is reviewed often.
"""

from __future__ import annotations

import random
import sqlite3
from pathlib import Path

from app.evidence.library import open_library
from app.evidence.store import EvidenceItem, insert_items

STATES = ("Kenya", "Norway", "Brazil", "Viet Nam", "Poland", "Ghana", "Nigeria", "Spain",
          "Argentina", "India", "Ukraine")
RECOMMENDERS = ("Norway", "Cuba", "Spain", "Mexico", "Egypt", "Japan")
#: topic -> (text, category, issue)
TOPICS = {
    "elections": ("Strengthen the independence of the electoral commission before the vote", 4,
                  "Elections"),
    "death": ("Abolish the death penalty in law and commute every death sentence", 5,
              "Death penalty"),
    "school": ("Continue its efforts to widen access to primary school for girls", 2,
               "Right to education"),
    "consider": ("Consider joining the convention on the rights of migrant workers", 3,
                 "International instruments"),
}
TAILS = ("", " without delay", " in all regions", " with civil society", " by law")


#: Each State's own sensitivities: how often it supports each topic.
RATES = {
    "Kenya": {"elections": 0.95, "death": 0.05, "school": 0.98, "consider": 0.7},
    "Norway": {"elections": 0.9, "death": 0.95, "school": 0.98, "consider": 0.6},
    "Brazil": {"elections": 0.85, "death": 0.9, "school": 0.95, "consider": 0.8},
    "Viet Nam": {"elections": 0.3, "death": 0.1, "school": 0.95, "consider": 0.5},
    "Poland": {"elections": 0.9, "death": 0.9, "school": 0.9, "consider": 0.7},
    "Ghana": {"elections": 0.9, "death": 0.5, "school": 0.98, "consider": 0.8},
    "Nigeria": {"elections": 0.8, "death": 0.1, "school": 0.9, "consider": 0.6},
    "Spain": {"elections": 0.95, "death": 0.95, "school": 0.95, "consider": 0.6},
    "Argentina": {"elections": 0.9, "death": 0.95, "school": 0.9, "consider": 0.8},
    "India": {"elections": 0.9, "death": 0.15, "school": 0.95, "consider": 0.4},
    "Ukraine": {"elections": 0.7, "death": 0.95, "school": 0.9, "consider": 0.7},
}


def _support_rate(state: str, topic: str) -> float:
    return RATES[state][topic]


def synthetic_items(rows: int = 1500, seed: int = 7) -> list[EvidenceItem]:
    rng = random.Random(seed)
    items = []
    for i in range(rows):
        state = STATES[i % len(STATES)]
        topic = rng.choice(tuple(TOPICS))
        text, category, issue = TOPICS[topic]
        supported = rng.random() < _support_rate(state, topic)
        items.append(EvidenceItem(
            kind="precedent", text=f"{text}{rng.choice(TAILS)} (draft {i}).", country=state,
            recommending_state=rng.choice([r for r in RECOMMENDERS if r != state]),
            response="supported" if supported else "noted", action_category=category,
            issues=issue, session=str(rng.randint(1, 12)), cycle="1",
        ))
    return items


def make_library(path: Path, items: list[EvidenceItem]) -> sqlite3.Connection:
    conn = open_library(path, create=True)
    conn.execute("BEGIN")
    insert_items(conn, items)
    conn.execute("COMMIT")
    return conn
