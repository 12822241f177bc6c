"""Tests for lahelpers.charts: theme, palette, every builder's title/subtitle/description, show()."""

from __future__ import annotations

import html
import itertools
import json
import re

import altair as alt
import fixtures_analysis as fx
import numpy as np
import pandas as pd
import pytest
from scipy import stats as sps

from lahelpers import charts, maps, stats
from lahelpers.framework import NOT_RATED, QS_COLUMNS, RATINGS

# ---------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def df() -> pd.DataFrame:
    return fx.authorities()


@pytest.fixture(scope="module")
def geo(df):
    return fx.authorities_geo(df)


@pytest.fixture(scope="module")
def regions(geo):
    return fx.regions_geo(geo)


def _subtitle(chart) -> str:
    sub = chart.to_dict()["title"]["subtitle"]
    return " ".join(sub) if isinstance(sub, list) else sub


def _n_missing_expected(df: pd.DataFrame, kind: str) -> tuple[int, int]:
    """(n shown, n missing) for each builder, computed from the fixture independently."""
    rated = df["rating"].notna()
    if kind in ("map", "bars", "bars_compare"):
        n = int(rated.sum())
    elif kind == "heatmap":
        n = int(df[list(QS_COLUMNS)].notna().any(axis=1).sum())
    elif kind in ("scatter", "scatter_region"):
        n = int((df["imd2025_score"].notna() & df["overall_pct"].notna()).sum())
    elif kind == "strip":
        n = int((rated & df["overall_pct"].notna()).sum())
    elif kind == "timeline":
        n = int(df["publication_date"].notna().sum())
    else:
        raise KeyError(kind)
    return n, len(df) - n


BUILDERS = {
    "map": lambda df, geo, reg: charts.rating_map(geo, reg),
    "bars": lambda df, geo, reg: charts.rating_bars(df),
    "bars_compare": lambda df, geo, reg: charts.rating_bars(df, compare={"Pilots": fx.pilots()}),
    "heatmap": lambda df, geo, reg: charts.qs_heatmap(df),
    "scatter": lambda df, geo, reg: charts.scatter_fit(df, "imd2025_score", "overall_pct"),
    "scatter_region": lambda df, geo, reg: charts.scatter_by_region(
        df, "imd2025_score", "overall_pct"),
    "strip": lambda df, geo, reg: charts.rating_strip(df),
    "timeline": lambda df, geo, reg: charts.publication_timeline(df),
}


# ---------------------------------------------------------------- theme and palette


def test_theme_registered_and_registering_twice_is_harmless():
    charts.register_theme()
    charts.register_theme()
    assert alt.theme.active == charts.THEME_NAME
    assert alt.theme.names().count(charts.THEME_NAME) == 1
    cfg = alt.theme.get()()["config"]
    assert "Arial" in cfg["font"]
    assert cfg["range"]["category"][:5] == ["#12436D", "#28A197", "#801650", "#F46A25", "#3D3D3D"]


# Machado, Oliveira & Fernandes (2009) simulation matrices, severity 1.0, for linear RGB.
_CVD = {
    "normal": np.eye(3),
    "protanopia": np.array([[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216],
                            [-0.003882, -0.048116, 1.051998]]),
    "deuteranopia": np.array([[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413],
                              [-0.011820, 0.042940, 0.968881]]),
}


def _lab(hex_colour: str, matrix: np.ndarray) -> np.ndarray:
    """CIELAB (D65) of a colour as seen under a simulated colour vision deficiency."""
    c = np.array([int(hex_colour[i:i + 2], 16) for i in (1, 3, 5)]) / 255
    lin = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    lin = np.clip(matrix @ lin, 0, 1)
    xyz = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722],
                    [0.0193, 0.1192, 0.9505]]) @ lin / np.array([0.95047, 1.0, 1.08883])
    f = np.where(xyz > 0.008856, np.cbrt(xyz), 7.787 * xyz + 16 / 116)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def _min_delta_e(colours: list[str], vision: str) -> float:
    labs = [_lab(c, _CVD[vision]) for c in colours]
    return min(float(np.linalg.norm(a - b)) for a, b in itertools.combinations(labs, 2))


