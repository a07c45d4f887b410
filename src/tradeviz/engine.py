"""The process engine behind ``tradeviz render``: worker processes, a warm template process, and cleanup.

Three kinds of processes, none of them forked from a process that runs threads:

* the **render process** (the caller) only starts others with ``subprocess`` (fork + exec, no ``os.fork``);
* **workers** (``python -m tradeviz.engine worker``), one per job slot: each runs papermill and the HTML export
  for one report at a time, and asks the template for a kernel;
* the **template** (``python -m tradeviz.engine template``): a single-threaded process started first, which
  imports pandas, matplotlib, IPython/ipykernel and tradeviz once and then, on request, forks a fresh kernel
  for each report.  A kernel is a new process with no state from any other report; it only skips the start-up
  and import costs.  The template never runs report code.  OpenBLAS is limited to one thread in it (so that it
  stays single-threaded and its forks are safe).

On Linux every worker and the template set a parent-death signal (``prctl(PR_SET_PDEATHSIG, SIGKILL)``) towards
the render process, and every kernel towards the template: a render killed with SIGKILL takes all of them with
it.  SIGINT and SIGTERM are turned into :class:`Interrupted` in the render process, which ends its workers and
the template, removes temporary files and keeps the reports written so far.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import functools
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any, cast

PR_SET_PDEATHSIG = 1
TEMPLATE_IMPORTS = (
    "numpy",
    "pandas",
    "matplotlib",
    "matplotlib.pyplot",
    "matplotlib_inline.backend_inline",
    "IPython",
    "ipykernel.kernelapp",
    "ipykernel.ipkernel",
    "ipykernel.zmqshell",
    "ipykernel.debugger",
    "ipykernel.comm",
    "IPython.core.history",
    "tornado.ioloop",
    "pdb",
    "tradeviz",
    "tradeviz.charts",
    "tradeviz.charts_published",
    "tradeviz.countries",
    "tradeviz.data",
    "tradeviz.metrics",
    "tradeviz.parameters",
    "tradeviz.prose",
    "tradeviz.recent",
)
"""Modules the template imports once; every kernel forked from it starts with them loaded."""
INLINE_BACKEND = "module://matplotlib_inline.backend_inline"
_ENV_SOCKET = "TRADEVIZ_TEMPLATE_SOCKET"
_ENV_TEMPLATE_PID = "TRADEVIZ_TEMPLATE_PID"
_ENV_RUN_DIR = "TRADEVIZ_RUN_DIR"
_ENV_BLAS = "TRADEVIZ_OPENBLAS_NUM_THREADS"
_UNSET = "\0unset"


class Interrupted(Exception):
    """The render process received SIGINT or SIGTERM; workers and kernels are stopped."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


class EngineError(RuntimeError):
    """A worker or the template could not be started or died."""


# --- parent-death signal -------------------------------------------------------------------


def die_with_parent(parent_pid: int) -> None:
    """On Linux, get SIGKILL when the parent dies; exit at once if it already has (``prctl`` races the parent)."""
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_SET_PDEATHSIG) failed")
    if os.getppid() != parent_pid:
        os._exit(1)


def thread_count() -> int:
    """OS threads of this process (Linux: /proc/self/task), else Python threads."""
    try:
        return len(os.listdir("/proc/self/task"))
    except OSError:
        import threading

        return threading.active_count()


# --- the template process ------------------------------------------------------------------


def _template_main(socket_path: str, parent_pid: int) -> None:
    die_with_parent(parent_pid)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the render process decides when to stop
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # kernels are reaped by the system, never zombies
    import importlib

    # debugpy (imported by ipykernel.debugger) warns once about frozen modules; kernels get their own environment
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    for name in TEMPLATE_IMPORTS:
        importlib.import_module(name)
    _warm_up()
    if thread_count() != 1:
        raise EngineError(f"the template process runs {thread_count()} threads after its imports; it cannot fork")
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(socket_path + ".tmp")
    server.listen(64)
    os.rename(socket_path + ".tmp", socket_path)  # clients see the socket only once it accepts
    while True:
        conn, _ = server.accept()
        with conn:
            try:
                request = json.loads(_recv_all(conn))
            except (OSError, ValueError):  # the worker was stopped before it finished asking: nothing to start
                continue
            if thread_count() != 1:  # never fork a threaded process (it cannot happen here: checked each time)
                raise EngineError(f"the template process runs {thread_count()} threads; it will not fork")
            pid = os.fork()
            if pid == 0:
                server.close()
                conn.close()
                _kernel_main(request, os.getppid())
            try:
                conn.sendall(json.dumps({"pid": pid}).encode())
            except OSError:  # the worker is gone (stopped mid-request): so is the use for this kernel
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)


