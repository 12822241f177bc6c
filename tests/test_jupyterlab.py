"""Charts drawn in a real JupyterLab with no network: what an analyst offline (or behind a council
firewall) sees when a notebook calls ``lahelpers.charts.show``.

JupyterLab gets a fixed-width spec (``charts.display.notebook_spec``): a chart that fills its
container hangs JupyterLab's output area. The notebook is executed by a real kernel (nbclient: the outputs are exactly what ``charts.show``
displays in JupyterLab), then opened in a real JupyterLab server in headless Chromium with every
request that is not to that local server aborted. The chart must draw: JupyterLab's own Vega
renderer, shipped with JupyterLab, handles the Vega-Lite output; a CDN script would be refused.
"""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from test_browser import CHROMIUM, LAUNCH_ARGS

SERVER_START_S = 120
DRAW_TIMEOUT_MS = 120_000


def _free_port() -> int:
    """A TCP port nothing listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _executed_notebook(folder: Path) -> Path:
    """A notebook that draws one real chart with ``charts.show``, executed by a kernel."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(
        "from lahelpers import charts, load\n"
        "charts.show(charts.rating_bars(load.authorities(), title='Ratings offline'))")]
    NotebookClient(nb, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str(folder)}}).execute()
    path = folder / "offline.ipynb"
    nbformat.write(nb, path)
    return path


@pytest.fixture(scope="module")
def lab(built, tmp_path_factory):
    """A JupyterLab server on 127.0.0.1 serving a folder with the executed notebook."""
    folder = tmp_path_factory.mktemp("lab")
    _executed_notebook(folder)
    jupyter = Path(sys.executable).with_name("jupyter")
    if not jupyter.exists():
        pytest.fail(f"{jupyter} missing: jupyterlab is a dev dependency (pip install -e '.[dev]')")
    port, token = _free_port(), secrets.token_hex(16)
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(folder / ".jupyter-config"),
           "JUPYTER_RUNTIME_DIR": str(folder / ".jupyter-runtime")}
    proc = subprocess.Popen(
        [str(jupyter), "lab", "--no-browser", f"--port={port}", "--ip=127.0.0.1",
         f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={folder}",
         "--allow-root", "--LabApp.news_url=", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"],
        cwd=folder, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + SERVER_START_S
        while True:
            try:
                with urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=5):
                    break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"JupyterLab did not start (exit {proc.poll()})")
                time.sleep(0.5)
        yield base, token
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


def test_charts_draw_in_jupyterlab_with_the_network_blocked(lab) -> None:
    from playwright import sync_api

    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        pytest.fail(f"{CHROMIUM} not installed: apt-get install chromium (.ci/run does this)")
    base, token = lab
    refused: list[str] = []

    def only_local(route) -> None:
        url = route.request.url
        if url.startswith(base) or url.startswith(("data:", "blob:")):
            route.continue_()
        else:
            refused.append(url)
            route.abort()

    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.route("**/*", only_local)
            page.goto(f"{base}/lab/tree/offline.ipynb?token={token}", timeout=DRAW_TIMEOUT_MS)
            chart = ".jp-RenderedVegaLite .vega-embed"
            page.wait_for_selector(f"{chart} canvas, {chart} svg.marks", timeout=DRAW_TIMEOUT_MS)
            drawn = page.evaluate(
                """sel => [...document.querySelectorAll(sel)].map(div => {
                    const c = div.querySelector('canvas'), svg = div.querySelector('svg.marks');
                    let ink = 0;
                    if (c) {
                        const px = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                        for (let i = 0; i < px.length; i += 4)
                            if (px[i + 3] > 0 && Math.min(px[i], px[i + 1], px[i + 2]) < 200) ink++;
                    } else {
                        ink = svg.querySelectorAll('.mark-rect path').length;
                    }
                    const box = (c || svg).getBoundingClientRect();
                    return {width: box.width, ink: ink,
                            label: div.querySelector('[aria-label]')?.getAttribute('aria-label') || ''};
                })""", chart)
        finally:
            browser.close()
    assert len(drawn) == 1, f"expected one chart in JupyterLab, found {drawn}; refused: {refused[:5]}"
    assert drawn[0]["label"].startswith("Bar chart of CQC ratings"), drawn
    # Drawn, at the notebook width, with ink (bars, axes, text), all with the network refused.
    assert drawn[0]["width"] > 300 and drawn[0]["ink"] > 1000, drawn
