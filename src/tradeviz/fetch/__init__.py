"""Fetching the successor statistics of IMF DOTS from their APIs into new dated raw snapshots.

- :mod:`tradeviz.fetch.imts`: IMF International Trade in Goods (by partner country), ``IMF.STA/IMTS/1.0.0``;
- :mod:`tradeviz.fetch.comtrade`: UN Comtrade, annual, by HS chapter (or heading);
- :mod:`tradeviz.fetch.http`: the one HTTP client (timeouts, spacing of calls, retries with backoff);
- :mod:`tradeviz.fetch.snapshot`: a snapshot assembled outside ``data/raw`` and renamed into place when complete;
- :mod:`tradeviz.fetch.errors`: one exception per fault, each with its exit code.

This is the only part of tradeviz that goes on the network; only the CLI imports it.
"""
