"""Charts for one authority: a Fingertips-style spine chart of its context, its 1-4 scores
against three group means, and its region's rating map with the authority outlined.

Spine chart (after OHID Fingertips' "spine chart"): one row per measure; England's range of
authorities is a light grey bar, its middle half (25th to 75th percentile) a darker grey bar, the
England median a black tick in the centre, the similar authorities' range a thin turquoise bar, and
the authority a dark blue circle. Each row is scaled as Fingertips scales it: the median sits in the
middle and the authority furthest from it at one end (the same distance on both sides), so rows
with different units share one axis; counts with a long tail (population, density) are scaled on a
log scale first. Position shows where the authority sits, not whether that is good or bad; the
numbers (value, England rank of n) are in the tooltip and in the table beside the chart.
"""

from __future__ import annotations

import math

import altair as alt
import numpy as np
import pandas as pd

from lahelpers.charts.theme import AF_COLOURS, TEXT_COLOUR, _finish

#: Colours of the spine's parts (greys for England, turquoise for similar authorities).
SPINE_COLOURS = {"range": "#D9D9D9", "middle": "#8C8C8C", "peers": AF_COLOURS["turquoise"],
                 "authority": AF_COLOURS["dark_blue"], "median": TEXT_COLOUR}
#: Width of the chart: its container's (the house ``fit_width``), so it fits a phone screen; the
#: page's chart box is a full-width block (report.css), so "container" resolves to a width.
PLOT_WIDTH = "container"
#: Who each point of the score chart stands for: (colour, shape, size).
SCORE_MARKS = {
    "This authority": (AF_COLOURS["dark_blue"], "square", 170),
    "England mean": (TEXT_COLOUR, "M-0.12,-1.3L0.12,-1.3L0.12,1.3L-0.12,1.3Z", 220),
    "Region mean": (AF_COLOURS["orange"], "triangle-up", 80),
    "Similar authorities' mean": (AF_COLOURS["dark_pink"], "diamond", 80),
}


def _fmt(v: float) -> str:
    """A value for a tooltip: thousands separated, one decimal below 1,000."""
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "not known"
    return f"{v:,.0f}" if abs(v) >= 1000 else f"{v:,.1f}"


def spine_positions(ctx: pd.DataFrame) -> pd.DataFrame:
    """Each measure's points on the shared -1..1 axis (Fingertips' scaling, see the module).

    ``ctx``: one row per measure with ``value, min, q1, median, q3, max, peer_min, peer_max`` and
    ``log`` (scale on logs first). Returns those columns as positions (``x_value``...).
    """
    out = ctx.copy()
    cols = ["value", "min", "q1", "median", "q3", "max", "peer_min", "peer_max"]
    vals = ctx[cols].apply(pd.to_numeric, errors="coerce").astype(float)
    logged = ctx["log"].fillna(False).astype(bool).to_numpy() if "log" in ctx else np.zeros(len(ctx), bool)
    with np.errstate(divide="ignore", invalid="ignore"):
        logs = np.log(vals.where(vals > 0))
    vals[logged] = logs[logged]
    mid = vals["median"]
    half = np.maximum((vals["max"] - mid).abs(), (mid - vals["min"]).abs())
    for c in cols:
        out[f"x_{c}"] = np.where(half > 0, (vals[c] - mid) / half.where(half > 0, 1.0), 0.0)
        out.loc[vals[c].isna(), f"x_{c}"] = np.nan
    return out


