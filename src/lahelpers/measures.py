"""The context measures each thematic question uses: derived rates, coverage and known gaps.

Counts are not comparable between authorities of different sizes (Kent hands back more home
care hours than Rutland because it is bigger), so :func:`with_rates` divides them by the
population aged 65 and over, the main users of home care. :func:`coverage` says, for any set of
measures, how many authorities have a value (and how many of the rated ones), from which source
and vintage, so every notebook can show n and what is missing before it shows a result.
:data:`WORKFORCE_GAPS` lists what the mirror does not hold and what it would take to add it.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from IPython.display import Markdown

from lahelpers import framework
from lahelpers.framework import variable_label

#: Derived rate column -> (count column, denominator column, multiplier, label).
RATES: dict[str, tuple[str, str, float, str]] = {
    "hours_handed_back_per_1000_65": (
        "bbc_hours_handed_back_2223", "pop_65plus", 1_000,
        "Home care hours a week handed back by providers per 1,000 aged 65+ (2022-23)"),
    "contracts_handed_back_per_100k_65": (
        "bbc_contracts_handed_back_2223", "pop_65plus", 100_000,
        "Home care contracts handed back by providers per 100,000 aged 65+ (2022-23)"),
    "salt_requests_per_1000_65": (
        "salt_requests_65", "pop_65plus", 1_000,
        "Requests for support from new clients aged 65+ per 1,000 aged 65+ (2023-24)"),
}
#: Readable labels of the derived columns (pass as ``labels=`` to charts and statistics).
LABELS: dict[str, str] = {col: spec[3] for col, spec in RATES.items()}

#: Measures of the care workforce in the mirror.
WORKFORCE: tuple[str, ...] = ("turnover_rate", "sfc_vacancy_rate")
#: Source modules whose measures the workforce notebook tests (``load.variables()["module"]``).
MARKET_MODULES: tuple[str, ...] = ("workforce", "care_market")
#: Measures of those modules not tested as they stand, and why (counts are replaced by rates).
NOT_TESTED: dict[str, str] = {
    "sfc_filled_posts": "a count of posts: it measures size, not staffing pressure",
    "sfc_fte_posts": "a count of full-time-equivalent posts: it measures size, not staffing pressure",
    "bbc_hours_handed_back_2223": "a count: tested as hours per 1,000 aged 65+ instead",
    "bbc_contracts_handed_back_2223": "a count: tested as contracts per 100,000 aged 65+ instead",
    "salt_requests_65": "a count: tested as requests per 1,000 aged 65+ instead",
}


def market_measures(variables: pd.DataFrame) -> list[str]:
    """Every care-market, service and workforce measure in the data (from ``variables``, i.e.
    ``load.variables()``), other than :data:`WORKFORCE` (tested on its own) and the counts in
    :data:`NOT_TESTED`, plus the derived :data:`RATES`, in the order of ``variables``."""
    cols = variables.loc[variables["module"].isin(MARKET_MODULES), "column"].astype(str)
    keep = [c for c in cols if c not in WORKFORCE and c not in NOT_TESTED]
    return [*keep, *RATES]


def left_out(df: pd.DataFrame, variables: pd.DataFrame, min_n: int = framework.SMALL_N,
             outcomes: Sequence[str] = ()) -> pd.DataFrame:
    """The measures of :data:`MARKET_MODULES` not tested, with the reason: a count
    (:data:`NOT_TESTED`), fewer than ``min_n`` rated authorities with a value, or (with
    ``outcomes``) fewer than ``min_n`` with the measure and some outcome: the same rule as
    :func:`available`, so every measure is either tested or listed here."""
    rows = [{"Measure": variable_label(c), "Why not tested": why} for c, why in NOT_TESTED.items()]
    for c in market_measures(variables):
        k = _rated_values(df, c)
        both = {o: int((df[c].notna() & df[o].notna()).sum()) for o in outcomes} if c in df.columns else {}
        short = {o: m for o, m in both.items() if m < min_n}
        if k < min_n:
            why = f"only {k} rated authorities have a value (fewer than {min_n})"
        elif short:
            o, m = min(short.items(), key=lambda kv: kv[1])
            why = f"only {m} authorities have both this and {variable_label(o)} (fewer than {min_n})"
        else:
            continue
        rows.append({"Measure": variable_label(c, LABELS), "Why not tested": why})
    return pd.DataFrame(rows, columns=["Measure", "Why not tested"])


#: What the mirror does not hold for the workforce question, and what it would take to add it.
WORKFORCE_GAPS: tuple[dict[str, str], ...] = (
    {"Missing": "Vacancy rates for all care staff",
     "What we have instead": "Skills for Care independent-sector vacancy rate, 2023-24 (council-employed staff not covered)",
     "What it would take": "Skills for Care's local authority area estimates for all sectors (ASC-WDS), by council, with its licence terms"},
    {"Missing": "Occupational therapy staffing",
     "What we have instead": "Nothing by council",
     "What it would take": "NHS Digital's Personal Social Services staff of social services departments (council-employed occupational therapists, vacancies) mapped to the 153 codes"},
    {"Missing": "Council-employed social care staff",
     "What we have instead": "Nothing by council",
     "What it would take": "The same NHS Digital PSS staff release; Skills for Care's local authority sector estimates"},
    {"Missing": "CQC ratings of care providers (locations)",
     "What we have instead": "Nothing",
     "What it would take": "CQC's care directory with ratings, aggregated from locations to the council area (share of home care and care home beds rated Good or better)"},
    {"Missing": "Pay, zero-hours contracts and all-sector turnover by council",
     "What we have instead": "One turnover rate (Oflog ASC7, 2022-23; sector coverage not stated)",
     "What it would take": "Skills for Care's local area workforce reports, by council"},
    {"Missing": "Current service activity (ASCOF 2022-23 onwards, ASC-FR spending)",
     "What we have instead": "ASCOF 2020-21, a COVID-affected year; ASC-FR reablement episodes 2022-23 only",
     "What it would take": "NHS England's ASCOF and ASC-FR releases for the years of the assessments, mapped to 2023 codes"},
    {"Missing": "Waiting lists for assessment and care",
     "What we have instead": "BBC Shared Data Unit FOI returns for 2022-23, with large non-response",
     "What it would take": "ADASS spring survey figures by council, or CQC's own assessment evidence, if published"},
)


def _rated(df: pd.DataFrame) -> pd.Series:
    """Which authorities have a rating (all of them when the table has no rating column)."""
    return df["rating"].notna() if "rating" in df.columns else pd.Series(True, index=df.index)


def _rated_values(df: pd.DataFrame, column: str) -> int:
    """How many rated authorities have a value of ``column`` (0 when the column is absent)."""
    return int((df[column].notna() & _rated(df)).sum()) if column in df.columns else 0


def with_rates(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` with the :data:`RATES` columns added (missing where a part is missing).

    A denominator of zero or less gives a missing rate, never an infinite one.
    """
    out = df.copy()
    for col, (count, denom, mult, _label) in RATES.items():
        if count not in out.columns or denom not in out.columns:
            raise ValueError(f"with_rates needs columns {count!r} and {denom!r}: pass the table from "
                             "load.authorities() (rebuild it with `lahelpers data build` if it lacks them)")
        d = pd.to_numeric(out[denom], errors="coerce").where(lambda s: s > 0)
        out[col] = pd.to_numeric(out[count], errors="coerce") / d * mult
    return out


