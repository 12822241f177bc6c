"""Every command has --help, and `python -m lahelpers` works."""

from __future__ import annotations

import subprocess
import sys

import pytest
from click.testing import CliRunner

from lahelpers.cli import main

COMMANDS = [
    [],
    ["data"],
    ["data", "fetch"],
    ["data", "build"],
    ["data", "verify"],
    ["run"],
    ["all"],
]


@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: " ".join(a) or "root")
def test_help(args: list[str]) -> None:
    result = CliRunner().invoke(main, [*args, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage:" in result.output
    assert len(result.output.splitlines()) > 3


def test_python_m() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "lahelpers", "--help"], capture_output=True, text=True, check=True
    )
    assert "data" in out.stdout and "run" in out.stdout


def test_verify_passes_on_fetched_inputs(raw_inputs) -> None:
    result = CliRunner().invoke(main, ["data", "verify"])
    assert result.exit_code == 0, result.output


def test_run_list_prints_the_plan_without_running(tmp_path) -> None:
    """`run --list` names every report with its notebook and parameters and writes nothing."""
    result = CliRunner(env={"LAHELPERS_REPORTS": str(tmp_path)}).invoke(
        main, ["run", "--list", "--region", "london", "--region", "North East"]
    )
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[-1] == "6 reports"
    assert "region_profile-london\tregion_profile.ipynb\tregion='London'" in lines
    assert "region_profile-north-east\tregion_profile.ipynb\tregion='North East'" in lines
    assert not any(tmp_path.iterdir())


def test_run_list_unknown_region_fails_with_suggestion() -> None:
    result = CliRunner().invoke(main, ["run", "--list", "--region", "Londn"])
    assert result.exit_code != 0
    assert "did you mean 'London'" in result.output


def test_notebook_example_from_help_works_without_suffix() -> None:
    """`--help` gives `--notebook 01_national_overview`; that exact spelling must work."""
    assert "e.g. 01_national_overview" in " ".join(CliRunner().invoke(main, ["run", "--help"]).output.split())
    result = CliRunner().invoke(main, ["run", "--list", "--notebook", "01_national_overview"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "01_national_overview\t01_national_overview.ipynb\t", "1 reports"
    ]
