"""The data catalogue (``data/catalogue.yaml``): every raw input, where it comes from, its checksum."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import yaml

from lahelpers import paths


@dataclass(frozen=True)
class Source:
    """One raw input file as the catalogue describes it."""

    id: str
    file: str
    title: str
    publisher: str
    licence: str
    vintage: str
    url: str | None
    publisher_url: str | None
    sha256: str | None = None
    bytes: int | None = None
    copy: str | None = None
    note: str | None = None
    location: str = "raw"

    @property
    def in_repository(self) -> bool:
        """True for a dataset this project maintains in the repository (under ``data/``).

        Such a file is versioned by git, not fetched: it has no catalogue checksum.
        """
        return self.location == "repository"

    @property
    def path(self) -> Path:
        """Where the file lives: under ``data/raw`` (fetched) or ``data/`` (in the repository)."""
        base = paths.repo_data_dir() if self.in_repository else paths.raw_dir()
        return base / self.file

    def current_sha256(self) -> str:
        """The checksum the build is keyed on: the catalogue's, or the repository file's own."""
        if self.in_repository:
            return sha256_of(self.path) if self.path.is_file() else "missing"
        return str(self.sha256)


def load_catalogue(path: Path | None = None) -> dict[str, Source]:
    """Read the catalogue into ``{id: Source}``, checking each entry has the required fields."""
    path = path or paths.catalogue_file()
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    out: dict[str, Source] = {}
    for i, entry in enumerate(data.get("sources", []), start=1):
        required = {"id", "file", "title", "publisher", "licence", "vintage"}
        if entry.get("location") != "repository":  # "raw" when not given (Source.location)
            required.add("sha256")
        missing = required - set(entry)
        if missing:
            raise ValueError(
                f"{path}: entry {i} lacks {sorted(missing)}; add them to the catalogue"
            )
        if entry["id"] in out:
            raise ValueError(f"{path}: id {entry['id']!r} appears twice; ids must be unique")
        out[entry["id"]] = Source(**entry)
    return out


def source(source_id: str) -> Source:
    """One catalogue entry by id."""
    cat = load_catalogue()
    if source_id not in cat:
        raise KeyError(
            f"{source_id!r} is not in {paths.catalogue_file()}; known ids: {sorted(cat)}"
        )
    return cat[source_id]


def raw_path(source_id: str) -> Path:
    """Path under ``data/raw`` of the input with this catalogue id."""
    return source(source_id).path


def sha256_of(path: Path) -> str:
    """SHA-256 of a file as hex, read in blocks by :func:`hashlib.file_digest` (inputs run to
    hundreds of MB, so never whole into memory)."""
    with path.open("rb") as f:
        return hashlib.file_digest(f, hashlib.sha256).hexdigest()


def record_checksum(
    source_id: str, new_sha256: str, new_bytes: int, path: Path | None = None
) -> None:
    """Rewrite one entry's checksum in the catalogue (used by ``fetch --accept-new``).

    Edits the YAML text in place so the header comments and field order are kept.
    """
    path = path or paths.catalogue_file()
    text = path.read_text(encoding="utf-8")
    old = load_catalogue(path)[source_id]
    marker = f"- id: {source_id}\n"
    start = text.index(marker)
    end = text.find("\n- id: ", start + len(marker))
    end = len(text) if end == -1 else end
    block = text[start:end].replace(f"sha256: {old.sha256}", f"sha256: {new_sha256}")
    if old.bytes is not None:
        block = block.replace(f"bytes: {old.bytes}", f"bytes: {new_bytes}")
    path.write_text(text[:start] + block + text[end:], encoding="utf-8")
