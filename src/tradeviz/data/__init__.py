"""Typed loaders of the curated tables (:mod:`tradeviz.data.loaders`), re-exported: ``data.load_trade()``.

The loaders (and pandas) are imported at the first use of one of them, not with the package: the data version
(:mod:`tradeviz.data.version`) is read without them, by the render process deciding what to run.
"""

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tradeviz.data.loaders import *  # noqa: F403
else:

    def __getattr__(name: str) -> Any:
        import importlib
        import importlib.util

        # a submodule not imported yet (``from tradeviz.data import version``): the import system loads it
        if name.startswith("_") or importlib.util.find_spec(f"{__name__}.{name}") is not None:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        loaders = importlib.import_module(f"{__name__}.loaders")
        if not hasattr(loaders, name):
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        value = getattr(loaders, name)
        globals()[name] = value  # once: a later lookup (or a test's monkeypatch) finds a plain attribute
        return value

    def __dir__() -> list[str]:
        import importlib

        loaders = importlib.import_module(f"{__name__}.loaders")
        return sorted({*globals(), *(n for n in dir(loaders) if not n.startswith("_"))})
