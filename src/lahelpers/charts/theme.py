"""The house theme and the rating palette, and the small helpers every chart builder shares."""

from __future__ import annotations

from collections.abc import Sequence

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
#: How chosen: a diverging orange -> blue scheme (the red-green axis is the one lost in
#: deuteranopia and protanopia; the blue-yellow axis survives), anchored on the Analysis Function
#: dark blue (#12436D, Outstanding) and orange (#F46A25, Requires improvement), with a dark burnt
#: orange (#8F2D00, Inadequate) and a light blue (#6BACE6, Good). Lightness separates the two
#: colours on each side (CIELAB L* 33 vs 61 on the orange side, 27 vs 68 on the blue side) and hue
#: separates the sides, so ratings stay distinct in greyscale-ish print within a side and across
#: sides. Checked by simulating protanopia, deuteranopia and tritanopia (Machado et al. 2009,
#: severity 1, in linear RGB) and measuring CIELAB distances (CIE76): every pair of the five
#: colours, including the grey (#BFBFBF, L* 77), stays at least 29 apart (normal vision 33;
#: deuteranopia 34; protanopia 32), far above the ~10 where colours start to be confused.
#: ``tests/test_charts.py`` repeats that check.
RATING_COLOURS: dict[str, str] = dict(
    zip(RATINGS, ("#8F2D00", "#F46A25", "#6BACE6", "#12436D"), strict=True)
)
NOT_RATED_COLOUR = "#BFBFBF"
#: Marker shapes per rating, so points and map markers do not rely on colour alone.
RATING_SHAPES: dict[str, str] = dict(
    zip(RATINGS, ("triangle-down", "diamond", "square", "triangle-up"), strict=True)
)
NOT_RATED_SHAPE = "circle"
#: Text colour with enough contrast on each rating colour (heatmap cells).
_ON_COLOUR = {"#8F2D00": "white", "#F46A25": TEXT_COLOUR, "#6BACE6": TEXT_COLOUR,
              "#12436D": "white", NOT_RATED_COLOUR: TEXT_COLOUR}


def _theme() -> dict:
    """The house theme: Analysis Function colours and fonts, no chart junk."""
    axis = {
        "labelFont": FONT, "titleFont": FONT, "labelFontSize": 12, "titleFontSize": 13,
        "labelColor": TEXT_COLOUR, "titleColor": TEXT_COLOUR, "titleFontWeight": "normal",
        "domainColor": AF_COLOURS["dark_grey"], "tickColor": AF_COLOURS["dark_grey"],
        "gridColor": "#E5E5E5",
    }
    return {
        "config": {
            "font": FONT,
            "background": "white",
            "view": {"stroke": None, "continuousWidth": 420, "continuousHeight": 300},
            "title": {
                "font": FONT, "fontSize": 16, "fontWeight": "bold", "color": TEXT_COLOUR,
                "subtitleFont": FONT, "subtitleFontSize": 13, "subtitleColor": "#3D3D3D",
                "anchor": "start", "offset": 12,
            },
            "axis": axis,
            "axisX": {"grid": False},
            "axisY": {"grid": True},
            "axisBand": {"grid": False, "ticks": False},
            "legend": {
                "labelFont": FONT, "titleFont": FONT, "labelFontSize": 12, "titleFontSize": 13,
                "labelColor": TEXT_COLOUR, "titleColor": TEXT_COLOUR, "titleFontWeight": "normal",
                "orient": "right", "labelLimit": 260,
            },
            "header": {
                "labelFont": FONT, "titleFont": FONT, "labelFontSize": 13, "titleFontSize": 13,
                "labelColor": TEXT_COLOUR, "titleColor": TEXT_COLOUR,
            },
            "range": {"category": list(AF_COLOURS.values())},
            "text": {"font": FONT, "fontSize": 12, "color": TEXT_COLOUR},
            "bar": {"color": AF_COLOURS["dark_blue"]},
            "line": {"color": AF_COLOURS["dark_blue"], "strokeWidth": 2},
            "point": {"color": AF_COLOURS["dark_blue"], "filled": True, "size": 50},
            "area": {"color": AF_COLOURS["dark_blue"]},
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
    sub = [subtitle] if isinstance(subtitle, str) else list(subtitle)
    return chart.properties(title=alt.Title(text=title, subtitle=sub), description=description)


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