def available(df: pd.DataFrame, columns: Sequence[str], min_n: int = framework.SMALL_N,
              outcomes: Sequence[str] = ()) -> list[str]:
    """The columns of ``columns`` present in ``df`` with at least ``min_n`` known values among
    rated authorities (fewer cannot support a correlation with the ratings); with ``outcomes``,
    at least ``min_n`` authorities with the measure and each outcome, so that every test that
    uses the measure rests on ``min_n`` or more."""
    def enough(c: str) -> bool:
        if _rated_values(df, c) < min_n:
            return False
        return all(int((df[c].notna() & df[o].notna()).sum()) >= min_n for o in outcomes)
    return [c for c in columns if c in df.columns and enough(c)]


def labels(variables: pd.DataFrame, columns: Sequence[str] | None = None) -> dict[str, str]:
    """Readable labels for ``columns`` (default: every column of ``variables``) plus
    :data:`LABELS`, where two different measures would share a label, each gets its vintage and
    source added, so no table shows the same name for two measures."""
    v = variables.set_index("column")
    cols = list(columns) if columns is not None else [*v.index.astype(str), *RATES]
    base = {c: variable_label(c, LABELS) for c in cols}
    counts = pd.Series(list(base.values())).value_counts()
    out = dict(LABELS)
    publisher = _publishers()
    for c, lab in base.items():
        if counts[lab] > 1 and c in v.index:
            out[c] = f"{lab}, {v.loc[c, 'vintage']} ({publisher(str(v.loc[c, 'source_id'])).split(';')[0]})"
        else:
            out[c] = lab
    return out


