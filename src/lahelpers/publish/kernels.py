"""Kernels for runs: local kernels over IPC (no TCP port open), and warm kernels (one per worker
thread, reused between that worker's notebooks)."""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
from pathlib import Path
from typing import Any

from jupyter_client import KernelManager
from jupyter_core.utils import run_sync

#: Maths-library thread pools a kernel may start: one. Workers already run one kernel per core, so
#: OpenBLAS/OpenMP threads in every kernel only wait on each other (the Kendall check cell took
#: 1.2-2.5 s wall with a thread per core, 0.3-0.6 s with one). Numbers are unchanged.
SINGLE_THREAD_VARS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def kernel_env() -> dict[str, str]:
    """The environment a report kernel starts with: this process's, with one maths thread."""
    return {**os.environ, **dict.fromkeys(SINGLE_THREAD_VARS, "1")}


class IPCKernelManager(KernelManager):
    """A KernelManager whose kernel talks over IPC (Unix sockets), never TCP.

    The kernel is local, so nothing needs a network port: IPC opens none, and the kernel does
    not warn that it "is running over TCP without encryption". The sockets live in a private
    temporary folder (absolute, so kernel and client agree whatever their working folders),
    removed when the kernel's resources are cleaned up.
    """

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("transport", "ipc")
        if kwargs["transport"] == "ipc" and "ip" not in kwargs:
            self._socket_dir = tempfile.mkdtemp(prefix="lahelpers-kernel-")
            kwargs["ip"] = str(Path(self._socket_dir) / "kernel")
        super().__init__(**kwargs)

    async def _async_pre_start_kernel(self, **kw: Any) -> Any:
        """Start every kernel with :func:`kernel_env` unless the caller passes its own ``env``
        (papermill's own start and the warm pool's both come through here; restarts reuse it)."""
        kw.setdefault("env", kernel_env())
        return await super()._async_pre_start_kernel(**kw)

    async def _async_cleanup_resources(self, restart: bool = False) -> None:
        """Remove the connection file and sockets, and the socket folder unless restarting.

        (``shutdown_kernel`` and ``cleanup_resources`` both end here.)
        """
        await super()._async_cleanup_resources(restart=restart)
        folder = getattr(self, "_socket_dir", None)
        if folder is not None and not restart:
            shutil.rmtree(folder, ignore_errors=True)

    cleanup_resources = run_sync(_async_cleanup_resources)


class WarmKernels:
    """One Jupyter kernel per worker thread, reused for that worker's notebooks.

    Why: starting a kernel and importing pandas, altair, statsmodels and geopandas costs several
    seconds, paid again by every notebook run the usual way (one papermill call per notebook).
    Here each worker starts one kernel and keeps it. Before each notebook the kernel moves to the
    notebook's folder and its user namespace is cleared (``%reset -f``), so no variable leaks from
    one notebook into the next, and its execution count restarts at 1, so each executed notebook
    numbers its cells as a fresh run would; imported modules stay loaded, which is the saving. A kernel that
    died, or whose notebook failed (it may be stuck or half-changed), is replaced by a fresh one.

    After the reset, what is left (the imported modules, some tens of MB of objects) is moved to
    the collector's permanent generation (:func:`gc.freeze`): Python's cyclic garbage collector
    otherwise walks all of it in every full collection, 0.1-0.3 s each, several times a
    notebook. Frozen objects are still freed when their reference count drops to zero; they are
    only left out of the cycle search.
    """

    def __init__(self, kernel_name: str | None) -> None:
        self.kernel_name = kernel_name or "python3"
        self._local = threading.local()
        self._started: list[Any] = []
        self._lock = threading.Lock()

    def get(self, cwd: Path) -> Any:
        """This thread's kernel manager, started if needed, reset and moved to ``cwd``."""
        km = getattr(self._local, "km", None)
        if km is None or not km.is_alive():
            km = IPCKernelManager(kernel_name=self.kernel_name)
            km.start_kernel(cwd=str(cwd))
            self._local.km = km
            with self._lock:
                self._started.append(km)
        self._prepare(km, cwd)
        return km

    @staticmethod
    def _prepare(km: Any, cwd: Path) -> None:
        """Move the kernel to ``cwd`` and clear the user namespace (modules stay imported)."""
        kc = km.blocking_client()
        kc.start_channels()
        try:
            kc.wait_for_ready(timeout=60)
            code = (
                f"import os as _os; _os.chdir({str(cwd)!r}); del _os\n"
                "get_ipython().run_line_magic('reset', '-f')\n"
                "get_ipython().execution_count = 1\n"
                "import gc as _gc; _gc.collect(); _gc.freeze(); del _gc"
            )
            reply = kc.execute_interactive(code, timeout=60, store_history=False)
            if reply["content"]["status"] != "ok":
                raise RuntimeError(f"kernel reset failed: {reply['content']}")
        finally:
            kc.stop_channels()

    def discard(self) -> None:
        """Shut down this thread's kernel (after a failure); the next get() starts a fresh one."""
        km = getattr(self._local, "km", None)
        self._local.km = None
        if km is not None:
            km.shutdown_kernel(now=True)

    def shutdown(self) -> None:
        """Shut down every kernel this pool started."""
        with self._lock:
            started, self._started = self._started, []
        for km in started:
            if km.is_alive():
                km.shutdown_kernel(now=True)
