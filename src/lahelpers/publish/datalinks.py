"""Where each number on a page comes from: the data behind a chart or table, and its sources.

Every chart and table on a report page gets a source line (the short names of the data sources it
draws on, each linking to its entry in the page's provenance footnote) and a CSV file of exactly
the data behind it, with readable column names. This module works out both from what the notebook
outputs carry:

- a chart: the vega-lite spec's inline datasets (a TopoJSON map: its features' properties; the
  geometry is dropped); the main dataset is the one about authorities or estimates, not a
  helper layer such as a reference line or a fitted line;
- a table: the rows :func:`lahelpers.narrative.table` attaches under :data:`TABLE_MIMETYPE`.

Sources come from the fields: ``data/processed/variables.csv`` names each context variable's
catalogue source; CQC's fields (ratings, scores, dates) come from the CQC ratings dataset; maps
also draw on the boundaries. An explicit ``sources=`` list (``charts.show``, ``narrative.table``)
overrides the derived one.
"""

from __future__ import annotations

import csv
import functools
import io
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

#: Mimetype of the data :func:`lahelpers.narrative.table` attaches to a table output (the same
#: string as ``lahelpers.narrative.TABLE_MIMETYPE``; written out so the exporter need not import
#: the notebook-facing module, and top-level modules never import ``publish``).
TABLE_MIMETYPE = "application/vnd.lahelpers.table+json"
#: Key in a display output's metadata under which ``charts.show`` records explicit sources.
METADATA_KEY = "lahelpers"

#: The CQC ratings dataset (ratings, % scores, quality statement scores, dates).
CQC_SOURCE = "cqc_assessments"
#: Authority and region outlines behind the maps.
BOUNDARY_SOURCES = {"authorities": "boundaries_ctyua", "regions": "boundaries_regions"}

#: Short names for the source line (the footnote gives the full title, publisher and licence).
SHORT_NAMES: dict[str, str] = {
    "cqc_reference": "Council list (DHSC/ONS codes)",
    "cqc_assessments": "CQC ratings",
    "cqc_pilots": "CQC 2023 pilots",
    "cqc_monitor": "CQC report monitor",
    "boundaries_ctyua": "ONS boundaries",
    "boundaries_regions": "ONS region boundaries",
    "boundaries_lad": "ONS district boundaries",
    "population_mye22": "ONS population mid-2022",
    "census_ethnicity": "Census 2021 ethnicity",
    "census_age_ltla": "Census 2021 age",
    "census_unpaid_care_msoa": "Census 2021 unpaid care",
    "census_disability_lsoa": "Census 2021 disability",
    "census_households_ltla": "Census 2021 households",
    "imd2019_utla": "IMD 2019",
    "imd2025_ltla": "IMD 2025",
    "ruc2011_lad": "Rural-urban classification",
    "oflog_asc": "Oflog adult social care",
    "skillsforcare_independent": "Skills for Care",
    "ascof_2021": "ASCOF 2020-21",
    "bcf_intermediate_care": "BCF / ASC-FR (Health Foundation)",
    "bbc_social_care_crisis": "BBC Shared Data Unit FOI",
    "asc_activity_provision": "ASC activity (Goodair)",
    "salt_requests": "SALT requests (Goodair)",
}

#: CQC's fields, by column id and by the headers tables give them.
_CQC_FIELDS = re.compile(
    r"^(rating|rating_label|rating_basis|overall_pct|overall_text|overall %|cqc rating|rating|"
    r"publication_date|published|cqc_status|qs[1-9]|qs[1-9]\b.*|theme.*|overall score.*|"
    r"mean score.*|score|outstanding|good|requires improvement|inadequate|not yet in our data)$",
    re.I,
)

