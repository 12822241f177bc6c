"""The authority profile's helpers (lahelpers.authority), its charts, the index's finder and the
runner's authority plan: small hand-made tables where the right answer is known, then the real
data for the cases issue 15 names."""

from __future__ import annotations

import json
import re
from pathlib import Path

import nbformat
import numpy as np
import pandas as pd
import pytest
from bs4 import BeautifulSoup
from click.testing import CliRunner

from lahelpers import authority, charts, load, peers, wording
from lahelpers.cli import main
from lahelpers.publish import finder, report, run

# A small table standing in for the 153 (names as the processed data spell them).
SMALL = pd.DataFrame({
    "code": ["E10000016", "E09000007", "E06000014", "E06000010", "E06000061", "E06000062",
             "E09000021", "E10000023"],
    "name": ["Kent", "Camden", "York", "Kingston Upon Hull", "North Northamptonshire",
             "West Northamptonshire", "Kingston upon Thames", "North Yorkshire"],
    "region": ["South East", "London", "Yorkshire and The Humber", "Yorkshire and The Humber",
               "East Midlands", "East Midlands", "London", "Yorkshire and The Humber"],
    "rating_label": ["Requires improvement", "Good", "Good", "Requires improvement", None,
                     "Good", "Outstanding", "Inadequate"],
    "overall_pct": [56, 70, 72, 50, np.nan, 66, 90, 30],
})


# ---------------------------------------------------------------------------- names


@pytest.mark.parametrize(("given", "code"), [
    ("Kent", "E10000016"), ("KENT COUNTY COUNCIL", "E10000016"), ("e10000016", "E10000016"),
    ("London Borough of Camden", "E09000007"), ("  camden ", "E09000007"),
    ("City of York Council", "E06000014"), ("Hull", "E06000010"),
    ("Kingston upon Hull, City of", "E06000010"), ("Kingston-upon-Thames", "E09000021"),
    ("north yorkshire", "E10000023"),
])
def test_names_in_common_spellings_and_codes(given: str, code: str) -> None:
    assert authority.match(given, SMALL) == code


def test_ambiguous_name_fails_naming_each_match() -> None:
    with pytest.raises(ValueError, match="ambiguous") as err:
        authority.match("Northamptonshire", SMALL)
    assert "North Northamptonshire and West Northamptonshire" in str(err.value)
    with pytest.raises(ValueError, match="Kingston Upon Hull and Kingston upon Thames"):
        authority.match("Kingston", SMALL)


def test_unknown_name_fails_with_the_closest_names() -> None:
    with pytest.raises(ValueError, match=r"Unknown authority 'Camdne' \(did you mean 'Camden'\?\)"):
        authority.match("Camdne", SMALL)
    with pytest.raises(ValueError, match="Unknown authority 'Narnia'") as err:
        authority.match("Narnia", SMALL)
    assert "did you mean" not in str(err.value)


def test_page_names_match_the_runners_job_names() -> None:
    for name in SMALL["name"]:
        assert authority.page_file(name) == f"authority_profile-{run.slug(name)}.html"
    assert authority.page_file("Kingston Upon Hull") == "authority_profile-kingston-upon-hull.html"
    assert authority.region_page_file("Yorkshire and The Humber") == (
        "region_profile-yorkshire-and-the-humber.html")


def test_profile_link_escapes_the_name_and_shows_as_a_link_in_tables() -> None:
    link = authority.profile_link('<b onmouseover="x">Kent</b>')
    assert str(link).startswith('<a href="authority_profile-b-onmouseover-x-kent-b.html">')
    assert "&lt;b onmouseover=&quot;x&quot;&gt;Kent&lt;/b&gt;" in str(link)
    from lahelpers import narrative

    page = narrative.table(pd.DataFrame({"Authority": [link, authority.profile_link("York")]})).data
    soup = BeautifulSoup(page, "html.parser")
    assert [a["href"] for a in soup.find_all("a")] == [link.href, "authority_profile-york.html"]
    assert soup.find("b") is None