def _warm_up() -> None:
    """Fill the template's read-only caches that every report would otherwise fill again.

    * The curated tables: ``tradeviz.data`` parses each file once per file version (path, size, modification
      time) and hands out copies, so a kernel gets exactly what it would have read itself, and a file changed
      since gets read again.
    * Matplotlib's font lookup and style machinery: one figure drawn off-screen (no pyplot state is touched).

    Anything that goes wrong here is left for the report to meet (and report) itself.
    """
    import io

    with contextlib.suppress(Exception):
        from tradeviz import data

        for res in data._descriptor(data.paths.datapackage_path())["resources"]:
            data.load_table(res["name"])
    with contextlib.suppress(Exception):
        import matplotlib.style
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        from tradeviz import paths

        with matplotlib.style.context(str(paths.MPLSTYLE)):
            fig = Figure(figsize=(4, 3))
            ax = fig.subplots()
            ax.plot([1992, 2025], [1.0, 2.0], label="warm-up")
            ax.set_title("warm-up")
            ax.legend()
            FigureCanvasAgg(fig).print_png(io.BytesIO())


def _recv_all(conn: socket.socket) -> bytes:
    chunks = []
    while chunk := conn.recv(65536):
        chunks.append(chunk)
    return b"".join(chunks)


def _kernel_main(request: dict[str, Any], template_pid: int) -> None:
    """In a fresh fork of the template: become ``python -m ipykernel_launcher -f CONNECTION_FILE``."""
    code = 1
    try:
        die_with_parent(template_pid)
        for signum in (signal.SIGCHLD, signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, signal.SIG_DFL)
        os.setpgid(0, 0)  # like jupyter_client's own kernels: the kernel and its children form one group
        env = dict(request["env"])
        blas = os.environ.get(_ENV_BLAS, _UNSET)  # the user's setting, kept for the kernel's own subprocesses
        env.pop(_ENV_BLAS, None)
        env.pop("OPENBLAS_NUM_THREADS", None)
        if blas != _UNSET:
            env["OPENBLAS_NUM_THREADS"] = blas
        os.environ.clear()
        os.environ.update(env)
        os.chdir(request["cwd"])
        devnull = os.open(os.devnull, os.O_RDWR)
        os.dup2(devnull, 0)
        sys.argv = [request["argv"][0], *request["argv"][1:]]
        from ipykernel.kernelapp import IPKernelApp

        app = IPKernelApp.instance()
        app.initialize(request["argv"][1:])
        if "matplotlib_inline.backend_inline" in sys.modules:
            # imported before there was a shell: redo what its import does in a kernel (hook up inline figures)
            sys.modules["matplotlib_inline.backend_inline"]._enable_matplotlib_integration()
        app.start()
        code = 0
    finally:
        os._exit(code)


# --- kernels: a jupyter_client provisioner that asks the template -------------------------


