"""The ratings helpers on text written here (no mirror, no network): a page's own address, a parsed
page as a CSV row, a report's id from its address, and the evidence basis and address of seed rows."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from lahelpers.errors import InputError
from lahelpers.ratings import changes, cli_support, dataset, parse

MONITOR = ("https://raw.githubusercontent.com/carentspilot/cqc-monitor/"
           "e63a8a45cd43f44eef1b6a6845f8a296bd317ea9/seen_assessments.json")  # fmt: skip


# Every test here reads and writes a fresh copy of data/cqc (conftest's scratch_cqc_data).
pytestmark = pytest.mark.usefixtures("scratch_cqc_data")


@pytest.mark.parametrize(
    ("content", "url"),
    [("plain text, https://x/y", ""), ("<p>no link</p>", ""),
     ('<html><head><link rel="canonical" href="https://a/b"></head></html>', "https://a/b"),
     ('<html><head><meta property="og:url" content="https://c/d"></head></html>', "https://c/d"),
     ('<head><meta property="og:url" content="https://c/d"><link rel="canonical" href="https://a/b"></head>',
      "https://a/b"),
     ('<head><link rel="canonical"><meta property="og:url" content="https://c/d"></head>', "https://c/d"),
     ('<head><link rel="stylesheet" href="https://s/t"><meta property="og:title" content="T"></head>', ""),
     ('<head><meta property="og:url"></head>', ""),
     # only a <link> or a <meta> tag counts, not another tag carrying the same attribute
     ('<body><a rel="canonical" href="https://wrong"></a><link rel="canonical" href="https://a/b"></body>',
      "https://a/b"),
     ('<body><span property="og:url" content="https://wrong"></span><meta property="og:url" content="https://c/d">'
      "</body>", "https://c/d")],
)  # fmt: skip
def test_canonical_url(content: str, url: str) -> None:
    assert parse.canonical_url(content) == url


def test_a_page_as_a_row_in_full() -> None:
    page = parse.Page("summary", "City of York Council", "E06000014", "York", "https://r/york-1225",
                      "2025-12-05", "Requires improvement", 39, {"qs1": 1, "qs9": 2})  # fmt: skip
    assert page.row() == {
        "code": "E06000014", "name": "York", "rating": "Requires improvement", "overall_pct": 39,
        "qs1": 1, "qs2": "", "qs3": "", "qs4": "", "qs5": "", "qs6": "", "qs7": "", "qs8": "", "qs9": 2,
        "publication_date": "2025-12-05", "report_url": "https://r/york-1225"}  # fmt: skip
    assert list(page.row()) == parse.CSV_COLUMNS
    theme = parse.Page("theme", "C", "E06000014", "York", "https://r/york-1225", scores={"qs3": 2})
    assert theme.row()["overall_pct"] == "" and theme.row()["rating"] == "" and theme.row()["qs3"] == 2


@pytest.mark.parametrize(
    ("url", "slug"),
    [("https://www.cqc.org.uk/care-services/local-authority-assessment-reports/york-1225", "york-1225"),
     ("https://www.cqc.org.uk/care-services/local-authority-assessment-reports/york-1225/summary", "york-1225"),
     ("https://www.cqc.org.uk/care-services/local-authority-assessment-reports/east-riding-1025", "east-riding-1025"),
     ("https://www.cqc.org.uk/care-services/local-authority-assessment-reports/york", ""),
     ("https://www.cqc.org.uk/care-services/local-authority-assessment-reports/york-1225x", ""),
     ("https://example.org/york-1225", ""), ("", ""), (None, ""), (float("nan"), "")],
)  # fmt: skip
def test_assessment_id(url: object, slug: str) -> None:
    assert dataset.assessment_id(url) == slug


@pytest.mark.parametrize(
    ("row", "basis"),
    [({}, ""), ({"source": ""}, ""),
     ({"source": "bongo-twisty"}, "third-party table"),
     ({"source": "carentspilot/cqc-monitor"}, "unverified scan"),
     ({"source": "CQC report page"}, "CQC page"),
     ({"source": "web", "source_detail": "see https://www.cqc.org.uk/care-services/x and more"}, "CQC page"),
     ({"source": "web", "rating_source": "Secondary source (news)"}, "secondary summary"),
     ({"source": "web", "source_detail": "https://www.cqc.org.uk/press-release/x"}, "CQC press release"),
     ({"source": "web", "source_detail": "http://x.org/cqc-newsroom/y"}, "CQC press release"),
     ({"source": "web", "rating_source": "stated (Council release)"}, "council release"),
     ({"source": "web", "source_detail": "https://www.york.gov.uk/news"}, "council release"),
     ({"source": "web", "source_detail": "no address; https://www.bbc.co.uk/news then https://www.york.gov.uk"},
      "news report"),  # only the first address counts
     ({"source": "web", "rating_source": "stated", "source_detail": "https://www.bbc.co.uk/news"}, "news report")],
)  # fmt: skip
def test_seed_basis(row: dict, basis: str) -> None:
    assert dataset.seed_basis(row) == basis


def test_seed_evidence_url() -> None:
    assert dataset.seed_evidence_url({"source": "bongo-twisty", "source_detail": "x"}) == dataset.BONGO_URL
    assert dataset.BONGO_URL.startswith("https://github.com/alxtrnr/bongo-twisty/blob/")
    assert dataset.seed_evidence_url({"source": "carentspilot/cqc-monitor"}) == MONITOR
    assert dataset.seed_evidence_url({"source": "web", "source_detail": "https://a/b"}) == "https://a/b"
    assert dataset.seed_evidence_url({"source": "web"}) == ""


# --- parse: small pages cut from the real York summary page ----------------------------------
# SUMMARY is tests/fixtures/cqc_pages/york-1225_summary.txt (CQC's page york-1225/summary, 5 December
# 2025, see that folder's README) cut down: its header, rating block and the nine statement blocks,
# bullets and blank lines dropped, the narrative after them cut to its heading. Each test changes one
# line of it; the right answers are CQC's own (York: 14 of 36 points, ceil(1400 / 36) = 39%).

SUMMARY = """City of York Council: local authority assessment
Published: 5 December 2025 Page last updated: 5 December 2025
Downloads
Overall summary
Local authority rating and score
City of York Council
Requires improvement
Overall rating for City of York Council: 39%
Quality statement scores
Assessing needs
Score: 1
Supporting people to lead healthier lives
Score: 2
Equity in experience and outcomes
Score: 2
Care provision, integration and continuity
Score: 1
Partnerships and communities
Score: 2
Safe pathways, systems and transitions
Score: 1
Safeguarding
Score: 1
Governance, management and sustainability
Score: 2
Learning, improvement and innovation
Score: 2
Summary of people's experiences
"""
YORK_SCORES = {"qs1": 1, "qs2": 2, "qs3": 2, "qs4": 1, "qs5": 2, "qs6": 1, "qs7": 1, "qs8": 2, "qs9": 2}
YORK_URL = "https://www.cqc.org.uk/care-services/local-authority-assessment-reports/york-1225"
#: The real theme page eastriding-1025/theme1/needs (tests/fixtures/cqc_pages), cut after its score.
THEME = """East Riding of Yorkshire Council: local authority assessment
Downloads
Assessing needs
Score: 1
1 - Evidence shows significant shortfalls
"""


def _page(old: str = "", new: str = "", text: str = SUMMARY) -> str:
    """The page with one line changed (checked to be there, so a typo cannot pass as a change)."""
    if old:
        assert old in text
    return text.replace(old, new, 1) if old else text


def _error(content: str, where: str = "p.txt", url: str = "") -> str:
    with pytest.raises(parse.PageError) as err:
        parse.parse_page(content, url=url, where=where)
    assert err.value.where == where
    return err.value.problem


def test_the_cut_down_summary_reads_as_york() -> None:
    page = parse.parse_page(SUMMARY, url=YORK_URL + "/summary")
    assert (page.kind, page.council, page.code, page.name) == ("summary", "City of York Council", "E06000014", "York")
    assert (page.rating, page.overall_pct, page.scores) == ("Requires improvement", 39, YORK_SCORES)
    assert (page.publication_date, page.report_url) == ("2025-12-05", YORK_URL)


@pytest.mark.parametrize(
    ("old", "new", "problem"),
    [  # the overall % line: missing, twice, after the scores, not a whole number, no % sign
     ("Overall rating for City of York Council: 39%\n", "", "no single 'Overall rating for <council>: <n>%' line"),
     ("39%\n", "39%\nOverall rating for City of York Council: 39%\n", "no single 'Overall rating"),
     ("Overall rating for City of York Council: 39%\nQuality statement scores\n",
      "Quality statement scores\nOverall rating for City of York Council: 39%\n", "no single 'Overall rating"),
     (": 39%", ": 39 %", None), (": 39%", ": 39.5%", "overall % '39.5' is not a whole number"),
     (": 39%", ": 1000%", "overall % '1000' is not a whole number"), (": 39%", ": 39", "no single 'Overall"),
     (": 39%", ": %", "no single 'Overall"), (": 39%", ": x39%", "overall % 'x39' is not a whole number"),
     # the rating: none, two, or not a rating word
     ("Requires improvement\n", "", "expected one rating before the overall %, found none"),
     ("Requires improvement\n", "Requires improvement\nGood\n",
      "expected one rating before the overall %, found ['Requires improvement', 'Good']"),
     ("Requires improvement\n", "Requires Improvement\n", "expected one rating before the overall %, found none"),
     # a score: missing (two named, in order), out of range, not a number, scored twice, unknown title
     ("Safeguarding\nScore: 1\n", "", "missing quality statement score(s): qs7 Safeguarding"),
     ("Safeguarding\nScore: 1\n", "Safeguarding\nScore: 0\n", "score '0' for 'Safeguarding' is not a whole number 1 to 4"),
     ("Safeguarding\nScore: 1\n", "Safeguarding\nScore: 5\n", "score '5' for 'Safeguarding' is not a whole number 1 to 4"),
     ("Safeguarding\nScore: 1\n", "Safeguarding\nScore: 11\n", "score '11' for 'Safeguarding' is not"),
     ("Safeguarding\nScore: 1\n", "Safeguarding\nScore: one\n", "score 'one' for 'Safeguarding' is not"),
     ("Safeguarding\nScore: 1\n", "Safeguarding\nScore:\n", "missing quality statement score(s): qs7 Safeguarding, "),
     ("Safeguarding\nScore: 1\n", "Assessing needs\nScore: 1\n", "quality statement 'Assessing needs' is scored twice"),
     ("Safeguarding\n", "Safeguard\n", "unknown quality statement 'Safeguard' (CQC changed the layout?)")],
)  # fmt: skip
def test_summary_page_errors_name_the_page_and_the_fault(old: str, new: str, problem: str | None) -> None:
    content = _page(old, new)
    if problem is None:  # "39 %": CQC's rule reads the number before the sign, spaces allowed
        assert parse.parse_page(content).overall_pct == 39
        return
    assert _error(content).startswith(problem)


def test_every_missing_statement_is_named_in_order() -> None:
    content = _page("Safeguarding\nScore: 1\n", "", _page("Assessing needs\nScore: 1\n", ""))
    assert _error(content) == "missing quality statement score(s): qs1 Assessing needs, qs7 Safeguarding"


def test_a_rating_or_score_error_stops_before_the_rules() -> None:
    """A page with two faults names the first one met (the layout), not the rules it also breaks."""
    assert _error(_page(": 39%", ": 40%", _page("Requires improvement\n", ""))).startswith("expected one rating")


def test_statement_titles_are_read_whatever_their_case() -> None:
    page = parse.parse_page(_page("Assessing needs\n", "ASSESSING NEEDS\n"))
    assert page.scores == YORK_SCORES


def test_qs2_under_either_name() -> None:
    live = _page("lead healthier", "live healthier")
    assert parse.parse_page(live).scores["qs2"] == 2


def test_the_last_score_is_read_when_the_page_ends_with_it() -> None:
    page = parse.parse_page(SUMMARY.split("Summary of people's experiences")[0].rstrip())
    assert page.scores == YORK_SCORES


def test_scores_stop_at_the_first_line_that_is_not_a_statement_block() -> None:
    """A "Score: n" line after the narrative is not read as a tenth statement."""
    page = parse.parse_page(SUMMARY + "Safeguarding\nScore: 4\n")
    assert page.scores == YORK_SCORES


@pytest.mark.parametrize(
    ("old", "new", "rating"),
    [  # without the "Local authority rating and score" heading the rating is one of the 3 lines above the %
     ("Local authority rating and score\n", "", "Requires improvement"),
     ("Local authority rating and score\nCity of York Council\n", "", "Requires improvement"),
     ("Local authority rating and score\nCity of York Council\nRequires improvement\n",
      "Requires improvement\nx\ny\n", "Requires improvement"),
     # with the heading, the rating is anywhere between it and the %, and never above it
     ("City of York Council\nRequires improvement\n",
      "Requires improvement\na\nb\nc\nd\n", "Requires improvement")],
)  # fmt: skip
def test_where_the_rating_is_read(old: str, new: str, rating: str) -> None:
    assert parse.parse_page(_page(old, new)).rating == rating


@pytest.mark.parametrize(
    ("old", "new"),
    [("Local authority rating and score\nCity of York Council\nRequires improvement\n",
      "Requires improvement\nx\ny\nz\n"),  # 4 lines above, no heading
     ("Downloads\nOverall summary\nLocal authority rating and score\nCity of York Council\nRequires improvement\n",
      "Requires improvement\nLocal authority rating and score\n")],  # above the heading
)  # fmt: skip
def test_a_rating_too_far_from_the_overall_line_is_not_read(old: str, new: str) -> None:
    assert _error(_page(old, new)).startswith("expected one rating before the overall %, found none")


def test_a_rating_at_the_top_of_a_short_page() -> None:
    """Three lines above the % reach the page's first line (no heading)."""
    top = "Requires improvement\n" + _page("Published: 5 December 2025 Page last updated: 5 December 2025\n"
                                           "Downloads\nOverall summary\nLocal authority rating and score\n"
                                           "City of York Council\nRequires improvement\n", "")
    assert top.splitlines()[:3] == ["Requires improvement", "City of York Council: local authority assessment",
                                    "Overall rating for City of York Council: 39%"]  # fmt: skip
    assert parse.parse_page(top).rating == "Requires improvement"