# ---------------------------------------------------------------------------- words


@pytest.mark.parametrize(("value", "ref", "text"), [
    (3, 2.64, "above the England mean of 2.6"), (2, 2.64, "below the England mean of 2.6"),
    (2.6, 2.64, "the same as the England mean of 2.6"),
    (3, float("nan"), "(the England mean is not known)"),
])
def test_one_authority_against_a_mean_is_described(value, ref, text) -> None:
    assert wording.against(value, ref, "the England mean") == text
    assert "significant" not in text and "clear" not in text


def test_band_position_counts_points_to_each_edge() -> None:
    assert wording.band_position(70, "Good", 63, 87, "Outstanding") == (
        "in the Good band (63-87%), 7 points above the band's lowest score and 18 points short of "
        "Outstanding (88%)")
    assert wording.band_position(39, "Requires improvement", 39, 62, "Good").startswith(
        "in the Requires improvement band (39-62%), at the band's lowest score and 24 points short")
    assert wording.band_position(100, "Outstanding", 88, 100, None).endswith("at the top of the scale")
    assert wording.band_position(88, "Outstanding", 88, 100, None).endswith(
        "12 points below the top of the scale (100%)")


def test_ranks_and_ordinals() -> None:
    assert [wording.ordinal(n) for n in (1, 2, 3, 4, 11, 12, 13, 21, 102, 111)] == [
        "1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "102nd", "111th"]
    assert wording.rank_among(1, 6, "overall %") == "the highest overall % of the 6"
    assert wording.rank_among(6, 6, "overall %") == "the lowest overall % of the 6"
    assert wording.rank_among(2, 6, "overall %") == "the 2nd highest overall % of the 6"


# ---------------------------------------------------------------------------- charts


def _context_rows() -> pd.DataFrame:
    return pd.DataFrame({
        "label": ["A", "B"], "log": [False, True], "value": [30.0, 100.0], "rank": [1, 2], "n": [3, 3],
        "min": [10.0, 10.0], "q1": [15.0, 20.0], "median": [20.0, 100.0], "q3": [25.0, 500.0],
        "max": [30.0, 1000.0], "peer_min": [12.0, np.nan], "peer_max": [28.0, np.nan],
        "peer_n": [2, 0], "unit": ["%", "people"],
    })


def test_spine_positions_centre_the_median_and_scale_by_the_furthest_end() -> None:
    pos = charts.spine.spine_positions(_context_rows())
    a, b = pos.iloc[0], pos.iloc[1]
    assert a["x_median"] == 0 and a["x_max"] == 1 and a["x_min"] == -1 and a["x_value"] == 1
    assert a["x_q1"] == pytest.approx(-0.5) and a["x_peer_min"] == pytest.approx(-0.8)
    # on logs: 10 and 1000 are equally far from 100, so they sit at -1 and +1
    assert b["x_min"] == pytest.approx(-1) and b["x_max"] == pytest.approx(1) and b["x_value"] == 0
    assert np.isnan(b["x_peer_min"])


def test_spine_chart_has_a_title_and_a_description_from_the_data() -> None:
    chart = charts.spine_chart(_context_rows(), "Testshire")
    spec = chart.to_dict()
    assert "Testshire" in " ".join(spec["title"]["text"])
    assert "A 30.0 (rank 1 of 3)" in spec["description"] and "highest in England on a" in spec["description"]


def test_score_chart_marks_each_group_by_colour_and_shape() -> None:
    sc = pd.DataFrame({"label": ["QS1 x", "QS2 y"], "kind": ["Statement"] * 2, "score": [3.0, np.nan],
                       "england": [2.5, 2.6], "region": [2.4, 2.7], "peers": [np.nan, 2.0]})
    spec = charts.score_profile(sc, "Testshire", "London").to_dict()
    assert "1 of 9 statement scores known" in " ".join(spec["title"]["subtitle"])
    points = spec["layer"][0]["encoding"]
    assert points["shape"]["scale"]["range"][0] == "square"
    assert len(set(points["color"]["scale"]["range"])) == 4
    assert "QS1 x 3" in spec["description"]


# ---------------------------------------------------------------------------- the finder


def _manifest(names: list[str], status: str = "ok") -> dict:
    return {"run_id": "r", "notebooks": [
        {"name": f"authority_profile-{run.slug(n)}", "parameters": {"authority": n}, "status": status,
         "html": authority.page_file(n)} for n in names] + [
        {"name": "01_national_overview", "parameters": {}, "status": "ok", "html": "01.html"}]}


def test_finder_lists_every_authority_and_links_only_the_pages_of_this_run() -> None:
    body, scripts = finder.section(_manifest(["York", "Kent"]), SMALL)
    soup = BeautifulSoup(body, "html.parser")
    rows = soup.select("#authority-table tbody tr")
    assert len(rows) == len(SMALL)
    assert {a.get_text(): a["href"] for a in soup.select("tbody a")} == {
        "York": "authority_profile-york.html", "Kent": "authority_profile-kent.html"}
    hull = soup.select_one('tr[data-code="E06000010"]')
    assert "hull" in hull["data-keys"].split(" | ") and "e06000010" in hull["data-keys"]
    assert hull["data-href"] == ""  # no page in this run
    assert soup.select_one('tr[data-code="E06000061"]')["data-rating"] == "Not yet in our data"
    assert soup.select_one("label[for=finder-q]") and soup.select_one("#finder-status[aria-live=polite]")
    assert scripts == [finder.SCRIPT] and soup.find("script").string == finder.SCRIPT


def test_finder_is_absent_without_profiles_and_ignores_failed_ones() -> None:
    assert finder.section(_manifest([]), SMALL) == ("", [])
    assert finder.section(_manifest(["York"], status="failed"), SMALL) == ("", [])


def test_finder_escapes_names_and_index_policy_allows_only_its_script() -> None:
    evil = SMALL.copy()
    evil.loc[0, "name"] = '<img src=x onerror=alert(1)>"'
    body, _ = finder.section(_manifest([evil.loc[0, "name"]]), evil)
    soup = BeautifulSoup(body, "html.parser")
    assert soup.find("img") is None and len(soup.find_all("script")) == 1
    manifest = {**_manifest(["York"]), "status": "ok", "code": {}, "data": {}, "assets": {}}
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(load, "authorities", lambda: SMALL.copy())
        page = report.index_html(manifest)
    csp = BeautifulSoup(page, "html.parser").find("meta", attrs={"http-equiv": "Content-Security-Policy"})
    assert report.script_hash(finder.SCRIPT) in csp["content"] and "unsafe-inline" not in csp["content"].split(
        "script-src")[1].split(";")[0]


# ---------------------------------------------------------------------------- peers' method in words


def test_peer_method_is_stated_from_the_space_itself() -> None:
    df = pd.DataFrame({"code": list("abcdef"), "x": [1.0, 2, 3, 4, 5, np.nan], "y": [1.0, 5, 2, 4, 3, 2]})
    space = peers.PeerSpace(df, features=["x", ("y", "log")])
    text = peers.method_text(space, 3)
    assert "the 3 nearest of the 5 authorities with every measure, on 2 measures" in text
    assert "x and y (log)" in text and "1 authority lacks a measure" in text
    assert "each counting equally" in text


# ---------------------------------------------------------------------------- the runner's plan


def _tiny(path: Path, code: str) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("authority = 'Kent'", metadata={"tags": ["parameters"]}),
                nbformat.v4.new_markdown_cell("# Tiny"), nbformat.v4.new_code_cell(code)]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, path)
    return path


