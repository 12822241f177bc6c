"""Map every source's area codes to the 153 April 2023 upper-tier authorities (UTLA23 codes).

The rules, each documented where it is defined:

* Same-footprint recodes (:data:`SAME_FOOTPRINT`): a county that became a unitary authority
  with the same area (Buckinghamshire 2020, North Yorkshire and Somerset 2023), Gateshead's 2013
  recode, and ONS's 2025 Barnsley/Sheffield recode, mapped back to the 2023 codes. The value moves.
* Unsplittable predecessors (:data:`UNSPLITTABLE`): Cumbria (split 2023 into Cumberland and
  Westmorland and Furness), Northamptonshire (split 2021), and sources' combined rows. A
  county-wide value is never copied to its successors: they stay missing with the reason recorded.
* Pre-2019 Dorset geography (old Dorset county, Bournemouth, Poole): a different footprint from
  today's Dorset and BCP, so unmatched.
* Lower-tier districts of any vintage 2011-2025 roll up to their 2023 upper tier through ONS's
  ``changes.csv`` (mergers) and the April 2023 LTLA->UTLA lookup; counts are additive, so district
  mergers lose nothing.
* File-specific fixes (e.g. Slough's mistyped ``E0600003`` in the IoD 2019 ``IMD`` sheet) are
  passed as ``extra`` by the reader of that file, so they never leak into other sources.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import pandas as pd

from lahelpers.inputs import catalogue, rawio, textcheck

SAME_FOOTPRINT: dict[str, tuple[str, str]] = {
    "E10000002": (
        "E06000060",
        "Buckinghamshire county -> Buckinghamshire unitary (April 2020, same area)",
    ),
    "E10000023": (
        "E06000065",
        "North Yorkshire county -> North Yorkshire unitary (April 2023, same area)",
    ),
    "E10000027": ("E06000066", "Somerset county -> Somerset unitary (April 2023, same area)"),
    "E08000020": ("E08000037", "Gateshead pre-2013 code -> current code (same authority)"),
    "E08000038": ("E08000016", "Barnsley 2025 code -> April 2023 code (same area)"),
    "E08000039": ("E08000019", "Sheffield 2025 code -> April 2023 code (same area)"),
}

UNSPLITTABLE: dict[str, tuple[tuple[str, ...], str]] = {
    "E10000006": (
        ("E06000063", "E06000064"),
        "source has only Cumbria (E10000006), split in April 2023 into Cumberland and "
        "Westmorland and Furness; a county-wide value cannot be divided",
    ),
    "E10000021": (
        ("E06000061", "E06000062"),
        "source has only Northamptonshire (E10000021), split in April 2021 into North and West "
        "Northamptonshire; a county-wide value cannot be divided",
    ),
    "CUMBRIA_COMBINED": (
        ("E06000063", "E06000064"),
        "source combines Cumberland and Westmorland and Furness in one row; it cannot be divided",
    ),
    "NORTHANTS_COMBINED": (
        ("E06000061", "E06000062"),
        "source combines North and West Northamptonshire in one row; it cannot be divided",
    ),
    "DORSET_COMBINED": (
        ("E06000058", "E06000059"),
        "source combines Bournemouth, Christchurch and Poole with Dorset in one row; it cannot be divided",
    ),
}

PRE_2019_DORSET = {
    "E10000009": "old Dorset county (abolished April 2019): a different area from today's Dorset",
    "E06000028": "Bournemouth (merged into BCP April 2019): a different area from BCP",
    "E06000029": "Poole (merged into BCP April 2019): a different area from BCP",
}

CORNWALL, SCILLY = "E06000052", "E06000053"
#: Reason recorded for the Isles of Scilly where a source has one "Cornwall and Isles of Scilly" row.
SCILLY_WITH_CORNWALL = "combined with Cornwall in the source"


@lru_cache(maxsize=1)
def reference() -> pd.DataFrame:
    """The 153 authorities: ``code, name, region, la_type``, sorted by code."""
    path = catalogue.raw_path("cqc_reference")
    df = rawio.read_csv(path, ["ons_code", "la_name", "region", "la_type"], dtype=str)
    textcheck.check_reference(df, path)
    df = df.rename(columns={"ons_code": "code", "la_name": "name"})
    return df[["code", "name", "region", "la_type"]].sort_values("code").reset_index(drop=True)


def reference_codes() -> frozenset[str]:
    """The set of 153 April 2023 UTLA codes."""
    return frozenset(reference()["code"])


def names() -> dict[str, str]:
    """``{code: name}`` for the 153."""
    ref = reference()
    return dict(zip(ref["code"], ref["name"], strict=True))


@dataclass(frozen=True)
class Mapping:
    """How one source code maps: to a 2023 code, to unsplittable successors, or nowhere."""

    source_code: str
    code: str | None
    rule: str  # "direct", the recode text, or the reason it is unmatched
    successors: tuple[str, ...] = ()


def map_upper_tier(source_code: object, extra: dict[str, tuple[str, str]] | None = None) -> Mapping:
    """Map one upper-tier code from any vintage to a 2023 code, or say why it cannot be."""
    raw = "" if source_code is None or pd.isna(source_code) else str(source_code).strip()
    ref = reference_codes()
    rules = {**SAME_FOOTPRINT, **(extra or {})}
    if raw in ref:
        return Mapping(raw, raw, "direct")
    if raw in rules:
        return Mapping(raw, rules[raw][0], rules[raw][1])
    if raw in UNSPLITTABLE:
        successors, why = UNSPLITTABLE[raw]
        return Mapping(raw, None, why, successors)
    if raw in PRE_2019_DORSET:
        return Mapping(raw, None, PRE_2019_DORSET[raw])
    if not raw:
        return Mapping(raw, None, "blank code")
    if raw[0] in "WSN" or raw.startswith(("K", "9")):
        return Mapping(raw, None, "outside England")
    if raw.startswith(("E12", "E92", "E13", "E11", "E47", "E40", "E38", "E54")):
        return Mapping(raw, None, "region, country or other non-authority total")
    if raw.startswith("E07"):
        return Mapping(raw, None, "lower-tier district, not an upper-tier authority")
    return Mapping(
        raw, None, "code not recognised: not an April 2023 authority and no mapping rule"
    )


@lru_cache(maxsize=1)
def lad_to_utla() -> dict[str, str]:
    """``{district code: 2023 UTLA code}`` for every English district code 2011-2025.

    Built from the April 2023 LTLA->UTLA lookup plus ONS ``changes.csv`` mergers and recodes,
    chained until a 2023 district is reached. Upper-tier same-footprint recodes are included so
    that a unitary authority's older code also resolves.
    """
    lookup = rawio.read_csv(
        catalogue.raw_path("lookup_ltla_utla"), ["LTLA23CD", "UTLA23CD"], dtype=str
    )
    lookup = lookup[lookup["LTLA23CD"].str.startswith("E")]
    to_utla = dict(zip(lookup["LTLA23CD"], lookup["UTLA23CD"], strict=True))
    changes = rawio.read_csv(
        catalogue.raw_path("lookup_changes"), ["oldcd", "newcd", "type"], dtype=str
    )
    step = {
        r.oldcd: r.newcd
        for r in changes.itertuples()
        if r.type in ("merger", "new_code")
        and str(r.oldcd).startswith("E")
        and isinstance(r.newcd, str)
        and not r.newcd.startswith("E47")
    }
    # 2025 recodes point *away* from the 2023 codes: follow them back instead.
    for old, (new, _why) in SAME_FOOTPRINT.items():
        step.setdefault(old, new)
    step = {k: v for k, v in step.items() if k not in to_utla}
    out = dict(to_utla)
    for start in step:
        code, seen = start, set()
        while code not in to_utla and code in step and code not in seen:
            seen.add(code)
            code = step[code]
        if code in to_utla:
            out[start] = to_utla[code]
    # The 2023 codes of Barnsley and Sheffield are both the district and the UTLA code.
    for new, (old, _why) in {
        "E08000038": SAME_FOOTPRINT["E08000038"],
        "E08000039": SAME_FOOTPRINT["E08000039"],
    }.items():
        out[new] = old
    return out


def map_district(source_code: object) -> Mapping:
    """Map a lower-tier (district or unitary) code of any vintage to its 2023 upper tier."""
    raw = "" if source_code is None or pd.isna(source_code) else str(source_code).strip()
    table = lad_to_utla()
    if raw in table:
        rule = "direct" if raw in reference_codes() else "district -> 2023 upper tier"
        return Mapping(raw, table[raw], rule)
    if raw and raw[0] in "WSN":
        return Mapping(raw, None, "outside England")
    if not raw:
        return Mapping(raw, None, "blank code")
    return Mapping(
        raw, None, "district code not recognised by the April 2023 lookup or changes.csv"
    )