# --- the title, the date, the page's kind ----------------------------------------------------------

NO_TITLE = ("no '<council>: local authority assessment' title: not a CQC local authority report page, "
            "or CQC changed the layout")  # fmt: skip


@pytest.mark.parametrize(
    ("title", "council"),
    [("City of York Council: local authority assessment", "City of York Council"),
     ("City of York Council: Local Authority Assessment", "City of York Council"),
     ("City of York Council :local authority assessment  ", "City of York Council"),
     ("City of York Council:   local authority assessment", "City of York Council")],
)  # fmt: skip
def test_title_forms(title: str, council: str) -> None:
    page = parse.parse_page(_page("City of York Council: local authority assessment", title))
    assert (page.council, page.code) == (council, "E06000014")


@pytest.mark.parametrize(
    "title",
    ["City of York Council", "City of York Council: local authority assessment reports",
     ": local authority assessment", "City of York Council - local authority assessment"],
)  # fmt: skip
def test_a_page_without_the_title_is_refused(title: str) -> None:
    assert _error(_page("City of York Council: local authority assessment", title)) == NO_TITLE


def test_the_title_is_looked_for_in_the_first_40_lines_only() -> None:
    title = "City of York Council: local authority assessment\n"
    assert parse.parse_page("\n".join(["x"] * 39) + "\n" + SUMMARY).code == "E06000014"  # line 40
    assert _error("\n".join(["x"] * 40) + "\n" + SUMMARY) == NO_TITLE  # line 41
    assert _error("\n".join(["x"] * 40) + "\n" + title + "\n".join(["x"] * 40)) == NO_TITLE
    assert _error("") == NO_TITLE


