"""Benchmark tradeviz.measures against hand-written vectorised pandas doing the same work.

Builds a synthetic trade panel in the ``load_trade()`` schema (many reporters × partners × years ×
flows, ~1 % of cells missing), times growth / shares+HHI / mirror computations from the raw panel,
and prints the median time of each, the ratio ours/baseline (target ≤ 1.5) and a scaling check
(10× rows → time ratio, target ≤ ~11).  A script, not a test: nothing here asserts on time.

    .venv/bin/python benchmarks/bench_metrics.py           # 100k and 1M rows
    .venv/bin/python benchmarks/bench_metrics.py --quick   # 10k and 100k rows
"""

from __future__ import annotations

import argparse
import gc
import statistics
import time
import warnings

import numpy as np
import pandas as pd

from tradeviz.measures import common, growth, mirror, panels

YEARS = np.arange(1992, 2021)
START, END = 1995, 2020
VALUE = "value_usd_millions"


def synthetic_panel(n_countries: int, seed: int = 0) -> pd.DataFrame:
    """All ordered country pairs × 1992–2020 × {exports, imports}; 1 % of cells dropped."""
    rng = np.random.default_rng(seed)
    codes = np.array([f"C{i:03d}" for i in range(n_countries)])
    reporter, partner = np.meshgrid(np.arange(n_countries), np.arange(n_countries), indexing="ij")
    keep = reporter != partner
    reporter, partner = reporter[keep], partner[keep]
    n_pairs, n_years = reporter.size, YEARS.size
    size = n_pairs * n_years * 2
    panel = pd.DataFrame(
        {
            "year": np.tile(np.repeat(YEARS, 2), n_pairs).astype("int64"),
            "reporter": codes[np.repeat(reporter, n_years * 2)],
            "partner": codes[np.repeat(partner, n_years * 2)],
            "flow": np.tile(["exports", "imports"], n_pairs * n_years),
            "valuation": np.tile(["FOB", "CIF"], n_pairs * n_years),
            VALUE: rng.lognormal(mean=3.0, sigma=2.0, size=size),
            "imf_estimate": rng.random(size) < 0.02,
            "source_id": np.where(rng.random(size) < 0.5, "synthetic-a", "synthetic-b"),
        }
    )
    return panel.loc[rng.random(size) >= 0.01].reset_index(drop=True)


def countries_for(rows: int) -> int:
    """Number of countries whose full panel has about ``rows`` rows (n(n−1) pairs × 29 years × 2 flows)."""
    return int(round((1 + np.sqrt(1 + 4 * rows / (YEARS.size * 2))) / 2))


# --------------------------------------------------------------------------- ours


def ours_growth(panel):
    return growth.growth_between(panels.bilateral_totals(panel), START, END, by=["reporter", "partner"])


def ours_shares(panel):
    by = ("year", "reporter")
    return panels.hhi(panels.shares(panels.bilateral_totals(panel), by=by), by=by)


def ours_mirror(panel):
    return mirror.mirror_table(panel)


# --------------------------------------------------------------------------- baseline


def _totals(panel):
    wide = panel.set_index(["year", "reporter", "partner", "flow"])[VALUE].unstack("flow")
    return wide["exports"] + wide["imports"]


def base_growth(panel):
    total = _totals(panel)
    first, last = total.xs(START, level="year").align(total.xs(END, level="year"))
    multiple = last / first.where(first > 0)
    return pd.DataFrame(
        {"start_value": first, "end_value": last, "multiple": multiple, "cagr": multiple ** (1 / (END - START)) - 1}
    ).reset_index()


def base_shares(panel):
    total = _totals(panel)
    share = total / total.groupby(level=["year", "reporter"]).transform("sum")
    return (share**2).groupby(level=["year", "reporter"]).sum()


def base_mirror(panel):
    cols = ["year", "reporter", "partner", VALUE]
    exports = panel.loc[panel["flow"].eq("exports"), cols].set_axis(["year", "exporter", "importer", "fob"], axis=1)
    imports = panel.loc[panel["flow"].eq("imports"), cols].set_axis(["year", "importer", "exporter", "cif"], axis=1)
    out = exports.merge(imports, on=["year", "exporter", "importer"], how="outer")
    out["gap"] = out["cif"] - out["fob"]
    out["ratio"] = out["cif"] / out["fob"].where(out["fob"] > 0)
    out["in_band"] = out["ratio"].between(*mirror.CIF_FOB_BAND)
    return out


