"""The ratings helpers on text written here (no mirror, no network): a page's own address, a parsed
page as a CSV row, a report's id from its address, and the evidence basis and address of seed rows."""

from __future__ import annotations

import pytest

from lahelpers.ratings import dataset, parse

MONITOR = ("https://raw.githubusercontent.com/carentspilot/cqc-monitor/"
           "e63a8a45cd43f44eef1b6a6845f8a296bd317ea9/seen_assessments.json")  # fmt: skip


@pytest.mark.parametrize(
    ("content", "url"),
    [("plain text, https://x/y", ""), ("<p>no link</p>", ""),
     ('<html><head><link rel="canonical" href="https://a/b"></head></html>', "https://a/b"),
     ('<html><head><meta property="og:url" content="https://c/d"></head></html>', "https://c/d"),
     ('<head><meta property="og:url" content="https://c/d"><link rel="canonical" href="https://a/b"></head>',
      "https://a/b"),
     ('<head><link rel="canonical"><meta property="og:url" content="https://c/d"></head>', "https://c/d"),
     ('<head><link rel="stylesheet" href="https://s/t"><meta property="og:title" content="T"></head>', ""),
     ('<head><meta property="og:url"></head>', "")],
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
