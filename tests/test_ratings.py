"""The ratings dataset and its refresh: parser on real CQC pages, rules, the polite client on 127.0.0.1.

No test contacts a real site: every address is a server on 127.0.0.1 started here.
"""

from __future__ import annotations

import hashlib
import http.server
import threading
import time
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from lahelpers.cli import main
from lahelpers.errors import InputError
from lahelpers.ratings import changes, cli_support, dataset, parse, refresh
from lahelpers.ratings.client import USER_AGENT, PoliteClient
from lahelpers.sources import cqc

PAGES = Path(__file__).parent / "fixtures" / "cqc_pages"
REPORTS = "/care-services/local-authority-assessment-reports"
YORK_SCORES = {"qs1": 1, "qs2": 2, "qs3": 2, "qs4": 1, "qs5": 2, "qs6": 1, "qs7": 1, "qs8": 2, "qs9": 2}


# Every test here reads and writes a fresh copy of data/cqc (conftest's scratch_cqc_data).
pytestmark = pytest.mark.usefixtures("scratch_cqc_data")


# --- parse: the real archived pages -------------------------------------------------------------


@pytest.mark.parametrize("name", ["york-1225_summary.txt", "york-1225_summary.html"])
def test_parse_york_summary(name: str) -> None:
    page = parse.parse_page((PAGES / name).read_text(), where=name)
    assert page.kind == "summary" and page.code == "E06000014" and page.name == "York"
    assert page.rating == "Requires improvement" and page.overall_pct == 39
    assert page.scores == YORK_SCORES
    assert page.publication_date == "2025-12-05"


def test_html_page_carries_its_address_and_ignores_script_text() -> None:
    page = parse.parse_page((PAGES / "york-1225_summary.html").read_text())
    assert page.report_url == f"https://www.cqc.org.uk{REPORTS}/york-1225"
    assert page.rating == "Requires improvement"  # the script's "Good Outstanding" is not read


@pytest.mark.parametrize(
    ("name", "code", "qs", "score"),
    [
        ("northyorkshire-1025_theme1_equity.txt", "E06000065", "qs3", 4),
        ("northyorkshire-1025_theme2_care.txt", "E06000065", "qs4", 3),
        ("eastriding-1025_theme1_needs.txt", "E06000011", "qs1", 1),
        ("eastriding-1025_theme2_care.txt", "E06000011", "qs4", 1),
    ],
)
def test_parse_theme_pages(name: str, code: str, qs: str, score: int) -> None:
    page = parse.parse_page((PAGES / name).read_text(), where=name)
    assert (page.kind, page.code, page.scores, page.rating) == ("theme", code, {qs: score}, "")


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("variants/missing_score.txt", "missing quality statement score(s): qs7 Safeguarding"),
        ("variants/pct_disagrees.txt", "overall 42% disagrees with the nine scores"),
        ("variants/score_not_integer.txt", "'1.5' for 'Safeguarding' is not a whole number 1 to 4"),
        ("variants/rating_out_of_band.txt", "rating 'Good' is outside its band: 39%"),
        ("variants/unknown_council.txt", "'Ankh-Morpork City Council' is not one of the 153"),
        ("variants/renamed_statement.txt", "unknown quality statement 'Partnerships and community"),
        ("variants/layout_changed.txt", "CQC changed the layout"),
        ("york-1225.txt", "front page: it has no rating or scores; read its /summary page"),
    ],
)
def test_bad_pages_fail_with_the_reason(name: str, message: str) -> None:
    with pytest.raises(parse.PageError) as err:
        parse.parse_page((PAGES / name).read_text(), where=name)
    assert message in str(err.value) and name in str(err.value)


def test_cli_parse_prints_csv_for_real_pages() -> None:
    files = [str(PAGES / n) for n in ("york-1225_summary.html", "northyorkshire-1025_theme1_equity.txt")]
    result = CliRunner().invoke(main, ["ratings", "parse", *files])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == ",".join(parse.CSV_COLUMNS)
    assert lines[1] == (
        "E06000014,York,Requires improvement,39,1,2,2,1,2,1,1,2,2,2025-12-05,"
        f"https://www.cqc.org.uk{REPORTS}/york-1225"
    )
    assert lines[2] == "E06000065,North Yorkshire,,,,,4,,,,,,,,"


