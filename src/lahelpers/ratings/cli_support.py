"""What the ``lahelpers ratings`` commands do, kept out of ``cli.py`` so each part is testable."""

from __future__ import annotations

import csv
import difflib
import io
from pathlib import Path

import pandas as pd

from lahelpers import paths
from lahelpers.errors import InputError
from lahelpers.ratings import changes, dataset, parse


def parse_files(files: list[Path], url: str = "") -> tuple[str, list[str]]:
    """CSV text (header + one row per page read) and one error line per page not read."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=parse.CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    errors = []
    for f in files:
        try:
            content = Path(f).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as err:
            errors.append(f"{f}: cannot be read ({type(err).__name__}: {err})")
            continue
        try:
            writer.writerow(parse.parse_page(content, url=url, where=str(f)).row())
        except parse.PageError as err:
            errors.append(str(err))
    return buf.getvalue(), errors


def proposed_dir() -> Path:
    """``data/cqc/proposed``: where a refresh writes its proposal (not committed)."""
    return paths.repo_data_dir() / "cqc" / "proposed"


def cache_dir() -> Path:
    """``data/cache/cqc-pages``: the HTTP cache of CQC's pages (not committed)."""
    return paths.repo_data_dir() / "cache" / "cqc-pages"


def refresh(
    base_url: str | None, out_dir: Path | None, pause: float, apply_now: bool
) -> tuple[str, bool]:
    """Run a refresh; write its outputs; optionally apply. Returns (message, no page failed)."""
    from lahelpers.ratings import refresh as refresher
    from lahelpers.ratings.client import PoliteClient

    client = PoliteClient(cache_dir(), pause=pause)
    result = refresher.refresh(client, base_url or refresher.DEFAULT_BASE_URL)
    files = refresher.write_outputs(result, out_dir or proposed_dir())
    message = result.report() + f"\nproposal: {files['proposed']}\nreport: {files['changes']}\n"
    if apply_now and len(result.proposed):
        message += "\n" + apply(files["proposed"])
    elif len(result.proposed):
        message += "review them, then: lahelpers ratings apply\n"
    return message, not result.failures


def _csv_text(df: pd.DataFrame) -> list[str]:
    return df[dataset.COLUMNS].to_csv(index=False, lineterminator="\n").splitlines(keepends=True)


def apply(proposed: Path | None = None) -> str:
    """Merge the proposal into the dataset (checked first); return the change report and diff."""
    proposed = Path(proposed or proposed_dir() / "proposed.csv")
    if not proposed.is_file():
        raise InputError(proposed, "no proposal to apply", "run `lahelpers ratings refresh` first")
    rows = dataset.read_dataset(proposed)
    current = dataset.read_dataset()
    merged = dataset.merge(current, rows)
    _check_merged(merged)
    target = dataset.write_dataset(merged)
    diff = difflib.unified_diff(
        _csv_text(current), _csv_text(merged), "assessments.csv (before)", "assessments.csv (after)"
    )
    found = changes.compare(current, merged)
    return (
        changes.markdown(found)
        + f"\nwrote {target}; review with `git diff {target}` and commit it\n\n"
        + "".join(diff)
    )


def _check_merged(merged: pd.DataFrame) -> None:
    """Write the merged table to a scratch file and read it the way the build does."""
    import tempfile

    from lahelpers.sources import cqc

    with tempfile.TemporaryDirectory(prefix="lahelpers-ratings-") as td:
        scratch = dataset.write_dataset(merged, Path(td) / "assessments.csv")
        dataset.read_dataset(scratch)
        cqc.read_assessments(scratch)


def check() -> str:
    """Check the committed dataset as the build will; a short summary when it passes."""
    from lahelpers.sources import cqc

    df = dataset.read_dataset()
    latest = cqc.read_assessments()
    rated = int((latest["cqc_status"] == "rated").sum())
    full = int(latest[list(cqc.framework.QS_COLUMNS)].notna().all(axis=1).sum())
    return (
        f"{dataset.dataset_path()}: {len(df)} rows, {df['ons_code'].nunique()} authorities, "
        f"{rated} rated ({full} with all 9 scores); evidence and CQC's rules check out"
    )


def seed(mirror: Path, write: bool) -> str:
    """Rebuild the seed from ``mirror``; compare it with (or write it over) the dataset."""
    seeded = dataset.seed_from_mirror(mirror)
    if write:
        return f"wrote {dataset.write_dataset(seeded)} ({len(seeded)} rows)"
    path = dataset.dataset_path()
    if not path.is_file():
        raise InputError(
            path, "file not found", "run `lahelpers ratings seed --mirror DIR --write`"
        )
    found = changes.compare(seeded, dataset.read_dataset(path))
    if not found:
        return "the dataset's latest rows equal the seed from the mirror"
    return "changes since the seed:\n" + "\n".join(c.text() for c in found)