def spine_chart(ctx: pd.DataFrame, name: str) -> alt.LayerChart:
    """The context spine chart of one authority (see the module docstring).

    ``ctx``: :func:`lahelpers.authority.context` (label, value, rank, n, England min/q1/median/
    q3/max, similar authorities' min/max and n, unit, log).
    """
    pos = spine_positions(ctx)
    pos["value_text"] = [_fmt(v) for v in pos["value"]]
    pos["rank_text"] = ["not known" if pd.isna(rk) else f"{int(rk)} of {n} (1 = highest)"
                        for rk, n in zip(pos["rank"], pos["n"], strict=True)]
    pos["england_text"] = [f"{_fmt(a)} to {_fmt(b)}, median {_fmt(m)}"
                           for a, b, m in zip(pos["min"], pos["max"], pos["median"], strict=True)]
    pos["peers_text"] = ["none" if pn == 0 else f"{_fmt(a)} to {_fmt(b)} ({pn})"
                         for a, b, pn in zip(pos["peer_min"], pos["peer_max"], pos["peer_n"], strict=True)]
    keep = ["label", "value_text", "rank_text", "england_text", "peers_text",
            *[c for c in pos.columns if c.startswith("x_")]]
    data = pos[keep].replace({np.nan: None})
    order = list(pos["label"])
    y = alt.Y("label:N", sort=order, title=None,
              axis=alt.Axis(labelLimit=260, labelFontSize=12, domain=False, ticks=False))
    x_scale = alt.Scale(domain=[-1.05, 1.05], nice=False)
    tooltip = [alt.Tooltip("label:N", title="Measure"),
               alt.Tooltip("value_text:N", title=name),
               alt.Tooltip("rank_text:N", title="England rank"),
               alt.Tooltip("england_text:N", title="England"),
               alt.Tooltip("peers_text:N", title="Similar authorities")]
    base = alt.Chart(data).encode(y=y, tooltip=tooltip)
    x_axis = alt.Axis(values=[-1, 0, 1], labelExpr=(
        "datum.value < 0 ? 'lower' : datum.value > 0 ? 'higher' : 'England median'"),
        grid=False, title=None)
    layers = [
        base.mark_bar(size=14, color=SPINE_COLOURS["range"]).encode(
            x=alt.X("x_min:Q", scale=x_scale, axis=x_axis), x2="x_max:Q"),
        base.mark_bar(size=14, color=SPINE_COLOURS["middle"]).encode(x="x_q1:Q", x2="x_q3:Q"),
        base.mark_bar(size=4, color=SPINE_COLOURS["peers"]).encode(x="x_peer_min:Q", x2="x_peer_max:Q")
        .transform_filter("datum.x_peer_min != null"),
        base.mark_tick(thickness=2, size=20, color=SPINE_COLOURS["median"]).encode(x="x_median:Q"),
        base.mark_point(filled=True, size=110, shape="circle", color=SPINE_COLOURS["authority"],
                        stroke="white", strokeWidth=1, opacity=1).encode(x="x_value:Q")
        .transform_filter("datum.x_value != null"),
    ]
    chart = alt.layer(*layers).properties(width=PLOT_WIDTH, height=22 * len(order))
    known = ctx.dropna(subset=["value"])
    missing = [str(x) for x in ctx.loc[ctx["value"].isna(), "label"]]
    extremes = []
    for r in known.itertuples():
        if r.rank == 1:
            extremes.append(f"highest in England on {r.label.lower()}")
        elif r.rank == r.n:
            extremes.append(f"lowest in England on {r.label.lower()}")
    desc = (
        f"Spine chart of {len(ctx)} context measures for {name}: each row shows England's range of "
        f"authorities, its middle half and median, the similar authorities' range and {name}'s value. "
        + "; ".join(f"{r.label} {_fmt(r.value)} (rank {int(r.rank)} of {r.n})" for r in known.itertuples())
        + "."
        + (f" {name} is " + " and ".join(extremes) + "." if extremes else "")
        + (f" No value for {', '.join(missing)}." if missing else "")
    )
    return _finish(
        chart, f"{name} in context: where it sits among England's authorities",
        [f"{len(known)} of {len(ctx)} measures known for {name}; England's range is over the "
         "authorities with a value (n in the tooltip and table)",
         "Grey bar: England's range (dark: middle half); black tick: England median; "
         "turquoise: similar authorities; circle: this authority"],
        desc,
    )