def test_cli_parse_exits_non_zero_naming_the_bad_page(tmp_path: Path) -> None:
    missing = tmp_path / "nope.html"
    files = [str(PAGES / "york-1225_summary.txt"), str(PAGES / "variants/pct_disagrees.txt"), str(missing)]
    result = CliRunner().invoke(main, ["ratings", "parse", *files])
    assert result.exit_code != 0
    assert "pct_disagrees.txt: overall 42% disagrees" in result.output
    assert "nope.html: cannot be read" in result.output
    assert "2 of 3 page(s) not read" in result.output


# --- the dataset -------------------------------------------------------------------------------


def test_dataset_has_york_nine_scores_from_cqc_page() -> None:
    df = dataset.read_dataset()
    york = df[df["ons_code"] == "E06000014"]
    assert len(york) == 1
    row = york.iloc[0]
    assert [int(row[c]) for c in dataset.QS] == list(YORK_SCORES.values())
    assert (row["overall_score_pct"], row["evidence_basis"]) == ("39", "CQC page")
    assert row["evidence_url"].endswith("york-1225/summary")


def test_dataset_covers_153_with_evidence_for_every_value() -> None:
    df = dataset.read_dataset()
    assert df["ons_code"].nunique() == 153
    valued = df[(df["overall_rating"] != "") | (df["overall_score_pct"] != "")]
    assert (valued["evidence_basis"] != "").all() and (valued["retrieved"] != "").all()
    assert set(df["evidence_basis"]) - {""} <= set(dataset.BASES)


def test_seed_from_mirror_matches_dataset(mirror: Path) -> None:
    """The committed table is the seed, or the seed plus changes that `ratings apply` made."""
    seeded = dataset.seed_from_mirror(mirror)
    current = dataset.read_dataset()
    same = current[current["assessment_id"].isin(seeded["assessment_id"]) | (current["assessment_id"] == "")]
    assert len(seeded) == 153
    york = seeded[seeded["ons_code"] == "E06000014"].iloc[0]
    assert york["source"] == "CQC report page" and york["overall_score_pct"] == "39"
    pd.testing.assert_frame_equal(
        seeded.set_index(["ons_code", "assessment_id"]).sort_index(),
        same.set_index(["ons_code", "assessment_id"]).sort_index(),
    )


def test_evidence_missing_is_an_error(tmp_path: Path) -> None:
    df = dataset.read_dataset()
    i = int(df.index[df["ons_code"] == "E06000014"][0])
    df.loc[i, "evidence_url"] = ""
    path = dataset.write_dataset(df, tmp_path / "assessments.csv")
    with pytest.raises(InputError, match=rf"row {i + 2}, column 'evidence_url': York has a rating"):
        dataset.read_dataset(path)


