"""Benchmark tradeviz.measures.products against hand-written vectorised pandas doing the same work.

Builds a synthetic products table in the ``load_products()`` schema (reporters × partners × years × two flows ×
HS headings, ~1 M rows at the default size, a quarter of the cells absent as in the real extracts), times
composition by section, top 10 headings, concentration (HHI and products for 80%) and the change between two
years, and prints the median time of each, the ratio ours/baseline (target ≤ 1.5) and the results' agreement.
A script, not a test: nothing here asserts on time.

    .venv/bin/python benchmarks/bench_products.py           # ~1 M rows
    .venv/bin/python benchmarks/bench_products.py --quick   # ~100 k rows
"""

from __future__ import annotations

import argparse
import gc
import statistics
import time
from collections.abc import Callable

import numpy as np
import pandas as pd

from tradeviz.measures import products as m

FLOW = ["year", "reporter", "partner", "flow"]
VALUE = "value_usd_millions"
SECTIONS = np.array(["I", "II", "V", "VI", "XI", "XV", "XVI", "XVII"])


def synthetic_products(rows: int, seed: int = 0) -> pd.DataFrame:
    """About ``rows`` product rows: 5 reporters × 6 partners × 10 years × 2 flows × n headings, 25% absent."""
    rng = np.random.default_rng(seed)
    headings = max(10, int(rows / (5 * 6 * 10 * 2 * 0.75)))
    codes = np.array([f"{1 + i // 40:02d}{i % 40:02d}" for i in range(headings)])
    index = pd.MultiIndex.from_product(
        [
            np.arange(2015, 2025),
            [f"R{i}" for i in range(5)],
            [f"P{i}" for i in range(6)],
            ["exports", "imports"],
            codes,
        ],
        names=[*FLOW, "code"],
    )
    table = index.to_frame(index=False)
    table = table[rng.random(len(table)) >= 0.25].reset_index(drop=True)
    table["level"] = "heading"
    table["chapter"] = table["code"].str[:2]
    table["section"] = SECTIONS[table["chapter"].astype(int).to_numpy() % SECTIONS.size]
    table[VALUE] = rng.lognormal(mean=1.0, sigma=2.0, size=len(table))
    return table


# --------------------------------------------------------------------------- baselines


def base_composition(df: pd.DataFrame) -> pd.DataFrame:
    out = df.groupby([*FLOW, "section"], as_index=False)[VALUE].sum()
    out["share"] = out[VALUE] / out.groupby(FLOW)[VALUE].transform("sum")
    return out


def base_top(df: pd.DataFrame, n: int = 10) -> pd.DataFrame:
    out = df[[*FLOW, "code", VALUE]].copy()
    out["share"] = out[VALUE] / out.groupby(FLOW)[VALUE].transform("sum")
    out = out.sort_values([*FLOW, VALUE], ascending=[True] * 4 + [False])
    return out.groupby(FLOW).head(n)


def base_concentration(df: pd.DataFrame) -> pd.DataFrame:
    out = df[[*FLOW, VALUE]].sort_values([*FLOW, VALUE], ascending=[True] * 4 + [False])
    share = out[VALUE] / out.groupby(FLOW)[VALUE].transform("sum")
    before = share.groupby([out[c] for c in FLOW]).cumsum() - share
    out = out.assign(sq=share**2, below=before < 0.8)
    return out.groupby(FLOW).agg(hhi=("sq", "sum"), products_for_threshold=("below", "sum")).reset_index()


def base_change(df: pd.DataFrame, start: int = 2015, end: int = 2024) -> pd.DataFrame:
    """The same work as measures.products.change: per product start, end, change, status, direction (sorted),
    and per flow the sums and counts of the products that grew and fell."""
    keys = ["reporter", "partner", "flow", "code"]
    wide = df[df["year"].isin([start, end])].groupby([*keys, "year"])[VALUE].sum().unstack("year")
    present = wide.notna()
    wide = wide.fillna(0.0)
    out = pd.DataFrame(dict(start_v=wide[start], end_v=wide[end]))
    out["delta"] = out["end_v"] - out["start_v"]
    out["status"] = np.select([present[start] & present[end], present[end]], ["both years", "new"], "gone")
    out["direction"] = np.select([out["delta"] > 0, out["delta"] < 0], ["grew", "fell"], "unchanged")
    out = out.reset_index().sort_values([*keys[:3], "delta"], ascending=[True, True, True, False])
    out = out.assign(grew=out["delta"].clip(lower=0), fell=out["delta"].clip(upper=0))
    out = out.assign(n_grew=out["direction"].eq("grew"), n_fell=out["direction"].eq("fell"))
    return out.groupby(keys[:3])[["start_v", "end_v", "delta", "grew", "fell", "n_grew", "n_fell"]].sum()


# --------------------------------------------------------------------------- timing


def median_time(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        gc.collect()
        begin = time.perf_counter()
        fn()
        times.append(time.perf_counter() - begin)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="~100 k rows instead of ~1 M")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per case (median; default 3)")
    args = parser.parse_args()
    df = synthetic_products(100_000 if args.quick else 1_000_000)
    print(f"synthetic products table: {len(df):,} rows, {df['code'].nunique()} headings")
    ours_top = m.top_products(df, 10)
    base_top_ = base_top(df, 10)
    assert np.allclose(ours_top[VALUE].to_numpy(), base_top_[VALUE].to_numpy()), "top products disagree"
    ours_conc = m.concentration(df)
    base_conc = base_concentration(df)
    assert np.allclose(ours_conc["hhi"], base_conc["hhi"]), "HHI disagrees"
    assert (ours_conc["products_for_threshold"].to_numpy() == base_conc["products_for_threshold"].to_numpy()).all()
    _, summary = m.change(df, 2015, 2024)
    assert np.allclose(summary["grew_usd_millions"], base_change(df)["grew"].to_numpy()), "change disagrees"
    cases = {
        "composition by section": (lambda: m.composition(df, "section"), lambda: base_composition(df)),
        "top 10 headings": (lambda: m.top_products(df, 10), lambda: base_top(df, 10)),
        "concentration (HHI, 80%)": (lambda: m.concentration(df), lambda: base_concentration(df)),
        "change 2015 -> 2024": (lambda: m.change(df, 2015, 2024), lambda: base_change(df)),
    }
    print(f"{'measure':<28} {'ours (s)':>9} {'pandas (s)':>10} {'ratio':>6}")
    for name, (ours, base) in cases.items():
        t_ours, t_base = median_time(ours, args.repeat), median_time(base, args.repeat)
        print(f"{name:<28} {t_ours:>9.3f} {t_base:>10.3f} {t_ours / t_base:>6.2f}")
    print("results agree with the baselines (top products, HHI, products for 80%, change); target ratio <= 1.5")


if __name__ == "__main__":
    main()
