"""The only place tradeviz touches jupyter_client's private API, and the check that it is still there.

The render engine needs two things jupyter_client offers no public hook for:

* a kernel client whose ``wait_for_ready`` does not wait a fixed 0.2 s of IOPub silence (forked kernels are ready
  in milliseconds); it must record the kernel's protocol version as jupyter_client does, through
  ``KernelClient._handle_kernel_info_reply``;
* a kernel manager that polls a stopping kernel every 5 ms instead of 100 ms: ``KernelManager._async_wait``.

:data:`PRIVATE_API` lists each private name with the parameters we call it with; :func:`missing_private_api`
compares it with the installed jupyter_client, and a test (``tests/reports/test_jupyter_private.py``) fails loudly
on an upgrade that renames or changes one, before any render would.
"""

from __future__ import annotations

import functools
import importlib
import inspect
import time
from collections.abc import Callable, Coroutine
from typing import Any

PRIVATE_API = {
    ("jupyter_client.client", "KernelClient", "_handle_kernel_info_reply"): ("self", "msg"),
    ("jupyter_client.manager", "KernelManager", "_async_wait"): ("self", "pollinterval"),
}
"""(module, class, private attribute) -> the parameter names tradeviz relies on."""
FAST_POLL_SECONDS = 0.005
RECONNECT_MS = 5
"""How soon a kernel client's socket tries again to reach a kernel that has not bound its sockets yet."""


def missing_private_api() -> list[str]:
    """Every entry of :data:`PRIVATE_API` the installed jupyter_client lacks or has with other parameters."""
    problems = []
    for (module, cls, attr), params in PRIVATE_API.items():
        owner = getattr(importlib.import_module(module), cls, None)
        func = getattr(owner, attr, None)
        if func is None:
            problems.append(f"{module}.{cls}.{attr} is gone")
            continue
        found = tuple(inspect.signature(func).parameters)
        if found[: len(params)] != params:
            problems.append(f"{module}.{cls}.{attr} takes {found}, tradeviz calls it with {params}")
    return problems


def fast_wait(base: type[Any]) -> Callable[..., Coroutine[Any, Any, None]]:
    """``_async_wait`` for a subclass of ``base`` (a jupyter_client kernel manager) that polls every 5 ms."""
    parent = base._async_wait

    async def _async_wait(self: Any, pollinterval: float = 0.1) -> None:
        await parent(self, pollinterval=FAST_POLL_SECONDS)

    return _async_wait


@functools.cache
def quick_ready_client_class() -> type:
    from queue import Empty

    import zmq
    from jupyter_client.asynchronous import AsyncKernelClient

    class QuickReadyClient(AsyncKernelClient):
        """``wait_for_ready`` without the fixed 0.2 s of silence jupyter_client waits for on IOPub.

        As jupyter_client: ask for kernel_info until the reply comes and IOPub is connected.  Then drain IOPub
        until it has been quiet for 20 ms (a local kernel's start-up messages arrive within a few ms; any
        later stray status message has another parent and nbclient ignores it).

        Its sockets retry a refused connection after :data:`RECONNECT_MS` instead of ZeroMQ's 100 ms: a forked
        kernel binds its sockets some 60 ms after the fork, so the channels' first attempt finds nothing there,
        and the reply to the first kernel_info waited out the 100 ms (0.12 s more per report, measured).  The
        option is the client's own context's default for new sockets (pyzmq's public ``Context.setsockopt``);
        jupyter_client gives each client a context of its own.
        """

        def start_channels(self, *args: Any, **kwargs: Any) -> None:
            self.context.setsockopt(zmq.RECONNECT_IVL, RECONNECT_MS)
            super().start_channels(*args, **kwargs)

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
                            self._handle_kernel_info_reply(msg)  # private: see PRIVATE_API
                            break
                if not await self.is_alive():
                    raise RuntimeError("Kernel died before replying to kernel_info")
                if time.monotonic() > deadline:
                    raise RuntimeError(f"Kernel didn't respond in {timeout} seconds")
            while True:
                try:
                    await self.iopub_channel.get_msg(timeout=0.02)
                except Empty:
                    break

    return QuickReadyClient
