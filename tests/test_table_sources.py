"""Tables whose columns do not show what they draw on name their sources themselves.

A peer table lists names and ratings; the context that made the authorities peers (population,
age, deprivation, rurality, ethnicity, density) is not in its columns, so the page could not
work out those sources and named CQC alone. Unit tests on small tables, then the real tables.
"""

from __future__ import annotations

import pandas as pd
import pytest

from lahelpers import framework, load, narrative, peers, profile
from lahelpers.inputs.catalogue import load_catalogue
from lahelpers.publish import datalinks

#: The peer features' sources as variables.csv gives them, written out by hand.
PEER_SOURCES = ["cqc_assessments", "population_mye22", "imd2025_ltla", "ruc2011_lad",
                "census_ethnicity"]


def _variables(**override: str) -> pd.DataFrame:
    rows = {"pop_total": "pop", "pct_65plus": "pop", "imd2025_score": "imd",
            "pct_rural": "ruc", "pct_ethnic_minority": "census", "density": "pop"}
    rows.update(override)
    return pd.DataFrame({"column": list(rows), "source_id": list(rows.values())})


def test_feature_sources_in_feature_order_without_repeats():
    assert peers.feature_sources(_variables()) == ["pop", "imd", "ruc", "census"]
    assert peers.feature_sources(_variables(), features=["pct_rural", ("density", "log")]) == [
        "ruc", "pop"]


@pytest.mark.parametrize("missing", ["", None])
def test_feature_without_a_source_is_an_error_naming_it(missing):
    with pytest.raises(ValueError, match="'imd2025_score' has no source_id in variables.csv"):
        peers.feature_sources(_variables(imd2025_score=missing))
    with pytest.raises(ValueError, match="'pct_rural' has no source_id"):
        peers.feature_sources(_variables().iloc[[0, 1, 2, 4, 5]])


def test_table_names_the_sources_it_carries_unless_told_otherwise():
    df = pd.DataFrame({"Authority": ["A", "B"], "Rating": ["Good", "Inadequate"]})
    assert narrative.table(df).payload["sources"] is None  # the page works them out
    df.attrs["sources"] = ["cqc_assessments", "imd2025_ltla"]
    assert narrative.table(df).payload["sources"] == ["cqc_assessments", "imd2025_ltla"]
    assert narrative.table(df, sources=["x"]).payload["sources"] == ["x"]


def test_one_cqc_source_id():
    assert datalinks.CQC_SOURCE == framework.CQC_SOURCE


def test_real_peer_tables_name_cqc_and_the_context(built):
    df = load.authorities()
    assert profile.peer_table(df, "London").attrs["sources"] == PEER_SOURCES
    code = df.loc[df["name"] == "Kent", "code"].iloc[0]
    from lahelpers import authority

    table = authority.peers_table(code)
    assert table.attrs["sources"] == PEER_SOURCES
    assert narrative.table(table).payload["sources"] == PEER_SOURCES
    # every id is in the data catalogue, so the page can name and link it
    assert set(PEER_SOURCES) <= set(load_catalogue())
