"""A small, made-up export model for tests, the LibreOffice check script and demos.

Written in our own words; the citations look like UN documents but are invented.
It covers three themes, linked evidence of every kind, and Arabic, Chinese and Cyrillic text.
"""

from __future__ import annotations

from app.export.model import ExportDraft, ExportMeta, ExportProject, Footnote

FINDING = Footnote(
    label="OHCHR, Compilation of UN information, A/HRC/WG.6/99/XX/2, para. 14",
    text="Pre-trial detainees were held for up to three years before their first hearing.",
    kind="finding",
)
COMMITMENT = Footnote(
    label="National report, A/HRC/WG.6/99/XX/1, para. 32",
    text="The Government will table a bill on legal aid during the current legislature.",
    kind="commitment",
)
PRECEDENT = Footnote(
    label="Previous cycle, A/HRC/45/99, recommendation 120.7 (Norway)",
    text="Guarantee access to a lawyer from the moment of arrest.",
    kind="precedent",
    response="supported",
)
ARABIC_SOURCE = Footnote(
    label="منظمة غير حكومية محلية، تقرير الظل، الفقرة 5",
    text="لا تزال المدارس الريفية تفتقر إلى المعلمين المؤهلين.",
    kind="finding",
)
CHINESE_SOURCE = Footnote(
    label="联合国人权事务高级专员办事处，第12段",
    text="农村地区女童入学率仍然较低。",
    kind="finding",
)


def sample_export_project() -> ExportProject:
    meta = ExportMeta(
        state_under_review="Freedonia",
        cycle="4",
        session="49",
        recommending_state="Ruritania",
        language="en",
        project_name="sample",
        generated="2026-11-28 10:00",
    )
    status = {
        "specific": "met", "measurable": "met", "attainable": "partly", "relevant": "met",
        "time_bound": "met", "jargon": "met", "tone": "met",
    }
    drafts = [
        ExportDraft(
            number=1, theme="Administration of justice", priority=1, status="final",
            text="Adopt by December 2027 a law guaranteeing free legal aid to every detainee "
            "from the first hour of arrest, and fund it in the 2028 budget.",
            draft_id=11, smart_status=status, smart_score=90, action_category=5,
            footnotes=[FINDING, COMMITMENT, PRECEDENT],
        ),
        ExportDraft(
            number=2, theme="Right to education", priority=2,
            text="Recruit and train 2,000 qualified teachers for rural primary schools by 2028.",
            draft_id=12, smart_status={**status, "attainable": "met"}, smart_score=100,
            action_category=5, footnotes=[ARABIC_SOURCE, CHINESE_SOURCE],
        ),
        ExportDraft(
            number=3, theme="Administration of justice", priority=3,
            text="Reduce pre-trial detention to a maximum of six months by 2027.",
            draft_id=13, smart_status={**status, "measurable": "partly"}, smart_score=80,
            action_category=4, footnotes=[FINDING],
        ),
        ExportDraft(
            number=4, theme="", priority=4,
            text="اعتماد خطة وطنية لحقوق الإنسان بحلول عام 2027 — 到2027年通过国家人权行动计划 — "
            "Принять национальный план действий по правам человека к 2027 году.",
            draft_id=14,
        ),
    ]
    return ExportProject(meta=meta, drafts=drafts)
