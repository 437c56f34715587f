"""A synthetic evidence library for the acceptance-outlook tests (texts written for the tests).

Kenya supports election recommendations and notes those on the death penalty; every State
supports "continue" recommendations more often than specific ones.
"""

from __future__ import annotations

import random
import sqlite3
from pathlib import Path

from app.evidence.library import open_library
from app.evidence.store import EvidenceItem, insert_items

STATES = ("Kenya", "Norway", "Brazil", "Viet Nam", "Poland", "Ghana")
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


def _support_rate(state: str, topic: str) -> float:
    if state == "Kenya":
        return {"elections": 0.95, "death": 0.05, "school": 0.98, "consider": 0.7}[topic]
    return {"elections": 0.8, "death": 0.35, "school": 0.95, "consider": 0.75}[topic]


def synthetic_items(rows: int = 900, seed: int = 7) -> list[EvidenceItem]:
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
