"""Measures: pure functions over the tidy tables of :mod:`tradeviz.data` (conventions, units and the shared
helpers in :mod:`~tradeviz.measures.common`): DOTS panels, shares and HHI (``panels``), growth and CAGR
(``growth``), real terms (``deflation``), context ratios and group comparisons (``context``), mirror statistics
(``mirror``), China among each reporter's partners (``partners``) and the published figures (``published``).
They take DataFrames and return DataFrames or JSON-safe dicts; they never load, build, draw or render.  A new
family of measures goes in a new module here, built on ``common`` (and ``panels`` for China–five series).
"""