def test_plan_has_one_job_per_authority(tmp_path: Path) -> None:
    _tiny(tmp_path / "authority_profile.ipynb", "print(authority)")
    jobs = run.plan_jobs(["authority_profile.ipynb"], ("London",), tmp_path, ("Kent", "Kingston Upon Hull"))
    assert [(j.name, j.parameters, j.label) for j in jobs] == [
        ("authority_profile-kent", {"authority": "Kent"}, "Kent"),
        ("authority_profile-kingston-upon-hull", {"authority": "Kingston Upon Hull"}, "Kingston Upon Hull"),
    ]
    assert run.plan_jobs(["authority_profile.ipynb"], ("London",), tmp_path) == []


def test_cli_selection_rules() -> None:
    from lahelpers.cli import _selection

    assert _selection((), (), ()) == {"regions": None, "notebooks": None, "authorities": None}
    assert _selection(("London",), (), ()) == {"regions": ["London"], "notebooks": None, "authorities": None}
    assert _selection((), ("Kent",), ()) == {
        "regions": None, "notebooks": [run.AUTHORITY_NOTEBOOK], "authorities": ["Kent"]}
    assert _selection(("London",), ("Kent",), ())["notebooks"] is None


@pytest.mark.realdata
def test_run_list_authorities_and_unknown_names(built: Path) -> None:
    out = CliRunner().invoke(main, ["run", "--list", "--authority", "hull", "--authority", "E06000014",
                                    "--authority", "York"])
    assert out.exit_code == 0, out.output
    assert out.output.splitlines() == [
        "authority_profile-kingston-upon-hull\tauthority_profile.ipynb\tauthority='Kingston Upon Hull'",
        "authority_profile-york\tauthority_profile.ipynb\tauthority='York'",
        "2 reports"]
    bad = CliRunner().invoke(main, ["run", "--list", "--authority", "Camdne", "--authority", "Northamptonshire"])
    assert bad.exit_code != 0
    assert "did you mean 'Camden'" in bad.output
    assert "North Northamptonshire and West Northamptonshire" in bad.output
    full = CliRunner().invoke(main, ["run", "--list"])
    assert full.output.splitlines()[-1] == "166 reports"
    # a run narrowed to regions has no profiles unless they are named (the API as the CLI)
    assert [j.name for j in run.run_plan(["London"])][-1] == "region_profile-london"
    assert len(run.run_plan(["London"], authorities=["Kent"])) == 4 + 1 + 1


