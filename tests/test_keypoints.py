"""Key points (issue 14, "the answer comes last"): every page opens with 3-5 computed key points,
their words decided by the one verdict rule and their numbers those of the evidence below.

The real-data tests run the five notebooks through the runner (one region) and read the pages:
the block comes first after the title, every number in it is shown again in the page's evidence,
and the main numbers are re-derived here from data/processed with pandas and scipy (not through
the key points). The unit tests flip a result from clear to unclear on a small frame and check
that the words change with it.
"""

from __future__ import annotations

import re
from pathlib import Path
from unittest import mock

import nbformat
import numpy as np
import pandas as pd
import pytest
from bs4 import BeautifulSoup
from scipy import stats as sps

from lahelpers import framework, keypoints, paths, profile, stats, wording
from lahelpers.publish import run

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
PAGES = ["01_national_overview", "02_rural_urban", "03_inequality", "04_workforce",
         "region_profile-north-east", "region_profile-yorkshire-and-the-humber"]

# --------------------------------------------------------------------------------------------
# The block itself
# --------------------------------------------------------------------------------------------


def test_html_block_is_the_contract_and_escapes_every_point() -> None:
    out = keypoints.html(["a <b>bold</b> claim", "Hull & \"East\"", "it's 3"])
    assert out == ('<section class="key-points" aria-labelledby="key-points"><h2 id="key-points">'
                   "Key points</h2><ul><li>a &lt;b&gt;bold&lt;/b&gt; claim</li><li>Hull &amp; "
                   "&quot;East&quot;</li><li>it&#x27;s 3</li></ul></section>")


@pytest.mark.parametrize("points", [[], ["one", "two"], ["x"] * 6, ["one", "", "three"]])
def test_a_page_has_three_to_five_points(points: list[str]) -> None:
    with pytest.raises(ValueError, match="3 to 5"):
        keypoints.html(points)


def test_show_displays_exactly_one_html_output() -> None:
    with mock.patch.object(keypoints, "display") as display:
        assert keypoints.show(["one", "two", "three"]) is None
    assert display.call_count == 1
    (shown,), _ = display.call_args
    assert shown.data == keypoints.html(["one", "two", "three"])


# --------------------------------------------------------------------------------------------
# The words follow the one rule: flip a result and the words change
# --------------------------------------------------------------------------------------------


def _frame(strength: float, n: int = 60, seed: int = 5) -> pd.DataFrame:
    """Authorities whose overall % rises with turnover by ``strength`` (0: no relation)."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(20, 40, n)
    return pd.DataFrame({"turnover_rate": x, "overall_pct": 60 + strength * (x - 30) + rng.normal(0, 5, n)})


def _page(df: pd.DataFrame) -> pd.DataFrame:
    """One correlation in a family with one other test, as a page would adjust it."""
    corr = stats.correlations(df, ["turnover_rate"], ["overall_pct"], n_boot=500)
    other = stats.correlations(df.assign(noise=np.arange(len(df)) % 7), ["noise"], ["overall_pct"], n_boot=500)
    return stats.family({"the test": corr, "another": other}).iloc[[0]]


def test_clearly_only_while_the_result_is_clear(built) -> None:
    strong, flat = _page(_frame(1.5)), _page(_frame(0.0))
    assert wording.verdict(wording.Result.from_row(strong.iloc[0])) == wording.CLEAR
    assert wording.verdict(wording.Result.from_row(flat.iloc[0])) == wording.NONE
    said = wording.family_summary(strong, "turnover with the overall score", "Spearman's rho",
                                  answer=("Yes", "No"))
    unsaid = wording.family_summary(flat, "turnover with the overall score", "Spearman's rho",
                                    answer=("Yes", "No"))
    rho = wording.number(strong["estimate"].iloc[0])
    assert said.startswith("Yes: of 1 test of") and "clearly went with higher overall score" in said
    assert f"Spearman's rho {rho}, 95% CI" in said and "Holm-adjusted p" in said
    assert unsaid.startswith("No: the one test of") and " is not clear " in unsaid and "clearly" not in unsaid
    assert wording.headline(strong, "Turnover and the overall score").startswith("Higher care workforce")
    assert wording.headline(flat, "Turnover and the overall score") == "Turnover and the overall score: no clear link"


def test_a_lead_is_not_a_message() -> None:
    """Clear on its own test but not after the page's adjustment: no 'clearly', neutral title."""
    strong = _page(_frame(0.45, seed=11))
    row = strong.iloc[0].copy()
    row["p_value"], row["p_holm"], row["family_n"] = 0.03, 0.4, 20
    row["ci_low"], row["ci_high"] = 0.02, 0.5
    assert wording.verdict(wording.Result.from_row(row)) == wording.SUGGESTIVE
    lead = pd.DataFrame([row])
    text = wording.family_summary(lead, "turnover with the overall score", "Spearman's rho")
    assert "clearly" not in text and "1 of them looked real on a single test only" in text
    assert wording.headline(lead, "Turnover and the overall score") == "Turnover and the overall score"