def test_cvd_simulation_is_meaningful():
    # Sanity of the simulation itself: greys are unchanged, and a red/green pair that is far
    # apart for normal vision collapses for deuteranopes and protanopes.
    assert np.allclose(_lab("#808080", _CVD["deuteranopia"]), _lab("#808080", _CVD["normal"]),
                       atol=0.5)
    normal = _min_delta_e(["#D62728", "#2CA02C"], "normal")
    for v in ("deuteranopia", "protanopia"):
        assert _min_delta_e(["#D62728", "#2CA02C"], v) < normal / 3


@pytest.mark.parametrize("vision", ["normal", "deuteranopia", "protanopia"])
def test_rating_palette_distinguishable_under_colour_blindness(vision):
    colours = [charts.RATING_COLOURS[r] for r in RATINGS] + [charts.NOT_RATED_COLOUR]
    assert len(set(colours)) == 5
    # CIE76 distance ~2.3 is a just-noticeable difference; 20+ is clearly different.
    assert _min_delta_e(colours, vision) > 20
    # The grey's lightness is near Inadequate's, but it is told apart by hue whatever the vision.
    grey = _lab(charts.NOT_RATED_COLOUR, _CVD[vision])
    assert min(float(np.linalg.norm(_lab(c, _CVD[vision]) - grey)) for c in colours[:4]) > 20


def _relative_luminance(hex_colour: str) -> float:
    """WCAG 2.1 relative luminance of an sRGB colour."""
    c = np.array([int(hex_colour[i:i + 2], 16) for i in (1, 3, 5)]) / 255
    lin = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    return float(np.array([0.2126, 0.7152, 0.0722]) @ lin)