def _york_reassessed(df: pd.DataFrame, date: str, rating: str) -> dict[str, str]:
    row = df[df["ons_code"] == "E06000014"].iloc[0].to_dict()
    scores = [3] * 9 if rating == "Good" else [2] * 9
    row.update({c: str(s) for c, s in zip(dataset.QS, scores, strict=True)})
    pct = -(-100 * sum(scores) // 36)
    row.update(
        {"assessment_id": "york-1126", "overall_rating": rating, "overall_score_pct": str(pct),
         "publication_date": date, "report_url": f"https://www.cqc.org.uk{REPORTS}/york-1126"}
    )  # fmt: skip
    return row


def test_reassessment_keeps_history_and_latest_drives_the_build(tmp_path: Path) -> None:
    df = dataset.read_dataset()
    merged = dataset.merge(df, pd.DataFrame([_york_reassessed(df, "2026-11-10", "Good")]))
    york = merged[merged["ons_code"] == "E06000014"]
    assert list(york["assessment_id"]) == ["york-1225", "york-1126"]  # history kept, in order
    path = dataset.write_dataset(merged, tmp_path / "assessments.csv")
    built = cqc.read_assessments(path).set_index("code")
    assert built.loc["E06000014", "rating"] == "Good" and built.loc["E06000014", "overall_pct"] == 75
    assert len(built) == 153
    found = changes.compare(df, merged)
    assert [c.kind for c in found] == ["new assessment"] and "york-1126: Good, 75%" in found[0].detail


def test_latest_is_by_date_not_by_file_order() -> None:
    df = dataset.read_dataset()
    older = _york_reassessed(df, "2024-06", "Good")  # an older assessment added later in the file
    merged = dataset.merge(df, pd.DataFrame([older]))
    latest = cqc.latest_assessments(merged)
    assert latest.loc[latest["ons_code"] == "E06000014", "assessment_id"].item() == "york-1225"


def test_apply_refuses_a_row_that_breaks_the_rules(scratch_cqc_data: Path, tmp_path: Path) -> None:
    df = dataset.read_dataset()
    bad = _york_reassessed(df, "2026-11-10", "Good")
    bad["overall_score_pct"] = "80"  # the nine 3s make 75
    proposal = dataset.write_dataset(pd.DataFrame([bad]), tmp_path / "proposed.csv")
    before = (scratch_cqc_data / "cqc" / "assessments.csv").read_text()
    with pytest.raises(InputError, match="stated overall % 80 disagrees"):
        cli_support.apply(proposal)
    assert (scratch_cqc_data / "cqc" / "assessments.csv").read_text() == before


# --- refresh against a server on 127.0.0.1 -----------------------------------------------------


class Site:
    """What the local server serves, and a log of what it was asked."""

    def __init__(self) -> None:
        self.pages: dict[str, str] = {}
        self.log: list[tuple[float, str, dict[str, str]]] = []
        self.calls: dict[str, int] = {}
        self.slow = 1.5

    def answer(self, path: str, headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        """Status, headers and body for a path; special paths misbehave on purpose."""
        self.log.append((time.monotonic(), path, headers))
        n = self.calls[path] = self.calls.get(path, 0) + 1
        if path.endswith("slowtown-0626/summary"):
            time.sleep(self.slow)
        if path.endswith("errorham-0626/summary"):
            return 500, {}, b"server error"
        if path.endswith("/york-1225/summary") and n == 1:
            return 429, {"Retry-After": "1"}, b"slow down"
        if path.endswith("/hugewait-0626/summary"):
            return 429, {"Retry-After": "3600"}, b"come back in an hour"
        if path not in self.pages:
            return 404, {}, b"not found"
        body = self.pages[path].encode()
        etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
        if headers.get("If-None-Match") == etag:
            return 304, {"ETag": etag}, b""
        return 200, {"ETag": etag, "Content-Type": "text/html; charset=utf-8"}, body


@pytest.fixture
def site():
    """A server on 127.0.0.1 answering from a :class:`Site`."""
    state = Site()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            status, headers, body = state.answer(self.path, dict(self.headers))
            try:
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass

        def log_message(self, *args: object) -> None:
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield state, f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def _listing(slugs: dict[str, str], next_page: str | None = None) -> str:
    links = "".join(
        f'<li><a href="{REPORTS}/{s}">{n}: local authority assessment</a></li>' for s, n in slugs.items()
    )
    nxt = f'<a rel="next" href="{next_page}">Next</a>' if next_page else ""
    return f"<html><body><h1>Local authority assessment reports</h1><ul>{links}</ul>{nxt}</body></html>"


def _serve_cqc(state: Site) -> None:
    """The listing (two pages) and the real York summary; other reports misbehave."""
    state.pages[REPORTS] = _listing(
        {"york-1225": "City of York Council", "nowhere-0626": "Bradford Council",
         "errorham-0626": "Salford City Council"},
        next_page=f"{REPORTS}?page=2",
    )  # fmt: skip
    state.pages[f"{REPORTS}?page=2"] = _listing(
        {"slowtown-0626": "Greenwich Council", "yorkbad-0626": "City of York Council"}
    )
    state.pages[f"{REPORTS}/york-1225/summary"] = (PAGES / "york-1225_summary.txt").read_text()
    state.pages[f"{REPORTS}/yorkbad-0626/summary"] = (PAGES / "variants/pct_disagrees.txt").read_text()


def _client(tmp_path: Path, **kw: float) -> PoliteClient:
    settings = {"pause": 0.05, "read_timeout": 0.5, "connect_timeout": 0.5, "retries": 1, "backoff": 0.01,
                "max_retry_after": 2.0} | kw  # fmt: skip
    return PoliteClient(tmp_path / "cache", **settings)


def _york_before_additions() -> pd.DataFrame:
    """The dataset as it was before York's nine scores (its rating-only row from a council page)."""
    df = dataset.read_dataset()
    i = df.index[df["ons_code"] == "E06000014"][0]
    for c in [*dataset.QS, "overall_score_pct", "score_basis"]:
        df.loc[i, c] = ""
    df.loc[i, ["status", "evidence_basis", "source"]] = ["published_rating_only", "council release", "web pages"]
    return df


def test_refresh_proposes_york_and_reports_every_failure(site, tmp_path: Path) -> None:
    state, base = site
    _serve_cqc(state)
    started = time.monotonic()
    result = refresh.refresh(_client(tmp_path), base, _york_before_additions(), today="2026-12-03")
    assert time.monotonic() - started < 20
    assert result.listed == 5 and len(result.proposed) == 1
    row = result.proposed.iloc[0]
    assert row["assessment_id"] == "york-1225" and row["overall_score_pct"] == "39"
    assert [int(row[c]) for c in dataset.QS] == list(YORK_SCORES.values())
    assert row["evidence_url"] == f"{base}{REPORTS}/york-1225/summary" and row["retrieved"] == "2026-12-03"
    why = dict(result.failures)
    assert why[f"{base}{REPORTS}/nowhere-0626/summary"] == "HTTP 404"
    assert why[f"{base}{REPORTS}/errorham-0626/summary"] == "HTTP 500"
    assert "Timeout" in why[f"{base}{REPORTS}/slowtown-0626/summary"]
    assert "disagrees with the nine scores" in why[f"{base}{REPORTS}/yorkbad-0626/summary"]
    kinds = {(c.kind, c.code) for c in result.changes}
    assert kinds == {("changed", "E06000014"), ("gains CQC evidence", "E06000014")}
    assert state.calls[f"{REPORTS}/errorham-0626/summary"] == 2  # one try + one retry, bounded
    assert state.calls[f"{REPORTS}/york-1225/summary"] == 2  # 429, then after Retry-After


def test_client_is_polite(site, tmp_path: Path) -> None:
    state, base = site
    state.pages["/a"] = state.pages["/b"] = "<html><body>page</body></html>"
    client = _client(tmp_path, pause=0.3)
    for path in ("/a", "/b", "/a"):
        assert client.get(base + path).ok
    times = [t for t, _p, _h in state.log]
    assert min(b - a for a, b in zip(times, times[1:], strict=False)) >= 0.25
    assert all(h.get("User-Agent") == USER_AGENT for _t, _p, h in state.log)
    third = state.log[2][2]
    assert third.get("If-None-Match")  # a conditional request; the server answered 304
    assert client.get(base + "/b").from_cache


def test_retry_after_is_respected_and_capped(site, tmp_path: Path) -> None:
    state, base = site
    state.pages["/care-services/local-authority-assessment-reports/york-1225/summary"] = "ok"
    client = _client(tmp_path, retries=1)
    t0 = time.monotonic()
    assert client.get(f"{base}{REPORTS}/york-1225/summary").ok  # 429 Retry-After: 1, then 200
    assert 0.9 <= time.monotonic() - t0 < 5
    t0 = time.monotonic()
    got = client.get(f"{base}{REPORTS}/hugewait-0626/summary")  # Retry-After: 3600, capped at 2 s
    assert got.status == 429 and time.monotonic() - t0 < 6


def test_second_refresh_reads_only_what_changed(scratch_cqc_data: Path, site, tmp_path: Path) -> None:
    state, base = site
    _serve_cqc(state)
    current = _york_before_additions()
    dataset.write_dataset(current)
    result = refresh.refresh(_client(tmp_path), base, current, today="2026-12-03")
    refresh.write_outputs(result, tmp_path / "proposed")
    out = CliRunner().invoke(main, ["ratings", "apply", "--proposed", str(tmp_path / "proposed" / "proposed.csv")])
    assert out.exit_code == 0, out.output
    assert "+E06000014,York,york-1225,published_full_scores,Requires improvement" in out.output
    york = dataset.read_dataset(scratch_cqc_data / "cqc" / "assessments.csv").set_index("ons_code").loc["E06000014"]
    assert york["overall_score_pct"] == "39" and york["evidence_basis"] == "CQC page"
    again = refresh.refresh(_client(tmp_path), base, dataset.read_dataset(), today="2026-12-10")
    assert len(again.proposed) == 0 and again.unchanged == 1 and not again.changes
    last_york = [h for _t, p, h in state.log if p.endswith("york-1225/summary")][-1]
    assert last_york.get("If-None-Match")


def test_cli_refresh_writes_proposal_and_apply_flag(scratch_cqc_data: Path, site, tmp_path: Path) -> None:
    state, base = site
    _serve_cqc(state)
    del state.pages[f"{REPORTS}/yorkbad-0626/summary"]
    state.pages[REPORTS] = _listing({"york-1225": "City of York Council"})
    dataset.write_dataset(_york_before_additions())
    out = CliRunner().invoke(
        main, ["ratings", "refresh", "--base-url", base, "--pause", "0", "--out", str(tmp_path / "p"), "--apply"]
    )
    assert out.exit_code == 0, out.output
    assert "proposed rows: 1" in out.output and "gains CQC evidence" in out.output
    assert (tmp_path / "p" / "changes.md").read_text().count("York (E06000014)") == 2
    york = dataset.read_dataset(scratch_cqc_data / "cqc" / "assessments.csv").set_index("ons_code").loc["E06000014"]
    assert york["qs1_assessing_needs"] == "1" and york["evidence_basis"] == "CQC page"


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("City of York Council", "E06000014"),
        ("North Yorkshire Council", "E06000065"),  # old county name -> same-footprint recode
        ("London Borough of Lambeth", "E09000022"),
        ("Bournemouth, Christchurch and Poole Council", "E06000058"),
        ("Stockton-on-Tees Borough Council", "E06000004"),
        ("Royal Borough of Kensington and Chelsea", "E09000020"),
        ("Newcastle upon Tyne City Council", "E08000021"),
        ("Ankh-Morpork City Council", None),
    ],
)
def test_council_names_map_to_the_153(name: str, code: str | None) -> None:
    assert parse.resolve_council(name) == code