def _region_frame(gap: float) -> pd.DataFrame:
    """12 authorities in "North East" scoring ``gap`` above 80 others on QS1 (QS2 the same)."""
    rng = np.random.default_rng(7)
    n_ne, n_rest = 12, 80
    df = pd.DataFrame({"region": ["North East"] * n_ne + ["Elsewhere"] * n_rest})
    base = rng.choice([1.0, 2.0, 3.0], p=[0.2, 0.5, 0.3], size=n_ne + n_rest)
    df["qs1"] = np.clip(base + np.where(df["region"] == "North East", gap, 0.0), 1, 4)
    df["qs2"] = rng.choice([1.0, 2.0, 3.0], size=n_ne + n_rest)
    df["cqc_status"] = "rated"
    df["rating"] = pd.Categorical(["Good"] * (n_ne + n_rest), categories=framework.RATINGS, ordered=True)
    for col in profile.WITHIN:
        df[col] = rng.uniform(0, 40, n_ne + n_rest)
    df["overall_pct"] = rng.uniform(40, 80, n_ne + n_rest)
    return df


@pytest.mark.parametrize("gap", [2.0, 0.0])
def test_a_region_is_called_different_only_when_its_permutation_test_survives_holm(gap: float) -> None:
    df = _region_frame(gap)
    comparison = profile.compare_with_rest(df, "North East", ["qs1", "qs2"])
    page = profile.page_family(comparison, profile.within_region(df, "North East", n_boot=200))
    comparison, within = stats.parts(page)
    qs1 = wording.Result.from_row(comparison.iloc[0])
    points = keypoints.region(df, "North East", comparison, within)
    assert 3 <= len(points) <= 5
    if gap:
        assert wording.verdict(qs1) == wording.CLEAR and qs1.p_adj < 0.05
        assert points[1].startswith("Against the rest of England, 1 of the 2 statements")
        assert "North East clearly scored higher on QS1 Assessing needs than the rest of England" in points[1]
        assert wording.headline(comparison, "North East against the rest of England") == (
            "North East scored higher on QS1 than the rest of England")
    else:
        assert wording.verdict(qs1) != wording.CLEAR
        assert "clearly scored" not in points[1] and "described rather than claimed" in points[1]
        assert points[1].startswith("On none of the 2 statements and themes tested does North East differ clearly")