def score_profile(scores: pd.DataFrame, name: str, region: str) -> alt.LayerChart:
    """The 9 statement scores and 4 theme means of one authority against the England, region and
    similar-authority means, on CQC's 1-4 scale.

    ``scores``: :func:`lahelpers.authority.scores` (label, kind, score, england, region, peers and
    their n). Each point has its own colour and shape (see the key); the authority's score is
    also written beside its square, so the chart reads without colour.
    """
    who = {"score": "This authority", "england": "England mean", "region": "Region mean",
           "peers": "Similar authorities' mean"}
    long = scores.melt(id_vars=["label", "kind"], value_vars=list(who), var_name="col",
                       value_name="value").dropna(subset=["value"])
    long["who"] = long["col"].map(who)
    long["value_text"] = [f"{v:.0f}" if c == "score" and float(v).is_integer() else f"{v:.2f}"
                          for c, v in zip(long["col"], long["value"], strict=True)]
    long = long[["label", "kind", "who", "value", "value_text"]]
    order = list(scores["label"])
    domain = list(SCORE_MARKS)
    y = alt.Y("label:N", sort=order, title=None, axis=alt.Axis(labelLimit=300))
    x = alt.X("value:Q", scale=alt.Scale(domain=[1, 4], nice=False),
              axis=alt.Axis(values=[1, 2, 3, 4], format="d", grid=True,
                            title="Score (1 = significant shortfalls, 4 = exceptional)"))
    points = alt.Chart(long).mark_point(filled=True, opacity=1).encode(
        x=x, y=y,
        color=alt.Color("who:N", scale=alt.Scale(domain=domain, range=[v[0] for v in SCORE_MARKS.values()]),
                        legend=alt.Legend(title=None, orient="bottom", direction="vertical")),
        shape=alt.Shape("who:N", scale=alt.Scale(domain=domain, range=[v[1] for v in SCORE_MARKS.values()])),
        size=alt.Size("who:O", sort=domain,
                      scale=alt.Scale(domain=domain, range=[v[2] for v in SCORE_MARKS.values()]),
                      legend=None),
        strokeWidth=alt.value(2),
        tooltip=[alt.Tooltip("label:N", title="Statement or theme"), alt.Tooltip("who:N", title="Who"),
                 alt.Tooltip("value_text:N", title="Score")],
    )
    own = long[long["who"] == "This authority"]
    labels = alt.Chart(own).mark_text(align="left", dx=10, fontWeight="bold", color=TEXT_COLOUR).encode(
        x="value:Q", y=alt.Y("label:N", sort=order), text="value_text:N")
    chart = alt.layer(points, labels).properties(width=PLOT_WIDTH, height=26 * len(order))
    n_scored = int(scores.loc[scores["kind"] == "Statement", "score"].notna().sum())
    if n_scored:
        listed = "; ".join(f"{r.label} {r.score:.2g}" for r in scores.dropna(subset=["score"]).itertuples())
        head = f"{name}'s scores on CQC's 1-4 scale: {listed}."
    else:
        head = f"{name} has no scores in our data; the chart shows the group means only."
    desc = (f"Dot chart of the 9 quality statements and 4 themes for {name}, with the England, "
            f"{region} and similar-authority means. {head}")
    return _finish(
        chart, f"{name}: statement scores against England, {region} and similar authorities",
        [f"{n_scored} of 9 statement scores known; themes are our means of their statements",
         "Square: this authority (score written beside it); line: England mean; triangle: region "
         "mean; diamond: similar authorities' mean"],
        desc,
    )


def highlight_map(geo: pd.DataFrame, regions: pd.DataFrame | None, code: str, region: str
                  ) -> alt.LayerChart:
    """The region's rating map (:func:`lahelpers.charts.rating_map`) with one authority outlined
    in a thick black line, so a reader sees where it is among its neighbours."""
    from lahelpers import maps
    from lahelpers.charts.maps import rating_map, topojson_data

    one = geo[geo["code"] == code]
    if one.empty:
        raise ValueError(f"no boundary for {code}")
    name = str(one["name"].iloc[0])
    base = rating_map(geo, regions, region=region)
    topo = maps.to_topojson(one[["code", "name", "geometry"]], "authority", ["name"])
    outline = (alt.Chart(topojson_data(topo, "authority"))
               .mark_geoshape(filled=False, stroke=TEXT_COLOUR, strokeWidth=3)
               .encode(tooltip=[alt.Tooltip("properties.name:N", title="Authority")])
               .project(type="mercator"))
    if isinstance(base, alt.LayerChart):
        chart = base.copy(deep=False)
        chart.layer = [*base.layer, outline]
    else:  # pragma: no cover - rating_map returns a layer chart today
        chart = alt.layer(base, outline)
    desc = f"{name} (outlined in black) among the authorities of {region}. {base.description}"
    return chart.properties(title=alt.Title(text=f"{name} in {region}: CQC ratings",
                                            subtitle=base.title.subtitle), description=desc)
