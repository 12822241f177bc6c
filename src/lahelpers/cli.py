"""Command line: ``lahelpers data fetch|build|verify``, ``lahelpers ratings ...``, ``lahelpers run``, ``lahelpers all``."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from lahelpers import paths
from lahelpers.errors import InputError, os_error_message

MIRROR_HELP = (
    "Copy inputs from this local mirror (laid out like data/raw, one folder per source) instead of "
    "downloading. Default: $LAHELPERS_MIRROR if set."
)

#: ``--workers``: a whole number of at least 1 (0 or -1 would run nothing, or hang).
WORKERS = click.IntRange(min=1)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="lahelpers")
def main() -> None:
    """CQC local authority assessments joined to boundaries, demographics and workforce data."""


@main.group()
def data() -> None:
    """Fetch raw inputs and build the processed tables."""


def _do_fetch(
    mirror: Path | None, only: tuple[str, ...], accept_new: tuple[str, ...], replace: bool
) -> None:
    from lahelpers.inputs import fetch

    trial = None
    if accept_new:  # only then is the build needed (it validates the new file)
        from lahelpers.build import trial_build as trial
    mirror = mirror or paths.default_mirror()
    try:
        report = fetch.fetch(list(only) or None, mirror, list(accept_new), replace, trial=trial)
    except InputError as err:
        raise click.ClickException(str(err)) from None
    except OSError as err:
        raise click.ClickException(os_error_message(err, "data/raw is as it was")) from None
    click.echo(report.text())
    if not report.ok:
        raise click.ClickException(
            f"{len(report.problems())} input(s) missing or not matching the catalogue (see above)"
        )


@data.command("fetch")
@click.option("--mirror", type=click.Path(file_okay=False, path_type=Path), help=MIRROR_HELP)
@click.option(
    "--only", multiple=True, metavar="ID", help="Fetch only this catalogue id (repeatable)."
)
@click.option(
    "--accept-new",
    multiple=True,
    metavar="ID",
    help="Accept a changed file for this id after it passes validation; records its checksum.",
)
@click.option(
    "--replace", is_flag=True, help="Replace files already in data/raw with fresh, checked copies."
)
def fetch_cmd(
    mirror: Path | None, only: tuple[str, ...], accept_new: tuple[str, ...], replace: bool
) -> None:
    """Download every input in data/catalogue.yaml (or copy from --mirror) and verify checksums."""
    _do_fetch(mirror, only, accept_new, replace)


@data.command("build")
@click.option("--force", is_flag=True, help="Rebuild even if inputs and code are unchanged.")
def build_cmd(force: bool) -> None:
    """Build data/processed from data/raw (does nothing when nothing changed)."""
    from lahelpers import build

    try:
        result = build.build(force=force)
    except InputError as err:
        raise click.ClickException(str(err)) from None
    except OSError as err:
        msg = os_error_message(err, "data/processed is as it was; nothing new was left behind")
        raise click.ClickException(f"build failed: {msg}") from None
    click.echo(result.message)
    if result.built:
        click.echo(f"join report: {result.folder / 'join_report.md'}")


@data.command("verify")
def verify_cmd() -> None:
    """Check data/raw against the catalogue checksums without changing anything."""
    from lahelpers import build

    try:
        build.verify_inputs()
    except InputError as err:
        raise click.ClickException(str(err)) from None
    click.echo("all raw inputs present and matching the catalogue")


@main.group()
def ratings() -> None:
    """The CQC ratings dataset (data/cqc/assessments.csv): parse pages, refresh, apply, check."""


@ratings.command("parse")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--url", default="", help="The page's address (one FILE only; HTML pages carry their own).")
def ratings_parse_cmd(files: tuple[Path, ...], url: str) -> None:
    """Parse saved CQC report pages (HTML or text) offline; print one CSV row per page."""
    from lahelpers.ratings import cli_support

    if url and len(files) > 1:
        raise click.UsageError("--url names one page: give one FILE with it")
    text, errors = cli_support.parse_files(list(files), url)
    click.echo(text, nl=False)
    for err in errors:
        click.echo(f"error: {err}", err=True)
    if errors:
        raise click.ClickException(f"{len(errors)} of {len(files)} page(s) not read (see above)")


@ratings.command("refresh")
@click.option("--base-url", default=None, help="CQC's site (default https://www.cqc.org.uk; tests use 127.0.0.1).")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Where to write proposed.csv and changes.md (default data/cqc/proposed).")
@click.option("--pause", type=float, default=2.0, show_default=True, help="Seconds between requests.")
@click.option("--apply", "apply_now", is_flag=True, help="Apply the proposal at once (unattended runs).")
def ratings_refresh_cmd(base_url: str | None, out_dir: Path | None, pause: float, apply_now: bool) -> None:
    """Read CQC's list of reports and each new or changed report; propose rows, report changes."""
    from lahelpers.ratings import cli_support

    try:
        message, ok = cli_support.refresh(base_url, out_dir, pause, apply_now)
    except InputError as err:
        raise click.ClickException(str(err)) from None
    click.echo(message)
    if not ok:
        sys.exit(1)


