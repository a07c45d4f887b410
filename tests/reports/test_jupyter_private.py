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