def test_listing_reads_reports_skips_pilots_and_finds_next_page() -> None:
    html = _listing(
        {"york-1225": "City of York Council", "birmingham-cc": "Birmingham City Council"},
        next_page=f"{REPORTS}?page=2",
    )
    found, nxt = refresh.parse_listing(html, "http://127.0.0.1:1" + REPORTS)
    assert [(r.slug, r.name, r.url) for r in found] == [
        ("york-1225", "City of York Council", f"http://127.0.0.1:1{REPORTS}/york-1225")
    ]
    assert nxt == f"http://127.0.0.1:1{REPORTS}?page=2"


def test_apply_without_a_proposal_says_to_refresh(tmp_path: Path) -> None:
    out = CliRunner().invoke(main, ["ratings", "apply", "--proposed", str(tmp_path / "none.csv")])
    assert out.exit_code != 0 and "no proposal to apply" in out.output
    assert "run `lahelpers ratings refresh` first" in out.output


@pytest.mark.parametrize(
    ("slug", "code", "ok"),
    [
        ("york-1225", "E06000014", True),
        ("eastriding-1025", "E06000011", True),
        ("northyorkshire-1025", "E06000065", True),
        ("stocktonontees-1025", "E06000004", True),
        ("bournemouthchristchurchpoole-0626", "E06000058", True),
        ("isleofwight-0626", "E06000046", True),
        ("leeds-0125", "E06000014", False),
    ],
)
def test_slug_names_the_council(slug: str, code: str, ok: bool) -> None:
    assert parse.slug_matches(slug, code) is ok


def test_refresh_refuses_a_page_whose_council_is_not_its_address(site, tmp_path: Path) -> None:
    state, base = site
    state.pages[REPORTS] = _listing({"leeds-0625": "Leeds City Council"})
    state.pages[f"{REPORTS}/leeds-0625/summary"] = (PAGES / "york-1225_summary.txt").read_text()
    result = refresh.refresh(_client(tmp_path), base, _york_before_additions())
    assert len(result.proposed) == 0
    assert result.failures == [
        (f"{base}{REPORTS}/leeds-0625/summary", "the page is about York but its address is leeds-0625")
    ]


def test_every_report_address_in_the_dataset_names_its_council() -> None:
    """The slug check holds for every real CQC address in the table (96 reports)."""
    df = dataset.read_dataset()
    rows = df[df["assessment_id"] != ""]
    assert len(rows) > 90
    bad = [(r.assessment_id, r.la_name) for r in rows.itertuples() if not parse.slug_matches(r.assessment_id, r.ons_code)]
    assert bad == []