class _ForkedKernel:
    """The part of ``subprocess.Popen`` that jupyter_client's LocalProvisioner uses, for a kernel we did not start."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.returncode: int | None = None
        self.stdin = self.stdout = self.stderr = None

    def poll(self) -> int | None:
        if self.returncode is None:
            try:
                os.kill(self.pid, 0)
            except ProcessLookupError:
                self.returncode = -signal.SIGKILL
            except PermissionError:
                pass
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() > deadline:
                raise subprocess.TimeoutExpired(str(self.pid), timeout or 0)
            time.sleep(0.01)
        assert self.returncode is not None
        return self.returncode

    def send_signal(self, signum: int) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signum)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)


def fork_kernel(argv: Sequence[str], env: dict[str, str], cwd: str, socket_path: str | None = None) -> int:
    """Ask the template for a kernel process running ``argv`` (ipykernel's); return its pid."""
    socket_path = socket_path or os.environ[_ENV_SOCKET]
    template_pid = int(os.environ.get(_ENV_TEMPLATE_PID, "0"))
    deadline = time.monotonic() + 120
    while not os.path.exists(socket_path):
        if template_pid and not _alive(template_pid):
            raise EngineError("the template process died before it was ready (see the messages above)")
        if time.monotonic() > deadline:
            raise EngineError("the template process did not start within 120 s")
        time.sleep(0.02)
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
        conn.connect(socket_path)
        conn.sendall(json.dumps({"argv": list(argv), "env": env, "cwd": cwd}).encode())
        conn.shutdown(socket.SHUT_WR)
        reply = _recv_all(conn)
    if not reply:
        raise EngineError("the template process did not fork a kernel")
    return int(json.loads(reply)["pid"])


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _provisioner_class() -> type:
    from jupyter_client.provisioning import LocalProvisioner

    class TemplateProvisioner(LocalProvisioner):
        """Kernels forked from the template instead of started with ``Popen``."""

        async def launch_kernel(self, cmd: list[str], **kwargs: Any) -> Any:
            cwd = str(kwargs.get("cwd") or os.getcwd())
            env = {str(k): str(v) for k, v in (kwargs.get("env") or os.environ).items()}
            # ipykernel_launcher's arguments; the module path itself is replaced by the fork
            args = cmd[cmd.index("ipykernel_launcher") :] if "ipykernel_launcher" in cmd else ["ipykernel", *cmd[1:]]
            kernel = _ForkedKernel(fork_kernel(args, env, cwd))
            self.process = cast(subprocess.Popen[bytes], kernel)  # duck-typed: what LocalProvisioner calls
            self.pid = self.pgid = kernel.pid
            self.cwd = cwd
            return self.connection_info

        async def wait(self) -> int | None:
            """As LocalProvisioner's, polling every 5 ms instead of 100 ms (a forked kernel dies in a few ms)."""
            process = cast(Any, self.process)
            while process is not None and process.poll() is None:
                await asyncio.sleep(0.005)
            self.process = None
            return None if process is None else process.returncode

    return TemplateProvisioner


PROVISIONER_NAME = "tradeviz-template"


class _EntryPoint:
    def __init__(self, target: type) -> None:
        self.name = PROVISIONER_NAME
        self._target = target

    def load(self) -> type:
        return self._target


@functools.cache
def _quick_client_class() -> type:
    from queue import Empty

    from jupyter_client.asynchronous import AsyncKernelClient

    class QuickReadyClient(AsyncKernelClient):
        """``wait_for_ready`` without the fixed 0.2 s of silence jupyter_client waits for on IOPub.

        As jupyter_client: ask for kernel_info until the reply comes and IOPub is connected.  Then drain IOPub
        until it has been quiet for 20 ms (a local kernel's start-up messages arrive within a few ms; any
        later stray status message has another parent and nbclient ignores it).
        """

        async def wait_for_ready(self, timeout: float | None = None) -> None:
            deadline = time.monotonic() + (float("inf") if timeout is None else timeout)
            while True:
                self.kernel_info()
                try:
                    msg = await self.shell_channel.get_msg(timeout=1)
                except Empty:
                    pass
                else:
                    if msg["msg_type"] == "kernel_info_reply":
                        try:
                            await self.iopub_channel.get_msg(timeout=0.2)
                        except Empty:
                            pass
                        else:
                            self._handle_kernel_info_reply(msg)
                            break
                if not await self._async_is_alive():
                    raise RuntimeError("Kernel died before replying to kernel_info")
                if time.monotonic() > deadline:
                    raise RuntimeError(f"Kernel didn't respond in {timeout} seconds")
            while True:
                try:
                    await self.iopub_channel.get_msg(timeout=0.02)
                except Empty:
                    break

    return QuickReadyClient


def template_kernel_manager_class() -> type:
    """``render.kernel_manager_class()`` whose kernels are forked from the template process."""
    from jupyter_client.kernelspec import KernelSpec
    from jupyter_client.provisioning import KernelProvisionerFactory

    from tradeviz import render

    base = render.kernel_manager_class()
    KernelProvisionerFactory.instance().provisioners[PROVISIONER_NAME] = cast(Any, _EntryPoint(_provisioner_class()))
    plain = base().kernel_spec
    spec = KernelSpec(
        **{**plain.to_dict(), "metadata": {"kernel_provisioner": {"provisioner_name": PROVISIONER_NAME}}},
        resource_dir=plain.resource_dir,
        name=plain.name,
    )

    class TemplateKernelManager(base):  # type: ignore[misc, valid-type]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.client_factory = _quick_client_class()

        @property
        def kernel_spec(self) -> KernelSpec:
            return spec

        async def _async_wait(self, pollinterval: float = 0.1) -> None:
            await super()._async_wait(pollinterval=0.005)

    return TemplateKernelManager


def skip_unused_imports() -> None:
    """Leave out ``rfc3987_syntax`` in this process (call before importing nbformat or papermill).

    jsonschema imports it, when installed (jupyter-events pulls it in), to check the ``iri`` string format; it
    builds a grammar at import, 1 to 3 s of CPU per process.  The notebook schema uses no such format, so
    nbformat's validation is the same without it.
    """
    sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]