def _publishers():
    """A function giving who published a source, from the data catalogue (the id itself if it
    is not there). The catalogue is read once per call of this function (each read parses the
    YAML, ~0.05 s), i.e. once per table, never kept between tables."""
    from lahelpers.inputs import catalogue  # late: only needed for readable source names

    sources = catalogue.load_catalogue()

    def publisher(source_id: str) -> str:
        src = sources.get(source_id)
        return src.publisher if src is not None and src.publisher else source_id
    return publisher


def coverage_text(df: pd.DataFrame, columns: Sequence[str], labels: dict[str, str] | None = None) -> Markdown:
    """How many authorities each measure covers, in one sentence computed from the data (never
    'most' where a measure covers fewer than half)."""
    labels = {**LABELS, **(labels or {})}
    n = len(df)
    known = {c: int(df[c].notna().sum()) for c in columns}
    parts = [f"{variable_label(c, labels)} {k} of {n}" for c, k in known.items()]
    lo, hi = min(known.values()), max(known.values())
    half = sum(k * 2 > n for k in known.values())
    return Markdown(f"These measures cover from {lo} to {hi} of the {n} authorities, rated or not "
                    f"({'; '.join(parts)}); {half} of the {len(known)} cover more than half of them.")


def coverage(df: pd.DataFrame, columns: Sequence[str], variables: pd.DataFrame | None = None,
             labels: dict[str, str] | None = None) -> pd.DataFrame:
    """For each measure: label, source (its publisher, never a source id), vintage, authorities with a value, missing, and how many
    of the rated authorities have it. ``variables`` is ``load.variables()`` (source and vintage);
    derived rates take their source from the count they divide."""
    labels = {**LABELS, **(labels or {})}
    meta = variables.set_index("column") if variables is not None else pd.DataFrame()
    rated = _rated(df)
    publisher = _publishers()
    rows = []
    for c in columns:
        base = RATES[c][0] if c in RATES else c
        src = meta.loc[base] if base in meta.index else None
        known = df[c].notna()
        rows.append({
            "Measure": variable_label(c, labels),
            "Source": "" if src is None else publisher(str(src["source_id"])),
            "Vintage": "" if src is None else str(src["vintage"]),
            "Authorities with a value": int(known.sum()),
            "Missing": int((~known).sum()),
            "Rated authorities with a value": int((known & rated).sum()),
        })
    return pd.DataFrame(rows)


def gaps_table() -> pd.DataFrame:
    """:data:`WORKFORCE_GAPS` as a table."""
    return pd.DataFrame(list(WORKFORCE_GAPS))


def strongest(results: pd.DataFrame, k: int = 3) -> pd.DataFrame:
    """The ``k`` results with the largest absolute estimate (ties kept in order), for choosing
    which scatter plots to draw from a family of correlations."""
    r = results.dropna(subset=["estimate"])
    return r.iloc[np.argsort(-r["estimate"].abs().to_numpy(), kind="stable")[:k]]
