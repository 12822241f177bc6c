"""Read CQC's local authority assessments and derive the overall % and theme means.

Rules (CQC, "How we determine ratings"):
* overall % = ceil(100 x sum of the 9 quality statement scores / 36) where all 9 are known,
  otherwise the % stated by CQC (blank if neither). A stated % that disagrees with the 9 scores
  is an input error: one of them is wrong.
* the rating must fall in its % band (25-38 Inadequate, 39-62 Requires improvement, 63-87 Good,
  88+ Outstanding); an inconsistency fails the build unless it is recorded, with a reason, in
  ``data/rating_exceptions.yaml``, in which case it is kept and flagged in ``rating_flag``.
* theme means are our own (CQC publishes no theme scores): the mean of the theme's statements
  where all are known.

The table is the dataset this project maintains, ``data/cqc/assessments.csv`` (see
:mod:`lahelpers.ratings.dataset`): one row per authority and assessment. Where an authority has
several (a re-assessment), the latest by publication date is used (:func:`latest_assessments`).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from lahelpers import framework
from lahelpers.errors import InputError
from lahelpers.inputs import catalogue, codes, rawio, textcheck, validate
from lahelpers.inputs.joins import SourceJoin

#: Catalogue ids of the raw files this source reads.
READS: tuple[str, ...] = ("cqc_assessments", "cqc_pilots")

REQUIRED = [
    "ons_code", "la_name", "status", "overall_rating", "rating_source", "overall_score_pct",
    "score_basis", *validate.CQC_QS_SOURCE_COLUMNS, "publication_date",
    "publication_date_precision", "report_url", "source", "notes",
]  # fmt: skip

NOT_RATED_STATUS = "not yet in our data"


def rating_basis(rating_source: object) -> str | None:
    """Group CQC's free-text rating source into how far the rating can be trusted."""
    if rating_source is None or pd.isna(rating_source):
        return None
    text = str(rating_source).lower()
    if "scrape" in text:
        return "unverified keyword scrape"
    if "secondary" in text:
        return "secondary source"
    if text.startswith("derived"):
        return "derived from scores"
    return "stated"


def parse_date(value: object, precision: object, file: str | Path, row: int) -> pd.Timestamp | None:
    """Parse a YYYY, YYYY-MM or YYYY-MM-DD date to the first day of its period.

    The stated precision must agree with the text (a month date marked 'day' is an error).
    """
    if value is None or pd.isna(value):
        return None
    text = str(value).strip()
    expected = {4: "year", 7: "month", 10: "day"}.get(len(text))
    fmt = {"year": "%Y", "month": "%Y-%m", "day": "%Y-%m-%d"}.get(expected or "")
    try:
        if fmt is None:
            raise ValueError(text)
        stamp = pd.to_datetime(text, format=fmt)
    except ValueError:
        raise InputError(
            file,
            f"publication date {text!r} cannot be parsed",
            "write it as YYYY-MM-DD, YYYY-MM or YYYY",
            row=row,
            column="publication_date",
        ) from None
    if precision is not None and not pd.isna(precision) and precision != expected:
        raise InputError(
            file,
            f"publication date {text!r} has precision {expected}, but the row says {precision!r}",
            f"set publication_date_precision to {expected}",
            row=row,
            column="publication_date_precision",
        )
    return stamp


def date_key(value: object) -> str:
    """A sortable key for a YYYY, YYYY-MM or YYYY-MM-DD date; "" (earliest) when blank."""
    return "" if value is None or pd.isna(value) else str(value).strip()


def latest_assessments(df: pd.DataFrame) -> pd.DataFrame:
    """The latest assessment of each authority: the row with the latest publication date.

    Dates compare as text (YYYY < YYYY-MM < YYYY-MM-DD of the same period, so a more precise date
    of the same period counts as later); on a tie the row further down the file wins. Rows keep
    the file order of each authority's first row, and their index (so errors name file lines).
    """
    order = pd.DataFrame(
        {
            "code": df["ons_code"].to_numpy(),
            "key": [date_key(v) for v in df["publication_date"]],
            "pos": range(len(df)),
        }
    )
    best = order.sort_values(["key", "pos"]).groupby("code", sort=False).tail(1)
    first = order.groupby("code", sort=False)["pos"].min()
    best = best.assign(first=best["code"].map(first)).sort_values("first")
    return df.iloc[best["pos"].to_list()]