def _contrast(a: str, b: str) -> float:
    """WCAG 2.1 contrast ratio of two colours."""
    hi, lo = sorted((_relative_luminance(a), _relative_luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_wcag_helpers_are_meaningful():
    assert _contrast("#000000", "#FFFFFF") == pytest.approx(21.0)
    assert _contrast("#767676", "#FFFFFF") == pytest.approx(4.54, abs=0.01)  # the known AA grey
    assert _lab("#FFFFFF", np.eye(3))[0] == pytest.approx(100, abs=0.1)
    assert _lab("#777777", np.eye(3))[0] == pytest.approx(50, abs=0.5)


@pytest.mark.parametrize("vision", ["normal", "deuteranopia", "protanopia"])
def test_rating_colours_strictly_ordered_in_lightness(vision):
    """Greyscale (lightness) alone gives the rating order, for every kind of colour vision:
    Outstanding darkest ... Inadequate lightest, at least 10 CIE L* apart."""
    lightness = [_lab(charts.RATING_COLOURS[r], _CVD[vision])[0] for r in RATINGS]  # worst first
    steps = np.diff(lightness)
    assert np.all(steps < 0), dict(zip(RATINGS, lightness, strict=True))
    assert np.all(np.abs(steps) >= 10), dict(zip(RATINGS, lightness, strict=True))


def test_every_rating_colour_and_the_grey_stand_out_on_white():
    """WCAG 2.1 non-text contrast (1.4.11): marks at least 3:1 against the white background."""
    for colour in [*charts.RATING_COLOURS.values(), charts.NOT_RATED_COLOUR]:
        assert _contrast(colour, "#FFFFFF") >= 3.0, colour
    # The grey has no hue: it cannot be mistaken for a rating by hue, whatever the vision.
    grey = _lab(charts.NOT_RATED_COLOUR, np.eye(3))
    assert abs(grey[1]) < 1 and abs(grey[2]) < 1
    assert set(charts.RATING_SHAPES) == set(RATINGS)
    assert len(set(charts.RATING_SHAPES.values()) | {charts.NOT_RATED_SHAPE}) == 5


def test_heatmap_cell_text_readable_on_every_colour():
    from lahelpers.charts.theme import _ON_COLOUR
    for fill, text in _ON_COLOUR.items():
        ink = charts.TEXT_COLOUR if text != "white" else "#FFFFFF"
        assert _contrast(fill, ink) >= 4.5, (fill, text)


# ---------------------------------------------------------------- every builder


@pytest.mark.parametrize("kind", sorted(BUILDERS))
def test_builder_sets_title_subtitle_and_description(kind, df, geo, regions):
    chart = BUILDERS[kind](df, geo, regions)
    spec = chart.to_dict()  # also validates against the Vega-Lite schema
    assert "".join(spec["title"]["text"]).strip()
    n, missing = _n_missing_expected(df, kind)
    sub = _subtitle(chart)
    assert f"n = {n} authorities shown; {missing} " in sub
    desc = charts.alt_text(chart)
    assert desc and desc == spec["description"]
    assert desc.endswith(".")
    # Data inlined, never fetched from a URL.
    assert '"url"' not in json.dumps(spec)


def test_estimate_bars_titles_and_reference(df):
    res = stats.correlation(df, "imd2025_score", "overall_pct", n_boot=200)
    chart = charts.estimate_bars(res, estimate_name="Spearman's rho")
    n = int((df["imd2025_score"].notna() & df["overall_pct"].notna()).sum())
    assert f"n = {n} authorities shown per estimate; {len(df) - n} missing" in _subtitle(chart)
    assert "association" in charts.alt_text(chart).lower()
    means = charts.estimate_bars(stats.mean_ci(df, ["qs1", "qs2"]), label_col="outcome",
                                 reference=None)
    assert "dashed" not in _subtitle(means)
    assert "cause" not in charts.alt_text(means)
    with pytest.raises(ValueError, match="lack columns"):
        charts.estimate_bars(pd.DataFrame({"x": [1]}))


def test_descriptions_state_counts_from_the_data(df, geo, regions):
    counts = df["rating_label"].value_counts()
    desc = charts.alt_text(charts.rating_map(geo, regions))
    assert all(counts.get(r, 0) for r in RATINGS)  # the fixture has every rating
    expected = ", ".join(f"{counts[r]} {r}" for r in reversed(RATINGS))
    assert f"{expected}, {counts[NOT_RATED]} not yet in our data" in desc


# ---------------------------------------------------------------- individual builders


def _dataset(spec: dict, must_have: str) -> list[dict]:
    """The inlined dataset whose rows have column ``must_have``."""
    for rows in spec["datasets"].values():
        if isinstance(rows, list) and rows and must_have in rows[0]:
            return rows
    raise AssertionError(f"no dataset with {must_have}")


def test_rating_map_tooltips_and_region_zoom(geo, regions):
    chart = charts.rating_map(geo, regions, region="London")
    spec = chart.to_dict()
    tips = {t["title"] for t in spec["layer"][0]["encoding"]["tooltip"]}
    assert {"Authority", "Rating", "Overall score", "Published"} <= tips
    assert sum(t.startswith("QS") for t in tips) == 9
    # Topologies are inlined as TopoJSON text (see charts.topojson_data), which Vega parses.
    topos = [json.loads(v) for v in spec["datasets"].values() if isinstance(v, str)]
    topo = next(t for t in topos if "authorities" in t.get("objects", {}))
    codes = maps.feature_codes(topo, "authorities")
    assert sorted(codes) == sorted(geo.loc[geo["region"] == "London", "code"])
    n_rated = int(geo.loc[geo["region"] == "London", "rating"].notna().sum())
    assert f"n = {n_rated} authorities shown" in _subtitle(chart)
    with pytest.raises(ValueError, match="valid names: East Midlands"):
        charts.rating_map(geo, regions, region="Londn")


def test_rating_bars_counts_and_labels(df):
    spec = charts.rating_bars(df).to_dict()
    rows = _dataset(spec, "label")
    counts = df["rating"].value_counts()
    total = int(counts.sum())
    for row in rows:
        n = int(counts[row["rating_label"]])
        assert row["n"] == n
        assert row["label"] == f"{n} ({100 * n / total:.0f}%)"
    # compare: pilots get their own panel with their own percentages.
    pilots = fx.pilots()
    cmp_rows = _dataset(charts.rating_bars(df, compare={"Pilots": pilots}).to_dict(), "panel")
    pil = {r["rating_label"]: r["n"] for r in cmp_rows if r["group"] == "Pilots"}
    assert pil == {r: int((pilots["rating"] == r).sum()) for r in RATINGS}
    by_rows = _dataset(charts.rating_bars(df, by="region").to_dict(), "panel")
    assert {r["group"] for r in by_rows} == set(df["region"])
    with pytest.raises(ValueError, match="either"):
        charts.rating_bars(df, by="region", compare={"Pilots": pilots})


def test_qs_heatmap_sorted_best_first_with_scores_as_text(df):
    spec = charts.qs_heatmap(df).to_dict()
    order = spec["layer"][0]["encoding"]["y"]["sort"]
    best = df.loc[df["overall_pct"].idxmax(), "name"]
    assert order[0] == best
    rows = _dataset(spec, "score_text")
    shown = df[list(QS_COLUMNS)].notna().any(axis=1)
    assert len(rows) == 9 * int(shown.sum())  # every cell, missing ones too
    known = [r for r in rows if r["score"] is not None]
    assert len(known) == int(df[list(QS_COLUMNS)].notna().sum().sum())
    assert all(r["score_text"] == f"{r['score']:.0f}" == r["cell"] == r["key"] for r in known)
    # Missing cells are grey (named in the key) and say so in the tooltip, not white and blank.
    missing = [r for r in rows if r["score"] is None]
    assert missing and all(r["score_text"] == "not known" and r["cell"] == "" for r in missing)
    colour = spec["layer"][0]["encoding"]["color"]["scale"]
    grey = dict(zip(colour["domain"], colour["range"], strict=True))[missing[0]["key"]]
    assert grey == charts.NOT_RATED_COLOUR != "#FFFFFF"
    # Short horizontal headers QS1..QS9, full names in the tooltip.
    x = spec["layer"][0]["encoding"]["x"]
    assert x["sort"] == [f"QS{i}" for i in range(1, 10)] and x["axis"]["labelAngle"] == 0
    assert {r["statement"] for r in rows} == {charts.variable_label(q) for q in QS_COLUMNS}


def test_scatter_fit_band_matches_independent_ols(df):
    chart = charts.scatter_fit(df, "imd2025_score", "overall_pct")
    spec = chart.to_dict()
    band = pd.DataFrame(_dataset(spec, "ci_low"))
    d = df[["imd2025_score", "overall_pct"]].dropna()
    x, y = d["imd2025_score"].to_numpy(), d["overall_pct"].to_numpy()
    slope, intercept = np.polyfit(x, y, 1)
    n = len(x)
    resid = y - (intercept + slope * x)
    s = np.sqrt(resid @ resid / (n - 2))
    half = sps.t.ppf(0.975, n - 2) * s * np.sqrt(
        1 / n + (band["x"] - x.mean()) ** 2 / ((x - x.mean()) ** 2).sum())
    assert np.allclose(band["fit"], intercept + slope * band["x"])
    assert np.allclose(band["ci_high"] - band["fit"], half)
    assert np.allclose(band["fit"] - band["ci_low"], half)
    # Points carry only the needed columns, and rating shape as well as colour.
    pts = _dataset(spec, "imd2025_score")
    assert set(pts[0]) == {"name", "imd2025_score", "overall_pct", "rating_label"}
    assert spec["layer"][-1]["encoding"]["shape"]["field"] == "rating_label"
    with pytest.raises(ValueError, match="not numeric"):
        charts.scatter_fit(df, "region", "overall_pct")


def test_variable_label_precedence():
    assert charts.variable_label("x_col", {"x_col": "My X"}) == "My X"
    assert charts.variable_label("qs7") == "QS7 Safeguarding"
    assert charts.variable_label("no_such_column_anywhere") == "no_such_column_anywhere"


# ---------------------------------------------------------------- show()


def test_show_emits_vegalite_json_then_alt_text_paragraph(df, monkeypatch):
    import IPython.display

    calls = []
    monkeypatch.setattr(IPython.display, "display", lambda obj, **kw: calls.append((obj, kw)))
    chart = charts.rating_bars(df)
    charts.show(chart)
    assert len(calls) == 2
    bundle, kw = calls[0]
    assert kw.get("raw") is True
    mimes = [m for m in bundle if re.fullmatch(r"application/vnd\.vegalite\.v\d+\+json", m)]
    assert mimes == [charts.VEGALITE_MIMETYPE]
    spec = bundle[mimes[0]]
    assert spec["description"] == charts.alt_text(chart)
    assert spec["datasets"] and '"url"' not in json.dumps(spec)
    para = calls[1][0].data
    assert para == (f'<p class="chart-alt">Chart description: '
                    f'{html.escape(charts.alt_text(chart))}</p>')


def test_alt_text_empty_when_no_description():
    assert charts.alt_text(alt.Chart(pd.DataFrame({"a": [1]})).mark_point()) == ""


def test_show_bundle_serves_jupyterlab_and_the_offline_report() -> None:
    """The bundle carries the spec once, under the mimetype JupyterLab draws offline and the
    report exporter reads."""
    import nbformat

    from lahelpers.publish import report

    chart = charts.rating_bars(fx.authorities())
    bundle = charts.mimebundle(chart)
    # JupyterLab 4 draws the v5 mimetype itself (no CDN); nothing loads Vega from the network.
    assert charts.VEGALITE_MIMETYPE == "application/vnd.vegalite.v5+json"
    assert set(bundle) == {charts.VEGALITE_MIMETYPE, "text/plain"}
    assert "http" not in json.dumps(bundle).replace(bundle[charts.VEGALITE_MIMETYPE]["$schema"], "")
    output = nbformat.v4.new_output("display_data", data=bundle)
    # The notebook gets a fixed width (JupyterLab's output area cannot size a "container" chart);
    # the page gets the chart exactly as built, filling its container.
    shown = bundle[charts.VEGALITE_MIMETYPE]
    assert chart.to_dict()["width"] == "container"
    assert shown["width"] == charts.display.NOTEBOOK_WIDTH
    with alt.data_transformers.enable("default"):
        assert report.chart_spec(output) == chart.to_dict()


def test_page_spec_restores_only_the_recorded_width() -> None:
    from lahelpers.publish import report

    spec = {"mark": "bar", "width": 600, "usermeta": {"lahelpers_page_width": "container", "x": 1}}
    assert report.page_spec(spec) == {"mark": "bar", "width": "container", "usermeta": {"x": 1}}
    assert report.page_spec({"mark": "bar", "width": 300}) == {"mark": "bar", "width": 300}
    assert charts.display.notebook_spec({"width": 250}) == {"width": 250}
    assert charts.display.PAGE_WIDTH_KEY == report.PAGE_WIDTH_KEY


def test_context_map_numeric_and_categorical() -> None:
    df = fx.authorities()
    geo = fx.authorities_geo(df)
    geo.loc[geo.index[:2], "pct_rural"] = np.nan
    chart = charts.context_map(geo, "pct_rural")
    spec = chart.to_dict()
    assert spec["title"]["text"] and "n = 52 authorities shown; 2 without a value (grey)" in spec["title"]["subtitle"]
    desc = charts.alt_text(chart)
    assert "2 without a value are grey" in desc and "median" in desc
    # A second channel besides colour: markers sized by the value.
    assert any(layer.get("encoding", {}).get("size", {}).get("field") == "value" for layer in spec["layer"])
    cat = charts.context_map(geo, "rural_class")
    cspec = cat.to_dict()
    shapes = [layer["encoding"]["shape"] for layer in cspec["layer"] if "shape" in layer.get("encoding", {})]
    assert shapes and shapes[0]["scale"]["domain"] == list(df["rural_class"].cat.categories)
    counts = df["rural_class"].value_counts()
    assert all(f"{counts[c]} {c}" in charts.alt_text(cat) for c in counts.index)
    with pytest.raises(ValueError, match="not in the table"):
        charts.context_map(geo, "nope")


def test_group_strip_and_side_by_side() -> None:
    df = fx.authorities()
    chart = charts.group_strip(df, "rural_class", "overall_pct")
    spec = chart.to_dict()
    n = int((df["rural_class"].notna() & df["overall_pct"].notna()).sum())
    assert spec["title"]["subtitle"] == [f"n = {n} authorities shown; {len(df) - n} without a value"]
    assert "medians: Predominantly Urban" in charts.alt_text(chart)
    assert spec["layer"][0]["encoding"]["x"]["sort"] == list(df["rural_class"].cat.categories)
    geo = fx.authorities_geo(df)
    both = charts.side_by_side(charts.context_map(geo, "pct_rural"), charts.rating_map(geo), title="Two maps")
    bspec = both.to_dict()
    assert len(bspec["vconcat"]) == 2 and bspec["title"]["text"] == ["Two maps"]
    assert charts.alt_text(both).startswith("Two charts side by side. Left: Map of the")
    assert "coloured by CQC rating" in charts.alt_text(both)


def test_estimate_bars_names_other_intervals_and_missing_ones() -> None:
    r = pd.DataFrame({"predictor": ["", ""], "label": ["A", "B"], "estimate": [2.0, 1.0],
                      "ci_low": [0.5, np.nan], "ci_high": [3.5, np.nan], "n": [40, 40], "n_missing": [3, 3]})
    chart = charts.estimate_bars(r, label_col="label", interval_name="95% prediction interval")
    desc = charts.alt_text(chart)
    assert "with 95% prediction interval" in desc and "B 1.00 (no interval: too few)" in desc
    assert "Associations" not in desc  # no predictor: not described as an association
