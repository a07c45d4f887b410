"""The process engine behind ``tradeviz render``: worker processes, a warm template process, and cleanup.

Three kinds of processes, none of them forked from a process that runs threads:

* the **render process** (the caller) only starts others with ``subprocess`` (fork + exec, no ``os.fork``);
* **workers** (``python -m tradeviz.reports.engine worker``), one per job slot: each runs papermill and the HTML export
  for one report at a time, and asks the template for a kernel;
* the **template** (``python -m tradeviz.reports.engine template``): a single-threaded process started first, which
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

import contextlib
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

from tradeviz.reports import warmup
from tradeviz.reports.kernels import (
    _ENV_SOCKET,
    _ENV_TEMPLATE_PID,
    EngineError,
    _recv_all,
    die_with_parent,
    template_kernel_manager_class,
)

KERNEL_IMPORTS = (
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
)
"""What a kernel imports as it starts; the template adds what the notebooks import (:func:`template_imports`)."""


def notebook_imports(notebook_dir: Path) -> list[str]:
    """Every module the code cells of ``notebook_dir/*.ipynb`` import (``from a.b import c`` -> ``a.b``, and
    ``a.b.c`` too where ``c`` is a module), sorted.  Cells are read as IPython reads them (``%matplotlib`` lines
    become Python); a cell that still does not parse is skipped (the kernel reports it)."""
    import ast
    import importlib.util

    from IPython.core.inputtransformer2 import TransformerManager

    to_python = TransformerManager().transform_cell

    found: set[str] = set()
    for path in sorted(notebook_dir.glob("*.ipynb")):
        cells = json.loads(path.read_text(encoding="utf-8")).get("cells", [])
        for cell in cells:
            if cell.get("cell_type") != "code":
                continue
            source = "".join(cell.get("source", []))
            try:
                tree = ast.parse(to_python(source))
            except SyntaxError:
                continue
            for node in ast.walk(tree):
                if isinstance(node, ast.Import):
                    found.update(alias.name for alias in node.names)
                elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                    found.add(node.module)
                    for alias in node.names:
                        name = f"{node.module}.{alias.name}"
                        with contextlib.suppress(ImportError, ValueError):
                            if importlib.util.find_spec(name) is not None:
                                found.add(name)
    return sorted(found)


def template_imports() -> tuple[str, ...]:
    """Modules the template imports once: a kernel's own start-up modules and every module the shipped notebooks
    import (derived from them, so a new import in a notebook is preloaded without a list to keep)."""
    from tradeviz import paths

    return KERNEL_IMPORTS + tuple(m for m in notebook_imports(paths.NOTEBOOKS_DIR) if m not in KERNEL_IMPORTS)


INLINE_BACKEND = "module://matplotlib_inline.backend_inline"
_ENV_RUN_DIR = "TRADEVIZ_RUN_DIR"
_ENV_BLAS = "TRADEVIZ_OPENBLAS_NUM_THREADS"
_UNSET = "\0unset"


class Interrupted(Exception):
    """The render process received SIGINT or SIGTERM; workers and kernels are stopped."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


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
    for name in template_imports():
        importlib.import_module(name)
    warmup.warm_up()
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
            template_pid = os.getpid()  # before the fork: a child asking getppid() after a quick kill gets init's
            pid = os.fork()
            if pid == 0:
                server.close()
                conn.close()
                _kernel_main(request, template_pid)
            try:
                conn.sendall(json.dumps({"pid": pid}).encode())
            except OSError:  # the worker is gone (stopped mid-request): so is the use for this kernel
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)


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
    from tradeviz.reports import execute

    conn = Connection(fd)
    execute.init_worker()
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
            conn.send(("done", execute.render_one(report, out, inputs, manager=manager)))


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
        """Start the template (unless :meth:`start_template` did) and the workers."""
        self.start_template()
        env = {**self._env(), _ENV_TEMPLATE_PID: str(self.template.pid if self.template else 0)}
        for _ in range(self.jobs):
            self._start_worker(env)

    def start_template(self) -> None:
        """Start the template process alone (once): it imports and warms up, and runs no report code.  A caller
        may start it first and check its inputs meanwhile; :meth:`close` ends it if the checks fail."""
        if self.template is not None:
            return
        env = self._env()
        template_env = {**env, "MPLBACKEND": INLINE_BACKEND, "OPENBLAS_NUM_THREADS": "1"}
        template_env[_ENV_BLAS] = os.environ.get("OPENBLAS_NUM_THREADS", _UNSET)
        if template_env[_ENV_BLAS] == _UNSET:
            del template_env[_ENV_BLAS]
        me = str(os.getpid())
        self.template = subprocess.Popen(
            [sys.executable, "-m", "tradeviz.reports.engine", "template", self.socket_path, me],
            env=template_env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            start_new_session=True,
        )

    def _start_worker(self, env: dict[str, str]) -> None:
        ours, theirs = socket.socketpair()
        with theirs:
            proc = subprocess.Popen(
                [sys.executable, "-m", "tradeviz.reports.engine", "worker", str(theirs.fileno()), str(os.getpid())],
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
        try:
            if graceful:
                for _, conn in self.workers:
                    with contextlib.suppress(OSError):
                        conn.send(None)
                deadline = time.monotonic() + 2
                for proc in workers:
                    with contextlib.suppress(subprocess.TimeoutExpired):
                        proc.wait(max(0.0, deadline - time.monotonic()))
        finally:  # a signal during the graceful wait (Interrupted) still ends everything and removes the run
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
        raise SystemExit("usage: python -m tradeviz.reports.engine template SOCKET PARENT_PID | worker FD PARENT_PID")


if __name__ == "__main__":
    main()