def test_the_first_title_names_the_council() -> None:
    page = parse.parse_page("Leeds City Council: local authority assessment\n" + SUMMARY)
    assert (page.council, page.code) == ("Leeds City Council", "E08000035")


def test_a_council_not_among_the_153_is_refused() -> None:
    content = _page("City of York Council: local", "Cumbria County Council: local")
    assert _error(content) == "council 'Cumbria County Council' is not one of the 153 authorities"


@pytest.mark.parametrize(
    ("old", "new", "date"),
    [("", "", "2025-12-05"),
     ("Published: 5 December 2025 Page last updated: 5 December 2025", "Assessment published: 7 June 2024", "2024-06-07"),
     ("Published: 5 December 2025 Page last updated: 5 December 2025", "Published: 17 May 2024", "2024-05-17"),
     ("Published: 5 December 2025 Page last updated: 5 December 2025", "Page last updated: 5 December 2025", ""),
     ("Published: 5 December 2025", "Published: December 2025", ""),
     ("Downloads", "Published: 1 January 2026", "2025-12-05")],  # the first date on the page counts
)  # fmt: skip
def test_publication_date(old: str, new: str, date: str) -> None:
    assert parse.parse_page(_page(old, new)).publication_date == date


def test_a_date_below_line_40_is_not_the_publication_date() -> None:
    late = _page("Published: 5 December 2025 Page last updated: 5 December 2025\n", "")
    n = len(late.splitlines())
    at_40 = late + "x\n" * (39 - n) + "Published: 5 December 2025\n"  # the 40th line
    assert at_40.splitlines()[39] == "Published: 5 December 2025"
    assert parse.parse_page(at_40).publication_date == "2025-12-05"
    at_41 = late + "x\n" * (40 - n) + "Published: 5 December 2025\n"
    assert parse.parse_page(at_41).publication_date == ""


def test_where_an_error_says_it_happened() -> None:
    bad = _page("Safeguarding\n", "Safeguard\n")
    for kwargs, where in [({}, "page"), ({"url": YORK_URL + "/summary"}, YORK_URL + "/summary"),
                          ({"url": YORK_URL, "where": "f.html"}, "f.html")]:  # fmt: skip
        with pytest.raises(parse.PageError) as err:
            parse.parse_page(bad, **kwargs)
        assert (err.value.where, str(err.value)) == (where, f"{where}: {err.value.problem}")
    html = f'<html><head><link rel="canonical" href="{YORK_URL}/theme1/needs"></head><body><p>x</p></body></html>'
    with pytest.raises(parse.PageError) as err:
        parse.parse_page(html)
    assert err.value.where == YORK_URL + "/theme1/needs" and err.value.problem == NO_TITLE


def test_a_page_takes_its_address_from_the_argument_else_its_canonical_link() -> None:
    html = "".join(f"<p>{ln}</p>" for ln in SUMMARY.splitlines())
    linked = f'<html><head><link rel="canonical" href="{YORK_URL}/summary"></head><body>{html}</body></html>'
    assert parse.parse_page(linked).report_url == YORK_URL
    assert parse.parse_page(linked, url="https://x/local-authority-assessment-reports/york-0126").report_url == (
        "https://x/local-authority-assessment-reports/york-0126")  # fmt: skip
    assert parse.parse_page(SUMMARY).report_url == ""


def test_a_theme_page_reads_one_score() -> None:
    page = parse.parse_page(THEME, url="https://www.cqc.org.uk/care-services/local-authority-assessment-reports/"
                                       "eastriding-1025/theme1/needs")  # fmt: skip
    assert (page.kind, page.code, page.name, page.scores) == ("theme", "E06000011", "East Riding of Yorkshire",
                                                              {"qs1": 1})  # fmt: skip
    assert (page.rating, page.overall_pct, page.publication_date) == ("", None, "")
    assert page.report_url.endswith("/eastriding-1025")


@pytest.mark.parametrize(
    ("old", "new", "problem"),
    [("Score: 1\n", "", "neither a summary page"), ("Score: 1\n", "Score: 1\nScore: 1\n", "neither a summary page"),
     ("Score: 1\n", "Score: 1\n1 - x\nScore: 2\n", "neither a summary page"),
     ("Assessing needs\n", "Assessing need\n", "unknown quality statement 'Assessing need'"),
     ("Score: 1\n", "Score: 0\n", "score '0' for 'Assessing needs' is not a whole number 1 to 4"),
     ("Downloads\n", "Assessment published: 1 May 2025\n", None),
     ("Score: 1\n", "Assessment published: 1 May 2025\n",
      "this is the report's front page: it has no rating or scores; read its /summary page")],
)  # fmt: skip
def test_theme_page_errors(old: str, new: str, problem: str | None) -> None:
    content = _page(old, new, THEME)
    if problem is None:  # a dated theme page is still a theme page
        assert parse.parse_page(content).publication_date == "2025-05-01"
        return
    assert _error(content).startswith(problem)


def test_a_score_on_the_first_line_has_no_statement() -> None:
    content = "Score: 1\nEast Riding of Yorkshire Council: local authority assessment\nAssessing needs\n"
    assert _error(content).startswith("neither a summary page ('Quality statement scores') nor a quality "
                                      "statement page (one 'Score: n'): CQC changed the layout, or this is "
                                      "another sub-page")  # fmt: skip


def test_the_front_page_needs_its_published_line() -> None:
    """Without "Assessment published:" a page with no score is another sub-page, not the front page."""
    assert _error(_page("Score: 1\n", "Published: 1 May 2025\n", THEME)).startswith("neither a summary page")


# --- the page's lines, its address, the council's name and slug ------------------------------------


@pytest.mark.parametrize(
    ("content", "lines"),
    [("  • Assessing needs\n    Score: 1\n\n", ["Assessing needs", "Score: 1"]),  # the real page's bullets
     ("* a\n- b\n– c\n•\tq\n•   d  ", ["a", "b", "c", "q", "d"]),
     ("-5\n--x\n•x\nStockton-on-Tees\n- - y", ["-5", "--x", "•x", "Stockton-on-Tees", "- y"]),
     ("a < b\n<b>bold</b>\n<pre>x</pre>\n<span>s</span>", ["a < b", "<b>bold</b>", "<pre>x</pre>", "<span>s</span>"]),
     ("<p>a</p><p>b</p>", ["a", "b"]), ("<DIV>a<BR>b</DIV>", ["a", "b"]), ("<li>a</li><li>b</li>", ["a", "b"]),
     ("<body>a<h2>b</h2>c</body>", ["a", "b", "c"]), ('<html lang="en">a<i>b</i></html>', ["a", "b"]),
     ("<h4>Safeguarding</h4><p>Score: 1</p>", ["Safeguarding", "Score: 1"]),
     ("<p>a</p><script>Good</script><style>p {}</style><noscript>Outstanding</noscript><p>b</p>", ["a", "b"]),
     ("<p>a</p><SCRIPT>Good</SCRIPT>", ["a"]), ("<ul><li>• a</li><li>  - b </li></ul>", ["a", "b"]),
     ("", []), ("\n \n\t\n", [])],
)  # fmt: skip
def test_page_lines(content: str, lines: list[str]) -> None:
    assert parse.page_lines(content) == lines


@pytest.mark.parametrize(
    ("url", "report"),
    [(YORK_URL, YORK_URL), (YORK_URL + "/summary", YORK_URL), (YORK_URL + "/theme1/needs", YORK_URL),
     (f"  {YORK_URL}/summary \n", YORK_URL), ("http://127.0.0.1:8/local-authority-assessment-reports/a-b-1",
                                               "http://127.0.0.1:8/local-authority-assessment-reports/a-b-1"),
     ("https://www.cqc.org.uk/care-services/local-authority-assessment-reports/",
      "https://www.cqc.org.uk/care-services/local-authority-assessment-reports/"),
     ("https://www.cqc.org.uk/local-authority-assessment-reports/York-1225/summary",
      "https://www.cqc.org.uk/local-authority-assessment-reports/York-1225/summary"),
     (" https://example.org/york ", " https://example.org/york "), ("", "")],
)  # fmt: skip
def test_report_url_of(url: str, report: str) -> None:
    """Sub-page suffixes go; an address that is not a report's is kept as it is."""
    assert parse.report_url_of(url) == report