def read_assessments(path: Path | None = None) -> pd.DataFrame:
    """Read the ratings dataset into one row per authority (its latest assessment)."""
    path = Path(path or catalogue.raw_path("cqc_assessments"))
    raw = rawio.read_csv(path, REQUIRED, dtype=str, keep_default_na=False, na_values=[""])
    findings = textcheck.check_text(raw, path, codes=["ons_code"], names=["la_name"])
    links = [c for c in ("report_url", "evidence_url") if c in raw.columns]
    findings += textcheck.link_findings(raw, path, links)
    raw = latest_assessments(raw)
    checked = validate.raise_for(validate.cqc_input_schema(), raw, path, validate.CQC_FIXES)
    missing = codes.reference_codes() - set(checked["ons_code"])
    if missing:
        raise InputError(
            path,
            f"no row for {len(missing)} of the 153 authorities: {sorted(missing)[:10]}",
            "add one row per authority (blank scores and rating if nothing is published)",
            column="ons_code",
        )
    exceptions = validate.rating_exceptions()
    rows = []
    for index, r in zip(checked.index, checked.to_dict("records"), strict=True):
        line = int(index) + 2
        scores = [r[c] for c in validate.CQC_QS_SOURCE_COLUMNS]
        derived = framework.overall_pct(scores)
        stated = r["overall_score_pct"]
        if derived is not None and pd.notna(stated) and int(stated) != derived:
            raise InputError(
                path,
                f"stated overall % {int(stated)} disagrees with CQC's rule applied to the 9 scores "
                f"(ceil(100 x {int(sum(scores))} / 36) = {derived})",
                "check the scores and the stated % against the CQC report",
                row=line,
                column="overall_score_pct",
            )
        pct = float(derived) if derived is not None else stated
        rating = r["overall_rating"] if pd.notna(r["overall_rating"]) else None
        band = framework.band_of(pct)
        flag = ""
        if rating and band and band != rating:
            if r["ons_code"] not in exceptions:
                raise InputError(
                    path,
                    f"rating {rating!r} is outside its band: {pct:.0f}% is {band!r} "
                    f"(bands {framework.BANDS})",
                    "correct the rating or scores, or if CQC really published this, record the code and "
                    "the reason in data/rating_exceptions.yaml",
                    row=line,
                    column="overall_rating",
                )
            flag = f"rating outside its % band ({pct:.0f}% is {band}): {exceptions[r['ons_code']]}"
        date = parse_date(r["publication_date"], r["publication_date_precision"], path, line)
        row = {
            "code": r["ons_code"],
            "cqc_status": "rated" if rating else NOT_RATED_STATUS,
            "assessment_status": r["status"],
            "rating": rating,
            "rating_label": rating or framework.NOT_RATED,
            "rating_basis": rating_basis(r["rating_source"]) if rating else None,
            "rating_source": r["rating_source"],
            "overall_pct": pct,
            "score_basis": r["score_basis"],
            **dict(zip(framework.QS_COLUMNS, scores, strict=True)),
            "publication_date": date,
            "publication_date_precision": r["publication_date_precision"],
            "report_url": r["report_url"],
            "source": r["source"],
            "notes": r["notes"],
            "rating_flag": flag,
        }
        row.update(framework.theme_means(row))
        rows.append(row)
    out = pd.DataFrame(rows)
    out["rating"] = out["rating"].astype(framework.RATING_DTYPE)
    out["publication_date"] = pd.to_datetime(out["publication_date"]).astype("datetime64[ns]")
    for c in ["overall_pct", *framework.QS_COLUMNS, *framework.THEMES]:
        out[c] = out[c].astype(float)
    out.attrs["text_findings"] = [f.to_dict() for f in findings]  # for the join report
    return out


def assessments_join(df: pd.DataFrame) -> SourceJoin:
    """Join-report record for the assessments: which authorities have a rating and why not."""
    names = codes.names()
    rated = df[df["cqc_status"] == "rated"]
    missing = [
        {
            "code": r.code,
            "name": names[r.code],
            "reason": f"no rating in our data (status: {r.assessment_status})",
        }
        for r in df[df["cqc_status"] != "rated"].itertuples()
    ]
    return SourceJoin(
        "cqc_assessments",
        "CQC local authority assessments (rating, % score, 9 quality statements)",
        len(df),
        matched=sorted(rated["code"]),
        missing=missing,
        blank={
            q: sorted(df.loc[df[q].isna() & (df["cqc_status"] == "rated"), "code"])
            for q in framework.QS_COLUMNS
        },
        columns=["rating", "overall_pct", *framework.QS_COLUMNS],
        text_findings=list(df.attrs.get("text_findings", [])),
    )


def tables() -> list[tuple[pd.DataFrame, SourceJoin]]:
    """The assessments (one row per authority with an assessment in our data) and their join."""
    assessments = read_assessments()
    return [(assessments, assessments_join(assessments))]


def read_pilots(path: Path | None = None) -> pd.DataFrame:
    """Read the five 2023 pilot assessments (indicative ratings, not formal ones)."""
    path = Path(path or catalogue.raw_path("cqc_pilots"))
    qs = [f"qs{i}" for i in range(1, 10)]
    raw = rawio.read_csv(
        path, ["ons_code", "la_name", "indicative_rating", *qs, "publication_date"], dtype=str
    )
    textcheck.check_text(raw, path, codes=["ons_code"], names=["la_name"])
    unknown = set(raw["ons_code"]) - codes.reference_codes()
    if unknown:
        bad = raw.index[raw["ons_code"].isin(unknown)][0]
        raise InputError(
            path,
            f"unknown code {sorted(unknown)}",
            "use an April 2023 ONS code",
            row=int(bad) + 2,
            column="ons_code",
        )
    out = raw.rename(columns={"ons_code": "code", "la_name": "name", "indicative_rating": "rating"})
    for q in qs:
        out[q] = pd.to_numeric(out[q])
    out["overall_pct"] = [framework.overall_pct(list(r)) for r in out[qs].itertuples(index=False)]
    out["overall_pct"] = out["overall_pct"].astype(float)
    out["rating"] = out["rating"].astype(framework.RATING_DTYPE)
    out["publication_date"] = pd.to_datetime(out["publication_date"], format="%Y-%m-%d").astype(
        "datetime64[ns]"
    )
    return out[["code", "name", "rating", *qs, "overall_pct", "publication_date"]]
