"""The build (``tradeviz data build`` / ``validate``): :mod:`~tradeviz.build.pipeline` runs the source builders of
:mod:`tradeviz.sources` on ``data/raw`` and writes the curated tables deterministically and atomically,
:mod:`~tradeviz.build.dictionary` generates the data dictionary and :mod:`~tradeviz.build.validate` checks the
raw checksums, the Data Package schema and freshness.  A new step that turns raw files into curated tables, or
checks them, goes here; reading a raw folder itself belongs in :mod:`tradeviz.sources`.
"""
