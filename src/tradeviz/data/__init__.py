"""Typed loaders of the curated tables (:mod:`tradeviz.data.loaders`), re-exported: ``data.load_trade()``."""

from tradeviz.data.loaders import *  # noqa: F403
