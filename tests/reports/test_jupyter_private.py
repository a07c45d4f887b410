"""jupyter_client's private names the render engine relies on are still there, with the parameters it uses."""

from __future__ import annotations

import pytest

from tradeviz.reports import jupyter_private


def test_the_private_jupyter_client_api_we_use_is_unchanged() -> None:
    problems = jupyter_private.missing_private_api()
    assert not problems, (
        "jupyter_client changed a private name tradeviz.reports.jupyter_private relies on; adapt that module "
        f"(or drop the override) before upgrading: {problems}"
    )


def test_the_check_would_notice_a_change(monkeypatch: pytest.MonkeyPatch) -> None:
    from jupyter_client.manager import KernelManager

    monkeypatch.delattr(KernelManager, "_async_wait")
    assert any("_async_wait is gone" in p for p in jupyter_private.missing_private_api())


def test_the_quick_ready_client_retries_a_kernel_not_yet_listening_every_few_ms(tmp_path) -> None:
    import zmq

    client = jupyter_private.quick_ready_client_class()(transport="ipc", ip=str(tmp_path / "kernel"))
    client.start_channels()  # nothing listens there yet: the sockets keep trying
    try:
        sockets = [client.shell_channel.socket, client.iopub_channel.socket, client.control_channel.socket]
        assert [s.getsockopt(zmq.RECONNECT_IVL) for s in sockets] == [jupyter_private.RECONNECT_MS] * 3
    finally:
        client.stop_channels()
    with zmq.Context() as other, other.socket(zmq.DEALER) as plain:
        assert plain.getsockopt(zmq.RECONNECT_IVL) == 100  # ZeroMQ's default: other contexts keep it
