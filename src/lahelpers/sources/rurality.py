"""How rural each of the 153 authorities is: the 2011 Rural-Urban Classification, re-derived.

Source ``ruc2011_lad``: ONS/DEFRA 2011 Rural-Urban Classification of Local Authority Districts
(326 districts, 2018 codes). The file classifies districts only, so counties and the unitaries
created since 2019 have no class of their own. The class is therefore re-derived for each 2023
upper-tier authority:

1. Sum, over its districts (``LAD18CD``, mapped to the 2023 upper tier with the April 2023
   lookup and ONS ``changes.csv``), the population living in rural areas *including hub towns*
   (``Rural including hub towns (rural & rural related) population 2011``) and the total 2011
   population.
2. ``pct_rural`` = 100 x rural-including-hub-towns population / total population.
3. Apply DEFRA's thresholds to that share (unrounded):
   ``Predominantly Rural`` if >= 50%, ``Urban with Significant Rural`` if >= 26% and < 50%,
   ``Predominantly Urban`` if < 26%.

Simplifications, to state wherever ``rural_class`` is shown: (a) 2011 Census population base (no
2021 classification was available); (b) upper-tier classes are our re-derivation, not an official
classification (DEFRA only classifies districts); (c) only the three broad classes: the six-class
split (Mainly/Largely Rural; Urban with City and Town / Minor / Major Conurbation) is not made.
For an authority that is a single district the result equals the file's own broad class.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from lahelpers.inputs import catalogue, rawio
from lahelpers.inputs.joins import SourceJoin, join_districts

RURAL_CLASSES: tuple[str, ...] = (
    "Predominantly Urban",
    "Urban with Significant Rural",
    "Predominantly Rural",
)

#: Catalogue ids of the raw files this source reads.
READS: tuple[str, ...] = ("ruc2011_lad",)
#: Ordered urban -> rural, for charts and models.
RURAL_DTYPE = pd.CategoricalDtype(list(RURAL_CLASSES), ordered=True)
#: Lower bounds (%, inclusive) of "Urban with Significant Rural" and "Predominantly Rural".
SIGNIFICANT_RURAL_MIN, PREDOMINANTLY_RURAL_MIN = 26.0, 50.0

RUC_CODE, RUC_NAME = "LAD18CD", "LAD18NM"
RURAL_POP = "Rural including hub towns (rural & rural related) population 2011"
TOTAL_POP = "Total population 2011"

VARIABLES: dict[str, dict] = {
    "pct_rural": {
        "label": "Share of residents in rural areas incl. hub towns (2011)",
        "unit": "%",
        "source_id": "ruc2011_lad",
        "vintage": "2011 Census",
        "note": "Summed from 2011 districts to the 2023 upper tier.",
    },
    "rural_class": {
        "label": "Rural-urban class (DEFRA broad, re-derived)",
        "unit": "category",
        "source_id": "ruc2011_lad",
        "vintage": "2011 Census",
        "note": "Predominantly Rural >= 50% rural incl. hub towns, Urban with Significant Rural "
        "26-<50%, Predominantly Urban < 26%; 2011 base, re-derived for the upper tier, "
        "3 broad classes only.",
    },
}


def rural_share(df: pd.DataFrame) -> pd.Series:
    """Percent of the 2011 population living in rural areas including hub towns.

    ``df`` has the file's two population columns (district rows or summed rows); a zero total
    gives NaN rather than a division error.
    """
    total = df[TOTAL_POP].astype(float).replace(0, np.nan)
    return (100 * df[RURAL_POP] / total).rename("pct_rural")


def classify_rural(pct: pd.Series) -> pd.Series:
    """DEFRA broad class from the rural share: >= 50 rural, 26 to < 50 significant, else urban.

    Returns an ordered Categorical (urban -> rural); NaN stays NaN. A share outside 0-100 is an
    error (it means the wrong columns were divided).
    """
    pct = pd.to_numeric(pct, errors="raise").astype(float)
    if ((pct < 0) | (pct > 100)).any():
        raise ValueError("classify_rural: shares must lie between 0 and 100 (percent)")
    classes = pd.cut(
        pct,
        bins=[-np.inf, SIGNIFICANT_RURAL_MIN, PREDOMINANTLY_RURAL_MIN, np.inf],
        right=False,
        labels=list(RURAL_CLASSES),
    )
    return classes.astype(RURAL_DTYPE).rename("rural_class")


def read_ruc(path=None) -> pd.DataFrame:
    """The 2011 RUC district file, with text labels stripped of stray spaces."""
    path = path or catalogue.raw_path("ruc2011_lad")
    df = rawio.read_csv(path, ["LAD11CD", RUC_CODE, RUC_NAME, RURAL_POP, TOTAL_POP])
    for col in ("RUC11", "Broad RUC11"):
        if col in df:
            df[col] = df[col].str.strip()
    return df


def _derive(summed: pd.DataFrame) -> pd.DataFrame:
    pct = rural_share(summed)
    return pd.DataFrame({"pct_rural": pct, "rural_class": classify_rural(pct)}, index=summed.index)


def rurality(path=None) -> tuple[pd.DataFrame, SourceJoin]:
    """``pct_rural`` and ``rural_class`` for the 153, re-derived from the 2011 district file."""
    return join_districts(
        read_ruc(path),
        source_id="ruc2011_lad",
        description="2011 Rural-Urban Classification of districts: rural (incl. hub towns) and "
        "total 2011 population summed from LAD18 to the 2023 upper tier; DEFRA broad class "
        "re-applied to the share (>= 50% Predominantly Rural, 26-<50% Urban with Significant "
        "Rural, < 26% Predominantly Urban).",
        code_col=RUC_CODE,
        sum_cols=[RURAL_POP, TOTAL_POP],
        name_col=RUC_NAME,
        derive=_derive,
    )


def tables() -> list[tuple[pd.DataFrame, SourceJoin]]:
    """One ``(values, join)`` per raw source, values indexed by the 2023 code."""
    values, join = rurality()
    values.index.name = "code"
    return [(values, join)]
