"""Errors shared across layers; each message names the file, the place and the fix."""

from __future__ import annotations


class BuildError(ValueError):
    """A raw file the build cannot read as expected; the message names the file, the place and the fix."""
