"""The reports layer: the notebooks in ``notebooks/`` turned into the HTML site behind ``tradeviz render``.

- :mod:`~tradeviz.reports.config`: the list of reports (``reports.yaml`` or ``--config``), parameter sweeps, the
  selection;
- :mod:`~tradeviz.reports.render`: the render itself (validate, skip the unchanged, run, write the index), and
  its summary;
- :mod:`~tradeviz.reports.execute`: one report in a worker (papermill, normalised notebook, HTML export);
- :mod:`~tradeviz.reports.engine` and :mod:`~tradeviz.reports.kernels`: the worker and template processes and
  the kernels forked from the template;
- :mod:`~tradeviz.reports.manifest`: the input digests each report records, and the skip decision;
- :mod:`~tradeviz.reports.site`: the front page (``index.html``) and its data downloads;
- :mod:`~tradeviz.reports.pdf` (``--pdf``), :mod:`~tradeviz.reports.refresh` (``tradeviz notebooks``),
  :mod:`~tradeviz.reports.assets` (each chart's CSV and PNG beside the page) and
  :mod:`~tradeviz.reports.parameters` (the checks a notebook runs on its parameters).

A new report is a notebook in ``notebooks/`` (a cell tagged ``parameters`` if it takes any, checked with
:mod:`~tradeviz.reports.parameters`) plus an entry in ``reports.yaml``; nothing here changes.
"""