@pytest.mark.parametrize(
    ("name", "code"),
    [("Hull City Council", "E06000010"),  # an alias of names.ALIASES only (the reference says Kingston upon Hull)
     ("Kingston upon Hull City Council", "E06000010"),  # the reference name only
     ("Durham County Council", "E06000047"),  # alias: "Durham" is County Durham
     ("Somerset Council", "E06000066"),  # alias to the old county's code, recoded to the same footprint
     ("Cumbria County Council", None),  # alias to the old county, split in two: no one code
     ("Northamptonshire County Council", None), ("", None), ("Council", None)],
)  # fmt: skip
def test_resolve_council(name: str, code: str | None) -> None:
    assert parse.resolve_council(name) == code


@pytest.mark.parametrize(
    ("slug", "code", "ok"),
    [("durham-0824", "E06000047", True),  # County Durham without "County"
     ("countydurham-0824", "E06000047", False),
     ("telfordwrekin-0625", "E06000020", True), ("telfordandwrekin-0625", "E06000020", True),  # "and" or not
     ("kensingtonchelsea-0625", "E09000020", True), ("newcastletyne-0625", "E08000021", True),
     ("newcastle-0625", "E08000021", True),  # shortened
     ("yorkcity-1225", "E06000014", True),  # the name begins the slug
     ("east-riding-1025", "E06000011", True), ("east-sussex-1025", "E06000011", False),
     ("-1025", "E06000014", False), ("1025", "E06000014", False), ("", "E06000014", False),
     ("ork-1225", "E06000014", False), ("yorks-1225", "E06000014", True)],
)  # fmt: skip
def test_slug_rules(slug: str, code: str, ok: bool) -> None:
    assert parse.slug_matches(slug, code) is ok


# --- the dataset: small tables written here ----------------------------------------------------------

QS = ["qs1_assessing_needs", "qs2_supporting_healthier_lives", "qs3_equity_experience_outcomes",
      "qs4_care_provision_integration_continuity", "qs5_partnerships_communities",
      "qs6_safe_pathways_systems_transitions", "qs7_safeguarding", "qs8_governance_management_sustainability",
      "qs9_learning_improvement_innovation"]  # fmt: skip
COLUMNS = ["ons_code", "la_name", "assessment_id", "status", "overall_rating", "rating_source",
           "overall_score_pct", "score_basis", *QS, "publication_date", "publication_date_precision",
           "report_url", "source", "evidence_basis", "evidence_url", "retrieved", "notes"]  # fmt: skip
HEADER = ",".join(COLUMNS)
REPORTS = "https://www.cqc.org.uk/care-services/local-authority-assessment-reports/"


def _row(code: str, name: str, aid: str = "", date: str = "", **values: str) -> dict[str, str]:
    """A dataset row: blank but for what is given (a row with values gets its evidence)."""
    row = dict.fromkeys(COLUMNS, "") | {"ons_code": code, "la_name": name, "assessment_id": aid,
                                         "publication_date": date}  # fmt: skip
    if aid:
        row["report_url"] = REPORTS + aid
    return row | values


RATED = {"overall_rating": "Good", "evidence_basis": "CQC page", "evidence_url": "https://e", "retrieved": "2026-12-01"}


def _write(tmp_path: Path, rows: list[dict[str, str]], columns: list[str] = COLUMNS) -> Path:
    path = tmp_path / "assessments.csv"
    pd.DataFrame(rows, columns=columns).to_csv(path, index=False)
    return path


def test_the_columns_are_the_documented_ones() -> None:
    assert dataset.COLUMNS == COLUMNS and dataset.QS == QS
    assert dataset.BASES[0] == "CQC page" and len(dataset.BASES) == 7


def test_dataset_path_follows_lahelpers_data(scratch_cqc_data: Path) -> None:
    assert dataset.dataset_path() == scratch_cqc_data / "cqc" / "assessments.csv"


def test_write_then_read_round_trip_in_column_order(tmp_path: Path) -> None:
    rows = [_row("E06000014", "York", "york-1225", "2025-12-05", overall_score_pct="039", qs1_assessing_needs="1",
                 notes="NA, or none", **RATED), _row("E06000001", "Hartlepool")]  # fmt: skip
    df = pd.DataFrame(rows)[list(reversed(COLUMNS))].assign(extra="dropped")
    path = dataset.write_dataset(df, tmp_path / "out.csv")
    assert path == tmp_path / "out.csv"
    raw = path.read_bytes()
    assert b"\r" not in raw and raw.count(b"\n") == 3 and raw.decode().splitlines()[0] == HEADER
    back = dataset.read_dataset(path)
    assert list(back.columns) == COLUMNS and back.to_dict("records") == rows  # text kept as written


def test_write_dataset_writes_only_where_it_is_told(tmp_path: Path) -> None:
    default = dataset.dataset_path()
    before = default.read_bytes()
    dataset.write_dataset(pd.DataFrame([_row("E06000001", "Hartlepool")]), tmp_path / "elsewhere.csv")
    assert default.read_bytes() == before
    assert dataset.write_dataset(pd.DataFrame([_row("E06000001", "Hartlepool")])) == default
    assert default.read_text().splitlines() == [HEADER, "E06000001,Hartlepool" + "," * (len(COLUMNS) - 2)]


def test_read_dataset_reads_the_default_file() -> None:
    df = dataset.read_dataset()
    assert df.loc[df["ons_code"] == "E06000014", "assessment_id"].tolist() == ["york-1225"]


def test_a_missing_file_says_how_to_restore_it(tmp_path: Path) -> None:
    with pytest.raises(InputError) as err:
        dataset.read_dataset(tmp_path / "none.csv")
    assert (err.value.file, err.value.problem) == (str(tmp_path / "none.csv"), "file not found")
    assert err.value.fix == "restore it with `git checkout data/cqc`"


def test_missing_columns_are_named(tmp_path: Path) -> None:
    path = _write(tmp_path, [_row("E06000001", "Hartlepool")],
                  [c for c in COLUMNS if c not in ("evidence_url", "notes")])  # fmt: skip
    with pytest.raises(InputError) as err:
        dataset.read_dataset(path)
    assert err.value.problem == "columns ['evidence_url', 'notes'] are missing"
    assert err.value.fix == f"the columns are {COLUMNS}"


@pytest.mark.parametrize(
    ("values", "column", "problem"),
    [({"evidence_basis": "a blog"}, "evidence_basis",
      "evidence basis 'a blog' is not one of " + str(list(dataset.BASES))),
     ({"overall_rating": "Good"}, "evidence_basis", "York has a rating or scores but no evidence_basis"),
     ({"overall_score_pct": "64", "evidence_basis": "CQC page"}, "evidence_url",
      "York has a rating or scores but no evidence_url"),
     ({"qs9_learning_improvement_innovation": "2", "evidence_basis": "CQC page", "evidence_url": "https://e"},
      "retrieved", "York has a rating or scores but no retrieved"),
     (RATED | {"retrieved": "2026"}, "retrieved", "retrieved '2026' is not a date"),
     (RATED | {"retrieved": "22/11/2026"}, "retrieved", "retrieved '22/11/2026' is not a date"),
     (RATED | {"retrieved": "2026-11-2"}, "retrieved", "retrieved '2026-11-2' is not a date"),
     (RATED | {"retrieved": "2026-11-22x"}, "retrieved", "retrieved '2026-11-22x' is not a date"),
     ({"retrieved": "x2026-11"}, "retrieved", "retrieved 'x2026-11' is not a date")],
)  # fmt: skip
def test_evidence_errors_name_row_and_column(tmp_path: Path, values: dict, column: str, problem: str) -> None:
    path = _write(tmp_path, [_row("E06000001", "Hartlepool"), _row("E06000014", "York", **values)])
    with pytest.raises(InputError) as err:
        dataset.read_dataset(path)
    assert (err.value.row, err.value.column, err.value.problem) == (3, column, problem)
    fixes = {"evidence_basis": "use one of those words", "retrieved": "write YYYY-MM-DD"}
    if "has a rating" in problem:
        assert err.value.fix == ("say where the values come from: evidence_basis, evidence_url and retrieved "
                                 "date")  # fmt: skip
    else:
        assert err.value.fix == fixes[column]


