"""Kernels for runs: local kernels over IPC (no TCP port open), and warm kernels (one per worker
thread, reused between that worker's notebooks)."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import threading
import time
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from queue import Empty
from typing import Any

from jupyter_client import KernelManager
from jupyter_client.blocking import BlockingKernelClient
from jupyter_core.utils import ensure_async, run_sync
from traitlets import DottedObjectName, Type

#: Maths-library thread pools a kernel may start: one. Workers already run one kernel per core, so
#: OpenBLAS/OpenMP threads in every kernel only wait on each other (the Kendall check cell took
#: 1.2-2.5 s wall with a thread per core, 0.3-0.6 s with one). Numbers are unchanged.
SINGLE_THREAD_VARS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


#: The modules the report notebooks import (``from lahelpers import ...``); a prestarted kernel
#: imports them before its first notebook (:meth:`WarmKernels.prestart`). A test checks that
#: every notebook's imports are here.
WARM_IMPORTS = (
    "authority", "charts", "framework", "keypoints", "load", "measures", "narrative", "profile",
    "residuals", "stats", "wording",
)  # fmt: skip


def kernel_env() -> dict[str, str]:
    """The environment a report kernel starts with: this process's, with one maths thread."""
    return {**os.environ, **dict.fromkeys(SINGLE_THREAD_VARS, "1")}


class QuickReadyClient(BlockingKernelClient):
    """jupyter_client's blocking client, without the fixed 0.2 s wait in ``wait_for_ready``.

    ``wait_for_ready`` asks for ``kernel_info``, waits for the reply and for one IOPub message
    (so both channels are connected), then "flushes" IOPub by reading until nothing arrives
    for 0.2 s: a fixed 0.2 s, paid twice a notebook (the kernel's reset, then nbclient's own
    start), ~5 s of idle workers in a 13-page run. Here the handshake is the same, and the
    flush only takes what has already arrived. A late ``status`` message of the handshake is
    harmless: nbclient and ``execute_interactive`` read only the messages whose parent is
    their own request.
    """

    async def _async_wait_for_ready(self, timeout: float | None = None) -> None:
        """Return once the kernel answers ``kernel_info`` and IOPub delivers (see the class)."""
        deadline = time.monotonic() + (float("inf") if timeout is None else timeout)
        while True:
            msg_id = self.kernel_info()
            try:
                reply = await ensure_async(self.shell_channel.get_msg(timeout=1))
            except Empty:
                reply = None
            if reply is not None and reply["parent_header"].get("msg_id") == msg_id:
                try:
                    await ensure_async(self.iopub_channel.get_msg(timeout=0.2))
                except Empty:
                    pass  # IOPub not connected yet: ask again
                else:
                    self._handle_kernel_info_reply(reply)
                    break
            if not await self._async_is_alive():
                raise RuntimeError("Kernel died before replying to kernel_info")
            if time.monotonic() > deadline:
                raise RuntimeError(f"Kernel didn't respond in {timeout:g} seconds")
        while await ensure_async(self.iopub_channel.msg_ready()):
            await ensure_async(self.iopub_channel.get_msg(timeout=0))

    wait_for_ready = run_sync(_async_wait_for_ready)


class IPCKernelManager(KernelManager):
    """A KernelManager whose kernel talks over IPC (Unix sockets), never TCP.

    The kernel is local, so nothing needs a network port: IPC opens none, and the kernel does
    not warn that it "is running over TCP without encryption". The sockets live in a private
    temporary folder (absolute, so kernel and client agree whatever their working folders),
    removed when the kernel's resources are cleaned up.
    """

    # Clients made by nbclient (``client()``) and by the warm pool (``blocking_client()``).
    client_class = DottedObjectName("lahelpers.publish.kernels.QuickReadyClient")
    blocking_class = Type(klass=object, default_value=QuickReadyClient)

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
        self._ready: list[Future] = []
        self._starter: ThreadPoolExecutor | None = None
        #: Seconds each prestarted kernel took to start and to import :data:`WARM_IMPORTS`.
        self.warm_up_seconds: list[tuple[float, float]] = []

    def prestart(self, n: int, cwd: Path) -> None:
        """Start ``n`` kernels in the background, each importing :data:`WARM_IMPORTS`.

        Why: a run spends its first seconds on its own set-up (data checksums, the chart
        library, the manifest) on one core, while each worker's first notebook would then pay
        the kernel's start and the libraries' imports (pandas, scipy.stats, statsmodels, altair,
        geopandas: ~2 s) in its first cell. Started here, both overlap the set-up, and the first
        cell only loads the data. Only modules are imported: no data is read and no result is
        kept (the namespace is cleared before every notebook, as for any warm kernel). A
        warm-up import that fails is ignored: the notebook's own import then fails visibly.
        """
        self._starter = ThreadPoolExecutor(max_workers=n, thread_name_prefix="lahelpers-kernel")
        with self._lock:
            self._ready.extend(self._starter.submit(self._start_warm, cwd) for _ in range(n))

    @contextlib.contextmanager
    def prestarted(self, n: int, cwd: Path) -> Iterator[WarmKernels]:
        """:meth:`prestart` ``n`` kernels; on leaving, :meth:`shutdown` every kernel, however
        the block ends (an interrupted run leaves no kernel behind)."""
        try:
            self.prestart(n, cwd)
            yield self
        finally:
            self.shutdown()

    def _start_warm(self, cwd: Path) -> Any:
        """A started kernel that has imported :data:`WARM_IMPORTS` (see :meth:`prestart`)."""
        t0 = time.perf_counter()
        km = self._start(cwd)
        t1 = time.perf_counter()
        kc = km.blocking_client()
        kc.start_channels()
        try:
            kc.wait_for_ready(timeout=60)
            modules = ", ".join(WARM_IMPORTS)
            kc.execute_interactive(
                f"from lahelpers import {modules}", timeout=120, store_history=False
            )
        finally:
            kc.stop_channels()
        with self._lock:
            self.warm_up_seconds.append((round(t1 - t0, 3), round(time.perf_counter() - t1, 3)))
        return km

    def _start(self, cwd: Path) -> Any:
        """A new kernel in ``cwd``, remembered for :meth:`shutdown`."""
        km = IPCKernelManager(kernel_name=self.kernel_name)
        with self._lock:
            self._started.append(km)
        km.start_kernel(cwd=str(cwd))
        return km

    def _take_prestarted(self) -> Any | None:
        """A prestarted kernel (waiting for it if still starting), or None if none is left."""
        with self._lock:
            fut = self._ready.pop(0) if self._ready else None
        if fut is None:
            return None
        try:
            return fut.result()
        except Exception:  # noqa: BLE001 -- a kernel that would not start: start a fresh one
            return None

    def get(self, cwd: Path) -> Any:
        """This thread's kernel manager, started if needed, reset and moved to ``cwd``."""
        km = getattr(self._local, "km", None)
        if km is None or not km.is_alive():
            km = self._take_prestarted()
            if km is None or not km.is_alive():
                km = self._start(cwd)
            self._local.km = km
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
        """Shut down every kernel this pool started (waiting for kernels still starting)."""
        if self._starter is not None:
            self._starter.shutdown(wait=True, cancel_futures=True)
        with self._lock:
            started, self._started = self._started, []
        for km in started:
            if km.is_alive():
                km.shutdown_kernel(now=True)
