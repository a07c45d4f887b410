"""Raw sources: one module per raw source folder under ``data/raw/`` (IMF DOTS, the press tables, the seed
article, the World Factbook, WDI and CPI), plus :mod:`~tradeviz.sources.provenance` for the checksummed records
every folder carries.  Each module reads only its own folder and exposes ``build_<table>(raw)`` functions that
return a DataFrame (or row helpers the pipeline combines); a new source gets a new module here, standing alone
(no source module imports another, except provenance), and its builders are registered in
:data:`tradeviz.build.pipeline.BUILDERS`.
"""