@pytest.mark.parametrize(
    "values",
    [{}, {"notes": "not yet assessed", "status": "not_yet_published"}, RATED, RATED | {"retrieved": "2026-11"},
     {"evidence_basis": "unverified scan"}, {"overall_rating": "Good"} | {k: v for k, v in RATED.items()
                                                                         if k != "overall_rating"}],
)  # fmt: skip
def test_rows_that_pass_the_evidence_check(tmp_path: Path, values: dict) -> None:
    path = _write(tmp_path, [_row("E06000014", "York", **values)])
    assert dataset.read_dataset(path).iloc[0].to_dict() == _row("E06000014", "York", **values)


# --- seeding from the mirror's compiled tables (small copies written here) --------------------------

MIRROR_COLUMNS = ["ons_code", "la_name", "region", "la_type", "status", "overall_rating", "rating_source",
                  "overall_score_pct", "score_basis", *QS, "theme_working_with_people_mean",
                  "theme_providing_support_mean", "theme_ensuring_safety_mean", "theme_leadership_mean",
                  "publication_date", "publication_date_precision", "report_url", "source", "source_detail",
                  "notes"]  # fmt: skip


def _mirror_row(code: str, name: str, **values: str) -> dict[str, str]:
    return dict.fromkeys(MIRROR_COLUMNS, "") | {"ons_code": code, "la_name": name, "region": "R"} | values


BARNET = _mirror_row("E09000003", "Barnet", status="published_full_scores", overall_rating="Good",
                     overall_score_pct="64", publication_date="2025-01", report_url=REPORTS + "barnet-0125",
                     source="bongo-twisty", source_detail="static/reports/cqc_league_tables.html (masterTable)")
YORK_WEB = _mirror_row("E06000014", "York", status="published_rating_only", overall_rating="Requires improvement",
                       rating_source="stated (council release)", publication_date="2025-12", source="web pages",
                       source_detail="https://www.york.gov.uk/news/x then https://y")
YORK_CQC = _mirror_row("E06000014", "York", status="published_full_scores", overall_rating="Requires improvement",
                       overall_score_pct="39", publication_date="2025-12-05", report_url=REPORTS + "york-1225",
                       source="CQC report page", source_detail=REPORTS + "york-1225/summary")
HARTLEPOOL = _mirror_row("E06000001", "Hartlepool", status="not_yet_published")


def _mirror(tmp_path: Path, base: list[dict], additions: list[dict] | None = None) -> Path:
    (tmp_path / "cqc").mkdir()
    pd.DataFrame(base, columns=MIRROR_COLUMNS).to_csv(tmp_path / "cqc" / "la_assessments.csv", index=False)
    if additions is not None:
        pd.DataFrame(additions, columns=MIRROR_COLUMNS).to_csv(
            tmp_path / "cqc" / "la_assessments_additions.csv", index=False)  # fmt: skip
    return tmp_path


def _seeded(mirror_row: dict[str, str], aid: str, basis: str, url: str, retrieved: str) -> dict[str, str]:
    """The dataset row a mirror row becomes, written out column by column."""
    row = {c: mirror_row[c] for c in COLUMNS if c in mirror_row}
    return row | {"assessment_id": aid, "evidence_basis": basis, "evidence_url": url, "retrieved": retrieved}


def test_seed_without_additions(tmp_path: Path) -> None:
    seeded = dataset.seed_from_mirror(_mirror(tmp_path, [BARNET, YORK_WEB, HARTLEPOOL]))
    assert list(seeded.columns) == COLUMNS and list(seeded.index) == [0, 1, 2]
    assert seeded.to_dict("records") == [
        _seeded(BARNET, "barnet-0125", "third-party table", dataset.BONGO_URL, "2026-11-22"),
        _seeded(YORK_WEB, "", "council release", YORK_WEB["source_detail"], "2026-11-22"),
        _seeded(HARTLEPOOL, "", "", "", ""),  # nothing published: no evidence, no date
    ]


def test_an_addition_replaces_its_authoritys_row_in_place(tmp_path: Path) -> None:
    seeded = dataset.seed_from_mirror(_mirror(tmp_path, [BARNET, YORK_WEB, HARTLEPOOL], [YORK_CQC]))
    assert list(seeded.index) == [0, 1, 2]
    assert seeded.to_dict("records") == [
        _seeded(BARNET, "barnet-0125", "third-party table", dataset.BONGO_URL, "2026-11-22"),
        _seeded(YORK_CQC, "york-1225", "CQC page", REPORTS + "york-1225/summary", "2026-12"),
        _seeded(HARTLEPOOL, "", "", "", ""),
    ]


@pytest.mark.parametrize(("base", "n"), [([BARNET, HARTLEPOOL], 0), ([YORK_WEB, BARNET, YORK_WEB], 2)])
def test_an_addition_must_match_exactly_one_row(tmp_path: Path, base: list[dict], n: int) -> None:
    mirror = _mirror(tmp_path, base, [YORK_CQC])
    with pytest.raises(InputError) as err:
        dataset.seed_from_mirror(mirror)
    assert err.value.file == str(mirror / "cqc" / "la_assessments_additions.csv")
    assert err.value.problem == f"E06000014 has {n} rows in la_assessments.csv, expected 1"
    assert err.value.fix == "an addition supersedes exactly one row of the same authority"
    assert err.value.column == "ons_code"


# --- merging a proposal ----------------------------------------------------------------------------


def _frame(*rows: dict[str, str]) -> pd.DataFrame:
    return pd.DataFrame(list(rows), columns=COLUMNS)


def _ids(df: pd.DataFrame) -> list[tuple[str, str, str]]:
    return list(zip(df["ons_code"], df["assessment_id"], df["publication_date"], strict=True))


YORK_OLD = _row("E06000014", "York", "", "2025-12", **RATED)
BARNET_ROW = _row("E09000003", "Barnet", "barnet-0125", "2025-01", **RATED)
HART = _row("E06000001", "Hartlepool")
CURRENT = (YORK_OLD, BARNET_ROW, HART)


@pytest.mark.parametrize(
    ("proposed", "after"),
    [  # the CQC page of York's assessment replaces its address-less row, in place
     (_row("E06000014", "York", "york-1225", "2025-12-05"),
      [("E06000014", "york-1225", "2025-12-05"), ("E09000003", "barnet-0125", "2025-01"), ("E06000001", "", "")]),
     # the same date counts as the same assessment
     (_row("E06000014", "York", "york-1225", "2025-12"),
      [("E06000014", "york-1225", "2025-12"), ("E09000003", "barnet-0125", "2025-01"), ("E06000001", "", "")]),
     # a page published before the address-less row is another (older) assessment: added after York's rows
     (_row("E06000014", "York", "york-1125", "2025-11-30"),
      [("E06000014", "", "2025-12"), ("E06000014", "york-1125", "2025-11-30"),
       ("E09000003", "barnet-0125", "2025-01"), ("E06000001", "", "")]),
     # the same report read again replaces its row; a new report is added after the authority's rows
     (_row("E09000003", "Barnet", "barnet-0125", "2025-01", notes="re-read"),
      [("E06000014", "", "2025-12"), ("E09000003", "barnet-0125", "2025-01"), ("E06000001", "", "")]),
     (_row("E09000003", "Barnet", "barnet-0626", "2026-06"),
      [("E06000014", "", "2025-12"), ("E09000003", "barnet-0125", "2025-01"),
       ("E09000003", "barnet-0626", "2026-06"), ("E06000001", "", "")]),
     # an authority without a row is added at the end
     (_row("E06000002", "Middlesbrough", "middlesbrough-0626", "2026-06"),
      [("E06000014", "", "2025-12"), ("E09000003", "barnet-0125", "2025-01"), ("E06000001", "", ""),
       ("E06000002", "middlesbrough-0626", "2026-06")]),
     # a row without an address replaces only its own authority's address-less row
     (_row("E06000001", "Hartlepool", notes="checked"),
      [("E06000014", "", "2025-12"), ("E09000003", "barnet-0125", "2025-01"), ("E06000001", "", "")])],
)  # fmt: skip
def test_merge(proposed: dict[str, str], after: list[tuple[str, str, str]]) -> None:
    current = _frame(*CURRENT)
    before = current.copy()
    merged = dataset.merge(current, pd.DataFrame([proposed]))
    assert _ids(merged) == after and list(merged.index) == list(range(len(after)))
    assert list(merged.columns) == COLUMNS
    hit = merged[(merged["ons_code"] == proposed["ons_code"])
                 & (merged["assessment_id"] == proposed["assessment_id"])]  # fmt: skip
    assert hit.to_dict("records") == [proposed]  # the proposed row in full
    pd.testing.assert_frame_equal(current, before)  # the current table is not changed


