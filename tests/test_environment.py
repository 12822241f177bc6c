"""pyproject.toml (pip users) and environment.yml (conda users) list the same dependencies."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def _name(spec: str) -> str:
    return re.split(r"[<>=!~ \[]", spec.strip(), maxsplit=1)[0].lower().replace("_", "-")


def _env_specs(env: dict) -> list[str]:
    """environment.yml's requirements: conda ones and those of its pip section (not on
    conda-forge), without the editable install of the project itself."""
    specs = [d for d in env["dependencies"] if isinstance(d, str)]
    for d in env["dependencies"]:
        if isinstance(d, dict):
            specs += [p for p in d.get("pip", []) if not p.startswith("-")]
    return specs


def test_environment_matches_pyproject() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    pip_names = {_name(d) for d in project["dependencies"]}
    pip_names |= {_name(d) for d in project["optional-dependencies"]["dev"]}
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    conda_names = {_name(d) for d in _env_specs(env)} - {"python", "pip"}
    assert conda_names == pip_names, (
        f"only in environment.yml: {sorted(conda_names - pip_names)}; "
        f"only in pyproject.toml: {sorted(pip_names - conda_names)}"
    )


def test_versions_match() -> None:
    """The same lower bounds on both sides."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    pins = {
        _name(d): d.replace(" ", "")
        for d in project["dependencies"] + project["optional-dependencies"]["dev"]
    }
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    for d in _env_specs(env):
        if _name(d) in pins:
            assert d.replace(" ", "") == pins[_name(d)], f"{d!r} vs {pins[_name(d)]!r}"
