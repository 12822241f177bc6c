"""Statistical charts: rating bars, heat map, scatter plots with fits, estimates, strips, timeline."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import altair as alt
import numpy as np
import pandas as pd
from statsmodels.regression.linear_model import OLS
from statsmodels.tools.tools import add_constant

from lahelpers.charts.display import (
    alt_text,
)
from lahelpers.charts.theme import (
    _ON_COLOUR,
    AF_COLOURS,
    FIT_WIDTH,
    LINE_BREAK,
    MISSING_COLOUR,
    RATING_COLOURS,
    WRAPPED_LABEL_EXPR,
    _finish,
    _tooltip_frame,
    axis_title,
    chart_title,
    n_subtitle,
    number_format,
    rating_domain,
    rating_scale,
    rating_shape_scale,
    wrap_label,
)
from lahelpers.framework import (
    NOT_RATED,
    QUALITY_STATEMENTS,
    RATINGS,
    rating_labels,
    variable_label,
)

# --------------------------------------------------------------------------------------------
# Builders
# --------------------------------------------------------------------------------------------

#: Key entry of a heat-map cell with no published score.
MISSING_KEY = "Not published"


def _rating_counts(labels: pd.Series, group: str) -> pd.DataFrame:
    """Counts and % (of rated authorities in the group) per rating, zeros included."""
    rated = labels[labels != NOT_RATED]
    counts = rated.value_counts().reindex(list(RATINGS), fill_value=0)
    total = int(counts.sum())
    pct = counts / total * 100 if total else counts * 0.0
    return pd.DataFrame({
        "group": group, "rating_label": list(RATINGS), "n": counts.to_numpy(),
        "pct": pct.round(1).to_numpy(),
        "label": [f"{n} ({p:.0f}%)" for n, p in zip(counts, pct, strict=True)],
    })


def rating_bars(
    df: pd.DataFrame,
    by: str | None = None,
    compare: Mapping[str, pd.DataFrame] | None = None,
    *,
    df_label: str = "Assessed authorities",
    labels: Mapping[str, str] | None = None,
    title: str | None = None,
) -> alt.TopLevelMixin:
    """Bar chart of the rating distribution, each bar labelled 'count (percent)'.

    Percentages are of the rated authorities in each panel. ``by`` (e.g. ``"region"``) gives
    one panel per group; ``compare`` (e.g. ``{"2023 pilots": load.pilots()}``) puts other
    tables side by side with ``df`` (labelled ``df_label``). Unrated authorities are not drawn;
    the subtitle counts them.
    """
    if by is not None and compare:
        raise ValueError("use either `by` or `compare`, not both")
    lab = rating_labels(df)
    n_rated = int((lab != NOT_RATED).sum())
    missing = len(df) - n_rated
    missing_what = "not yet rated (not shown)"
    if by is not None:
        keep = df[by].notna()
        missing += int((~keep & (lab != NOT_RATED)).sum())
        n_rated = int((keep & (lab != NOT_RATED)).sum())
        missing_what = f"not yet rated or without {variable_label(by, labels).lower()}"
        groups = [g for g in (df[by].cat.categories if isinstance(df[by].dtype, pd.CategoricalDtype)
                              else sorted(df[by].dropna().unique()))]
        tables = [_rating_counts(lab[df[by] == g], str(g)) for g in groups]
    elif compare:
        tables = [_rating_counts(lab, df_label)]
        tables += [_rating_counts(rating_labels(d), name) for name, d in compare.items()]
    else:
        tables = [_rating_counts(lab, df_label)]
    counts = pd.concat(tables, ignore_index=True)
    totals = counts.groupby("group", sort=False)["n"].sum()
    counts["panel"] = [f"{g} (n = {totals[g]})" for g in counts["group"]]
    grouped = len(tables) > 1
    tooltip = [alt.Tooltip("group:N", title="Group"), alt.Tooltip("rating_label:N", title="Rating"),
               alt.Tooltip("n:Q", title="Authorities"), alt.Tooltip("pct:Q", title="% of rated",
                                                                    format=".0f")]
    if grouped:
        # One view, a group of four bars per panel (not a facet: a single view can fill its
        # container's width, a facet cannot); the key names the ratings, in bar order.
        counts["group_label"] = [wrap_label(g, 18) + LINE_BREAK + f"n = {totals[g]}"
                                 for g in counts["group"]]
        # The scale runs past 100% to leave room for the bar labels inside the plot.
        base = alt.Chart(counts).encode(
            y=alt.Y("group_label:N", sort=list(dict.fromkeys(counts["group_label"])), title=None,
                    scale=alt.Scale(paddingInner=0.2),
                    axis=alt.Axis(labelExpr=WRAPPED_LABEL_EXPR, labelPadding=6)),
            yOffset=alt.YOffset("rating_label:N", sort=list(RATINGS)),
            x=alt.X("pct:Q", title="% of rated authorities in the group",
                    scale=alt.Scale(domain=[0, 135], nice=False),
                    axis=alt.Axis(values=[0, 25, 50, 75, 100])),
        )
        colour = alt.Color("rating_label:N", scale=rating_scale(False), sort=list(RATINGS),
                           legend=alt.Legend(title="CQC rating (bars in this order)"))
        height = 4 * 14 * len(tables) + 14 * len(tables)
    else:
        base = alt.Chart(counts).encode(
            y=alt.Y("rating_label:N", sort=list(RATINGS), title=None),
            x=alt.X("n:Q", title="Authorities",
                    scale=alt.Scale(domain=[0, max(1.0, float(counts["n"].max()) * 1.35)], nice=False)),
        )
        colour = alt.Color("rating_label:N", scale=rating_scale(False), legend=None)
        height = 150
    bars = base.mark_bar().encode(color=colour, tooltip=tooltip)
    text = base.mark_text(align="left", dx=4).encode(text="label:N")
    chart = alt.layer(bars, text).properties(height=height)
    by_what = f" by {variable_label(by, labels).lower()}" if by else ""
    desc_parts = [
        f"{t['group'].iloc[0]}: " + (", ".join(
            f"{n} {r}" for r, n in zip(t["rating_label"][::-1], t["n"][::-1], strict=True) if n)
            or "none rated")
        for t in tables
    ]
    desc = (f"Bar chart of CQC ratings{by_what} for {n_rated} rated authorities. "
            + "; ".join(desc_parts) + ".")
    sub = n_subtitle(n_rated, missing, missing_what)
    if compare:
        extra = sum(int((rating_labels(d) != NOT_RATED).sum()) for d in compare.values())
        sub = f"{sub}; compared with {extra} in {', '.join(compare)}"
    return _finish(chart, title or f"CQC ratings of local authorities{by_what}", sub, desc)


def qs_heatmap(
    df: pd.DataFrame,
    sort_by: str = "overall_pct",
    *,
    labels: Mapping[str, str] | None = None,
    title: str | None = None,
) -> alt.Chart:
    """Authorities x 9 quality statements, each cell coloured by score (1-4) and showing it.

    Authorities with at least one score are shown, sorted by ``sort_by`` (best first, then
    name); missing cells are grey (:data:`MISSING_COLOUR`, named in the key) and read 'not
    known' in the tooltip. Columns are headed QS1 ... QS9 so all nine fit a phone; the
    statement's full name is in the tooltip.
    """
    qs_cols = list(QUALITY_STATEMENTS)
    has_any = df[qs_cols].notna().any(axis=1)
    d = df.loc[has_any].copy()
    d["_sort"] = pd.to_numeric(d[sort_by], errors="coerce") if sort_by in d.columns else np.nan
    d = d.sort_values(["_sort", "name"], ascending=[False, True], na_position="last")
    order = d["name"].astype(str).tolist()
    tips = _tooltip_frame(d)
    long = d[["name", *qs_cols]].melt(id_vars="name", var_name="qs", value_name="score")
    # Short column headers (QS1 ... QS9) fit a phone; the full name is in the tooltip.
    long["column"] = long["qs"].str.upper()
    long["statement"] = [f"{q.upper()} {QUALITY_STATEMENTS[q]}" for q in long["qs"]]
    known = long["score"].notna()
    long["score_text"] = [f"{v:.0f}" if k else "not known" for v, k in zip(long["score"], known,
                                                                              strict=True)]
    long["cell"] = long["score_text"].where(known, "")
    long["key"] = [f"{v:.0f}" if k else MISSING_KEY for v, k in zip(long["score"], known,
                                                                      strict=True)]
    long["rating_label"] = long["name"].map(dict(zip(d["name"], tips["rating_label"], strict=True)))
    score_colours = [RATING_COLOURS[r] for r in RATINGS]
    long["text_colour"] = [_ON_COLOUR[score_colours[int(s) - 1]] if k else _ON_COLOUR[MISSING_COLOUR]
                           for s, k in zip(long["score"], known, strict=True)]
    long = long[["name", "column", "statement", "score", "score_text", "cell", "key",
                 "rating_label", "text_colour"]]
    x_order = [q.upper() for q in qs_cols]
    base = alt.Chart(long).encode(
        x=alt.X("column:N", sort=x_order,
                title=["Quality statement", "(full names in the tooltip)"],
                axis=alt.Axis(orient="top", labelAngle=0, labelFontSize=11, labelPadding=4,
                              labelExpr="['QS', replace(datum.label, 'QS', '')]")),
        y=alt.Y("name:N", sort=order, title=None, axis=alt.Axis(labelFontSize=11)),
    )
    keys = ["1", "2", "3", "4", MISSING_KEY]
    cells = base.mark_rect(stroke="white", strokeWidth=0.5).encode(
        color=alt.Color("key:N", scale=alt.Scale(domain=keys, range=[*score_colours, MISSING_COLOUR]),
                        legend=alt.Legend(title="Score (1 = worst, 4 = best)")),
        tooltip=[alt.Tooltip("name:N", title="Authority"),
                 alt.Tooltip("statement:N", title="Quality statement"),
                 alt.Tooltip("score_text:N", title="Score"),
                 alt.Tooltip("rating_label:N", title="Rating")],
    )
    text = base.mark_text(fontSize=10).encode(
        text="cell:N", color=alt.Color("text_colour:N", scale=None))
    chart = alt.layer(cells, text).properties(height=alt.Step(14))
    means = df[qs_cols].mean()
    lo, hi = means.idxmin(), means.idxmax()
    n_all9 = int(df[qs_cols].notna().all(axis=1).sum())
    desc = (
        f"Heatmap of the 9 quality statement scores (1 to 4) for {len(d)} authorities, "
        f"sorted by {variable_label(sort_by, labels).lower()}; {n_all9} have all 9 scores. "
        f"The lowest mean score is {QUALITY_STATEMENTS[lo]} ({means[lo]:.2f}) and the highest "
        f"{QUALITY_STATEMENTS[hi]} ({means[hi]:.2f})."
    )
    return _finish(chart, title or "Quality statement scores by authority",
                   n_subtitle(len(d), len(df) - len(d), "without any published score"), desc)


def _wrapped_title(text: str, width: int) -> list[str]:
    """An axis title as lines of at most ``width`` characters (Vega draws a list as lines)."""
    return wrap_label(text, width).split("\n")


def _is_rating(col: str | None) -> bool:
    return col in ("rating", "rating_label")


def _point_encoding(color: str | None, labels: Mapping[str, str] | None) -> dict:
    """Colour and shape channels for points: ratings get palette + shapes, others defaults."""
    if color is None:
        return {}
    if _is_rating(color):
        return {
            "color": alt.Color("rating_label:N", scale=rating_scale(),
                               legend=alt.Legend(title="CQC rating")),
            "shape": alt.Shape("rating_label:N", scale=rating_shape_scale(),
                               legend=alt.Legend(title="CQC rating")),
        }
    return {"color": alt.Color(f"{color}:N", title=variable_label(color, labels))}


def _points_frame(df: pd.DataFrame, x: str, y: str, color: str | None,
                  extra: Sequence[str] = ()) -> pd.DataFrame:
    """Only the columns a scatter needs, rows with both x and y known."""
    for c in (x, y):
        if c not in df.columns:
            raise ValueError(f"column {c!r} not in the table")
        if not pd.api.types.is_numeric_dtype(df[c]):
            raise ValueError(f"column {c!r} is not numeric; scatter plots need numbers")
    out = pd.DataFrame({"name": df["name"].astype(str), x: df[x], y: df[y], **{
        e: df[e] for e in extra}})
    if color is not None:
        if _is_rating(color):
            out["rating_label"] = rating_labels(df)
        else:
            out[color] = df[color].astype(object).where(df[color].notna(), "not known").astype(str)
    return out.dropna(subset=[x, y])


def ols_band(x: pd.Series, y: pd.Series, points: int = 60) -> tuple[pd.DataFrame, object]:
    """Straight-line OLS fit of y on x with the 95% confidence band of the mean.

    Returns (grid with columns x, fit, ci_low, ci_high; the statsmodels results), computed with
    ``statsmodels`` ``get_prediction().summary_frame(alpha=0.05)``.
    """
    res = OLS(np.asarray(y, float), add_constant(np.asarray(x, float))).fit()
    grid = np.linspace(float(np.min(x)), float(np.max(x)), points)
    pred = res.get_prediction(add_constant(grid, has_constant="add")).summary_frame(alpha=0.05)
    band = pd.DataFrame({"x": grid, "fit": pred["mean"].to_numpy(),
                         "ci_low": pred["mean_ci_lower"].to_numpy(),
                         "ci_high": pred["mean_ci_upper"].to_numpy()})
    return band, res


def scatter_fit(
    df: pd.DataFrame,
    x: str,
    y: str,
    color: str | None = "rating_label",
    *,
    labels: Mapping[str, str] | None = None,
    title: str | None = None,
) -> alt.LayerChart:
    """Scatter of a context variable ``x`` against a score ``y`` with an OLS line and its 95%
    confidence band (from statsmodels, not drawn by eye). Points carry rating colour and shape.
    """
    pts = _points_frame(df, x, y, color)
    xl, yl = variable_label(x, labels), variable_label(y, labels)
    xt, yt = axis_title(x, labels), axis_title(y, labels)
    tooltip = [alt.Tooltip("name:N", title="Authority"),
               alt.Tooltip(f"{x}:Q", title=xt, format=number_format(pts[x])),
               alt.Tooltip(f"{y}:Q", title=yt, format=number_format(pts[y]))]
    if color is not None:
        tooltip.append(alt.Tooltip(
            "rating_label:N" if _is_rating(color) else f"{color}:N",
            title=variable_label(color, labels)))
    points = alt.Chart(pts).mark_point(size=60, opacity=0.9).encode(
        x=alt.X(f"{x}:Q", title=xt, scale=alt.Scale(zero=False)),
        y=alt.Y(f"{y}:Q", title=yt, scale=alt.Scale(zero=False)),
        tooltip=tooltip, **_point_encoding(color, labels),
    )
    layers: list[alt.Chart] = []
    n = len(pts)
    fit_text = "too few authorities for a fitted line"
    desc_fit = "There are too few authorities to fit a line."
    if n >= 3 and pts[x].nunique() > 1:
        band, res = ols_band(pts[x], pts[y])
        slope = res.params[1]
        lo, hi = res.conf_int(alpha=0.05)[1]
        band_base = alt.Chart(band).encode(x=alt.X("x:Q", title=xt))
        layers += [
            band_base.mark_area(opacity=0.18, color=AF_COLOURS["dark_grey"]).encode(
                y="ci_low:Q", y2="ci_high:Q"),
            band_base.mark_line(color=AF_COLOURS["dark_grey"], strokeWidth=2).encode(y="fit:Q"),
        ]
        fit_text = "line: straight-line (OLS) fit with its 95% confidence band"
        trend = "rises" if lo > 0 else "falls" if hi < 0 else "is roughly flat"
        desc_fit = (f"The fitted straight line {trend}: {slope:+.3g} on {yl} per unit of {xl} "
                    f"(95% CI {lo:.3g} to {hi:.3g}). This is an association, not evidence of cause.")
    chart = alt.layer(*layers, points).properties(height=320)
    desc = (f"Scatter plot of {yl} against {xl} for {n} authorities. {desc_fit}")
    return _finish(chart, title or f"{yl} and {xl}",
                   [n_subtitle(n, len(df) - n, "missing either value"), fit_text[0].upper() + fit_text[1:]],
                   desc)


def scatter_by_region(
    df: pd.DataFrame,
    x: str,
    y: str,
    *,
    color: str | None = "rating_label",
    labels: Mapping[str, str] | None = None,
    title: str | None = None,
    columns: int = 2,
) -> alt.FacetChart:
    """Small multiples: one scatter of ``y`` against ``x`` per region, shared axes."""
    pts = _points_frame(df, x, y, color, extra=["region"]).dropna(subset=["region"])
    pts["panel"] = [wrap_label(r, 20) for r in pts["region"].astype(str)]
    xl, yl = variable_label(x, labels), variable_label(y, labels)
    xt, yt = axis_title(x, labels), axis_title(y, labels)
    tooltip = [alt.Tooltip("name:N", title="Authority"), alt.Tooltip("region:N", title="Region"),
               alt.Tooltip(f"{x}:Q", title=xt, format=number_format(pts[x])),
               alt.Tooltip(f"{y}:Q", title=yt, format=number_format(pts[y]))]
    if _is_rating(color):
        tooltip.append(alt.Tooltip("rating_label:N", title="Rating"))
    # A facet cannot fill its container, so the panels are sized for a phone (two across fit
    # 390 px) and the axis titles wrapped to the panel width.
    chart = alt.Chart(pts).mark_point(size=35, opacity=0.9).encode(
        x=alt.X(f"{x}:Q", title=_wrapped_title(xt, 2 * 22), scale=alt.Scale(zero=False)),
        y=alt.Y(f"{y}:Q", title=_wrapped_title(yt, 28), scale=alt.Scale(zero=False)),
        tooltip=tooltip, **_point_encoding(color, labels),
    ).properties(width=112, height=110).facet(
        facet=alt.Facet("panel:N", title=None,
                        sort=[wrap_label(r, 20) for r in sorted(pts["region"].unique())],
                        header=alt.Header(labelExpr=WRAPPED_LABEL_EXPR)),
        columns=columns,
    )
    per = pts["region"].value_counts()
    desc = (f"Small multiples, one per region, of {yl} against {xl} for {len(pts)} authorities "
            f"in {len(per)} regions ({', '.join(f'{r} {k}' for r, k in per.sort_index().items())}).")
    return _finish(chart, title or f"{yl} and {xl}, by region",
                   n_subtitle(len(pts), len(df) - len(pts), "missing a value or region"), desc)


def estimate_bars(
    results: pd.DataFrame,
    *,
    label_col: str = "predictor",
    reference: float | None = 0.0,
    reference_label: str = "no association",
    estimate_name: str = "Estimate",
    interval_name: str = "95% CI",
    labels: Mapping[str, str] | None = None,
    title: str | None = None,
) -> alt.LayerChart:
    """Point estimates with 95% CI error bars from a :mod:`lahelpers.stats` result table.

    ``interval_name`` names the interval where it is not a confidence interval (e.g. "95%
    prediction interval" for residuals).

    ``reference`` draws a dashed line at the no-association value (0 for correlations, 1 for
    odds ratios; None for none); each estimate is labelled with its value and CI so the chart
    reads without colour. Results with a ``predictor`` are described as associations.
    """
    need = {label_col, "estimate", "ci_low", "ci_high", "n", "n_missing"}
    if missing := need - set(results.columns):
        raise ValueError(f"results lack columns {sorted(missing)}")
    r = results.copy()
    r["label"] = [variable_label(str(v), labels) for v in r[label_col]]
    f = "{:" + number_format(r[["estimate", "ci_low", "ci_high"]].to_numpy().ravel()) + "}"
    r["text"] = [f"{f.format(e)} ({f.format(lo)} to {f.format(hi)})"
                 if np.isfinite(lo) and np.isfinite(hi)
                 else (f"{f.format(e)} (no interval: too few)" if np.isfinite(e) else "not estimated")
                 for e, lo, hi in zip(r["estimate"], r["ci_low"], r["ci_high"], strict=True)]
    # Each row's axis label: the name wrapped onto lines (never cut), then the value and interval,
    # so the numbers sit with their name at any width (no text past the plot's edge).
    r["row"] = [wrap_label(lab, 32) + LINE_BREAK + t for lab, t in zip(r["label"], r["text"], strict=True)]
    r = r[["label", "estimate", "ci_low", "ci_high", "text", "row", "n"]]
    order = r["row"].tolist()
    lines = max(row.count(LINE_BREAK) + 1 for row in order) if order else 1
    y = alt.Y("row:N", sort=order, title=None,
              axis=alt.Axis(labelExpr=WRAPPED_LABEL_EXPR, labelPadding=6, labelBaseline="middle"))
    xs = alt.Scale(zero=False, nice=True)
    base = alt.Chart(r).encode(y=y)
    bars = base.mark_errorbar(ticks=True, color=AF_COLOURS["dark_blue"]).encode(
        x=alt.X("ci_low:Q", title=f"{estimate_name} with {interval_name}", scale=xs), x2="ci_high:Q")
    dots = base.mark_point(filled=True, size=70, color=AF_COLOURS["dark_blue"]).encode(
        x=alt.X("estimate:Q", scale=xs),
        tooltip=[alt.Tooltip("label:N", title="Variable"), alt.Tooltip("text:N", title=estimate_name),
                 alt.Tooltip("n:Q", title="Authorities")])
    layers = [bars, dots]
    if reference is not None:
        layers.insert(0, alt.Chart(pd.DataFrame({"ref": [reference]})).mark_rule(
            color=AF_COLOURS["dark_grey"], strokeDash=[4, 3]).encode(x=alt.X("ref:Q", scale=xs)))
    chart = alt.layer(*layers).properties(height=alt.Step(15 * lines + 12))
    n_lo, n_hi = int(results["n"].min()), int(results["n"].max())
    m_lo, m_hi = int(results["n_missing"].min()), int(results["n_missing"].max())
    n_txt = f"{n_lo}" if n_lo == n_hi else f"{n_lo}-{n_hi}"
    m_txt = f"{m_lo}" if m_lo == m_hi else f"{m_lo}-{m_hi}"
    sub = f"n = {n_txt} authorities shown per estimate; {m_txt} missing"
    if reference is not None:
        sub += f"; dashed line = {reference_label} ({reference:g})"
    association = "predictor" in results.columns and results["predictor"].fillna("").astype(
        str).str.len().gt(0).any()
    desc = (f"{estimate_name} with {interval_name}, {len(r)} estimates: "
            + "; ".join(f"{lab} {t}" for lab, t in zip(r["label"], r["text"], strict=True))
            + (". Associations, not evidence of cause." if association else "."))
    return _finish(chart, title or f"{estimate_name} with {interval_name}", sub, desc)


def _strip(d: pd.DataFrame, group: str, order: Sequence[str], y: str, group_title: str,
           labels: Mapping[str, str] | None, seed: int) -> tuple[alt.LayerChart, str]:
    """Box plot plus jittered, rating-shaped points of ``y`` per ``group``; returns the chart and
    a sentence of the group medians. ``d`` has name, rating_label, ``group`` and ``y``."""
    d = d.copy()
    d["jitter"] = np.random.default_rng(seed).uniform(-0.3, 0.3, len(d)).round(3)
    yl = axis_title(y, labels)
    # One word a line: the group names stay whole however narrow the bands get.
    x = alt.X(f"{group}:N", sort=list(order), title=group_title or None,
              axis=alt.Axis(labelAngle=0, labelExpr="split(datum.label, ' ')"))
    box = alt.Chart(d).mark_boxplot(extent="min-max", opacity=0.35, color=AF_COLOURS["dark_grey"],
                                    size=40).encode(x=x, y=alt.Y(f"{y}:Q", title=yl))
    tips = [alt.Tooltip("name:N", title="Authority"), alt.Tooltip("rating_label:N", title="Rating"),
            alt.Tooltip(f"{y}:Q", title=yl, format=number_format(d[y]))]
    if group != "rating_label":
        tips.insert(1, alt.Tooltip(f"{group}:N", title=group_title))
    pts = alt.Chart(d).mark_point(size=40, opacity=0.9).encode(
        x=x, xOffset=alt.XOffset("jitter:Q", scale=alt.Scale(domain=[-1, 1])),
        y=alt.Y(f"{y}:Q", title=yl), **_point_encoding("rating_label", labels), tooltip=tips)
    med = d.groupby(group, observed=True)[y].agg(["median", "size"])
    medians = ", ".join(f"{g} {med.loc[g, 'median']:.0f} (n = {int(med.loc[g, 'size'])})"
                        for g in order if g in med.index)
    return alt.layer(box, pts).properties(height=300), medians


def rating_strip(
    df: pd.DataFrame,
    y: str = "overall_pct",
    *,
    labels: Mapping[str, str] | None = None,
    title: str | None = None,
    seed: int = 0,
) -> alt.LayerChart:
    """Box plot plus jittered points of ``y`` (default overall %) within each rating band."""
    lab = rating_labels(df)
    keep = (lab != NOT_RATED) & df[y].notna()
    d = pd.DataFrame({"name": df["name"].astype(str), "rating_label": lab, y: df[y]})[keep]
    chart, medians = _strip(d, "rating_label", RATINGS, y, "", labels, seed)
    yl = variable_label(y, labels)
    desc = f"Box plot with points of {yl} by CQC rating for {len(d)} rated authorities; medians: {medians}."
    return _finish(chart, title or f"{yl} by CQC rating",
                   n_subtitle(len(d), len(df) - len(d), "unrated or without a value"), desc)


def group_strip(
    df: pd.DataFrame,
    group: str,
    y: str = "overall_pct",
    *,
    labels: Mapping[str, str] | None = None,
    title: str | None = None,
    seed: int = 0,
) -> alt.LayerChart:
    """Box plot plus jittered points of ``y`` within each group of ``group`` (e.g. the
    rural-urban class); points carry the rating's colour and shape. Categories keep their order."""
    g = df[group]
    order = (list(g.cat.categories) if isinstance(g.dtype, pd.CategoricalDtype)
             else sorted(g.dropna().astype(str).unique()))
    keep = g.notna() & df[y].notna()
    d = pd.DataFrame({"name": df["name"].astype(str), "rating_label": rating_labels(df),
                      group: g.astype(object), y: df[y]})[keep]
    gl, yl = variable_label(group, labels), variable_label(y, labels)
    chart, medians = _strip(d, group, order, y, gl, labels, seed)
    desc = f"Box plot with points of {yl} by {gl} for {len(d)} authorities; medians: {medians}."
    return _finish(chart, title or f"{yl} by {gl}",
                   n_subtitle(len(d), len(df) - len(d), "without a value"), desc)


def publication_timeline(
    df: pd.DataFrame,
    *,
    title: str | None = None,
) -> alt.LayerChart:
    """Monthly count of published assessments, stacked by rating, totals labelled on top."""
    lab = rating_labels(df)
    dates = pd.to_datetime(df["publication_date"])
    keep = dates.notna()
    d = pd.DataFrame({"month": dates[keep].dt.to_period("M").dt.to_timestamp(),
                      "rating_label": lab[keep]})
    counts = d.groupby(["month", "rating_label"]).size().rename("n").reset_index()
    counts["rank"] = counts["rating_label"].map({r: i for i, r in enumerate(rating_domain())})
    counts["month"] = counts["month"].dt.strftime("%Y-%m-01")
    totals = counts.groupby("month", as_index=False)["n"].sum()
    x = alt.X("month:T", title="Month of publication", timeUnit="yearmonth",
              axis=alt.Axis(format="%b %Y"))
    bars = alt.Chart(counts).mark_bar().encode(
        x=x, y=alt.Y("n:Q", title="Assessments published", stack="zero"),
        color=alt.Color("rating_label:N", scale=rating_scale(), legend=alt.Legend(title="CQC rating")),
        order=alt.Order("rank:Q"),
        tooltip=[alt.Tooltip("month:T", title="Month", format="%b %Y"),
                 alt.Tooltip("rating_label:N", title="Rating"), alt.Tooltip("n:Q", title="Count")])
    xt = alt.X("month:T", timeUnit="yearmonth", bandPosition=0.5)
    text = alt.Chart(totals).mark_text(dy=-6).encode(x=xt, y="n:Q", text="n:Q")
    chart = alt.layer(bars, text).properties(height=260)
    if len(d):
        first, last = d["month"].min(), d["month"].max()
        busiest = totals.loc[totals["n"].idxmax()]
        span = (f"from {first:%B %Y} to {last:%B %Y}; the busiest month was "
                f"{pd.Timestamp(busiest['month']):%B %Y} with {busiest['n']}")
    else:
        span = "none have a date"
    desc = f"Bar chart of {len(d)} published assessments by month, {span}."
    return _finish(chart, title or "When assessments were published",
                   n_subtitle(len(d), len(df) - len(d), "without a publication date"), desc)


#: Marker shapes for the classes of an ordered context category (e.g. the 3 rural-urban classes).


def side_by_side(left: alt.TopLevelMixin, right: alt.TopLevelMixin, *, title: str) -> alt.TopLevelMixin:
    """Two charts next to each other (e.g. a context map beside the rating map), each keeping
    its own title and key; the text alternative joins both charts' descriptions."""
    desc = f"Two charts side by side. Left: {alt_text(left)} Right: {alt_text(right)}"
    parts = []
    for c in (left, right):
        c = c.copy(deep=False)
        c.autosize = alt.Undefined
        parts.append(c)
    chart = alt.vconcat(*parts, spacing=30).resolve_scale(color="independent", shape="independent",
                                                         size="independent")
    return chart.properties(title=chart_title(title), description=desc, autosize=FIT_WIDTH)