def test_merge_replaces_several_addressless_rows_with_one() -> None:
    """Two address-less rows of York published before the page: the first is replaced, the second goes."""
    current = _frame(YORK_OLD, HART, _row("E06000014", "York", "", "2025", **RATED), BARNET_ROW)
    merged = dataset.merge(current, pd.DataFrame([_row("E06000014", "York", "york-1225", "2025-12-05")]))
    assert _ids(merged) == [("E06000014", "york-1225", "2025-12-05"), ("E06000001", "", ""),
                            ("E09000003", "barnet-0125", "2025-01")]  # fmt: skip
    assert list(merged.index) == [0, 1, 2]


def test_merge_takes_the_proposal_in_any_column_order_and_several_rows() -> None:
    proposed = pd.DataFrame([_row("E06000014", "York", "york-1225", "2025-12-05"),
                             _row("E09000003", "Barnet", "barnet-0626", "2026-06")])[list(reversed(COLUMNS))]
    merged = dataset.merge(_frame(*CURRENT).assign(extra="x"), proposed.assign(more="y"))
    assert list(merged.columns) == COLUMNS
    assert _ids(merged) == [("E06000014", "york-1225", "2025-12-05"), ("E09000003", "barnet-0125", "2025-01"),
                            ("E09000003", "barnet-0626", "2026-06"), ("E06000001", "", "")]  # fmt: skip


def test_latest_is_the_latest_publication_of_each_authority() -> None:
    df = _frame(_row("E06000014", "York", "york-1126", "2026-11-10"), HART, _row("E06000014", "York", "york-1225",
                "2025-12-05"))  # fmt: skip
    assert _ids(dataset.latest(df)) == [("E06000014", "york-1126", "2026-11-10"), ("E06000001", "", "")]


# --- what changed between two versions of the table -------------------------------------------------

def test_value_columns_and_their_labels() -> None:
    assert {"overall_rating": "rating", "overall_score_pct": "overall %",
                                     **{q: f"QS{q[2]}" for q in QS}, "publication_date": "publication date"} == changes.VALUE_COLUMNS  # fmt: skip


def test_a_change_as_one_line() -> None:
    assert changes.Change("changed", "E06000014", "York", "rating Good -> Outstanding").text() == (
        "York (E06000014): changed: rating Good -> Outstanding")  # fmt: skip


def test_the_addressless_row_read_from_cqcs_page_is_a_change_not_a_new_assessment() -> None:
    before = _frame(_row("E06000014", "York", "", "2025-12", overall_rating="Requires improvement",
                         evidence_basis="council release", evidence_url="https://e", retrieved="2026-11-22"))
    scores = dict(zip(QS, "122121122", strict=True))
    after = _frame(_row("E06000014", "York", "york-1225", "2025-12-05", overall_rating="Requires improvement",
                        overall_score_pct="39", evidence_basis="CQC page", evidence_url="https://c",
                        retrieved="2026-12-03", **scores))  # fmt: skip
    found = changes.compare(before, after)
    assert found == [
        changes.Change("changed", "E06000014", "York",
                       "overall % blank -> 39; QS1 blank -> 1; QS2 blank -> 2; QS3 blank -> 2; QS4 blank -> 1; "
                       "QS5 blank -> 2; QS6 blank -> 1; QS7 blank -> 1; QS8 blank -> 2; QS9 blank -> 2; "
                       "publication date 2025-12 -> 2025-12-05"),
        changes.Change("gains CQC evidence", "E06000014", "York", "was council release"),
    ]  # fmt: skip
    assert changes.compare(after, after) == []


@pytest.mark.parametrize(
    ("before", "after", "found"),
    [  # a later report of an authority that had one
     ([BARNET_ROW], [BARNET_ROW, _row("E09000003", "Barnet", "barnet-0626", "2026-06",
                                      **RATED | {"overall_score_pct": "70"})],
      [("new assessment", "barnet-0626: Good, 70%")]),
     # a first report of an authority with no rating: no rating, no % said as such
     ([HART], [_row("E06000001", "Hartlepool", "hartlepool-0626", "2026-06")],
      [("new assessment", "hartlepool-0626: no rating")]),
     ([], [_row("E06000001", "Hartlepool", "hartlepool-0626", "2026-06", overall_score_pct="50")],
      [("new assessment", "hartlepool-0626: no rating, 50%")]),
     # values changed in place; a blank value said as "blank"; evidence that is already a CQC page is no news
     ([_row("E09000003", "Barnet", "barnet-0125", "2025-01", **RATED | {"evidence_basis": "CQC page"})],
      [_row("E09000003", "Barnet", "barnet-0125", "", **RATED | {"overall_rating": "Outstanding",
                                                                  "evidence_basis": "CQC page"})],
      [("changed", "rating Good -> Outstanding; publication date 2025-01 -> blank")]),
     # a row gaining a CQC page with no evidence before
     ([HART], [_row("E06000001", "Hartlepool", evidence_basis="CQC page")], [("gains CQC evidence", "was no evidence")]),
     ([], [_row("E06000001", "Hartlepool", overall_rating="Good", evidence_basis="CQC page")],
      [("changed", "rating blank -> Good"), ("gains CQC evidence", "was no evidence")]),
     # only the latest assessment of each counts: an older report added later changes nothing
     ([BARNET_ROW], [BARNET_ROW, _row("E09000003", "Barnet", "barnet-0124", "2024-01", **RATED)], []),
     ([HART, BARNET_ROW], [HART, BARNET_ROW], [])],
)  # fmt: skip
def test_compare(before: list[dict], after: list[dict], found: list[tuple[str, str]]) -> None:
    got = changes.compare(_frame(*before), _frame(*after))
    assert [(c.kind, c.detail) for c in got] == found
    assert all((c.code, c.name) == (after[-1]["ons_code"], after[-1]["la_name"]) for c in got)


def test_compare_lists_authorities_in_the_tables_order() -> None:
    after = _frame(_row("E06000001", "Hartlepool", notes="x", overall_rating="Good"), BARNET_ROW)
    got = changes.compare(_frame(BARNET_ROW), after)
    assert [(c.kind, c.code) for c in got] == [("changed", "E06000001")]


def test_values_read_as_text() -> None:
    assert [changes._value(v) for v in (None, float("nan"), pd.NA, "", "nan", 39, 2.0)] == [
        "", "", "", "", "nan", "39", "2.0"]  # fmt: skip