# --- the worker process --------------------------------------------------------------------


def _worker_main(fd: int, parent_pid: int) -> None:
    die_with_parent(parent_pid)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the render process decides when to stop
    skip_unused_imports()
    from tradeviz import render

    conn = Connection(fd)
    render._init_worker()
    manager = template_kernel_manager_class()
    conn.send(("ready", os.getpid()))
    while True:
        try:
            job = conn.recv()
        except EOFError:
            return
        if job is None:
            return
        kind, payload = job
        if kind == "render":
            report, out, inputs = payload
            conn.send(("done", render._render_one(report, out, inputs, manager=manager)))


# --- the render-process side ---------------------------------------------------------------


def _short_tmp() -> str | None:
    """The temporary folder, unless its path is too long for Unix socket names (about 100 bytes): then /tmp."""
    base = tempfile.gettempdir()
    if len(base) > 60 and os.path.isdir("/tmp") and os.access("/tmp", os.W_OK):
        return "/tmp"
    return None


class Engine:
    """Workers and the template, started together and always ended together (a context manager)."""

    def __init__(self, jobs: int) -> None:
        self.jobs = jobs
        self.run_dir = Path(tempfile.mkdtemp(prefix="tradeviz-run-", dir=_short_tmp()))
        self.socket_path = str(self.run_dir / "template.sock")
        self.template: subprocess.Popen[bytes] | None = None
        self.workers: list[tuple[subprocess.Popen[bytes], Connection]] = []

    def _env(self) -> dict[str, str]:
        env = dict(os.environ)
        env[_ENV_SOCKET] = self.socket_path
        env[_ENV_RUN_DIR] = str(self.run_dir)
        env["JUPYTER_RUNTIME_DIR"] = str(self.run_dir / "runtime")  # connection files
        env["TMPDIR"] = str(self.run_dir)  # kernel sockets and scratch folders: removed with the run
        return env

    def start(self) -> None:
        env = self._env()
        template_env = {**env, "MPLBACKEND": INLINE_BACKEND, "OPENBLAS_NUM_THREADS": "1"}
        template_env[_ENV_BLAS] = os.environ.get("OPENBLAS_NUM_THREADS", _UNSET)
        if template_env[_ENV_BLAS] == _UNSET:
            del template_env[_ENV_BLAS]
        me = str(os.getpid())
        self.template = subprocess.Popen(
            [sys.executable, "-m", "tradeviz.engine", "template", self.socket_path, me],
            env=template_env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            start_new_session=True,
        )
        env[_ENV_TEMPLATE_PID] = str(self.template.pid)
        for _ in range(self.jobs):
            self._start_worker(env)

    def _start_worker(self, env: dict[str, str]) -> None:
        ours, theirs = socket.socketpair()
        with theirs:
            proc = subprocess.Popen(
                [sys.executable, "-m", "tradeviz.engine", "worker", str(theirs.fileno()), str(os.getpid())],
                env=env,
                stdin=subprocess.DEVNULL,
                pass_fds=[theirs.fileno()],
                start_new_session=True,
            )
        self.workers.append((proc, Connection(ours.detach())))

    def run(self, jobs: Sequence[Any], on_result: Callable[[int, Any], None]) -> None:
        """Send each job to a free worker; call ``on_result(index, result)`` as results arrive.

        A worker that dies while rendering yields ``EngineError`` as the result of its job and is replaced;
        a worker that dies before it is ready stops the run with ``EngineError``.
        """
        pending = deque(enumerate(jobs))
        busy: dict[Connection, int] = {}
        idle: list[Connection] = []
        ready: set[Connection] = set()
        while pending or busy:
            while idle and pending:
                conn = idle.pop()
                index, job = pending.popleft()
                conn.send(("render", job))
                busy[conn] = index
            for item in wait([c for _, c in self.workers]):
                conn = cast(Connection, item)
                try:
                    kind, value = conn.recv()
                except (EOFError, OSError):
                    if conn not in ready:
                        raise EngineError("a worker process could not start (see the messages above)") from None
                    lost = busy.pop(conn, None)
                    if conn in idle:
                        idle.remove(conn)
                    self._replace(conn)
                    if lost is not None:
                        on_result(lost, EngineError("the worker process died"))
                    continue
                if kind == "ready":
                    ready.add(conn)
                elif kind == "done":
                    on_result(busy.pop(conn), value)
                idle.append(conn)

    def _replace(self, conn: Connection) -> None:
        for i, (proc, c) in enumerate(self.workers):
            if c is conn:
                with contextlib.suppress(OSError):
                    conn.close()
                proc.kill()
                proc.wait()
                del self.workers[i]
                self._start_worker({**self._env(), _ENV_TEMPLATE_PID: str(self.template.pid if self.template else 0)})
                return

    def close(self, graceful: bool = True) -> None:
        """End every worker, the template and (with it) every kernel; remove the run's temporary files.

        ``graceful``: idle workers are asked to exit (up to 2 s) before anything is killed.
        """
        workers = [proc for proc, _ in self.workers]
        if graceful:
            for _, conn in self.workers:
                with contextlib.suppress(OSError):
                    conn.send(None)
            deadline = time.monotonic() + 2
            for proc in workers:
                with contextlib.suppress(subprocess.TimeoutExpired):
                    proc.wait(max(0.0, deadline - time.monotonic()))
        procs = workers + ([self.template] if self.template is not None else [])
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
            proc.wait()
        for _, conn in self.workers:
            with contextlib.suppress(OSError):
                conn.close()
        self.workers.clear()
        self.template = None
        shutil.rmtree(self.run_dir, ignore_errors=True)

    def __enter__(self) -> Engine:
        try:
            self.start()
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, exc_type: object, *rest: object) -> None:
        self.close(graceful=exc_type is None)


@contextlib.contextmanager
def signals_raise_interrupted() -> Iterator[None]:
    """While inside, SIGINT and SIGTERM raise :class:`Interrupted` (main thread only; elsewhere a no-op)."""
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum: int, frame: object) -> None:
        for s in previous:  # once stopping, further signals would only interrupt the cleanup
            signal.signal(s, signal.SIG_IGN)
        raise Interrupted(signum)

    previous = {s: signal.signal(s, handler) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for s, h in previous.items():
            signal.signal(s, h)


def remove_partial_files(out: Path) -> None:
    """Remove the temporary files of atomic writes (``.<name>.<random>.tmp``) a stopped render left in ``out``."""
    for path in out.glob(".*.tmp"):
        with contextlib.suppress(OSError):
            path.unlink()


def main(argv: Sequence[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] == ["template"]:
        _template_main(args[1], int(args[2]))
    elif args[:1] == ["worker"]:
        _worker_main(int(args[1]), int(args[2]))
    else:
        raise SystemExit("usage: python -m tradeviz.engine template SOCKET PARENT_PID | worker FD PARENT_PID")


if __name__ == "__main__":
    main()
