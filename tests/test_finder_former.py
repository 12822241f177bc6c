"""The find box knows the counties split since 2021: "Cumbria" finds Cumberland and Westmorland
and Furness, saying where the county went. Unit tests on a small table written here."""

from __future__ import annotations

import pandas as pd
from bs4 import BeautifulSoup

from lahelpers.publish import finder

TABLE = pd.DataFrame({
    "code": ["E06000063", "E06000064", "E06000061", "E06000062", "E06000014", "E06000065"],
    "name": ["Cumberland", "Westmorland and Furness", "North Northamptonshire",
             "West Northamptonshire", "York", "North Yorkshire"],
    "region": ["North West", "North West", "East Midlands", "East Midlands",
               "Yorkshire and The Humber", "Yorkshire and The Humber"],
    "rating": [None] * 6, "overall_pct": [float("nan")] * 6,
})


def test_former_areas_of_the_split_counties():
    assert finder.former_areas("E06000063") == [("Cumbria", "April 2023")]
    assert finder.former_areas("E06000064") == [("Cumbria", "April 2023")]
    assert finder.former_areas("E06000062") == [("Northamptonshire", "April 2021")]
    assert finder.former_areas("E06000014") == []
    # same-footprint successors keep their county's name: nothing to explain
    assert finder.former_areas("E06000065") == []


def test_rows_match_the_former_county_and_say_where_it_went():
    manifest = {"notebooks": [{"parameters": {"authority": "York"}, "status": "ok",
                               "html": "authority_profile-york.html"}]}
    body, _ = finder.section(manifest, TABLE)
    soup = BeautifulSoup(body, "html.parser")
    cumberland = soup.select_one('tr[data-code="E06000063"]')
    assert "cumbria" in cumberland["data-keys"].split(" | ")
    assert cumberland["data-was"] == "part of Cumbria until April 2023"
    west = soup.select_one('tr[data-code="E06000062"]')
    assert "northamptonshire" in west["data-keys"].split(" | ")
    assert west["data-was"] == "part of Northamptonshire until April 2021"
    york = soup.select_one('tr[data-code="E06000014"]')
    assert york["data-was"] == "" and "cumbria" not in york["data-keys"]
    assert "Cumbria" in soup.select_one("#finder-help").get_text()
