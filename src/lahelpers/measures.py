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

from lahelpers.charts import variable_label

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
#: Care-market and service measures in the mirror that bear on capacity and access.
CARE_MARKET: tuple[str, ...] = (
    "reablement_episodes_per_1000_65",
    "bcf_reablement_spend_per_65",
    "bcf_bed_based_spend_per_cap",
    "ascof_2b1_reablement_at_home_91d",
    "ascof_2b2_reablement_offered",
    "ascof_2d_short_term_no_further_support",
    "oflog_short_term_sequel",
    "bbc_median_wait_assessment_days_2223",
    "bbc_median_wait_care_days_2223",
    "hours_handed_back_per_1000_65",
    "contracts_handed_back_per_100k_65",
    "pct_homecare_external",
    "salt_noservices_pct_2324",
    "salt_requests_per_1000_65",
)

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


def with_rates(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` with the :data:`RATES` columns added (missing where a part is missing).

    A denominator of zero or less gives a missing rate, never an infinite one.
    """
    out = df.copy()
    for col, (count, denom, mult, _label) in RATES.items():
        if count not in out.columns or denom not in out.columns:
            raise ValueError(f"with_rates needs columns {count!r} and {denom!r}")
        d = pd.to_numeric(out[denom], errors="coerce").where(lambda s: s > 0)
        out[col] = pd.to_numeric(out[count], errors="coerce") / d * mult
    return out


def available(df: pd.DataFrame, columns: Sequence[str], min_n: int = 30) -> list[str]:
    """The columns of ``columns`` present in ``df`` with at least ``min_n`` known values among
    rated authorities (fewer cannot support a correlation with the ratings)."""
    rated = df[df["rating"].notna()] if "rating" in df.columns else df
    return [c for c in columns if c in df.columns and int(rated[c].notna().sum()) >= min_n]


def coverage(df: pd.DataFrame, columns: Sequence[str], variables: pd.DataFrame | None = None,
             labels: dict[str, str] | None = None) -> pd.DataFrame:
    """For each measure: label, source, vintage, authorities with a value, missing, and how many
    of the rated authorities have it. ``variables`` is ``load.variables()`` (source and vintage);
    derived rates take their source from the count they divide."""
    labels = {**LABELS, **(labels or {})}
    meta = variables.set_index("column") if variables is not None else pd.DataFrame()
    rated = df["rating"].notna() if "rating" in df.columns else pd.Series(True, index=df.index)
    rows = []
    for c in columns:
        base = RATES[c][0] if c in RATES else c
        src = meta.loc[base] if base in meta.index else None
        known = df[c].notna()
        rows.append({
            "Measure": variable_label(c, labels),
            "Source": "" if src is None else str(src["source_id"]),
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
