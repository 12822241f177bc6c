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
    for col in (*measures.WORKFORCE, *measures.CARE_MARKET):
        assert col in df.columns, col
    cov = measures.coverage(df, list(measures.CARE_MARKET), load.variables())
    assert (cov["Authorities with a value"] + cov["Missing"] == 153).all()
    assert (cov["Source"] != "").all() and (cov["Vintage"] != "").all()