#: Readable names for the helper fields charts carry (others: the variable's label, else as is).
FIELD_LABELS: dict[str, str] = {
    "estimate": "Estimate",
    "ci_low": "95% CI from",
    "ci_high": "95% CI to",
    "n": "Authorities (n)",
    "pct": "Share (%)",
    "label": "Measure",
    "outcome": "Outcome",
    "predictor": "Compared with",
    "group": "Group",
    "group_label": "Group (as shown)",
    "england_text": "England (as shown)",
    "peers_text": "Similar authorities (as shown)",
    "rank_text": "England rank (as shown)",
    "value_text": "Value (as shown)",
    "x_value": "Spine position: this authority",
    "x_min": "Spine position: England lowest",
    "x_q1": "Spine position: England 25th percentile",
    "x_median": "Spine position: England median",
    "x_q3": "Spine position: England 75th percentile",
    "x_max": "Spine position: England highest",
    "x_peer_min": "Spine position: similar authorities lowest",
    "x_peer_max": "Spine position: similar authorities highest",
    "score_text": "Score (as shown)",
    "panel": "Panel",
    "fit": "Fitted value",
    "x": "x",
    "lat": "Latitude",
    "lon": "Longitude",
    "count": "Authorities",
    "value": "Value",
    "overall_text": "Overall score (as shown)",
    "published": "Published",
    "score": "Score",
    "statement": "Quality statement",
    "month": "Month",
}
#: A chart whose title or description speaks of CQC's ratings or scores draws on them even when
#: its data hold only estimates (e.g. correlations of context measures with the overall score).
_MENTIONS_CQC = re.compile(r"\b(CQC|ratings?|scores?|QS[1-9]|overall %)", re.I)
#: Field order in a CSV: what a row is about first, then the estimate and its interval, then
#: the rest in the chart's order.
_FIELD_ORDER = ("name", "code", "region", "group", "label", "outcome", "predictor", "rating_label",
                "rating", "estimate", "ci_low", "ci_high", "n")
#: Fields only there to place text or marks on a chart (not data a reader wants).
_HELPER_FIELDS = {"text_x", "text", "ref", "label_y", "y_text", "shape", "order", "sort", "jitter",
                  "text_colour", "text_color", "rank"}
#: Fields that identify what a row is about: a dataset with one is a chart's main data.
_ID_FIELDS = ("name", "code", "label", "outcome", "rating_label", "group", "region", "authority")


def _variables() -> dict[str, dict[str, str]]:
    """``variables.csv`` as ``{column: {label, source_id}}`` ({} when data/processed is not built).

    Only a file that was read is cached: an early call before the build must not leave every
    later page of the same process without its sources.
    """
    try:
        from lahelpers import paths

        return _read_variables(paths.processed_dir() / "variables.csv")
    except (OSError, ImportError, KeyError):
        return {}


@functools.lru_cache(maxsize=4)
def _read_variables(path: Path) -> dict[str, dict[str, str]]:
    """One ``variables.csv``, by column (raises OSError when it is not there: not cached)."""
    with path.open(encoding="utf-8", newline="") as f:
        return {r["column"]: r for r in csv.DictReader(f)}


def _derived_rates() -> dict[str, tuple]:
    """The rates :mod:`lahelpers.measures` derives (column -> count, denominator, ..., label)."""
    from lahelpers import measures  # late: measures is a notebook-facing module

    return measures.RATES


def _words(text: str) -> set[str]:
    """Lower-case words and numbers of a header (for matching a header to a variable's label)."""
    return set(re.findall(r"[a-z0-9]+", text.lower())) - {"the", "of", "and", "a", "in", "all"}


def field_sources(field: str) -> list[str]:
    """The catalogue sources of one field (a column id or a readable header); [] if unknown."""
    f = str(field).strip()
    if _CQC_FIELDS.match(f):
        return [CQC_SOURCE]
    variables = _variables()
    if f in variables and variables[f].get("source_id"):
        return [variables[f]["source_id"]]
    rates = _derived_rates()
    if f in rates:  # a rate we derive: its count's source and the population
        count, denominator = rates[f][:2]
        return [*field_sources(count), *(s for s in field_sources(denominator) if s not in field_sources(count))]
    for v in variables.values():
        if v.get("label") and v["label"].strip().lower() == f.lower() and v.get("source_id"):
            return [v["source_id"]]
    words = _words(f)
    if len(words) >= 2:  # "Population (mid-2022)" is "Population, all ages (mid-2022)"
        for v in variables.values():
            if v.get("source_id") and words <= _words(v.get("label", "")):
                return [v["source_id"]]
    return []


