"""Facts about CQC's assessment framework for local authorities, in one place.

Sources: CQC, "Assessment framework for local authority assurance" and "How we determine
ratings" (overall score = ceil(100 x sum of the 9 quality statement scores / 36); bands
25-38 Inadequate, 39-62 Requires improvement, 63-87 Good, 88+ Outstanding).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import pandas as pd

#: Ratings from worst to best: the order every chart and model uses.
RATINGS: tuple[str, ...] = ("Inadequate", "Requires improvement", "Good", "Outstanding")
#: Label for authorities with no rating in our data.
NOT_RATED = "Not yet in our data"
RATING_DTYPE = pd.CategoricalDtype(list(RATINGS), ordered=True)

#: Quality statements: column -> CQC's name.
QUALITY_STATEMENTS: dict[str, str] = {
    "qs1": "Assessing needs",
    "qs2": "Supporting people to live healthier lives",
    "qs3": "Equity in experience and outcomes",
    "qs4": "Care provision, integration and continuity",
    "qs5": "Partnerships and communities",
    "qs6": "Safe pathways, systems and transitions",
    "qs7": "Safeguarding",
    "qs8": "Governance, management and sustainability",
    "qs9": "Learning, improvement and innovation",
}
QS_COLUMNS: tuple[str, ...] = tuple(QUALITY_STATEMENTS)

#: Themes: column -> (CQC's name, the statements it averages).
THEMES: dict[str, tuple[str, tuple[str, ...]]] = {
    "theme_people": ("Working with people", ("qs1", "qs2", "qs3")),
    "theme_support": ("Providing support", ("qs4", "qs5")),
    "theme_safety": ("How the local authority ensures safety within the system", ("qs6", "qs7")),
    "theme_leadership": ("Leadership", ("qs8", "qs9")),
}

#: Inclusive % ranges of each rating band.
BANDS: dict[str, tuple[int, int]] = {
    "Inadequate": (25, 38),
    "Requires improvement": (39, 62),
    "Good": (63, 87),
    "Outstanding": (88, 100),
}


def overall_pct(scores: Sequence[float]) -> int | None:
    """CQC's overall % from the 9 statement scores: ceil(100 x sum / 36); None if any is missing.

    >>> overall_pct([3, 3, 4, 3, 4, 4, 3, 4, 4])
    89
    """
    if len(scores) != 9:
        raise ValueError(f"need 9 quality statement scores, got {len(scores)}")
    if any(s is None or pd.isna(s) for s in scores):
        return None
    # Integer arithmetic avoids float error at exact multiples (e.g. 36/36).
    total = int(sum(int(s) for s in scores))
    return math.ceil(100 * total / 36)


def band_of(pct: float | None) -> str | None:
    """The rating band a % score falls in, or None if the score is missing or out of range."""
    if pct is None or pd.isna(pct):
        return None
    for rating, (lo, hi) in BANDS.items():
        if lo <= pct <= hi:
            return rating
    return None


def theme_means(row: pd.Series | dict) -> dict[str, float | None]:
    """Our mean score of each theme's statements (None where any statement is missing).

    CQC does not publish theme scores; these are ours, for description only.
    """
    out: dict[str, float | None] = {}
    for col, (_name, qs) in THEMES.items():
        vals = [row[q] for q in qs]
        out[col] = None if any(v is None or pd.isna(v) for v in vals) else sum(vals) / len(vals)
    return out
