"""Word in, Word out: review a .docx with comments and tracked changes; import drafts from Word.

Qt-free, so the CLI (`smartrec review`, `smartrec import-drafts`) and the GUI share it.
"""

from app.review.annotate import (
    AUTHOR,
    ContextFor,
    ReviewedRecommendation,
    ReviewJob,
    ReviewReport,
    finding_text,
    review_document,
    summary_text,
)
from app.review.locate import Recommendation, find_recommendations
from app.review.source import ReviewError, default_output, open_source

__all__ = [
    "AUTHOR",
    "ContextFor",
    "Recommendation",
    "ReviewError",
    "ReviewJob",
    "ReviewReport",
    "ReviewedRecommendation",
    "default_output",
    "find_recommendations",
    "finding_text",
    "open_source",
    "review_document",
    "summary_text",
]
