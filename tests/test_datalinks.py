"""Unit tests for lahelpers.publish.datalinks: the data behind a chart, its CSV and its sources."""

from __future__ import annotations

import json

import altair as alt
import pandas as pd

from lahelpers.publish import datalinks


def _topology(rows: list[dict], obj: str = "authorities") -> str:
    """A TopoJSON text with one polygon per row (as the maps inline it)."""
    geoms = [{"type": "Polygon", "arcs": [[0]], "properties": r} for r in rows]
    return json.dumps({"type": "Topology", "objects": {obj: {"type": "GeometryCollection", "geometries": geoms}},
                       "arcs": [[[0, 0], [1, 0], [0, 1], [-1, -1]]]})


def test_a_scatter_with_a_fitted_line_gives_its_points_not_the_line(built):
    points = pd.DataFrame({"name": ["A", "B"], "imd2025_score": [10.5, 20.25], "overall_pct": [60.0, 70.0]})
    line = pd.DataFrame({"x": [1.0, 2.0, 3.0], "fit": [1.0, 2.0, 3.0], "ci_low": [0, 1, 2], "ci_high": [2, 3, 4]})
    chart = alt.layer(alt.Chart(points).mark_point().encode(x="imd2025_score:Q", y="overall_pct:Q"),
                      alt.Chart(line).mark_line().encode(x="x:Q", y="fit:Q"))
    fields, rows, topo = datalinks.chart_data(chart.to_dict())
    assert fields == ["name", "imd2025_score", "overall_pct"] and len(rows) == 2 and topo is None
    assert datalinks.chart_sources(chart.to_dict()) == ["imd2025_ltla", "cqc_assessments"]
    text, n = datalinks.chart_csv(chart.to_dict())
    assert n == 2 and text.splitlines()[1] == "A,10.5,60.0"
    assert text.splitlines()[0].split(",")[0] == "Authority"


def test_label_text_and_placement_helpers_are_left_out():
    df = pd.DataFrame({"rating_label": ["Good", "Outstanding"], "n": [10, 2], "pct": [83.3, 16.7],
                       "label": ["10 (83%)", "2 (17%)"], "text_x": [11, 3]})
    fields, _rows, _ = datalinks.chart_data(alt.Chart(df).mark_bar().encode(x="n:Q").to_dict())
    assert fields == ["rating_label", "n", "pct"]


def test_maps_give_their_authorities_properties_without_geometry_and_side_by_side_maps_merge(built):
    a = _topology([{"code": "E1", "name": "A", "value": 1.5}, {"code": "E2", "name": "B", "value": 2.5}])
    b = _topology([{"code": "E1", "name": "A", "value": 7}, {"code": "E2", "name": "B", "value": 8}])
    regions = _topology([{"name": "North"}], obj="regions")

    def layer(name, title):
        return {"data": {"name": name, "format": {"type": "topojson", "feature": "authorities"}},
                "mark": "geoshape", "encoding": {"color": {"field": "properties.value", "type": "quantitative",
                                                           "legend": {"title": title}}}}

    spec = {"datasets": {"d1": a, "d2": b, "r": regions},
            "hconcat": [layer("d1", "Deprivation: IMD 2025 average score"), layer("d2", "Residents not White British")]}
    fields, rows, topo = datalinks.chart_data(spec)
    assert topo == "authorities" and len(rows) == 2
    assert fields == ["name", "code", "Deprivation: IMD 2025 average score", "Residents not White British"]
    assert rows[0] == {"name": "A", "code": "E1", "Deprivation: IMD 2025 average score": 1.5,
                       "Residents not White British": 7}
    assert datalinks.chart_sources(spec) == ["imd2025_ltla", "census_ethnicity", "boundaries_ctyua",
                                             "boundaries_regions"]


def test_sources_of_fields_labels_and_headers(built):
    assert datalinks.field_sources("qs3") == ["cqc_assessments"]
    assert datalinks.field_sources("Overall %") == ["cqc_assessments"]
    assert datalinks.field_sources("pct_rural") == ["ruc2011_lad"]
    assert datalinks.field_sources("Population (mid-2022)") == ["population_mye22"]
    assert datalinks.field_sources("Authority") == []
    assert datalinks.short_name("imd2025_ltla") == "IMD 2025" and datalinks.short_name("zzz") == "zzz"


def test_csv_text_names_repeated_columns_apart_and_leaves_missing_cells_empty():
    text = datalinks.csv_text(["A", "A", "B"], [[1, None, float("nan")], ["x,y", 2.5, "z"]])
    assert text.splitlines() == ["A,A (2),B", "1,,", '"x,y",2.5,z']


def test_the_exporter_reads_the_mimetype_narrative_table_writes():
    from lahelpers import narrative

    assert datalinks.TABLE_MIMETYPE == narrative.TABLE_MIMETYPE
