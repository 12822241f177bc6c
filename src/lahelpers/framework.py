"""Facts and labels every other module shares, in one place: CQC's framework, England's regions,
the thresholds the analysis uses, and the plain-English label of every column.

Sources: CQC, "Assessment framework for local authority assurance" and "How we determine
ratings" (overall score = ceil(100 x sum of the 9 quality statement scores / 36); bands
25-38 Inadequate, 39-62 Requires improvement, 63-87 Good, 88+ Outstanding).
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Mapping, Sequence
from functools import lru_cache

import pandas as pd

#: The catalogue id of the CQC ratings dataset (ratings, % scores, quality statement scores),
#: named as a source by tables whose columns do not show it (``publish.datalinks`` uses the same).
CQC_SOURCE = "cqc_assessments"

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

#: Authorities per region (ONS April 2023; checked against the regions boundary file).
REGION_COUNTS: dict[str, int] = {
    "North East": 12,
    "North West": 24,
    "Yorkshire and The Humber": 15,
    "East Midlands": 10,
    "West Midlands": 14,
    "East of England": 11,
    "London": 33,
    "South East": 19,
    "South West": 15,
}
#: The nine English regions, in ONS order.
REGIONS: tuple[str, ...] = tuple(REGION_COUNTS)

#: Below this many authorities an estimate is flagged as uncertain, and a measure is not tested.
SMALL_N = 30
#: Below this many authorities no bootstrap interval is given (a handful of resamples looks certain).
MIN_BOOTSTRAP_N = 8

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


def region_hint(name: object) -> str:
    """``'Londn' (did you mean 'London'?)``: the name quoted, with the closest region if any."""
    close = difflib.get_close_matches(str(name), REGIONS, n=1)
    return f"{str(name)!r}" + (f" (did you mean {close[0]!r}?)" if close else "")


def check_region(name: object) -> str:
    """The canonical name of an English region; case and surrounding spaces are ignored.

    An unknown name raises ValueError listing the nine valid names, so a region profile run with a
    mistyped parameter fails at once with the fix, before any work.
    """
    canon = {r.casefold(): r for r in REGIONS}.get(str(name).strip().casefold())
    if canon is None:
        raise ValueError(f"Unknown region {region_hint(name)}. Valid names: {', '.join(REGIONS)}.")
    return canon


# --------------------------------------------------------------------------------------------
# Labels: what a reader sees instead of a column name
# --------------------------------------------------------------------------------------------

_BUILTIN_LABELS: dict[str, str] = {
    "overall_pct": "Overall score (%)",
    "rating": "CQC rating",
    "rating_label": "CQC rating",
    "publication_date": "Publication date",
    "region": "Region",
    "name": "Authority",
    "code": "ONS code",
    **{qs: f"{qs.upper()} {title}" for qs, title in QUALITY_STATEMENTS.items()},
    **{col: f"Theme: {title}" for col, (title, _qs) in THEMES.items()},
}


@lru_cache(maxsize=1)
def _variables_labels() -> dict[str, str]:
    """Labels from ``load.variables()`` when the processed data exist, else an empty dict."""
    try:
        from lahelpers import load  # imported late: load imports this module

        v = load.variables()
        return {str(c): str(lab) for c, lab in zip(v["column"], v["label"], strict=True)
                if isinstance(lab, str) and lab}
    except Exception:  # noqa: BLE001 - any failure just means "no labels available"
        return {}


def variable_label(col: str, labels: Mapping[str, str] | None = None) -> str:
    """Human label for a column: ``labels`` first, then built-ins, then ``load.variables()``,
    falling back to the column name."""
    if labels and col in labels:
        return labels[col]
    if col in _BUILTIN_LABELS:
        return _BUILTIN_LABELS[col]
    return _variables_labels().get(col, col)


def rating_labels(df: pd.DataFrame) -> pd.Series:
    """Each row's rating as text, :data:`NOT_RATED` where unrated (``rating_label`` if present)."""
    if "rating_label" in df.columns:
        return df["rating_label"].astype(object).where(df["rating_label"].notna(), NOT_RATED)
    if "rating" in df.columns:
        return df["rating"].astype(object).where(df["rating"].notna(), NOT_RATED)
    raise ValueError("table has neither 'rating_label' nor 'rating'")
