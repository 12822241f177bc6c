"""Where things live: the project root and its data folders.

The root is found from the ``LAHELPERS_ROOT`` environment variable, else by walking up from the
current directory to the folder holding ``data/catalogue.yaml`` (so notebooks run from
``notebooks/`` find it), else the source checkout this package was installed from.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

CATALOGUE_NAME = Path("data") / "catalogue.yaml"


def slug(text: str) -> str:
    """File-name form of a label, as the runner names pages and the pages link to each other:
    ``Yorkshire and The Humber`` -> ``yorkshire-and-the-humber``."""
    return re.sub(r"[^a-z0-9]+", "-", str(text).casefold()).strip("-")


def project_root() -> Path:
    """Return the project root folder (the one holding ``data/catalogue.yaml``)."""
    env = os.environ.get("LAHELPERS_ROOT")
    if env:
        return Path(env).resolve()
    for start in (Path.cwd(), Path(__file__).resolve()):
        for folder in (start, *start.parents):
            if (folder / CATALOGUE_NAME).is_file():
                return folder
    raise FileNotFoundError(
        "Cannot find the project root (a folder with data/catalogue.yaml). "
        "Run from inside the project or set LAHELPERS_ROOT."
    )


def catalogue_file() -> Path:
    """The data catalogue listing every raw input."""
    return project_root() / CATALOGUE_NAME


def raw_dir() -> Path:
    """``data/raw``: immutable inputs, fetched, never edited."""
    return Path(os.environ.get("LAHELPERS_RAW", project_root() / "data" / "raw"))


def repo_data_dir() -> Path:
    """``data``: the datasets this project maintains in the repository (e.g. ``data/cqc/``).

    ``LAHELPERS_DATA`` points it elsewhere (tests use a scratch copy).
    """
    return Path(os.environ.get("LAHELPERS_DATA", project_root() / "data"))


def processed_dir() -> Path:
    """``data/processed``: everything built from ``data/raw``; disposable."""
    return Path(os.environ.get("LAHELPERS_PROCESSED", project_root() / "data" / "processed"))


def reports_dir() -> Path:
    """``reports``: one folder per run of the notebooks."""
    return Path(os.environ.get("LAHELPERS_REPORTS", project_root() / "reports"))


def default_mirror() -> Path | None:
    """The local mirror of raw inputs named by ``LAHELPERS_MIRROR``, if any."""
    env = os.environ.get("LAHELPERS_MIRROR")
    return Path(env) if env else None