def value_sources(values: Iterable[Any]) -> list[str]:
    """Sources named by the values of an identifier column (an estimate's outcome or measure)."""
    out: list[str] = []
    variables = _variables()
    labels = {v["label"].lower(): v["source_id"] for v in variables.values() if v.get("label")}
    for value in values:
        if not isinstance(value, str):
            continue
        found = field_sources(value)
        if not found:
            low = value.lower()
            found = [sid for lab, sid in labels.items() if lab and lab in low]
        if not found and re.match(r"^(qs[1-9]|theme|overall)", value, re.I):
            found = [CQC_SOURCE]
        out += [s for s in found if s not in out]
    return out


def sources_for(fields: Iterable[str], rows: Sequence[Mapping[str, Any]] = (),
                extra: Iterable[str] = ()) -> list[str]:
    """Source ids for a chart's or table's fields (and the values of its identifier columns)."""
    fields = list(fields)
    out: list[str] = []
    for f in fields:
        out += [s for s in field_sources(f) if s not in out]
    for f in fields:
        if f in ("label", "outcome", "predictor", "Outcome", "Compared with", "Measure",
                 "Statement or theme"):
            out += [s for s in value_sources(r.get(f) for r in rows) if s not in out]
    out += [s for s in extra if s not in out]
    return out


def short_name(source_id: str, catalogue: Mapping[str, Mapping[str, Any]] | None = None) -> str:
    """The short name of a source for the source line (its title when there is none)."""
    if source_id in SHORT_NAMES:
        return SHORT_NAMES[source_id]
    if catalogue and source_id in catalogue:
        return str(catalogue[source_id].get("title", source_id))
    return source_id


def field_label(field: str) -> str:
    """A readable column name for a CSV: the helper names above, else the variable's label."""
    if field in FIELD_LABELS:
        return FIELD_LABELS[field]
    from lahelpers.framework import _BUILTIN_LABELS

    if field in _BUILTIN_LABELS:
        return _BUILTIN_LABELS[field]
    if field in _derived_rates():
        return _derived_rates()[field][-1]
    v = _variables().get(field)
    return v["label"] if v and v.get("label") else field


# --------------------------------------------------------------------------------------------
# The data behind a chart
# --------------------------------------------------------------------------------------------


def _topojson_rows(topology: Mapping[str, Any]) -> tuple[str, list[dict[str, Any]]]:
    """The properties of the TopoJSON object with most features (geometry dropped)."""
    best_name, best = "", []
    for name, obj in (topology.get("objects") or {}).items():
        rows = [dict(g.get("properties") or {}) for g in obj.get("geometries", [])]
        if len(rows) > len(best):
            best_name, best = name, rows
    return best_name, best


def _datasets(spec: Mapping[str, Any]) -> dict[str, tuple[list[dict[str, Any]], str | None]]:
    """Every inline dataset of a spec: ``{name: (rows, TopoJSON object name or None)}``."""
    out: dict[str, tuple[list[dict[str, Any]], str | None]] = {}
    for name, value in (spec.get("datasets") or {}).items():
        if isinstance(value, str):
            try:
                value = json.loads(value)
            except json.JSONDecodeError:
                continue
        if isinstance(value, dict) and value.get("type") == "Topology":
            obj, rows = _topojson_rows(value)
            out[name] = (rows, obj)
        elif isinstance(value, list):
            out[name] = ([r for r in value if isinstance(r, dict)], None)

    def inline(node: Any, path: str) -> None:
        if isinstance(node, dict):
            data = node.get("data")
            if isinstance(data, dict) and isinstance(data.get("values"), list):
                out[f"values-{path}"] = ([r for r in data["values"] if isinstance(r, dict)], None)
            for key in ("layer", "hconcat", "vconcat", "concat"):
                for i, sub in enumerate(node.get(key) or []):
                    inline(sub, f"{path}{key}{i}")
            if isinstance(node.get("spec"), dict):
                inline(node["spec"], f"{path}spec")

    inline(spec, "")
    return out


def _fields(rows: Sequence[Mapping[str, Any]]) -> list[str]:
    """Field names in first-seen order."""
    seen: dict[str, None] = {}
    for r in rows:
        for k in r:
            seen.setdefault(k, None)
    return list(seen)