@ratings.command("apply")
@click.option("--proposed", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="The proposal to accept (default data/cqc/proposed/proposed.csv).")
def ratings_apply_cmd(proposed: Path | None) -> None:
    """Merge a refresh's proposal into data/cqc/assessments.csv and print the diff to review."""
    from lahelpers.ratings import cli_support

    try:
        click.echo(cli_support.apply(proposed))
    except InputError as err:
        raise click.ClickException(str(err)) from None


@ratings.command("check")
def ratings_check_cmd() -> None:
    """Check data/cqc/assessments.csv: evidence on every row, CQC's rules on the latest rows."""
    from lahelpers.ratings import cli_support

    try:
        click.echo(cli_support.check())
    except InputError as err:
        raise click.ClickException(str(err)) from None


@ratings.command("seed")
@click.option("--mirror", type=click.Path(file_okay=False, path_type=Path), required=True, help=MIRROR_HELP)
@click.option("--write", is_flag=True, help="Overwrite data/cqc/assessments.csv with the seed.")
def ratings_seed_cmd(mirror: Path, write: bool) -> None:
    """Rebuild the dataset's seed from a mirror's cqc/ files; say how it differs from the dataset."""
    from lahelpers.ratings import cli_support

    click.echo(cli_support.seed(mirror, write))


def _selection(
    regions: tuple[str, ...], authorities: tuple[str, ...], notebooks: tuple[str, ...]
) -> dict:
    """What ``run`` was asked for, as run_reports arguments.

    Nothing given: the full run (every notebook, all regions, all 153 authorities). ``--region``
    without ``--authority``: the national pages and those regions (no authority profiles).
    ``--authority`` without ``--region`` or ``--notebook``: only those authorities' profiles.
    """
    from lahelpers.publish import run

    selected = list(notebooks) or None
    if authorities and not regions and selected is None:
        selected = [run.AUTHORITY_NOTEBOOK]
    return {
        "regions": list(regions) or None,
        "notebooks": selected,
        "authorities": list(authorities) if authorities else None,
    }


@main.command("run")
@click.option(
    "--region",
    "regions",
    multiple=True,
    help="Run the region profile for this region only (repeatable).",
)
@click.option(
    "--authority",
    "authorities",
    multiple=True,
    metavar="NAME",
    help="Run the authority profile for this authority only (repeatable): a name in any common "
    "spelling or an ONS code, e.g. --authority Kent --authority E06000014. Alone, it runs only "
    "those profiles; with --region, those regions' pages too.",
)
@click.option(
    "--workers",
    type=WORKERS,
    default=None,
    help="Parallel workers, 1 or more (default: number of cores).",
)
@click.option(
    "--notebook",
    "notebooks",
    multiple=True,
    help="Run only this notebook (repeatable), e.g. 01_national_overview (.ipynb optional).",
)
@click.option(
    "--list",
    "list_only",
    is_flag=True,
    help="Print the run plan (each report, its notebook and parameters) without running it.",
)
def run_cmd(
    regions: tuple[str, ...],
    workers: int | None,
    notebooks: tuple[str, ...],
    list_only: bool = False,
    authorities: tuple[str, ...] = (),
) -> None:
    """Execute the notebooks (national, thematic, one profile per region and one per authority)
    into reports/<run-id>/."""
    from lahelpers.publish import run

    chosen = _selection(regions, authorities, notebooks)
    try:
        if list_only:
            jobs = run.run_plan(chosen["regions"], chosen["notebooks"],
                                authorities=chosen["authorities"])
            for job in jobs:
                params = ", ".join(f"{k}={v!r}" for k, v in job.parameters.items())
                click.echo(f"{job.name}\t{job.notebook.name}\t{params}")
            click.echo(f"{len(jobs)} reports")
            return
        result = run.run_reports(workers=workers, **chosen)
    except ValueError as err:
        raise click.ClickException(str(err)) from None
    except OSError as err:
        raise click.ClickException(
            f"run failed: {os_error_message(err, 'reports/latest is as it was')}"
        ) from None
    click.echo(result.summary())
    sys.exit(result.exit_code)


@main.command("all")
@click.option("--mirror", type=click.Path(file_okay=False, path_type=Path), help=MIRROR_HELP)
@click.option("--workers", type=WORKERS, default=None, help="Parallel workers for the reports (1 or more).")
@click.pass_context
def all_cmd(ctx: click.Context, mirror: Path | None, workers: int | None) -> None:
    """The main job end to end: fetch, build, then run every report."""
    _do_fetch(mirror, (), (), False)
    ctx.invoke(build_cmd, force=False)
    ctx.invoke(run_cmd, regions=(), workers=workers, notebooks=(), list_only=False, authorities=())


if __name__ == "__main__":
    main()
