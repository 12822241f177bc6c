"""The committed notebooks: no outputs, no function definitions, papermill parameters where needed.

Executing them end to end on the real data is tested by the runner (tests/test_reports_real.py).
"""

from __future__ import annotations

import ast
from pathlib import Path

import nbformat
import pytest

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
EXPECTED = [
    "01_national_overview",
    "02_rural_urban",
    "03_inequality",
    "04_workforce",
    "authority_profile",
    "region_profile",
]


def _all() -> list[Path]:
    return sorted(NOTEBOOKS.glob("*.ipynb"))


def test_expected_notebooks_exist() -> None:
    assert sorted(p.stem for p in _all()) == EXPECTED


@pytest.mark.parametrize("path", _all(), ids=lambda p: p.stem)
def test_committed_without_outputs(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert not cell.outputs and cell.execution_count is None, (
                f"{path.name} cell {cell.id} has outputs"
            )


@pytest.mark.parametrize("path", _all(), ids=lambda p: p.stem)
def test_cells_define_no_functions(path: Path) -> None:
    """Notebooks call helpers; logic lives in lahelpers (no def, class, lambda or loops)."""
    nb = nbformat.read(path, as_version=4)
    banned = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda, ast.For, ast.While)
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        found = [
            type(n).__name__ for n in ast.walk(ast.parse(cell.source)) if isinstance(n, banned)
        ]
        assert not found, f"{path.name} cell {cell.id} defines {found}; move it into lahelpers"


@pytest.mark.parametrize("path", _all(), ids=lambda p: p.stem)
def test_reads_like_a_report(path: Path) -> None:
    """A title and explanatory markdown between results; numbers come from code, not typed in."""
    nb = nbformat.read(path, as_version=4)
    markdown = [c for c in nb.cells if c.cell_type == "markdown"]
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert markdown and len(markdown) >= len(code) // 3, f"{path.name}: too little explanation"
    early_code = "".join(c.source for c in code[:3])
    has_title = markdown[0].source.lstrip().startswith("# ") or ".title(" in early_code
    assert has_title, f"{path.name}: no title"


@pytest.mark.parametrize(("stem", "parameter"), [("region_profile", "region"),
                                                  ("authority_profile", "authority")])
def test_profile_takes_one_parameter(stem: str, parameter: str) -> None:
    nb = nbformat.read(NOTEBOOKS / f"{stem}.ipynb", as_version=4)
    tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1
    tree = ast.parse(tagged[0].source)
    names = {t.id for node in tree.body if isinstance(node, ast.Assign) for t in node.targets}
    assert names == {parameter}