def _score(rows: list[dict[str, Any]], topo: str | None) -> tuple[int, int, int, int]:
    """How likely a dataset is the chart's main data: maps' authorities first, then datasets
    with an identifier field, then more (non-helper) fields, then more rows."""
    fields = [f for f in _fields(rows) if f not in _HELPER_FIELDS]
    return (
        int(topo == "authorities" or (topo is not None and len(rows) > 1)),
        int(any(f in _ID_FIELDS for f in fields)),
        len(fields),
        len(rows),
    )


#: A text copy of numbers made for a chart label, e.g. "10 (40%)" or "0.05 (-0.23 to 0.33)".
_FORMATTED_NUMBERS = re.compile(r"^[-+\u2212]?\d[\d.,]*%?(?: \([^)]*\))?$")


def _is_label_text(rows: Sequence[Mapping[str, Any]], field: str) -> bool:
    """True when every value of ``field`` is a number written out for a label on the chart
    (the numbers themselves are other fields, so the text is left out of the CSV)."""
    values = [r.get(field) for r in rows if r.get(field) is not None]
    return bool(values) and all(isinstance(v, str) and _FORMATTED_NUMBERS.match(v) for v in values)


def _merge_maps(maps: Sequence[Sequence[Mapping[str, Any]]]) -> list[dict[str, Any]]:
    """The authorities of several maps as one row each (joined on ``code``, else ``name``); a
    field two maps share with different values is kept from each, the second as ``field (2)``."""
    key = "code" if all("code" in r for rows in maps for r in rows) else "name"
    merged: dict[Any, dict[str, Any]] = {}
    for i, rows in enumerate(maps, start=1):
        for r in rows:
            row = merged.setdefault(r.get(key), {})
            for f, v in r.items():
                if f in row and row[f] != v:
                    row[f"{f} ({i})"] = v
                else:
                    row.setdefault(f, v)
    return list(merged.values())


def _ordered(fields: Sequence[str]) -> list[str]:
    """Fields in :data:`_FIELD_ORDER` first, the others after in their own order."""
    first = [f for f in _FIELD_ORDER if f in fields]
    return first + [f for f in fields if f not in first]


#: Generic field names a chart's legend or axis title names better (a map's "value").
_GENERIC_FIELDS = ("value",)


def _encoding_titles(spec: Mapping[str, Any]) -> dict[str, dict[str, str]]:
    """``{dataset name: {generic field: its legend or axis title}}`` from the spec's encodings,
    so a map's ``value`` is named after what it shows (e.g. "Deprivation: IMD 2025 average score")."""
    out: dict[str, dict[str, str]] = {}

    def walk(node: Any, data_name: str | None) -> None:
        if not isinstance(node, dict):
            return
        data = node.get("data")
        if isinstance(data, dict) and data.get("name"):
            data_name = data["name"]
        for channel in (node.get("encoding") or {}).values():
            if not isinstance(channel, dict) or not isinstance(channel.get("field"), str):
                continue
            field = channel["field"].removeprefix("properties.")
            title = channel.get("title")
            for key in ("legend", "axis"):
                if not title and isinstance(channel.get(key), dict):
                    title = channel[key].get("title")
            if field in _GENERIC_FIELDS and isinstance(title, str) and title and data_name:
                out.setdefault(data_name, {})[field] = title
        for key in ("layer", "hconcat", "vconcat", "concat"):
            for sub in node.get(key) or []:
                walk(sub, data_name)
        walk(node.get("spec"), data_name)

    walk(spec, None)
    return out


def _main_data(spec: Mapping[str, Any], sets: dict[str, tuple[list[dict[str, Any]], str | None]]
               ) -> tuple[list[str], list[dict[str, Any]], str | None]:
    """The chart's main data from its datasets: ``(fields, rows, TopoJSON object or None)``."""
    if not sets:
        return [], [], None
    sets = dict(sets)
    for name, names in _encoding_titles(spec).items():
        if name in sets:
            rows, topo = sets[name]
            names = {**names, **{f"{k}_text": f"{t} (as shown)" for k, t in names.items()}}
            sets[name] = ([{names.get(k, k): v for k, v in r.items()} for r in rows], topo)
    maps = [rows for rows, topo in sets.values() if topo == "authorities" and rows]
    if len(maps) > 1:  # maps side by side: one row per authority with every map's values
        rows, topo = _merge_maps(maps), "authorities"
    else:
        rows, topo = max(sets.values(), key=lambda v: _score(*v))
    fields = _ordered([f for f in _fields(rows) if f not in _HELPER_FIELDS and not _is_label_text(rows, f)])
    return fields, [{f: r.get(f) for f in fields} for r in rows], topo