# --------------------------------------------------------------------------------------------
# The notebooks: key points right after the title, headings in order
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", sorted(NOTEBOOKS.glob("*.ipynb")), ids=lambda p: p.stem)
def test_key_points_cell_follows_the_title(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    kp = [i for i, c in enumerate(nb.cells) if "keypoints.show(" in c.source]
    assert len(kp) == 1, path.name
    before = nb.cells[:kp[0]]
    texts = [c for c in before if c.cell_type == "markdown"]
    assert [c.source.startswith("# ") for c in texts] in ([True], []), f"{path.name}: text before the key points"
    assert all("show(" not in c.source and "narrative." not in c.source for c in before if c.cell_type == "code")


@pytest.mark.parametrize("path", sorted(NOTEBOOKS.glob("*.ipynb")), ids=lambda p: p.stem)
def test_markdown_headings_in_order(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    levels = [len(m.group(1)) for c in nb.cells if c.cell_type == "markdown"
              for m in re.finditer(r"^(#{1,6}) ", c.source, flags=re.M)]
    if path.stem in ("region_profile", "authority_profile"):
        levels = [1, *levels]  # its h1 comes from profile.title (code)
    assert levels[0] == 1 and levels.count(1) == 1, levels
    assert all(b <= a + 1 for a, b in zip(levels, levels[1:], strict=False)), levels


# --------------------------------------------------------------------------------------------
# The rendered pages (real data)
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def kp_run(built: Path, tmp_path_factory: pytest.TempPathFactory) -> run.RunResult:
    """The five kinds of page, run by the runner on the real data (two regions: one with no clear
    difference from the rest of England, one with some)."""
    result = run.run_reports(regions=["North East", "Yorkshire and The Humber"],
                             reports_root=tmp_path_factory.mktemp("kp"), progress=False,
                             update_latest_pointer=False)
    assert not result.failed, {r.name: r.error for r in result.failed}
    return result


@pytest.fixture(scope="module")
def pages(kp_run: run.RunResult) -> dict[str, BeautifulSoup]:
    return {p: BeautifulSoup((kp_run.folder / f"{p}.html").read_text(), "html.parser") for p in PAGES}


def _chart_titles(kp_run: run.RunResult, name: str) -> list[str]:
    """The titles of the charts an executed notebook drew (from its outputs, not the page)."""
    from lahelpers.publish import report

    job = next(r for r in kp_run.results if r.name == name)
    nb = nbformat.read(kp_run.folder / job.executed, as_version=4)
    titles = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            spec = report.chart_spec(out)
            t = (spec or {}).get("title")
            t = t.get("text") if isinstance(t, dict) else t
            if t:
                titles.append(" ".join(t) if isinstance(t, list) else str(t))
    return titles


def _points(soup: BeautifulSoup) -> list[str]:
    section = soup.select("section.key-points")
    assert len(section) == 1
    return [li.get_text(" ", strip=True) for li in section[0].find_all("li")]


_NUMBER = re.compile(r"(?<![\w.])[-+]?\d[\d,]*(?:\.\d+)?(?![\w])")


def _numbers(text: str) -> set[str]:
    return {m.lstrip("+").replace(",", "") for m in _NUMBER.findall(text)}


@pytest.mark.parametrize("page", PAGES)
def test_key_points_are_the_first_content_after_the_title(pages, page: str) -> None:
    soup = pages[page]
    h1 = soup.find("h1")
    first = next(el for el in h1.find_all_next(["p", "ul", "ol", "table", "section", "figure", "h2", "h3"])
                 if not el.find_parent("nav"))
    assert first.name == "section" and "key-points" in first.get("class", []), first
    assert first.get("aria-labelledby") == "key-points" and first.find("h2", id="key-points")
    assert 3 <= len(_points(soup)) <= 5


@pytest.mark.parametrize("page", PAGES)
def test_every_number_in_the_key_points_is_shown_below(pages, page: str) -> None:
    """A key point says nothing the evidence on its page does not show (sums of counts on the
    national page are re-derived in test_national_numbers instead)."""
    soup = pages[page]
    points = _points(soup)
    section = soup.select_one("section.key-points")
    rest = BeautifulSoup(str(soup), "html.parser")
    rest.select_one("section.key-points").decompose()
    for s in rest(["style"]):
        s.decompose()
    shown = _numbers(rest.get_text(" ")) | {n for el in rest.find_all(attrs={"aria-label": True})
                                            for n in _numbers(el["aria-label"])}
    sums = {"01_national_overview": 4}.get(page, 0)  # Good or Outstanding, and the rest: n and %
    missing = [n for p in points for n in _numbers(p) if n not in shown and n.rstrip("%") not in shown]
    assert len(missing) <= sums, (missing, section.get_text(" "))


def _family_n(soup: BeautifulSoup) -> int:
    note = next(p for p in soup.find_all("p") if "allows for the" in p.get_text())
    return int(re.search(r"allows for the (\d+) tests", note.get_text()).group(1))


@pytest.mark.parametrize("page", PAGES)
def test_clearly_only_with_its_adjusted_result(pages, page: str) -> None:
    soup = pages[page]
    fam = _family_n(soup)
    for point in _points(soup):
        if "tests on this page" in point:
            assert all(int(k) == fam for k in re.findall(r"the (\d+) tests on this page", point)), point
        for inside in re.split(r"\bclearly (?=went with|scored|differed)", point)[1:]:
            ci = re.search(r"(-?[\d.]+), 95% CI (-?[\d.+]+) to (-?[\d.+]+)", inside)
            p = re.search(r"Holm-adjusted p ([<=]) ([\d.]+)", inside)
            assert ci and p, inside
            est, lo, hi = (float(v) for v in ci.groups())
            null = 1.0 if "odds ratio" in inside else 0.0
            assert lo > null or hi < null, inside
            assert float(p.group(2)) < 0.05, inside
        assert "clearly" not in point or "Holm" in point, point


# --------------------------------------------------------------------------------------------
# The numbers, re-derived from data/processed without the key points
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def raw(built: Path) -> pd.DataFrame:
    """data/processed read directly: the CQC table joined to the context table by code."""
    cqc = pd.read_parquet(paths.processed_dir() / "authorities.parquet")
    return cqc.merge(pd.read_parquet(paths.processed_dir() / "context.parquet"), on="code", how="left")


def _rho(df: pd.DataFrame, x: str, y: str) -> tuple[float, int]:
    def num(col: str) -> pd.Series:
        s = df[col]
        if col == "rating":
            return s.astype(str).map({r: i for i, r in enumerate(framework.RATINGS)}).astype(float)
        return pd.to_numeric(s, errors="coerce")
    d = pd.concat([num(x), num(y)], axis=1).dropna()
    return float(sps.spearmanr(d.iloc[:, 0], d.iloc[:, 1]).statistic), len(d)


def _range_text(values: list[float], ns: list[int]) -> str:
    lo, hi = min(values), max(values)
    return f"Spearman's rho from {wording.number(lo)} to {wording.number(hi)}"


def test_national_numbers(pages, raw: pd.DataFrame) -> None:
    points = _points(pages["01_national_overview"])
    rated = raw[raw["cqc_status"] == "rated"]
    n, k = len(raw), len(rated)
    assert points[0].startswith(f"{k} of England's {n} upper-tier authorities ({100 * k / n:.0f}%)")
    counts = rated["rating"].astype(str).value_counts()
    good = counts["Good"] + counts.get("Outstanding", 0)
    assert f"Of the {k} rated, {good} ({100 * good / k:.0f}%) were rated Good or Outstanding" in points[1]
    assert f"{counts['Requires improvement']} Requires improvement, {counts['Inadequate']} Inadequate" in points[1]
    means = {q: raw[q].dropna() for q in framework.QS_COLUMNS}
    weakest = min(means, key=lambda q: means[q].mean())
    v = means[weakest]
    lo, hi = sps.t.interval(0.95, len(v) - 1, loc=v.mean(), scale=sps.sem(v))
    assert (f"weakest quality statement nationally is {framework.variable_label(weakest)} "
            f"(mean {v.mean():.2f}, 95% CI {lo:.2f} to {hi:.2f}, on CQC's 1 to 4 scale; {len(v)} authorities") in points[2]
    # Both ends of the ranking carry their paired-test verdict, not only the weakest.
    assert re.search(r"the weakest is (clearly lower than \d+ of|not clearly lower than any of) the other \d+, "
                     r"and the strongest (clearly higher than \d+|not clearly higher than any)\.", points[2]), points[2]
    full = int(raw[list(framework.QS_COLUMNS)].notna().all(axis=1).sum())
    scan = int(rated["rating_source"].fillna("").str.lower().str.contains("scrape").sum())
    assert f"{scan} of the {k} ratings rest only on" in points[3] and f"known for only {full} authorities" in points[3]


def test_rural_numbers(pages, raw: pd.DataFrame) -> None:
    points = _points(pages["02_rural_urban"])
    outs = ["rating", "overall_pct", "qs1", "qs2", "qs4"]
    rhos = [_rho(raw, "pct_rural", y) for y in outs]
    assert _range_text([r for r, _ in rhos], [k for _, k in rhos]) in points[0]
    assert f"each on {min(k for _, k in rhos)} to {max(k for _, k in rhos)} of the {len(raw)} authorities" in points[0]
    rho, k = _rho(raw, "pct_rural", "turnover_rate")
    assert f"(Spearman's rho {wording.number(rho)}, 95% CI" in points[3] and f"; {k} authorities)" in points[3]


def test_inequality_numbers(pages, raw: pd.DataFrame) -> None:
    points = _points(pages["03_inequality"])
    context = ["imd2019_score", "imd2025_score", "pct_ethnic_minority", "pct_unpaid_care",
               "pct_unpaid_care_20h", "pct_disabled"]
    rhos = [_rho(raw, x, "qs3") for x in context]
    assert _range_text([r for r, _ in rhos], []) in points[0]
    preds = ["imd2025_score", "pct_ethnic_minority", "pct_unpaid_care", "pct_disabled"]
    d = raw[["overall_pct", *preds]].dropna()
    x = np.column_stack([np.ones(len(d)), d[preds].to_numpy(float)])
    beta, *_ = np.linalg.lstsq(x, d["overall_pct"].to_numpy(float), rcond=None)
    resid = d["overall_pct"] - x @ beta
    r2 = 1 - (resid ** 2).sum() / ((d["overall_pct"] - d["overall_pct"].mean()) ** 2).sum()
    assert f"account for {100 * r2:.0f}% of the variation" in points[3]
    assert f"across the {len(d)} authorities with every value ({len(raw) - len(d)} left out" in points[3]


def test_workforce_numbers(pages, raw: pd.DataFrame) -> None:
    points = _points(pages["04_workforce"])
    rhos = [_rho(raw, x, y) for y in ["qs8", "qs4", "overall_pct", "rating"]
            for x in ["turnover_rate", "sfc_vacancy_rate"]]
    assert _range_text([r for r, _ in rhos], []) in points[0]
    for x, y in [("pct_rural", "turnover_rate"), ("imd2025_score", "turnover_rate")]:
        rho, k = _rho(raw, x, y)
        assert f"(Spearman's rho {wording.number(rho)}, 95% CI" in points[2] and f"; {k} authorities)" in points[2]


def test_region_numbers(pages, raw: pd.DataFrame) -> None:
    points = _points(pages["region_profile-north-east"])
    here = raw[raw["region"] == "North East"]
    rated = here[here["cqc_status"] == "rated"]
    assert points[0].startswith(f"North East has {len(here)} of England's {len(raw)} upper-tier authorities; "
                                f"{len(rated)} have a CQC rating")
    cols = [*framework.QS_COLUMNS, *framework.THEMES]
    rest = raw[raw["region"] != "North East"]
    gaps = {c: here[c].mean() - rest[c].mean() for c in cols}
    big = max(gaps, key=lambda c: abs(gaps[c]))
    if "described rather than claimed" in points[1]:
        assert (f"mean {here[big].mean():.2f} in North East ({here[big].notna().sum()} authorities scored) "
                f"against {rest[big].mean():.2f} in the rest of England (difference "
                f"{wording.number(gaps[big], sign=True)}, 95% CI") in points[1]
    assert f"at most {max(here[c].notna().sum() for c in cols)} authorities with scores" in points[3]


# --------------------------------------------------------------------------------------------
# Chart titles: a message only from a computed result
# --------------------------------------------------------------------------------------------


def test_ranking_headline_follows_the_paired_tests() -> None:
    rng = np.random.default_rng(2)
    base = rng.choice([2.0, 3.0], size=60)
    df = pd.DataFrame({"qs1": np.clip(base - 1, 1, 4), "qs2": base, "qs3": np.clip(base + rng.choice([0.0, 1.0], size=60), 1, 4)})
    means = stats.mean_ci(df, ["qs1", "qs2", "qs3"])
    pairs = stats.family({"pairs": stats.paired_differences(df, ["qs1", "qs2", "qs3"], n_boot=500)})
    assert wording.ranking_headline(means, pairs, "Mean scores") == (
        "QS1 lowest, below 2 of the other 2; QS3 highest, above 2 of the other 2")
    same = df.assign(qs1=df["qs2"], qs3=df["qs2"])  # nothing differs: no message
    flat_pairs = stats.family({"pairs": stats.paired_differences(same, ["qs1", "qs2", "qs3"], n_boot=500)})
    assert wording.ranking_headline(stats.mean_ci(same, ["qs1", "qs2", "qs3"]), flat_pairs, "Mean scores") == "Mean scores"


_MESSAGE = re.compile(r"\b(no clear|clearly|higher|lower|went with|lowest|highest|stands? out)\b", re.I)


@pytest.mark.parametrize("path", sorted(NOTEBOOKS.glob("*.ipynb")), ids=lambda p: p.stem)
def test_no_chart_message_is_typed_into_a_notebook(path: Path) -> None:
    """Titles typed into a notebook describe; a message comes only from a wording helper."""
    nb = nbformat.read(path, as_version=4)
    typed = [m for c in nb.cells if c.cell_type == "code"
             for m in re.findall(r"""title=f?["']([^"']*)["']""", c.source)]
    typed += [m for c in nb.cells if c.cell_type == "code"
              for m in re.findall(r"""headline\([^"']*["']([^"']*)["']""", c.source)]
    # The authority profile types no title at all (its charts' titles come from lahelpers.authority);
    # every other notebook types some, so the check below has something to read.
    assert typed or path.stem == "authority_profile", "no typed title found: is the pattern stale?"
    assert not [t for t in typed if _MESSAGE.search(t)], typed


def test_rendered_titles_state_the_computed_message(pages, kp_run) -> None:
    """The rural page's barriers chart carries its one clear result as its title (when there is
    one); charts whose results are all unclear say so."""
    soup = pages["02_rural_urban"]
    titles = _chart_titles(kp_run, "02_rural_urban")
    points = _points(soup)
    barriers = next(p for p in points if "home care and staffing pressures" in p)
    told = any(str(t).startswith("Higher rurality went with") for t in titles)
    assert told == ("clearly went with" in barriers), (titles, barriers)
    if points[0].startswith("No clear sign"):
        assert "Rurality and CQC scores: no clear link" in titles, titles


@pytest.mark.parametrize("page", PAGES)
def test_rendered_headings_in_order(pages, page: str) -> None:
    """One h1, then h2 sections (the key points first), never a skipped level."""
    soup = pages[page]
    levels = [int(h.name[1]) for h in soup.find_all(["h1", "h2", "h3", "h4", "h5", "h6"])]
    assert levels[0] == 1 and levels.count(1) == 1, levels
    assert all(b <= a + 1 for a, b in zip(levels, levels[1:], strict=False)), levels
    firsts = [h.get_text(" ", strip=True) for h in soup.find_all("h2") if not h.find_parent("nav")]
    assert firsts[0] == "Key points", firsts


# --------------------------------------------------------------------------------------------
# The wording helpers the key points and titles use
# --------------------------------------------------------------------------------------------


def _row(est: float, lo: float, hi: float, p: float, p_holm: float, fam: int = 10, **extra) -> dict:
    return {"outcome": "qs4", "predictor": "turnover_rate", "n": 80, "n_missing": 73, "estimate": est,
            "ci_low": lo, "ci_high": hi, "p_value": p, "p_holm": p_holm, "family_n": fam,
            "claim": "association", "stat": "Spearman's rho", "x_label": "Care workforce turnover rate (%)",
            "y_label": "QS4 Care provision, integration and continuity", **extra}


def test_labels_mid_sentence_and_in_titles() -> None:
    assert wording.short_label("QS4 Care provision, integration and continuity") == "QS4"
    assert wording.short_label("Theme: Leadership") == "Theme: Leadership"
    assert wording.lower_first("Residents not White British") == "residents not White British"
    assert wording.lower_first("CQC rating") == "CQC rating" and wording.lower_first("IMD score") == "IMD score"


def test_sd_text_reads_with_its_unit_and_no_false_decimals() -> None:
    with mock.patch.object(wording, "_units", return_value={
            "Turnover (%)": "%", "People": "people", "Spend": "£ per person aged 65+", "IMD": "score"}):
        assert wording.sd_text(7.3812, "Turnover (%)") == "7.38 percentage points"
        assert wording.sd_text(123456.7, "People") == "123,457 people"
        assert wording.sd_text(12.345, "Spend") == "£12.3 per person aged 65+"
        assert wording.sd_text(4.1, "IMD") == "4.1 points"
        assert wording.sd_text(0.5, "unknown") == "0.5"
        assert wording.sd_text(float("nan"), "IMD") == "not known"


def test_headline_long_message_is_counted_and_collinear_is_never_a_message() -> None:
    clear = _row(0.4, 0.2, 0.6, 0.0001, 0.001)
    assert wording.headline([clear], "Turnover and QS4") == (
        "Higher care workforce turnover rate (%) went with higher QS4")
    long_x = dict(clear, x_label="A measure with a very long name that would never fit on a phone screen at all")
    assert wording.headline([long_x], "Turnover and QS4") == "Turnover and QS4: 1 clear link"
    assert wording.headline([long_x, long_x], "Turnover and QS4") == "Turnover and QS4: 2 clear links"
    collinear = dict(clear, claim="odds_ratio", estimate=2.0, ci_low=1.5, ci_high=3.0, collinear=True)
    assert wording.headline([collinear], "Turnover and QS4") == "Turnover and QS4"
    none = _row(0.05, -0.2, 0.3, 0.6, 1.0)
    assert wording.headline([none], "Turnover and QS4", held="allowing for deprivation") == (
        "Turnover and QS4: no clear link, allowing for deprivation")
    assert wording.headline([dict(none, claim="difference")], "Region and rest") == "Region and rest: no clear difference"


def test_family_summary_gives_n_of_total_the_interval_span_and_caps_the_list() -> None:
    rows = [_row(0.05, -0.20, 0.30, 0.6, 1.0), _row(-0.10, -0.35, 0.15, 0.4, 1.0, n=70, n_missing=83)]
    text = wording.family_summary(rows, "turnover with the scores", "Spearman's rho")
    assert text == ("None of the 2 tests of turnover with the scores is clear once the 10 tests on this page "
                    "are allowed for (Holm); Spearman's rho from -0.10 to 0.05; their 95% CIs together run from "
                    "-0.35 to 0.30; each on 70 to 80 of the 153 authorities.")
    clear = [_row(0.4 + i / 100, 0.2, 0.6, 0.0001, 0.001) for i in range(5)]
    many = wording.family_summary(clear, "turnover with the scores", "Spearman's rho", most=2)
    assert many.count("clearly went with") == 2 and "; and 3 more (in the tables below)." in many
    assert many.endswith("These are associations, not evidence of cause.")
    with pytest.raises(ValueError):
        wording.finding(rows[0])


def test_every_page_kind_on_a_small_synthetic_table() -> None:
    """Each function gives 3-5 points the block accepts, on a table written here (54 authorities)."""
    import fixtures_analysis as fx

    from lahelpers import measures, residuals

    df = fx.authorities(per_region=6)
    df["sfc_vacancy_rate"] = np.random.default_rng(0).uniform(5, 15, len(df))  # for the region's context
    qs_means = stats.mean_ci(df, list(framework.QS_COLUMNS))
    pairs = stats.family({"pairs": stats.paired_differences(df, list(framework.QS_COLUMNS), n_boot=200)})
    corr = stats.family({"c": stats.correlations(df, ["pct_rural", "turnover_rate"], ["overall_pct", "qs4"], n_boot=200)})
    odds = stats.ordinal_regressions(df, ["rating"], ["pct_rural", "imd2025_score"])
    by_region = stats.correlation_by(df, "region", "pct_rural", "overall_pct", n_boot=200).assign(family_n=4, p_holm=1.0)
    tests = stats.group_tests(df, "rural_class", ["overall_pct"], n_boot=200).assign(family_n=4, p_holm=1.0)
    fit = residuals.expected_scores(df, "overall_pct", ["imd2025_score", "pct_rural"])
    comparison = profile.compare_with_rest(df, "London", ["qs1", "qs2"])
    page = profile.page_family(comparison, profile.within_region(df, "London", n_boot=200))
    comparison, within = stats.parts(page)
    kinds = {
        "national": keypoints.national(df, qs_means, pairs),
        "rural": keypoints.rural_urban(tests, corr, odds, corr, by_region),
        "inequality": keypoints.inequality(corr, corr, odds, fit),
        "workforce": keypoints.workforce(corr, corr, odds, corr, measures.gaps_table()),
        "region": keypoints.region(df, "London", comparison, within),
    }
    for name, points in kinds.items():
        assert 3 <= len(points) <= 5, name
        assert keypoints.html(points).count("<li>") == len(points)
    empty = df.assign(qs1=np.where(df["region"] == "London", np.nan, df["qs1"]),
                      qs2=np.where(df["region"] == "London", np.nan, df["qs2"]))
    none_scored = profile.compare_with_rest(empty, "London", ["qs1", "qs2"])
    assert keypoints._comparison_point(stats.family({"c": none_scored}), "London") == (
        "Too few London authorities have scores to compare with the rest of England.")