CASES = {
    "growth (multiple, CAGR)": (ours_growth, base_growth),
    "shares + HHI": (ours_shares, base_shares),
    "mirror (gap, ratio, band)": (ours_mirror, base_mirror),
}


# --------------------------------------------------------------------------- harness


def _timed(func, panel) -> float:
    gc.collect()
    gc.disable()  # as timeit does: collector pauses would land on whichever call happens to trigger them
    try:
        tic = time.perf_counter()
        func(panel)
        return time.perf_counter() - tic
    finally:
        gc.enable()


def median_times(panels: dict[int, pd.DataFrame], repeats: int) -> dict[tuple[str, int, str], float]:
    """Median wall time per (case, size, ours|baseline).

    Each repeat runs every combination once, interleaved, so background load affects ours and the
    baseline, and the small and large panel, alike.
    """
    runs = [
        (name, size, who, func)
        for name, pair in CASES.items()
        for size in panels
        for who, func in zip(("ours", "baseline"), pair, strict=True)
    ]
    for _, size, _, func in runs:
        func(panels[size])  # warm-up
    samples: dict[tuple[str, int, str], list[float]] = {(name, size, who): [] for name, size, who, _ in runs}
    for _ in range(repeats):
        for name, size, who, func in runs:
            samples[(name, size, who)].append(_timed(func, panels[size]))
    return {key: statistics.median(values) for key, values in samples.items()}


def check_agreement(panel) -> None:
    """Ours and the baseline compute the same numbers (so the timing compares like with like)."""
    growth = ours_growth(panel).set_index(["reporter", "partner"])["multiple"]
    base = base_growth(panel).set_index(["reporter", "partner"])["multiple"]
    hhi = ours_shares(panel).set_index(["year", "reporter"])["hhi"]
    base_hhi = base_shares(panel)
    mirror = ours_mirror(panel).set_index(["year", "exporter", "importer"]).sort_index()["ratio"]
    base_ratio = base_mirror(panel).set_index(["year", "exporter", "importer"]).sort_index()["ratio"]
    complete = hhi.notna()  # the baseline silently sums partial groups; ours gives NaN there
    ok = (
        np.allclose(growth.sort_index(), base.sort_index(), equal_nan=True)
        and np.allclose(hhi[complete], base_hhi.reindex(hhi.index)[complete])
        and np.allclose(mirror, base_ratio, equal_nan=True)
    )
    print(f"results agree with the baseline: {'yes' if ok else 'NO'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10k and 100k rows instead of 100k and 1M")
    parser.add_argument("--repeats", type=int, default=None, help="timings per case (median taken)")
    args = parser.parse_args()
    small, large = (10_000, 100_000) if args.quick else (100_000, 1_000_000)
    repeats = args.repeats or (5 if args.quick else 7)
    warnings.simplefilter("ignore", common.MetricWarning)  # the ~1 % missing cells are intended

    panels = {size: synthetic_panel(countries_for(size)) for size in (small, large)}
    check_agreement(panels[small])
    times = median_times(panels, repeats)

    print(f"\nmedian of {repeats} runs; pandas {pd.__version__}, numpy {np.__version__}")
    header = f"{'computation':<27} {'rows':>9} {'ours s':>8} {'base s':>8} {'ours/base':>9}  target ≤ 1.5"
    print(header + "\n" + "-" * len(header))
    for size, panel in panels.items():
        for name in CASES:
            ours, base = times[(name, size, "ours")], times[(name, size, "baseline")]
            verdict = "ok" if ours / base <= 1.5 else "OVER"
            print(f"{name:<27} {len(panel):>9,} {ours:>8.3f} {base:>8.3f} {ours / base:>9.2f}  {verdict}")

    rows_ratio = len(panels[large]) / len(panels[small])
    title = f"scaling (rows ×{rows_ratio:.1f})"
    header = f"{title:<27} {'t small':>8} {'t large':>8} {'ratio':>6} {'baseline':>9}  target ≤ ~11"
    print("\n" + header + "\n" + "-" * len(header))
    for name in CASES:
        t_small, t_large = times[(name, small, "ours")], times[(name, large, "ours")]
        base = times[(name, large, "baseline")] / times[(name, small, "baseline")]
        verdict = "ok" if t_large / t_small <= 11 else "OVER"
        print(f"{name:<27} {t_small:>8.3f} {t_large:>8.3f} {t_large / t_small:>6.1f} {base:>9.1f}  {verdict}")


if __name__ == "__main__":
    main()