def chart_data(spec: Mapping[str, Any]) -> tuple[list[str], list[dict[str, Any]], str | None]:
    """The data behind a chart: ``(fields, rows, TopoJSON object or None)``.

    The main inline dataset (see :func:`_score`); for a map, its authorities' properties (maps
    side by side: merged, each value named after its legend). Helper fields that only place
    text or reference marks are left out.
    """
    return _main_data(spec, _datasets(spec))


def chart_sources(spec: Mapping[str, Any], *, _sets: dict | None = None) -> list[str]:
    """Derived sources of a chart: its data fields' (and measures') sources, plus boundaries for
    a map (and region outlines when it draws them), and CQC's ratings when its title or
    description speaks of them."""
    sets = _datasets(spec) if _sets is None else _sets
    fields, rows, topo = _main_data(spec, sets)
    extra = []
    if topo is not None:
        extra.append(BOUNDARY_SOURCES["authorities"])
    if any(t == "regions" for _rows, t in sets.values()):
        extra.append(BOUNDARY_SOURCES["regions"])
    found = sources_for(fields, rows, extra)
    words = f"{chart_title(spec)} {spec.get('description') or ''}"
    if CQC_SOURCE not in found and _MENTIONS_CQC.search(words):
        found.insert(0, CQC_SOURCE)
    return found


def chart_download(spec: Mapping[str, Any]) -> tuple[str, int, list[str]]:
    """Everything the page needs of a chart's data in one pass: ``(CSV text, rows, sources)``."""
    sets = _datasets(spec)
    fields, rows, _ = _main_data(spec, sets)
    text = csv_text([field_label(f) for f in fields], ([r.get(f) for f in fields] for r in rows))
    return text, len(rows), chart_sources(spec, _sets=sets)


# --------------------------------------------------------------------------------------------
# CSV files
# --------------------------------------------------------------------------------------------


def _cell(value: Any) -> Any:
    """A CSV cell: None/NaN empty, floats as Python writes them (full precision), text as is."""
    if value is None:
        return ""
    if isinstance(value, float) and value != value:
        return ""
    if isinstance(value, (list, dict)):
        return json.dumps(value)
    return value


def _unique(labels: list[str]) -> list[str]:
    """Column names made unique (a label shared by two fields gets its field name added)."""
    out: list[str] = []
    for lab in labels:
        name, n = lab, 1
        while name in out:
            n += 1
            name = f"{lab} ({n})"
        out.append(name)
    return out


def csv_text(columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """CSV text (UTF-8, header row first) of rows given as sequences in ``columns`` order."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(_unique([str(c) for c in columns]))
    for r in rows:
        w.writerow([_cell(v) for v in r])
    return buf.getvalue()


def chart_csv(spec: Mapping[str, Any]) -> tuple[str, int]:
    """A chart's data as CSV text with readable column names; returns ``(text, rows)``."""
    fields, rows, _ = chart_data(spec)
    text = csv_text([field_label(f) for f in fields], ([r.get(f) for f in fields] for r in rows))
    return text, len(rows)


def slug(text: str, limit: int = 40) -> str:
    """A file-name slug (lower case, hyphens), at most ``limit`` characters."""
    s = re.sub(r"[^a-z0-9]+", "-", str(text).lower()).strip("-")
    return s[:limit].rstrip("-") or "data"


def chart_title(spec: Mapping[str, Any]) -> str:
    """The chart's title text (first line), '' if none."""
    title = spec.get("title")
    if isinstance(title, dict):
        title = title.get("text")
    if isinstance(title, list):
        title = title[0] if title else ""
    if not title:
        for key in ("hconcat", "vconcat", "concat", "layer"):
            for sub in spec.get(key) or []:
                t = chart_title(sub)
                if t:
                    return t
    return str(title or "")