@pytest.mark.realdata
def test_a_failed_profile_does_not_poison_the_kernel_for_the_next(built: Path, tmp_path: Path) -> None:
    """One worker, three profiles; the second breaks a module in its kernel and fails. The third
    runs in a fresh kernel (restart on error), so it succeeds."""
    _tiny(tmp_path / "authority_profile.ipynb",
          "import os\nfrom lahelpers import wording\nprint('PID', os.getpid())\n"
          "if authority == 'York':\n    wording.number = None\n    raise RuntimeError('broken on purpose')\n"
          "print(wording.number(1.5, 1))")
    res = run.run_reports(notebooks=["authority_profile.ipynb"], authorities=["Kent", "York", "Hull"],
                          notebooks_dir=tmp_path, reports_root=tmp_path / "reports", workers=1,
                          progress=False)
    status = {r.name: r.status for r in res.results}
    assert status == {"authority_profile-kent": "ok", "authority_profile-york": "failed",
                      "authority_profile-kingston-upon-hull": "ok"}

    def pid(name: str) -> str:
        nb = nbformat.read(res.folder / "executed" / f"{name}.ipynb", 4)
        text = "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.outputs)
        return re.search(r"PID (\d+)", text).group(1)

    assert pid("authority_profile-kent") == pid("authority_profile-york")  # warm: one kernel
    assert pid("authority_profile-kingston-upon-hull") != pid("authority_profile-york")  # restarted


