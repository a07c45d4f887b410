"""Kernels forked from the template: a jupyter_client provisioner and kernel manager that ask the template process."""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Sequence
from typing import Any, cast

from jupyter_client.provisioning import LocalProvisioner

from tradeviz.reports import jupyter_private

# --- parent-death signal -------------------------------------------------------------------

PR_SET_PDEATHSIG = 1


def die_with_parent(parent_pid: int) -> None:
    """On Linux, get SIGKILL when the parent dies; exit at once if it already has (``prctl`` races the parent)."""
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_SET_PDEATHSIG) failed")
    if os.getppid() != parent_pid:
        os._exit(1)


# --- kernels: a jupyter_client provisioner that asks the template -------------------------


_ENV_SOCKET = "TRADEVIZ_TEMPLATE_SOCKET"
_ENV_TEMPLATE_PID = "TRADEVIZ_TEMPLATE_PID"


class EngineError(RuntimeError):
    """A worker or the template could not be started or died."""


def _recv_all(conn: socket.socket) -> bytes:
    chunks = []
    while chunk := conn.recv(65536):
        chunks.append(chunk)
    return b"".join(chunks)


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


PROVISIONER_NAME = "tradeviz-template"
"""Registered as an entry point of group ``jupyter_client.kernel_provisioners`` (pyproject.toml), jupyter_client's
public way to add a provisioner."""


def template_kernel_manager_class() -> type:
    """``execute.kernel_manager_class()`` whose kernels are forked from the template process."""
    from jupyter_client.kernelspec import KernelSpec

    from tradeviz.reports import execute

    base = execute.kernel_manager_class()
    plain = base().kernel_spec
    assert plain is not None, "execute.kernel_manager_class() always has a kernel spec"
    spec = KernelSpec(
        **{**plain.to_dict(), "metadata": {"kernel_provisioner": {"provisioner_name": PROVISIONER_NAME}}},
        resource_dir=plain.resource_dir,
        name=plain.name,
    )

    class TemplateKernelManager(base):  # type: ignore[misc, valid-type]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.client_factory = jupyter_private.quick_ready_client_class()

        @property
        def kernel_spec(self) -> KernelSpec:
            return spec

        _async_wait = jupyter_private.fast_wait(base)

    return TemplateKernelManager
