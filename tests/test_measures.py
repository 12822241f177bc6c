"""Derived rates, coverage tables and the list of known gaps for the thematic notebooks."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from lahelpers import load, measures


def _frame() -> pd.DataFrame:
    return pd.DataFrame({
        "code": ["A", "B", "C"],
        "rating": pd.Categorical(["Good", None, "Inadequate"]),
        "pop_65plus": [20_000, 0, 50_000],
        "bbc_hours_handed_back_2223": [300.0, 10.0, np.nan],
        "bbc_contracts_handed_back_2223": [4.0, 1.0, 5.0],
        "salt_requests_65": [1_000.0, 20.0, 2_500.0],
    })


def test_with_rates_divides_by_the_65plus_population() -> None:
    out = measures.with_rates(_frame())
    assert out.loc[0, "hours_handed_back_per_1000_65"] == pytest.approx(15.0)
    assert out.loc[2, "contracts_handed_back_per_100k_65"] == pytest.approx(10.0)
    assert out.loc[2, "salt_requests_per_1000_65"] == pytest.approx(50.0)
    # A zero denominator gives a missing rate, never infinity; a missing count stays missing.
    assert out.loc[1, ["hours_handed_back_per_1000_65", "salt_requests_per_1000_65"]].isna().all()
    assert np.isnan(out.loc[2, "hours_handed_back_per_1000_65"])
    assert "hours_handed_back_per_1000_65" not in _frame().columns  # input untouched


def test_with_rates_names_what_is_missing() -> None:
    with pytest.raises(ValueError, match="'bbc_hours_handed_back_2223' and 'pop_65plus'"):
        measures.with_rates(_frame().drop(columns="bbc_hours_handed_back_2223"))


def test_coverage_counts_values_and_rated_values() -> None:
    df = measures.with_rates(_frame())
    variables = pd.DataFrame({"column": ["bbc_hours_handed_back_2223"], "source_id": ["bbc"],
                              "vintage": ["2022-23"]})
    cov = measures.coverage(df, ["hours_handed_back_per_1000_65", "salt_requests_65"], variables)
    first = cov.iloc[0]
    assert first["Measure"] == measures.LABELS["hours_handed_back_per_1000_65"]
    assert (first["Source"], first["Vintage"]) == ("bbc", "2022-23")  # from the count it divides
    assert (first["Authorities with a value"], first["Missing"], first["Rated authorities with a value"]) == (1, 2, 1)
    assert cov.iloc[1]["Rated authorities with a value"] == 2


def test_available_needs_enough_rated_values() -> None:
    df = measures.with_rates(_frame())
    assert measures.available(df, ["salt_requests_65", "hours_handed_back_per_1000_65", "nope"], min_n=2) == [
        "salt_requests_65"]


def test_market_measures_from_variables() -> None:
    variables = pd.DataFrame({"column": ["turnover_rate", "a", "sfc_filled_posts", "b", "pct_rural"],
                              "module": ["workforce", "care_market", "workforce", "workforce", "rurality"]})
    assert measures.market_measures(variables) == ["a", "b", *measures.RATES]
    df = pd.DataFrame({"rating": ["Good"] * 3, "a": [1.0, 2.0, 3.0], "b": [1.0, None, None],
                       **{c: [1.0, 2.0, 3.0] for c in measures.RATES}})
    out = measures.left_out(df, variables, min_n=2)
    assert "only 1 rated authorities have a value (fewer than 2)" in out["Why not tested"].tolist()
    assert len(out) == len(measures.NOT_TESTED) + 1


def test_gaps_name_occupational_therapy_and_vacancies() -> None:
    gaps = measures.gaps_table()
    assert list(gaps.columns) == ["Missing", "What we have instead", "What it would take"]
    text = " ".join(gaps["Missing"])
    assert "Occupational therapy" in text and "Vacancy" in text and "CQC ratings" in text


def test_strongest_by_absolute_estimate() -> None:
    r = pd.DataFrame({"estimate": [0.1, -0.5, np.nan, 0.3], "x": list("abcd")})
    assert measures.strongest(r, 2)["x"].tolist() == ["b", "d"]


@pytest.mark.pipeline
def test_every_listed_measure_is_in_the_real_table(built) -> None:
    df = measures.with_rates(load.authorities())
    variables = load.variables()
    market = measures.market_measures(variables)
    for col in (*measures.WORKFORCE, *market):
        assert col in df.columns, col
    # Every measure of the two modules is either tested, tested on its own, or left out with a reason.
    modules = set(variables.loc[variables["module"].isin(measures.MARKET_MODULES), "column"])
    assert modules <= set(market) | set(measures.WORKFORCE) | set(measures.NOT_TESTED)
    assert set(measures.RATES) <= set(market) and not set(measures.NOT_TESTED) & set(market)
    cov = measures.coverage(df, market, variables)
    assert (cov["Authorities with a value"] + cov["Missing"] == 153).all()
    assert (cov["Source"] != "").all() and (cov["Vintage"] != "").all()
    out = measures.left_out(df, variables)
    thin = [c for c in market if df.loc[df["rating"].notna(), c].notna().sum() < 30]
    assert len(out) == len(measures.NOT_TESTED) + len(thin)
