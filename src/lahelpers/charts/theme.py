"""The house theme and the rating palette, and the small helpers every chart builder shares."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import lru_cache

import altair as alt
import numpy as np
import pandas as pd

from lahelpers.framework import (
    NOT_RATED,
    QUALITY_STATEMENTS,
    RATINGS,
    rating_labels,
    variable_label,
)

# --------------------------------------------------------------------------------------------
# Theme and palette
# --------------------------------------------------------------------------------------------

THEME_NAME = "lahelpers"
FONT = "Arial, Helvetica, sans-serif"
TEXT_COLOUR = "#0B0C0C"
#: Longest axis label in pixels before Vega cuts it with an ellipsis. Builders wrap longer
#: labels onto several lines (:func:`wrap_label`) so no label is ever cut.
LABEL_LIMIT = 400

#: Analysis Function categorical colours, in the order the guidance recommends using them.
AF_COLOURS: dict[str, str] = {
    "dark_blue": "#12436D",
    "turquoise": "#28A197",
    "dark_pink": "#801650",
    "orange": "#F46A25",
    "dark_grey": "#3D3D3D",
    "light_purple": "#A285D1",
}

#: Rating colours, worst -> best, and the neutral grey for authorities not yet rated.
#:
#: How chosen: lightness carries the order, hue the side. From Outstanding to Inadequate the
#: colours get strictly lighter (CIELAB L* 23, 35, 49, 60: more than 10 apart, and still more
#: than 10 apart when protanopia and deuteranopia are simulated), so the four read in order in
#: greyscale print and for every kind of colour vision. The hue runs from a dark navy
#: (#0A347A, Outstanding) and a teal blue (#0D5876, Good) to a purple (#9F51C4, Requires
#: improvement) and a tan (#BC864B, Inadequate): blue against yellow-brown is the axis that
#: deuteranopia and protanopia keep. Picked by searching sRGB for the set with the largest
#: smallest CIE76 distance between any two of the five colours (grey included) under normal
#: vision and simulated protanopia and deuteranopia (Machado et al. 2009): 23.7, where ~2.3 is
#: just noticeable. Every colour, the grey included, has a contrast of at least 3:1 on white
#: (WCAG 2.1 non-text contrast, 1.4.11), so no mark is faint. The grey (#8C8C8C) has no hue and
#: its own marker shape. ``tests/test_charts.py`` computes all of this from the hex values.
RATING_COLOURS: dict[str, str] = dict(
    zip(RATINGS, ("#BC864B", "#9F51C4", "#0D5876", "#0A347A"), strict=True)
)
NOT_RATED_COLOUR = "#8C8C8C"
#: Colour of a missing cell (e.g. a quality statement with no published score): the same grey.
MISSING_COLOUR = NOT_RATED_COLOUR
#: Marker shapes per rating, so points and map markers do not rely on colour alone.
RATING_SHAPES: dict[str, str] = dict(
    zip(RATINGS, ("triangle-down", "diamond", "square", "triangle-up"), strict=True)
)
NOT_RATED_SHAPE = "circle"
#: Text colour with enough contrast (WCAG 4.5:1) on each rating colour (heatmap cells).
_ON_COLOUR = {"#BC864B": TEXT_COLOUR, "#9F51C4": "white", "#0D5876": "white",
              "#0A347A": "white", NOT_RATED_COLOUR: TEXT_COLOUR}


def _theme() -> dict:
    """The house theme: Analysis Function colours and fonts, no chart junk.

    ``aria: false`` on every mark, axis and legend: Vega would otherwise give each mark its own
    ``aria-label`` ("properties.value: 3.44786369366", 1,441 of them on the heat map), which a
    screen reader reads out one by one. A chart is read by its one ``description`` instead
    (every builder sets it; the page puts it on the chart's container). Keys sit under the
    chart so a chart that fills its container (``width="container"``) keeps its plot wide on
    a phone.
    """
    no_aria = {"aria": False}
    axis = {
        "labelFont": FONT, "titleFont": FONT, "labelFontSize": 12, "titleFontSize": 13,
        "labelColor": TEXT_COLOUR, "titleColor": TEXT_COLOUR, "titleFontWeight": "normal",
        "domainColor": AF_COLOURS["dark_grey"], "tickColor": AF_COLOURS["dark_grey"],
        "gridColor": "#E5E5E5", "labelLimit": LABEL_LIMIT, "titleLimit": 0, **no_aria,
    }
    return {
        "config": {
            "font": FONT,
            "background": "white",
            "view": {"stroke": None, "continuousWidth": 420, "continuousHeight": 300},
            "title": {
                "font": FONT, "fontSize": 16, "fontWeight": "bold", "color": TEXT_COLOUR,
                "subtitleFont": FONT, "subtitleFontSize": 13, "subtitleColor": "#3D3D3D",
                "anchor": "start", "offset": 12, **no_aria,
            },
            "axis": axis,
            "axisX": {"grid": False},
            "axisY": {"grid": True},
            "axisBand": {"grid": False, "ticks": False},
            "legend": {
                "labelFont": FONT, "titleFont": FONT, "labelFontSize": 12, "titleFontSize": 13,
                "labelColor": TEXT_COLOUR, "titleColor": TEXT_COLOUR, "titleFontWeight": "normal",
                "orient": "bottom", "direction": "vertical", "labelLimit": 0, "titleLimit": 0,
                **no_aria,
            },
            "header": {
                "labelFont": FONT, "titleFont": FONT, "labelFontSize": 13, "titleFontSize": 13,
                "labelColor": TEXT_COLOUR, "titleColor": TEXT_COLOUR, "labelLimit": 0,
            },
            "range": {"category": list(AF_COLOURS.values())},
            "mark": {**no_aria},
            **{m: {**no_aria} for m in ("rect", "rule", "tick", "geoshape", "circle", "square")},
            "text": {"font": FONT, "fontSize": 12, "color": TEXT_COLOUR, **no_aria},
            "bar": {"color": AF_COLOURS["dark_blue"], **no_aria},
            "line": {"color": AF_COLOURS["dark_blue"], "strokeWidth": 2, **no_aria},
            "point": {"color": AF_COLOURS["dark_blue"], "filled": True, "size": 50, **no_aria},
            "area": {"color": AF_COLOURS["dark_blue"], **no_aria},
        }
    }


def register_theme() -> None:
    """Register the house theme and enable it. Safe to call again (it re-registers the same)."""
    alt.theme.register(THEME_NAME, enable=True)(_theme)


register_theme()


def rating_domain(include_not_rated: bool = True) -> list[str]:
    """Rating labels worst -> best, then :data:`NOT_RATED` if asked."""
    return [*RATINGS, NOT_RATED] if include_not_rated else list(RATINGS)


def rating_scale(include_not_rated: bool = True) -> alt.Scale:
    """Colour scale mapping each rating label to its palette colour."""
    dom = rating_domain(include_not_rated)
    rng = [RATING_COLOURS.get(r, NOT_RATED_COLOUR) for r in dom]
    return alt.Scale(domain=dom, range=rng)


def rating_shape_scale(include_not_rated: bool = True) -> alt.Scale:
    """Shape scale mapping each rating label to its marker shape."""
    dom = rating_domain(include_not_rated)
    return alt.Scale(domain=dom, range=[RATING_SHAPES.get(r, NOT_RATED_SHAPE) for r in dom])


# --------------------------------------------------------------------------------------------
# Labels, data preparation, titles
# --------------------------------------------------------------------------------------------

def _fmt(value: object, fmt: str = "{:g}", missing: str = "not known") -> str:
    """Format one value for a tooltip or label; missing values read as ``missing``."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return missing
    return fmt.format(value)


#: Separator of the lines of a wrapped axis label (see :func:`wrap_label`); Vega splits on it.
LINE_BREAK = "\n"
#: Axis ``labelExpr`` that draws a label wrapped by :func:`wrap_label` on several lines.
WRAPPED_LABEL_EXPR = "split(datum.label, '\\n')"


def wrap_label(text: str, width: int = 24) -> str:
    """``text`` broken at spaces into lines of at most ``width`` characters (a longer word gets
    a line of its own), joined by :data:`LINE_BREAK`. Used for axis labels drawn with
    :data:`WRAPPED_LABEL_EXPR`, so a long label is never cut (cut labels can read the same)."""
    import textwrap

    lines = textwrap.wrap(str(text), width=width, break_long_words=False, break_on_hyphens=False)
    return LINE_BREAK.join(lines) if lines else str(text)


@lru_cache(maxsize=1)
def _variable_units() -> dict[str, str]:
    """Each context variable's unit from ``load.variables()`` (``data/processed/variables.csv``),
    or an empty dict before the data are built."""
    try:
        from lahelpers import load  # imported late: load imports the framework

        v = load.variables()
        return {str(c): str(u) for c, u in zip(v["column"], v["unit"], strict=True)
                if isinstance(u, str) and u.strip()}
    except Exception:  # noqa: BLE001 - no processed data yet: no units, labels still work
        return {}


#: Units that say nothing an axis title does not (a category has no unit).
_SILENT_UNITS = {"category", "rank", "score"}


def axis_title(col: str, labels: Mapping[str, str] | None = None) -> str:
    """A column's label with its unit, e.g. ``"Population density (people per sq km)"``.

    The unit comes from ``variables.csv``; it is left out when the label already states it
    (``"... (%)"``), when it adds nothing (category, rank, plain score) or when unknown.
    """
    label = variable_label(col, labels)
    unit = _variable_units().get(col, "")
    if not unit or unit in _SILENT_UNITS or unit.lower() in label.lower():
        return label
    if unit == "%" and "%" in label:
        return label
    return f"{label} ({unit})"


def number_format(values: Sequence[float] | pd.Series | np.ndarray) -> str:
    """A d3 (and Python) number format with sensible decimals for these values, by their
    typical (median absolute) size: ``,.0f`` from 100, ``.1f`` from 10, ``.2f`` from 0.1,
    ``.3f`` below; so tooltips and labels never show false precision like ``22.8812``."""
    arr = np.abs(pd.to_numeric(pd.Series(np.asarray(values).ravel()), errors="coerce")
                 .to_numpy(dtype=float))
    arr = arr[np.isfinite(arr) & (arr > 0)]
    typical = float(np.median(arr)) if arr.size else 1.0
    if typical >= 100:
        return ",.0f"
    if typical >= 10:
        return ",.1f"
    if typical >= 0.1:
        return ".2f"
    return ".3f"


def _date_text(df: pd.DataFrame) -> pd.Series:
    """Publication date as text honouring ``publication_date_precision`` (day/month/year)."""
    if "publication_date" not in df.columns:
        return pd.Series("not known", index=df.index)
    dates = pd.to_datetime(df["publication_date"])
    prec = df.get("publication_date_precision", pd.Series("day", index=df.index)).fillna("day")
    fmt = {"day": "%d %b %Y", "month": "%b %Y", "year": "%Y"}
    return pd.Series(
        [d.strftime(fmt.get(p, "%d %b %Y")) if pd.notna(d) else "not known"
         for d, p in zip(dates, prec, strict=True)],
        index=df.index,
    )


def _counts_text(labels: pd.Series) -> str:
    """'5 Outstanding, 70 Good, ...' best first, skipping zeros, then the not-rated count."""
    vc = labels.value_counts()
    parts = [f"{int(vc[r])} {r}" for r in reversed(RATINGS) if vc.get(r, 0)]
    if vc.get(NOT_RATED, 0):
        parts.append(f"{int(vc[NOT_RATED])} not yet in our data")
    return ", ".join(parts) if parts else "none"


def n_subtitle(n: int, n_missing: int, missing_what: str = "missing") -> str:
    """The standard subtitle line: ``n = 95 authorities shown; 58 missing ...``."""
    noun = "authority" if n == 1 else "authorities"
    return f"n = {n} {noun} shown; {n_missing} {missing_what}"


def _finish(chart: alt.TopLevelMixin, title: str, subtitle: str | Sequence[str],
            description: str) -> alt.TopLevelMixin:
    """Attach title, subtitle and the text alternative (``description``) to a chart."""
    return fit_width(chart).properties(title=chart_title(title, subtitle),
                                       description=description)


#: Longest title and subtitle line in characters: about 340 px at the house sizes (16 px bold,
#: 13 px), so titles fit a 390 px phone screen; longer ones are wrapped, never cut.
TITLE_CHARS, SUBTITLE_CHARS = 40, 52


def chart_title(title: str, subtitle: str | Sequence[str] = ()) -> alt.Title:
    """A title (and subtitle lines) wrapped to :data:`TITLE_CHARS` / :data:`SUBTITLE_CHARS`."""
    subs = [subtitle] if isinstance(subtitle, str) else list(subtitle)
    lines = wrap_label(title, TITLE_CHARS).split(LINE_BREAK)
    sub_lines = [line for s in subs for line in wrap_label(s, SUBTITLE_CHARS).split(LINE_BREAK)]
    return alt.Title(text=lines, subtitle=sub_lines) if sub_lines else alt.Title(text=lines)


#: Autosize of a chart that fills its container's width: the whole chart (axes, keys and
#: title included) fits, the plot takes what is left.
FIT_WIDTH = alt.AutoSizeParams(type="fit-x", contains="padding")


def fit_width(chart: alt.TopLevelMixin) -> alt.TopLevelMixin:
    """``chart`` sized to its container's width (``width="container"``, autosize fit-x), so it
    never overflows a phone screen and uses a wide page. Vega-Lite supports this for single
    and layered views only; a facet or concatenation is returned as it is (its builder keeps it
    narrow enough for a 390 px screen), and so is a chart given a width in pixels."""
    width = getattr(chart, "width", alt.Undefined)
    if isinstance(chart, (alt.Chart, alt.LayerChart)) and (width is alt.Undefined
                                                           or width == "container"):
        return chart.properties(width="container", autosize=FIT_WIDTH)
    return chart


def _rating_tooltip(prefix: str = "") -> list[alt.Tooltip]:
    """Tooltip fields for a table prepared by :func:`_tooltip_frame`."""
    fields = [("name", "Authority"), ("rating_label", "Rating"), ("overall_text", "Overall score"),
              *[(qs, variable_label(qs)) for qs in QUALITY_STATEMENTS],
              ("published", "Published")]
    return [alt.Tooltip(f"{prefix}{f}:N", title=t) for f, t in fields]


def _tooltip_frame(df: pd.DataFrame) -> pd.DataFrame:
    """Name, rating, overall % and the 9 scores as display text (missing -> 'not known')."""
    out = pd.DataFrame(index=df.index)
    out["name"] = df["name"].astype(str) if "name" in df.columns else df.get("code")
    out["rating_label"] = rating_labels(df)
    overall = df["overall_pct"] if "overall_pct" in df.columns else pd.Series(np.nan, df.index)
    out["overall_text"] = [_fmt(v, "{:.0f}%") for v in overall]
    for qs in QUALITY_STATEMENTS:
        col = df[qs] if qs in df.columns else pd.Series(np.nan, df.index)
        out[qs] = [_fmt(v, "{:.0f}") for v in col]
    out["published"] = _date_text(df)
    return out
