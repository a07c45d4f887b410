"""Errors shared across layers, at the bottom so that any layer (and the CLI's exit-code mapping) can name them
without importing the layer that raises them; each message names the file, the place and the fix.

Exit codes (``tradeviz.cli``): :class:`BuildError`, :class:`DataError`, :class:`ProvenanceError`,
:class:`KernelUnavailableError` and :class:`PdfUnavailableError` are failures while working (1).
"""

from __future__ import annotations


class BuildError(ValueError):
    """A raw file the build cannot read as expected; the message names the file, the place and the fix."""


class DataError(ValueError):
    """A curated file that does not match its schema."""


class ProvenanceError(ValueError):
    """A raw folder whose provenance record is missing, malformed or no longer matches its files."""


class KernelUnavailableError(RuntimeError):
    """This Python cannot start the kernel the reports run in (ipykernel is missing)."""


class PdfUnavailableError(RuntimeError):
    """Chromium or the playwright package is missing, so no PDF can be printed."""
