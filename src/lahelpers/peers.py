"""Statistical nearest neighbours: the authorities most like a given one on context, not rating.

Method: each feature is (optionally log-)transformed, then standardised to z-scores
(minus the mean, divided by the standard deviation with ddof=1) over the candidate pool, and
peers are ranked by weighted Euclidean distance ``sqrt(sum_i w_i (z_i - z0_i)^2)``
(``scipy.spatial.distance.cdist``). Default features and weights: see :data:`DEFAULT_FEATURES`
and :func:`nearest_peers`. Ratings are never used to choose peers, only reported alongside,
so comparing an authority with its peers' ratings is fair.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from scipy import stats as sps
from scipy.spatial.distance import cdist

from lahelpers.framework import rating_labels

#: (column, transform) pairs: population and density are log-transformed because they are
#: heavily right-skewed (a few very large or dense authorities would otherwise dominate).
DEFAULT_FEATURES: tuple[tuple[str, str | None], ...] = (
    ("pop_total", "log"),
    ("pct_65plus", None),
    ("imd2025_score", None),
    ("pct_rural", None),
    ("pct_ethnic_minority", None),
    ("density", "log"),
)

FeatureSpec = str | tuple[str, str | None]

#: Columns reported for each peer, when present.
REPORT_COLUMNS = ("code", "name", "region", "rating_label", "overall_pct", "rating_basis",
                  "publication_date")


def _normalise(features: Sequence[FeatureSpec]) -> list[tuple[str, str | None]]:
    """Features as (column, transform) pairs; bare strings mean no transform."""
    out = []
    for f in features:
        col, tr = (f, None) if isinstance(f, str) else f
        if tr not in (None, "log"):
            raise ValueError(f"unknown transform {tr!r} for {col!r}; use None or 'log'")
        out.append((col, tr))
    return out


def feature_sources(variables: pd.DataFrame,
                    features: Sequence[FeatureSpec] = DEFAULT_FEATURES) -> list[str]:
    """The catalogue ids of the data similarity is measured on (``source_id`` of each feature in
    ``variables``, i.e. ``load.variables()``), in feature order without repeats.

    Why: a table of peers shows names and ratings, not the context that made them peers, so
    the sources its page names cannot be worked out from its columns; it names these instead.
    A feature with no source is an error (the table would otherwise under-state its sources).
    """
    ids = dict(zip(variables["column"], variables["source_id"], strict=True))
    out: list[str] = []
    for col, _ in _normalise(features):
        src = ids.get(col)
        if not isinstance(src, str) or not src.strip():
            raise ValueError(f"peer feature {col!r} has no source_id in variables.csv; "
                             "add it to the source module's VARIABLES")
        if src not in out:
            out.append(src)
    return out


def feature_matrix(df: pd.DataFrame, features: Sequence[FeatureSpec] = DEFAULT_FEATURES,
                   ) -> pd.DataFrame:
    """Transformed (not yet standardised) feature values, indexed like ``df``.

    Log of a value <= 0 is treated as missing (it has no logarithm).
    """
    feats = _normalise(features)
    if missing := [c for c, _ in feats if c not in df.columns]:
        raise ValueError(f"feature columns not in the table: {missing}")
    cols = {}
    for col, tr in feats:
        v = pd.to_numeric(df[col], errors="coerce").astype(float)
        cols[col] = np.log(v.where(v > 0)) if tr == "log" else v
    return pd.DataFrame(cols, index=df.index)


def excluded_from_peers(df: pd.DataFrame, features: Sequence[FeatureSpec] = DEFAULT_FEATURES,
                        ) -> pd.DataFrame:
    """Authorities that cannot be peers because a feature is missing: code, name, missing."""
    fm = feature_matrix(df, features)
    bad = fm.isna().any(axis=1)
    return pd.DataFrame({
        "code": df.loc[bad, "code"].to_numpy(),
        "name": df.loc[bad, "name"].to_numpy() if "name" in df.columns else None,
        "missing": [", ".join(fm.columns[fm.loc[i].isna()]) for i in fm.index[bad]],
    })


def nearest_peers(
    df: pd.DataFrame,
    code: str,
    k: int = 5,
    features: Sequence[FeatureSpec] = DEFAULT_FEATURES,
    weights: Mapping[str, float] | None = None,
) -> pd.DataFrame:
    """The ``k`` authorities closest to ``code`` on standardised context features.

    ``features``: (column, transform) pairs or plain column names; default
    :data:`DEFAULT_FEATURES` (log population, % aged 65+, IMD 2025 score, % rural, % ethnic
    minority, log density). ``weights``: column -> weight, default 1 for every feature (equal
    weights: each z-scored feature counts the same); a feature missing from ``weights`` gets 1,
    a weight of 0 drops it.

    Authorities missing any feature are excluded from the pool; the result says so in
    ``attrs["excluded"]`` (a table from :func:`excluded_from_peers`) and
    ``attrs["n_candidates"]``. Raises ValueError for an unknown code, or when ``code`` itself
    lacks a feature (pass ``features`` without it).

    Returns columns ``peer_rank`` (1 = nearest), ``distance`` (in SD units), then those of
    :data:`REPORT_COLUMNS` present (rating as text, overall %, ``rating_basis`` = how the rating
    was established), then the raw feature values.
    """
    return PeerSpace(df, features, weights).nearest(code, k)


class PeerSpace:
    """The standardised context of every authority, prepared once for many :meth:`nearest`
    questions (a region page asks for each of its authorities): the feature matrix, the pool
    and its z-scores depend only on the table, the features and the weights, so each answer is
    the one :func:`nearest_peers` gives, without preparing them again per authority."""

    def __init__(self, df: pd.DataFrame, features: Sequence[FeatureSpec] = DEFAULT_FEATURES,
                 weights: Mapping[str, float] | None = None) -> None:
        self.df = df
        self.feats = _normalise(features)
        self.fm = feature_matrix(df, self.feats)
        self.excluded = excluded_from_peers(df, self.feats)
        self.pool = self.fm.dropna()
        self.w = np.array([float((weights or {}).get(c, 1.0)) for c, _ in self.feats])
        self.z: pd.DataFrame | None = None
        if len(self.pool) >= 2:
            z = pd.DataFrame(sps.zscore(self.pool.to_numpy(), ddof=1), index=self.pool.index,
                             columns=self.pool.columns)
            self.z = z.fillna(0.0)  # a feature constant across the pool separates nobody

    def nearest(self, code: str, k: int = 5) -> pd.DataFrame:
        """The ``k`` authorities closest to ``code`` (:func:`nearest_peers`)."""
        df, fm, feats, w = self.df, self.fm, self.feats, self.w
        if code not in set(df["code"]):
            raise ValueError(f"unknown authority code {code!r}")
        target_idx = df.index[df["code"] == code][0]
        if fm.loc[target_idx].isna().any():
            gaps = ", ".join(fm.columns[fm.loc[target_idx].isna()])
            raise ValueError(f"{code} has no value for {gaps}; choose features without them")
        if self.z is None:
            raise ValueError("fewer than 2 authorities have every feature")
        if (w < 0).any() or not (w > 0).any():
            raise ValueError("weights must be >= 0 with at least one > 0")
        z = self.z
        dist = cdist(z.loc[[target_idx]].to_numpy(), z.to_numpy(), metric="euclidean", w=w)[0]
        d = pd.Series(dist, index=z.index).drop(target_idx).sort_values(kind="stable")
        top = d.iloc[:k]
        rows = df.loc[top.index]
        out = pd.DataFrame({"peer_rank": np.arange(1, len(top) + 1), "distance": top.to_numpy()},
                           index=top.index)
        for c in REPORT_COLUMNS:
            if c == "rating_label" and {"rating", "rating_label"} & set(rows.columns):
                out[c] = rating_labels(rows)
            elif c in rows.columns:
                out[c] = rows[c]
        for c in fm.columns:
            out[c] = rows[c]
        out = out.reset_index(drop=True)
        out.attrs["excluded"] = self.excluded
        out.attrs["n_candidates"] = len(self.pool) - 1
        out.attrs["features"] = feats
        out.attrs["weights"] = dict(zip(fm.columns, w.tolist(), strict=True))
        return out


#: Readable names of the default peer features (for the method's description on a page).
FEATURE_NAMES: dict[str, str] = {
    "pop_total": "population",
    "pct_65plus": "% aged 65 and over",
    "imd2025_score": "deprivation (IMD 2025 score)",
    "pct_rural": "% living in rural areas",
    "pct_ethnic_minority": "% not White British",
    "density": "population density",
}


def method_text(space: PeerSpace, k: int) -> str:
    """How peers were chosen, stated from ``space`` itself (features, transforms, weights, pool):
    'Similar authorities are the 5 nearest of the 148 ... on 6 measures: ...'."""
    parts = []
    for col, tr in space.feats:
        name = FEATURE_NAMES.get(col, col)
        parts.append(f"{name} (log)" if tr == "log" else name)
    weights = set(space.w.tolist())
    weighting = "each counting equally" if len(weights) == 1 else "weighted as set in the code"
    n_excluded = len(space.excluded)
    return (
        f"Similar authorities are the {k} nearest of the {len(space.pool)} authorities with every "
        f"measure, on {len(parts)} measures of context: {', '.join(parts[:-1])} and {parts[-1]}. "
        "Each measure is standardised over those authorities (minus their mean, divided by their "
        "standard deviation) "
        f"and distance is the straight-line distance across them, {weighting}. "
        + (f"{n_excluded} {'authority lacks' if n_excluded == 1 else 'authorities lack'} a measure "
           "and cannot be chosen. " if n_excluded else "")
        + "Ratings play no part in the choice, so comparing ratings with similar authorities is fair; "
        "similar context is a starting point for learning, not a claim that scores should match."
    )
