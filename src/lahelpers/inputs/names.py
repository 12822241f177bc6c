"""Match council names, in any spelling, to area codes, and join name-only sources to the 153.

Some sources (the BBC FOI workbook, the harmonised activity panel) carry council names but no
codes. :func:`match_names` normalises each name (:func:`normalise_name`) and looks it up in a
dictionary built from

1. the 153 reference names (:func:`lahelpers.inputs.codes.reference`),
2. ONS area names (``geo/areas.csv``, catalogue id ``lookup_areas``) for county, unitary,
   metropolitan and London codes (E06/E08/E09/E10) and Scottish, Welsh and Northern Irish
   councils (S12/W06/N09, so they are reported as "outside England"); names ONS marks
   "(obsolete)" are left out,
3. :data:`ALIASES`, a small documented table that overrides both.

The old counties (Cumbria, Northamptonshire, North Yorkshire, Somerset, Buckinghamshire) map to
their *old* codes, so :func:`lahelpers.inputs.codes.map_upper_tier` applies the same rules as for coded
sources (same-footprint recode, or successors left missing with the reason). A name that matches
nothing gets no code; :func:`join_by_name` reports it as unmatched with the reason
``"name not recognised"``. A name whose normalised form belongs to two codes is an error.

The module also holds two small helpers that adjust a :class:`~lahelpers.inputs.joins.SourceJoin` after
the join (a better reason for a missing authority or an unmatched row), used by the readers in
``workforce`` and ``care_market``.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from pathlib import Path

import pandas as pd

from lahelpers.errors import InputError
from lahelpers.inputs import catalogue, codes, rawio
from lahelpers.inputs.joins import SourceJoin, join_upper_tier

NOT_RECOGNISED = "name not recognised"

#: Normalised name -> code. Overrides the reference and ONS names. Each entry says why.
ALIASES: dict[str, str] = {
    # Old counties -> their old codes, so codes.map_upper_tier applies its rules
    # (same-footprint recode for Bucks / North Yorkshire / Somerset; Cumbria and
    # Northamptonshire are unsplittable and their successors stay missing with the reason).
    "cumbria": "E10000006",
    "northamptonshire": "E10000021",
    "north yorkshire": "E10000023",
    "somerset": "E10000027",
    "buckinghamshire": "E10000002",
    # Spellings seen in sources that neither dictionary holds.
    "durham": "E06000047",  # "Durham" (PSS-EX1) = County Durham
    "telford and the wrekin": "E06000020",  # PSS-EX1 spelling of Telford and Wrekin
    "hull": "E06000010",  # short form of Kingston upon Hull
}

#: Aliases for sources dated before April 2019: "Dorset" then meant the old county (E10000009),
#: a different area from today's Dorset; codes.map_upper_tier reports it as unmatched.
PRE_2019_ALIASES: dict[str, str] = {"dorset": "E10000009"}

#: Area-code prefixes taken from ``areas.csv``: English upper tier and UK council areas.
AREA_PREFIXES = ("E06", "E08", "E09", "E10", "S12", "W06", "N09")

_SUFFIXES = (
    "metropolitan borough council",
    "city council",
    "county council",
    "borough council",
    "district council",
    "council",
    "borough",
    "corporation",
    "ua",
)
_PREFIXES = ("london borough of ", "royal borough of ", "metropolitan borough of ", "the ")


def normalise_name(name: object) -> str:
    """Reduce a council name to a comparison key ("" for a blank name).

    Lower case; ``&`` -> ``and``; footnote digits and ``*`` removed; ``", City of"`` /
    ``", County of"`` suffixes and a leading ``"City of "`` dropped (except City of London);
    trailing ``UA`` / ``Council`` / ``Borough`` / ``Corporation`` and leading ``London Borough of``
    and CASSR numbers (``"324-"``) dropped;
    hyphens, commas, full stops and apostrophes treated as spaces. So ``"Stockton on Tees"``,
    ``"Stockton-on-Tees2"`` and ``"Stockton-on-Tees UA"`` share one key.
    """
    if name is None or (not isinstance(name, str) and pd.isna(name)):
        return ""
    text = unicodedata.normalize("NFKC", str(name)).lower().replace("&", " and ")
    text = re.sub(r"[’'`]", "", text)
    text = re.sub(r"^\s*\d+\s*-\s*", "", text)  # leading CASSR number: "324-Blackburn with Darwen"
    text = re.sub(r",\s*(city|county) of\s*\d*\s*$", "", text.strip())
    text = re.sub(r"[-,./()]", " ", text)
    text = re.sub(r"\s+", " ", text).strip()
    previous = None
    while text != previous:  # peel footnotes and suffixes until nothing changes
        previous = text
        text = re.sub(r"[\d*]+$", "", text).strip()
        for suffix in _SUFFIXES:
            if text.endswith(" " + suffix):
                text = text[: -len(suffix) - 1].strip()
        for prefix in _PREFIXES:
            if text.startswith(prefix):
                text = text[len(prefix) :].strip()
    if text.startswith("city of ") and text != "city of london":
        text = text[len("city of ") :]
    return text


def _add(table: dict[str, set[str]], name: str, code: str) -> None:
    key = normalise_name(name)
    if key:
        table.setdefault(key, set()).add(code)


@lru_cache(maxsize=1)
def dictionary() -> dict[str, frozenset[str]]:
    """Normalised name -> code(s) from the reference list and ``areas.csv`` (before aliases).

    A key with more than one code is ambiguous; :func:`match_names` refuses to use it.
    """
    table: dict[str, set[str]] = {}
    for code, name in codes.names().items():
        _add(table, name, code)
    path = catalogue.raw_path("lookup_areas")
    areas = rawio.read_csv(path, ["areacd", "areanm"], dtype=str)
    keep = areas["areacd"].str.startswith(AREA_PREFIXES) & ~areas["areanm"].str.contains(
        "(obsolete)", regex=False
    )
    for code, name in zip(areas.loc[keep, "areacd"], areas.loc[keep, "areanm"], strict=True):
        _add(table, name, code)
    return {k: _resolve_same_authority(v) for k, v in table.items()}


def _resolve_same_authority(found: set[str]) -> frozenset[str]:
    """Collapse codes that are one authority (e.g. Barnsley's 2023 and 2025 codes) to the 2023 code.

    Codes that :func:`lahelpers.inputs.codes.map_upper_tier` sends to the same 2023 authority are not an
    ambiguity; anything else (two different authorities) is left for :func:`match_names` to refuse.
    """
    if len(found) < 2:
        return frozenset(found)
    targets = {codes.map_upper_tier(c).code or c for c in found}
    if len(targets) == 1:
        return frozenset(targets)
    return frozenset(found)


def match_names(
    names: pd.Series,
    file: str | Path,
    *,
    aliases: dict[str, str] | None = None,
) -> pd.DataFrame:
    """Map each council name to an area code.

    Returns a frame with the index of ``names`` and columns ``name`` (as given), ``key``
    (normalised), ``code`` (area code, missing when nothing matches) and ``how``
    (``"alias"``, ``"dictionary"`` or missing). ``aliases`` (normalised name -> code) are added to
    :data:`ALIASES` for this call only, e.g. :data:`PRE_2019_ALIASES`. Codes are of any vintage:
    pass them through :func:`lahelpers.inputs.codes.map_upper_tier` (or :func:`join_by_name`).
    Raises :class:`InputError` (naming ``file``, the column and the name) when a name's key
    belongs to more than one code. It names no row: the tables matched by name are merged or
    aggregated from the file (BBC's two sheets, the activity panel's years), so their rows are not
    the file's lines, and a position would point at the wrong line.
    """
    table = dictionary()
    extra = {**ALIASES, **{normalise_name(k): v for k, v in (aliases or {}).items()}}
    rows = []
    for idx, name in names.items():
        key = normalise_name(name)
        if key in extra:
            rows.append((idx, name, key, extra[key], "alias"))
            continue
        found = table.get(key, frozenset())
        if len(found) > 1:
            raise InputError(
                file,
                f"name {name!r} matches more than one area code {sorted(found)}",
                "add an entry to lahelpers.inputs.names.ALIASES (or pass aliases=) saying which is meant",
                column=str(names.name) if names.name is not None else None,
            )
        code = next(iter(found)) if found else None
        rows.append((idx, name, key, code, "dictionary" if code else None))
    out = pd.DataFrame(rows, columns=["index", "name", "key", "code", "how"]).set_index("index")
    out.index.name = names.index.name
    return out


def join_by_name(
    df: pd.DataFrame,
    *,
    name_col: str,
    source_id: str,
    description: str,
    value_cols: list[str],
    file: str | Path,
    aliases: dict[str, str] | None = None,
    preset_reasons: pd.Series | None = None,
) -> tuple[pd.DataFrame, SourceJoin]:
    """Join a names-only table to the 153 through :func:`match_names` and ``join_upper_tier``.

    Every row is accounted for: rows with a reason in ``preset_reasons`` (same index as ``df``,
    e.g. "outside England (Wales)") are not looked up and are reported unmatched with that reason;
    unrecognised names are reported unmatched with ``"name not recognised"``; matched codes go
    through :func:`lahelpers.inputs.codes.map_upper_tier` like any coded source.
    """
    preset = (
        preset_reasons.reindex(df.index)
        if preset_reasons is not None
        else pd.Series(None, index=df.index, dtype=object)
    )
    todo = preset.isna()
    matched = match_names(df.loc[todo, name_col], file, aliases=aliases)
    work = df.copy()
    work["match_code"] = ""
    work.loc[todo, "match_code"] = matched["code"].fillna("").astype(str)
    values, join = join_upper_tier(
        work,
        source_id=source_id,
        description=description,
        code_col="match_code",
        value_cols=value_cols,
        name_col=name_col,
        file=file,
    )
    reasons = iter(
        [
            preset[i] if not pd.isna(preset[i]) else NOT_RECOGNISED
            for i in work.index[work["match_code"] == ""]
        ]
    )
    for entry in join.unmatched:  # blank codes are reported in row order by join_upper_tier
        if entry["source_code"] == "":
            entry["reason"] = next(reasons)
    return values, join
