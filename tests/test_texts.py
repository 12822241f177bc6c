"""The text helpers that run only inside notebooks, on small tables where the right sentence is
known by hand."""

from __future__ import annotations

import pandas as pd
import pytest

from lahelpers import framework, narrative, profile


def _authorities(rows: list[tuple[str, str | None, str | None, str]]) -> pd.DataFrame:
    """(rating, overall %, publication date, precision) per authority; None = missing."""
    df = pd.DataFrame(rows, columns=["rating", "overall_pct", "publication_date",
                                     "publication_date_precision"])
    df["overall_pct"] = pd.to_numeric(df["overall_pct"])
    df["publication_date"] = pd.to_datetime(df["publication_date"])
    df["cqc_status"] = ["rated" if pd.notna(r) else "not yet in our data" for r in df["rating"]]
    df["rating"] = df["rating"].astype(framework.RATING_DTYPE)
    return df


def test_band_spread_text_counts_one_authority_as_one() -> None:
    df = _authorities([
        ("Good", 70, "2025-01-01", "day"), ("Good", 80, "2025-02-01", "day"),
        ("Good", 64, "2025-02-01", "month"), ("Inadequate", 30, "2025-03-01", "day"),
    ])  # fmt: skip
    text = narrative.band_spread_text(narrative.band_spread(df)).data
    assert text.startswith("Inadequate: 1 authority from 30% to 30% (median 30%); ")
    assert "Good: 3 authorities from 64% to 80% (median 70%)." in text
    assert "The widest spread is within **Good** (16 points)" in text
    assert "Outstanding" not in text and "Requires improvement" not in text


def test_timeline_busiest_month_and_what_is_approximate() -> None:
    df = _authorities([
        ("Good", 70, "2025-02-03", "day"), ("Good", 80, "2025-02-20", "day"),
        ("Good", 64, "2024-01-01", "year"), ("Good", 66, None, None),
        (None, None, "2026-05-01", "month"),  # not rated: not counted
    ])  # fmt: skip
    text = narrative.timeline(df).data
    assert "run from January 2024 to February 2025" in text
    assert "the busiest month in our data was February 2025 (2 reports)" in text
    assert "1 date is known only to the year" in text
    assert "1 rated authority has no publication date" in text


def test_timeline_without_dates() -> None:
    df = _authorities([("Good", 70, None, None)])
    assert narrative.timeline(df).data == "No publication dates in our data."


def test_peers_text_counts_the_places_filled() -> None:
    """Three authorities, k = 5, one with only 3 peers and one with none: 8 places, not 15."""
    table = pd.DataFrame({
        "Authority": ["A", "B", "C"], "Peers outside the region": [2, 1, 0],
        "Nearest peers (rating)": ["p1; p2; p3; p4; p5", "q1; q2; q3", "none: no IMD 2019"],
    })  # fmt: skip
    table.attrs["peer_places"] = 8
    text = profile.peers_text(table, "North East").data
    assert text.startswith("3 of the 8 peer places go to authorities outside North East (marked *).")


@pytest.mark.realdata
def test_peer_table_records_the_places_it_filled(built) -> None:
    """On the real data: the places filled are the peers listed (k = 3 here, 24 authorities)."""
    from lahelpers import load

    table = profile.peer_table(load.authorities(), "North West", k=3)
    none = table["Nearest peers (rating)"].str.startswith("none:")
    listed = table.loc[~none, "Nearest peers (rating)"].str.count("; ") + 1
    assert table.attrs["peer_places"] == int(listed.sum()) == 3 * int((~none).sum())
    assert len(table) == 24


def test_within_text_none_clear_says_what_absence_means() -> None:
    results = pd.DataFrame({
        "outcome": ["overall_pct"] * 2, "predictor": ["a", "b"], "n": [5, 4],
        "estimate": [0.3, -0.2], "ci_low": [-0.5, -0.9], "ci_high": [0.9, 0.6],
        "p_value": [0.6, 0.7], "method": ["Spearman"] * 2, "sentence": ["s1", "s2"],
    })  # fmt: skip
    text = profile.within_text(results, "North East").data
    assert text.startswith("Within North East, none of these context measures shows a clear")
    assert "With at most 5 authorities, only a strong association could show up here" in text
    assert "s1" not in text and "s2" not in text
