"""The ratings dataset, ``data/cqc/assessments.csv``: one row per authority and assessment.

Columns: the values CQC publishes (rating, overall %, the 9 quality statement scores, publication
date, report address) in the names the build reads, plus the evidence for them:

* ``assessment_id``: the report's slug (``york-1225``), blank when no CQC address is known;
* ``evidence_basis``: one of :data:`BASES` (how far the values can be trusted);
* ``evidence_url``: the address(es) the values were read from (``;`` between several);
* ``retrieved``: when they were read (YYYY-MM-DD, or YYYY-MM for rows seeded from a compilation
  whose day is not known);
* ``rating_source`` / ``score_basis`` say, value by value, how the rating and the % were stated
  or derived (kept from the compilation the table was seeded from).

An authority with nothing published in our data keeps one row with blank values (``status``
says why), so the table always covers the 153. Re-assessments add rows: the latest by
publication date is the one the analysis uses (:func:`lahelpers.sources.cqc.latest_assessments`);
the others are the history.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from lahelpers.errors import InputError
from lahelpers.inputs import catalogue, validate
from lahelpers.sources import cqc

QS = list(validate.CQC_QS_SOURCE_COLUMNS)

#: Columns of the dataset, in file order.
COLUMNS: list[str] = [
    "ons_code", "la_name", "assessment_id", "status", "overall_rating", "rating_source",
    "overall_score_pct", "score_basis", *QS, "publication_date", "publication_date_precision",
    "report_url", "source", "evidence_basis", "evidence_url", "retrieved", "notes",
]  # fmt: skip

#: How a row's values are known, from the strongest to the weakest.
BASES: tuple[str, ...] = (
    "CQC page",  # the report page on cqc.org.uk (or an archived copy of it)
    "CQC press release",  # CQC's own press release (or its newsroom copy)
    "council release",  # the council's own news or committee papers
    "news report",  # press coverage quoting the report
    "third-party table",  # a table compiled by someone else (bongo-twisty league table)
    "secondary summary",  # a roundup or summary of other sources
    "unverified scan",  # a keyword scan of the page (carentspilot/cqc-monitor)
)

REPORTS_PATH = "/care-services/local-authority-assessment-reports/"
SLUG = re.compile(r"local-authority-assessment-reports/([a-z0-9-]+?-\d{4})(?:/|$)")

#: Where the seed's third-party rows come from (the mirror's PROVENANCE.md).
BONGO_URL = (
    "https://github.com/alxtrnr/bongo-twisty/blob/756ee07fc08f71429044be1d9f9fae04bad5ebfe/"
    "static/reports/cqc_league_tables.html"
)
#: Date of the mirror compilation the seed rows come from (its update of 22 Nov 2026).
SEED_RETRIEVED = "2026-11-22"
#: The additions file (York) was compiled in December 2026; its day is not recorded.
ADDITIONS_RETRIEVED = "2026-12"


def dataset_path() -> Path:
    """``data/cqc/assessments.csv`` (the catalogue's ``cqc_assessments``)."""
    return catalogue.raw_path("cqc_assessments")


def assessment_id(report_url: object) -> str:
    """The report's slug (``york-1225``) from its address, or "" when there is none."""
    if report_url is None or pd.isna(report_url):
        return ""
    m = SLUG.search(str(report_url))
    return m.group(1) if m else ""


def _first_address(detail: str) -> str:
    found = re.findall(r"https?://\S+", detail)
    return found[0] if found else ""


def seed_basis(row: dict[str, str]) -> str:
    """The evidence basis of a row of the mirror's compiled table (from its source columns)."""
    source, rating_source = row.get("source", ""), row.get("rating_source", "").lower()
    first = _first_address(row.get("source_detail", ""))
    if not source:
        return ""
    if source == "bongo-twisty":
        return "third-party table"
    if source == "carentspilot/cqc-monitor":
        return "unverified scan"
    if source == "CQC report page" or "cqc.org.uk/care-services" in first:
        return "CQC page"
    if "secondary" in rating_source:
        return "secondary summary"
    if "cqc.org.uk/press-release" in first or "cqc-newsroom" in first:
        return "CQC press release"
    if "council" in rating_source or ".gov.uk" in first:
        return "council release"
    return "news report"


def seed_evidence_url(row: dict[str, str]) -> str:
    """The address of the evidence of a seed row."""
    if row.get("source") == "bongo-twisty":
        return BONGO_URL
    if row.get("source") == "carentspilot/cqc-monitor":
        return catalogue.source("cqc_monitor").url or ""
    return row.get("source_detail", "")


def _seed_rows(path: Path, retrieved: str) -> pd.DataFrame:
    raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    out = raw.copy()
    records = raw.to_dict("records")
    out["assessment_id"] = [assessment_id(r["report_url"]) for r in records]
    out["evidence_basis"] = [seed_basis(r) for r in records]
    out["evidence_url"] = [seed_evidence_url(r) for r in records]
    out["retrieved"] = [retrieved if r["source"] else "" for r in records]
    return out[COLUMNS]


def seed_from_mirror(mirror: Path) -> pd.DataFrame:
    """The dataset as first seeded: ``cqc/la_assessments.csv`` with ``la_assessments_additions.csv``.

    A row of the additions file replaces the row of the same authority (same assessment: York's
    rating-only row becomes its nine scores and 39% from CQC's summary page).
    """
    base = _seed_rows(mirror / "cqc" / "la_assessments.csv", SEED_RETRIEVED)
    additions_file = mirror / "cqc" / "la_assessments_additions.csv"
    if additions_file.is_file():
        additions = _seed_rows(additions_file, ADDITIONS_RETRIEVED)
        for add in additions.to_dict("records"):
            hit = base.index[base["ons_code"] == add["ons_code"]]
            if len(hit) != 1:
                raise InputError(
                    additions_file,
                    f"{add['ons_code']} has {len(hit)} rows in la_assessments.csv, expected 1",
                    "an addition supersedes exactly one row of the same authority",
                    column="ons_code",
                )
            base.loc[hit[0]] = pd.Series(add)
    return base.reset_index(drop=True)


def read_dataset(path: Path | None = None) -> pd.DataFrame:
    """Every row of the dataset (all assessments, history included) as text, checked.

    Checks beyond the build's (which validates the latest rows): the evidence columns exist, the
    basis is one of :data:`BASES`, and a row with any value has its basis, address and date.
    """
    path = Path(path or dataset_path())
    if not path.is_file():
        raise InputError(path, "file not found", "restore it with `git checkout data/cqc`")
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = [c for c in COLUMNS if c not in df.columns]
    if missing:
        raise InputError(path, f"columns {missing} are missing", f"the columns are {COLUMNS}")
    for i, r in enumerate(df.to_dict("records")):
        _check_evidence(r, path, i + 2)
    return df[COLUMNS]


def _check_evidence(r: dict[str, str], path: Path, line: int) -> None:
    has_value = bool(r["overall_rating"] or r["overall_score_pct"] or any(r[q] for q in QS))
    if r["evidence_basis"] and r["evidence_basis"] not in BASES:
        raise InputError(
            path,
            f"evidence basis {r['evidence_basis']!r} is not one of {list(BASES)}",
            "use one of those words",
            row=line,
            column="evidence_basis",
        )
    for col in ("evidence_basis", "evidence_url", "retrieved"):
        if has_value and not r[col]:
            raise InputError(
                path,
                f"{r['la_name']} has a rating or scores but no {col}",
                "say where the values come from: evidence_basis, evidence_url and retrieved date",
                row=line,
                column=col,
            )
    if r["retrieved"] and not re.fullmatch(r"\d{4}-\d{2}(-\d{2})?", r["retrieved"]):
        raise InputError(
            path,
            f"retrieved {r['retrieved']!r} is not a date",
            "write YYYY-MM-DD",
            row=line,
            column="retrieved",
        )


def write_dataset(df: pd.DataFrame, path: Path | None = None) -> Path:
    """Write the dataset in its column order with Unix line ends (diffs stay readable)."""
    path = Path(path or dataset_path())
    df[COLUMNS].to_csv(path, index=False, lineterminator="\n")
    return path


def latest(df: pd.DataFrame) -> pd.DataFrame:
    """The latest assessment of each authority (see :func:`lahelpers.sources.cqc.latest_assessments`)."""
    return cqc.latest_assessments(df)


def _same_assessment(current: pd.DataFrame, row: dict[str, str]) -> pd.Index:
    """Rows of ``current`` that ``row`` (a new reading of a CQC page) supersedes.

    The same report (same slug), or, for the same authority, a row with no CQC address published
    no later than the page (the page is better evidence for that assessment).
    """
    same_id = current.index[
        (current["assessment_id"] == row["assessment_id"]) & (current["assessment_id"] != "")
    ]
    if len(same_id):
        return same_id
    mine = current[(current["ons_code"] == row["ons_code"]) & (current["assessment_id"] == "")]
    new_date = cqc.date_key(row["publication_date"])
    keep = [i for i, r in mine.iterrows() if cqc.date_key(r["publication_date"]) <= new_date]
    return pd.Index(keep)


def merge(current: pd.DataFrame, proposed: pd.DataFrame) -> pd.DataFrame:
    """The dataset with the proposed rows accepted.

    A proposed row replaces the row(s) of the same assessment in place; a new assessment of an
    authority is added after its other rows (history is kept).
    """
    out = current[COLUMNS].copy().reset_index(drop=True)
    for row in proposed[COLUMNS].to_dict("records"):
        hit = _same_assessment(out, row)
        if len(hit):
            out.loc[hit[0]] = pd.Series(row)
            out = out.drop(index=hit[1:]).reset_index(drop=True)
            continue
        mine = out.index[out["ons_code"] == row["ons_code"]]
        at = int(mine[-1]) + 1 if len(mine) else len(out)
        out = pd.concat([out.iloc[:at], pd.DataFrame([row]), out.iloc[at:]], ignore_index=True)
    return out