def test_markdown_report() -> None:
    found = [changes.Change("changed", "E06000014", "York", "rating Good -> Outstanding"),
             changes.Change("new assessment", "E06000001", "Hartlepool", "hartlepool-0626: Good, 70%"),
             changes.Change("gains CQC evidence", "E06000014", "York", "was news report"),
             changes.Change("new assessment", "E09000003", "Barnet", "barnet-0626: Good")]  # fmt: skip
    assert changes.markdown(found, [("https://x/a", "HTTP 404"), ("https://x/b", "Timeout")]) == (
        "# Ratings refresh: change report\n\n\n"
        "## new assessment (2)\n\n"
        "- Hartlepool (E06000001): hartlepool-0626: Good, 70%\n- Barnet (E09000003): barnet-0626: Good\n\n"
        "## changed (1)\n\n- York (E06000014): rating Good -> Outstanding\n\n"
        "## gains CQC evidence (1)\n\n- York (E06000014): was news report\n\n"
        "## pages not read (2): nothing written for them\n\n- https://x/a: HTTP 404\n- https://x/b: Timeout\n"
    )  # fmt: skip
    assert changes.markdown([]) == "# Ratings refresh: change report\n\nNo change to the ratings table.\n"
    assert changes.markdown([], []) == changes.markdown([])
    assert changes.markdown([changes.Change("new data", "x", "x", "y")]) == "# Ratings refresh: change report\n\n"


def test_input_changes() -> None:
    before = {"sources": {"a": {"actual_sha256": "1", "vintage": "2024"}, "b": {"actual_sha256": "2", "vintage": "v"},
                          "c": {"actual_sha256": "3", "vintage": "2025"}, "gone": {"actual_sha256": "9"}}}
    after = {"sources": {"c": {"actual_sha256": "3", "vintage": "2025"}, "b": {"actual_sha256": "2b", "vintage": "v"},
                         "a": {"actual_sha256": "1a", "vintage": "2025"}, "new": {"actual_sha256": "4",
                                                                                  "vintage": "2026"}}}  # fmt: skip
    assert [(c.kind, c.code, c.name, c.detail) for c in changes.input_changes(before, after)] == [
        ("new data", "a", "a", "vintage 2024 -> 2025"), ("new data", "b", "b", "new version of the file"),
        ("new data", "new", "new", "new input (2026)")]  # fmt: skip
    assert [c.detail for c in changes.input_changes({}, {"sources": {"n": {}}})] == ["new input ()"]
    assert [c.detail for c in changes.input_changes({"sources": None}, {"sources": {"n": {"vintage": "x"}}})] == [
        "new input (x)"]  # fmt: skip
    assert changes.input_changes(before, {"sources": None}) == changes.input_changes(before, {}) == []
    assert [c.detail for c in changes.input_changes({"sources": {"n": {"actual_sha256": "1"}}},
                                                    {"sources": {"n": {"actual_sha256": "2"}}})] == [
        "new version of the file"]  # fmt: skip


# --- the `lahelpers ratings` commands' helpers ---------------------------------------------------


def test_parse_files_writes_csv_and_one_error_per_page_not_read(tmp_path: Path) -> None:
    good, bad, binary = tmp_path / "york.txt", tmp_path / "bad.txt", tmp_path / "bin.html"
    good.write_text(SUMMARY, encoding="utf-8")
    bad.write_text(_page("Safeguarding\n", "Safeguard\n"), encoding="utf-8")
    binary.write_bytes(b"\xff\xfe\x00<p>")
    missing = tmp_path / "none.html"
    text, errors = cli_support.parse_files([good, bad, missing, binary, good], url=YORK_URL + "/summary")
    row = f"E06000014,York,Requires improvement,39,1,2,2,1,2,1,1,2,2,2025-12-05,{YORK_URL}"
    assert text == ",".join(parse.CSV_COLUMNS) + "\n" + row + "\n" + row + "\n"
    assert errors[0] == f"{bad}: unknown quality statement 'Safeguard' (CQC changed the layout?)"
    assert errors[1].startswith(f"{missing}: cannot be read (FileNotFoundError: ")
    assert errors[2].startswith(f"{binary}: cannot be read (UnicodeDecodeError: ") and len(errors) == 3
    assert cli_support.parse_files([]) == (",".join(parse.CSV_COLUMNS) + "\n", [])
    assert cli_support.parse_files([good])[0].endswith(",2025-12-05,\n")  # no address given, none in the text


def test_the_commands_folders_follow_lahelpers_data(scratch_cqc_data: Path) -> None:
    assert cli_support.proposed_dir() == scratch_cqc_data / "cqc" / "proposed"
    assert cli_support.cache_dir() == scratch_cqc_data / "cache" / "cqc-pages"


def test_check_summarises_the_table(scratch_cqc_data: Path) -> None:
    path = scratch_cqc_data / "cqc" / "assessments.csv"
    raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    assert raw["ons_code"].nunique() == len(raw) == 153  # one row each, so every row is the latest
    rated = int((raw["overall_rating"] != "").sum())
    full = int((raw[QS] != "").all(axis=1).sum())
    assert 0 < full < rated < 153
    assert cli_support.check() == (f"{path}: 153 rows, 153 authorities, {rated} rated ({full} with all 9 scores); "
                                   "evidence and CQC's rules check out")  # fmt: skip


def test_apply_merges_writes_and_reports(scratch_cqc_data: Path, tmp_path: Path) -> None:
    path = scratch_cqc_data / "cqc" / "assessments.csv"
    before = path.read_text().splitlines()
    york_line = next(ln for ln in before if ln.startswith("E06000014,"))
    new = _row("E06000014", "York", "york-1126", "2026-11-10", status="published_full_scores",
               overall_rating="Good", overall_score_pct="75", publication_date_precision="day",
               source="CQC report page", evidence_basis="CQC page", evidence_url=REPORTS + "york-1126/summary",
               retrieved="2026-11-12", **dict.fromkeys(QS, "3"))  # fmt: skip
    proposal = dataset.write_dataset(pd.DataFrame([new]), tmp_path / "proposed.csv")
    new_line = proposal.read_text().splitlines()[1]
    report = cli_support.apply(proposal)
    after = path.read_text().splitlines()
    assert after == [*before[: before.index(york_line) + 1], new_line, *before[before.index(york_line) + 1:]]
    assert report.startswith("# Ratings refresh: change report\n\n\n## new assessment (1)\n\n"
                             "- York (E06000014): york-1126: Good, 75%\n")  # fmt: skip
    assert f"\nwrote {path}; review with `git diff {path}` and commit it\n\n" in report
    assert "--- assessments.csv (before)\n+++ assessments.csv (after)\n" in report
    assert f"\n {york_line}\n+{new_line}\n" in report


def test_apply_reads_the_default_proposal(scratch_cqc_data: Path) -> None:
    with pytest.raises(InputError) as err:
        cli_support.apply()
    assert err.value.file == str(scratch_cqc_data / "cqc" / "proposed" / "proposed.csv")
    assert (err.value.problem, err.value.fix) == ("no proposal to apply", "run `lahelpers ratings refresh` first")


def test_apply_leaves_the_table_alone_when_the_merge_breaks_the_rules(scratch_cqc_data: Path, tmp_path: Path) -> None:
    path = scratch_cqc_data / "cqc" / "assessments.csv"
    before = path.read_bytes()
    bad = _row("E06000014", "York", "york-1126", "2026-11-10", status="published_full_scores",
               overall_rating="Outstanding", overall_score_pct="75", publication_date_precision="day",
               source="CQC report page", evidence_basis="CQC page", evidence_url="https://e", retrieved="2026-11-12",
               **dict.fromkeys(QS, "3"))  # fmt: skip
    with pytest.raises(InputError, match="rating 'Outstanding' is outside its band: 75% is 'Good'"):
        cli_support.apply(dataset.write_dataset(pd.DataFrame([bad]), tmp_path / "p.csv"))
    assert path.read_bytes() == before


