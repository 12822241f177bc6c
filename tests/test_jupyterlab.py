"""`charts.show` draws in a real JupyterLab with the network cut off.

The test starts JupyterLab (a dev dependency) on a free local port in a temporary folder, writes
a notebook there that imports lahelpers and shows one chart of every house builder (maps, heat
map, bars, scatters, estimates, strips, timeline, two maps side by side) from the synthetic
fixtures, opens it in headless Chromium with every request that is not to the local server
aborted, runs all cells and checks that each chart drew (Vega marks inside JupyterLab's own
Vega-Lite renderer), that no chart showed an error and that nothing outside the machine was
requested. It fails, never skips, when JupyterLab, playwright or Chromium is missing.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import nbformat
import pytest

pytestmark = pytest.mark.browser

CHROMIUM = os.environ.get("LAHELPERS_CHROMIUM", "/usr/bin/chromium")
TESTS = Path(__file__).resolve().parent
START_TIMEOUT_S = 120
DRAW_TIMEOUT_MS = 180_000

SETUP = f"""import sys
sys.path.insert(0, {str(TESTS)!r})
import fixtures_analysis as fx
from lahelpers import charts, stats
df = fx.authorities()
geo = fx.authorities_geo(df)
regions = fx.regions_geo(geo)
"""
#: One cell per chart: every builder the notebooks use.
CHARTS = [
    "charts.show(charts.rating_map(geo, regions))",
    "charts.show(charts.context_map(geo, 'pct_rural', regions))",
    "charts.show(charts.qs_heatmap(df))",
    "charts.show(charts.rating_bars(df))",
    "charts.show(charts.rating_bars(df, by='region'))",
    "charts.show(charts.scatter_fit(df, 'imd2025_score', 'overall_pct'))",
    "charts.show(charts.scatter_by_region(df, 'imd2025_score', 'overall_pct'))",
    "charts.show(charts.estimate_bars(stats.mean_ci(df, ['qs1', 'qs2']), label_col='outcome',"
    " reference=None))",
    "charts.show(charts.rating_strip(df))",
    "charts.show(charts.group_strip(df, 'rural_class'))",
    "charts.show(charts.publication_timeline(df))",
    "charts.show(charts.side_by_side(charts.context_map(geo, 'pct_rural'),"
    " charts.rating_map(geo), title='Two maps'))",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _write_notebook(path: Path) -> None:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(SETUP)] + [nbformat.v4.new_code_cell(c) for c in CHARTS]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, path)


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """A JupyterLab server (no token, local only) serving a folder with the chart notebook."""
    try:
        import jupyterlab  # noqa: F401
    except ImportError:
        pytest.fail("jupyterlab is not installed: it is a dev dependency (pip install -e '.[dev]')")
    root = tmp_path_factory.mktemp("lab")
    _write_notebook(root / "charts.ipynb")
    home = tmp_path_factory.mktemp("labhome")
    port = _free_port()
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(home / "config"),
           "JUPYTER_RUNTIME_DIR": str(home / "runtime"), "JUPYTERLAB_SETTINGS_DIR": str(home / "settings"),
           "JUPYTERLAB_WORKSPACES_DIR": str(home / "workspaces"), "PYTHONPATH": str(TESTS)}
    cmd = [sys.executable, "-m", "jupyterlab", "--no-browser", f"--ServerApp.port={port}",
           "--ServerApp.port_retries=0", "--ServerApp.ip=127.0.0.1", "--IdentityProvider.token=",
           "--ServerApp.password=", f"--ServerApp.root_dir={root}", "--LabApp.news_url=",
           "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
           "--LabApp.extension_manager=readonly", "--ServerApp.terminals_enabled=False",
           "--allow-root"]  # CI runs as root
    log = (home / "lab.log").open("w")
    proc = subprocess.Popen(cmd, cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            if proc.poll() is not None:
                pytest.fail(f"JupyterLab exited: {(home / 'lab.log').read_text()[-2000:]}")
            try:
                with urllib.request.urlopen(f"{url}/api/status", timeout=5) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"JupyterLab did not start: {(home / 'lab.log').read_text()[-2000:]}")
            time.sleep(0.5)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@pytest.fixture(scope="module")
def browser():
    from playwright import sync_api
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        pytest.fail(f"{CHROMIUM} not installed: apt-get install chromium (.ci/run does this)")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True,
                              args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                                    "--disable-component-update", "--no-first-run", "--disable-sync"])
        yield b
        b.close()


def test_show_draws_every_chart_in_jupyterlab_offline(lab, browser):
    outside: list[str] = []
    errors: list[str] = []
    context = browser.new_context(viewport={"width": 1280, "height": 900})

    def route(r):
        host = urlsplit(r.request.url).hostname
        if host in ("127.0.0.1", "localhost") or r.request.url.startswith(("data:", "blob:")):
            r.continue_()
        else:
            outside.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    page = context.new_page()
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{lab}/lab/tree/charts.ipynb", wait_until="domcontentloaded")
    # The notebook is open and its kernel idle; then Run > Run All Cells.
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=DRAW_TIMEOUT_MS)
    page.wait_for_selector("text=/Python 3 \\(ipykernel\\) \\| Idle/", timeout=DRAW_TIMEOUT_MS)
    page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
    page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click()
    # JupyterLab's own Vega-Lite renderer (the output element carries its class).
    rendered = ".jp-OutputArea-output.jp-RenderedVegaLite"
    drawn = f"{rendered} :is(svg, canvas)"
    try:
        page.wait_for_function(
            f"() => document.querySelectorAll({drawn!r}).length >= {len(CHARTS)}",
            timeout=DRAW_TIMEOUT_MS)
    finally:
        n_rendered = page.locator(rendered).count()
        n_drawn = page.locator(drawn).count()
        output_errors = page.locator(".jp-OutputArea-output[data-mime-type*='error']").all_inner_texts()
        context.close()
    assert output_errors == []
    assert n_rendered == len(CHARTS), f"{n_rendered} Vega-Lite outputs for {len(CHARTS)} charts"
    assert n_drawn >= len(CHARTS)
    assert errors == [], errors
    assert outside == [], f"requests outside the machine: {sorted(set(outside))[:5]}"