# ---------------------------------------------------------------------------- the real data


CASES = {"county": "Kent", "London borough": "Camden", "not yet rated": "Rutland",
         "missing IMD 2019": "Cumberland", "smallest": "Isles of Scilly"}


@pytest.mark.realdata
@pytest.mark.parametrize("name", CASES.values())
def test_profile_helpers_on_the_real_data(built: Path, name: str) -> None:
    code = authority.check_authority(name)
    r = authority.row(code)
    sc = authority.scores(code)
    df = load.authorities()
    assert len(sc) == 13
    assert list(sc["england_n"]) == [int(df[c].notna().sum()) for c in authority.SCORE_COLUMNS]
    assert sc.loc[sc["column"] == "qs1", "england"].iloc[0] == pytest.approx(df["qs1"].mean())
    region_rows = df[df["region"] == r["region"]]
    assert sc.loc[sc["column"] == "qs7", "region"].iloc[0] == pytest.approx(region_rows["qs7"].mean())
    ctx = authority.context(code)
    assert len(ctx) == len(authority.CONTEXT_MEASURES)
    pop = ctx.set_index("column").loc["pop_total"]
    assert pop["rank"] == int((df["pop_total"] > r["pop_total"]).sum()) + 1 and pop["n"] == 153
    points = authority.key_points(code)
    assert len(points) == 4 and points[-1].startswith("How sure:")
    words = " ".join([*points, authority.rating_summary(code).data, authority.scores_text(code).data,
                      authority.peers_text(code).data, authority.context_text(code).data,
                      authority.missing_text(code).data])
    assert "significant" not in words.lower() and "clearly" not in words
    for chart in (authority.scores_chart(code), authority.context_chart(code), authority.region_map(code)):
        spec = chart.to_dict()
        assert spec["title"]["text"] and spec["description"]
    json.dumps(charts.mimebundle(authority.region_map(code))[charts.VEGALITE_MIMETYPE])


@pytest.mark.realdata
def test_the_named_cases_say_what_is_special_about_them(built: Path) -> None:
    rutland = authority.check_authority("Rutland")
    assert not authority.is_rated(rutland)
    assert "has no CQC rating in our data yet" in authority.rating_summary(rutland).data
    assert "its CQC rating and scores" in authority.missing_text(rutland).data
    cumberland = authority.missing_text(authority.check_authority("Cumberland")).data
    assert "IMD 2019" in cumberland and "split in April 2023" in cumberland
    scilly = authority.check_authority("Isles of Scilly")
    ctx = authority.context(scilly).set_index("column")
    assert ctx.loc["pop_total", "rank"] == 153  # the smallest
    kent = authority.check_authority("Kent")
    assert authority.context(kent).set_index("column").loc["pop_total", "rank"] == 1
    assert "CQC rating: Requires improvement" in authority.rating_summary(kent).data
    camden = authority.check_authority("Camden")
    assert authority.row(camden)["region"] == "London"
    assert "(region_profile-london.html)" in authority.intro(camden).data


@pytest.mark.realdata
def test_shared_tables_are_kept_per_build_stamp(built: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = authority.shared()
    assert authority.shared() is first
    monkeypatch.setattr(authority, "build_stamp", lambda: "another build")
    second = authority.shared()
    assert second is not first and second.stamp == "another build"
    assert authority.shared() is second


def test_finder_without_processed_data_lists_the_runs_profiles(tmp_path: Path, monkeypatch) -> None:
    """An index rewritten where data/processed is absent: no build, the profiles still listed."""
    monkeypatch.setenv("LAHELPERS_PROCESSED", str(tmp_path / "none"))
    body, _ = finder.section(_manifest(["York", "Kent"]))
    soup = BeautifulSoup(body, "html.parser")
    assert [a.get_text() for a in soup.select("tbody a")] == ["Kent", "York"]
    assert not (tmp_path / "none").exists()