def test_seed_writes_or_compares(scratch_cqc_data: Path, tmp_path: Path) -> None:
    mirror = _mirror(tmp_path, [BARNET, YORK_WEB, HARTLEPOOL], [YORK_CQC])
    path = scratch_cqc_data / "cqc" / "assessments.csv"
    assert cli_support.seed(mirror, write=True) == f"wrote {path} (3 rows)"
    assert pd.read_csv(path, dtype=str, keep_default_na=False)["assessment_id"].tolist() == ["barnet-0125",
                                                                                            "york-1225", ""]
    assert cli_support.seed(mirror, write=False) == "the dataset's latest rows equal the seed from the mirror"
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    df.loc[2, ["overall_rating", "evidence_basis", "evidence_url", "retrieved"]] = ["Good", "news report", "u",
                                                                                   "2026-12"]  # fmt: skip
    df.to_csv(path, index=False)
    assert cli_support.seed(mirror, write=False) == (
        "changes since the seed:\nHartlepool (E06000001): changed: rating blank -> Good")  # fmt: skip
    path.unlink()
    with pytest.raises(InputError) as err:
        cli_support.seed(mirror, write=False)
    assert (err.value.file, err.value.problem) == (str(path), "file not found")
    assert err.value.fix == "run `lahelpers ratings seed --mirror DIR --write`"


# --- tests for the survivors of the first mutation run (benchmarks/mutation.py) ---------------------


def test_compare_goes_on_after_a_new_assessment() -> None:
    """A new assessment of one authority does not hide the changes of the authorities after it."""
    after = [BARNET_ROW, _row("E09000003", "Barnet", "barnet-0626", "2026-06", **RATED),
             _row("E06000001", "Hartlepool", overall_rating="Good", evidence_basis="CQC page")]  # fmt: skip
    got = changes.compare(_frame(BARNET_ROW, HART), _frame(*after))
    assert [(c.kind, c.code) for c in got] == [("new assessment", "E09000003"), ("changed", "E06000001"),
                                               ("gains CQC evidence", "E06000001")]  # fmt: skip


@pytest.mark.parametrize(
    ("values", "column"),
    [({"evidence_basis": "a blog"}, "evidence_basis"), ({"overall_rating": "Good"}, "evidence_basis"),
     (RATED | {"retrieved": "2026"}, "retrieved")],
)  # fmt: skip
def test_evidence_errors_name_the_file(tmp_path: Path, values: dict, column: str) -> None:
    path = _write(tmp_path, [_row("E06000014", "York", **values)])
    with pytest.raises(InputError) as err:
        dataset.read_dataset(path)
    assert (err.value.file, err.value.column) == (str(path), column)


def test_missing_columns_name_the_file(tmp_path: Path) -> None:
    path = _write(tmp_path, [_row("E06000001", "Hartlepool")], COLUMNS[:-1])
    with pytest.raises(InputError) as err:
        dataset.read_dataset(path)
    assert err.value.file == str(path)


def test_a_monitor_row_without_the_catalogues_address_has_none(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(dataset.catalogue, "source", lambda sid: type("S", (), {"url": None})())
    assert dataset.seed_evidence_url({"source": "carentspilot/cqc-monitor"}) == ""


def test_unix_line_ends_whatever_the_platforms(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The writer and apply's diff use "\\n" even where the platform's line end is "\\r\\n" (Windows)."""
    monkeypatch.setattr("os.linesep", "\r\n")
    path = dataset.write_dataset(pd.DataFrame([_row("E06000001", "Hartlepool")]), tmp_path / "a.csv")
    assert b"\r" not in path.read_bytes()
    assert all(ln.endswith("\n") and not ln.endswith("\r\n") for ln in cli_support._csv_text(_frame(HART, HART)))
    assert len(cli_support._csv_text(_frame(HART, HART))) == 3


def test_seed_lists_every_change_on_its_own_line(scratch_cqc_data: Path, tmp_path: Path) -> None:
    mirror = _mirror(tmp_path, [BARNET, YORK_WEB, HARTLEPOOL], [YORK_CQC])
    path = scratch_cqc_data / "cqc" / "assessments.csv"
    cli_support.seed(mirror, write=True)
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    df.loc[0, "overall_rating"] = "Outstanding"
    df.loc[2, ["overall_rating", "evidence_basis", "evidence_url", "retrieved"]] = ["Good", "news report", "u", "2026-12"]
    df.to_csv(path, index=False)
    assert cli_support.seed(mirror, write=False) == (
        "changes since the seed:\nBarnet (E09000003): changed: rating Good -> Outstanding\n"
        "Hartlepool (E06000001): changed: rating blank -> Good")  # fmt: skip


def _stub_refresh(monkeypatch: pytest.MonkeyPatch, proposed: list[dict], failures: list) -> dict:
    """cli_support.refresh with CQC's site replaced by a result written here; returns what it was given."""
    from lahelpers.ratings import refresh as refresher

    seen: dict = {}

    def fake(client: object, base_url: str) -> object:
        seen.update(client=client, base_url=base_url)
        return refresher.RefreshResult(pd.DataFrame(proposed, columns=COLUMNS), [], failures, listed=2)

    monkeypatch.setattr(refresher, "refresh", fake)
    return seen


YORK_1126 = _row("E06000014", "York", "york-1126", "2026-11-10", status="published_full_scores",
                 overall_rating="Good", overall_score_pct="75", publication_date_precision="day",
                 source="CQC report page", evidence_basis="CQC page", evidence_url=REPORTS + "york-1126/summary",
                 retrieved="2026-11-12", **dict.fromkeys(QS, "3"))  # fmt: skip


def _head(proposed: int, failures: int) -> str:
    return (f"Reports listed: 2; unchanged: 0; proposed rows: {proposed}; pages not read: {failures}; requests: 0\n\n"
            "# Ratings refresh: change report\n\n")  # fmt: skip


def test_refresh_proposes_and_does_not_apply_unless_told(
    monkeypatch: pytest.MonkeyPatch, scratch_cqc_data: Path, tmp_path: Path
) -> None:
    seen = _stub_refresh(monkeypatch, [YORK_1126], [])
    table = scratch_cqc_data / "cqc" / "assessments.csv"
    before = table.read_bytes()
    message, ok = cli_support.refresh(None, tmp_path / "out", 0.25, apply_now=False)
    assert ok and table.read_bytes() == before
    assert message == (_head(1, 0) + "No change to the ratings table.\n"
                       f"\nproposal: {tmp_path / 'out' / 'proposed.csv'}\nreport: {tmp_path / 'out' / 'changes.md'}\n"
                       "review them, then: lahelpers ratings apply\n")  # fmt: skip
    assert seen["base_url"] == "https://www.cqc.org.uk"
    assert (seen["client"].pause, seen["client"].cache_dir) == (0.25, scratch_cqc_data / "cache" / "cqc-pages")


def test_refresh_with_apply_writes_the_table(monkeypatch: pytest.MonkeyPatch, scratch_cqc_data: Path) -> None:
    seen = _stub_refresh(monkeypatch, [YORK_1126], [("https://x/a", "HTTP 404")])
    table = scratch_cqc_data / "cqc" / "assessments.csv"
    message, ok = cli_support.refresh("http://127.0.0.1:9", None, 0, apply_now=True)
    out = scratch_cqc_data / "cqc" / "proposed"
    assert not ok and seen["base_url"] == "http://127.0.0.1:9"
    assert message.startswith(_head(1, 1))
    assert (f"\nproposal: {out / 'proposed.csv'}\nreport: {out / 'changes.md'}\n\n# Ratings refresh: change report\n\n\n"
            "## new assessment (1)\n\n- York (E06000014): york-1126: Good, 75%\n") in message  # fmt: skip
    assert "review them" not in message
    assert dataset.read_dataset(table)["assessment_id"].tolist().count("york-1126") == 1


def test_refresh_with_nothing_proposed_applies_nothing(monkeypatch: pytest.MonkeyPatch, scratch_cqc_data: Path,
                                                       tmp_path: Path) -> None:  # fmt: skip
    _stub_refresh(monkeypatch, [], [])
    table = scratch_cqc_data / "cqc" / "assessments.csv"
    before = table.read_bytes()
    message, ok = cli_support.refresh(None, tmp_path, 1, apply_now=True)
    assert ok and table.read_bytes() == before
    assert message == (_head(0, 0) + "No change to the ratings table.\n"
                       f"\nproposal: {tmp_path / 'proposed.csv'}\nreport: {tmp_path / 'changes.md'}\n")  # fmt: skip
