"""Coverage of 95 % intervals with 13 clusters: CR1 t intervals vs the wild cluster bootstrap.

A difference-in-differences design like the programme's: 13 clusters (6 labs,
7 comparison communes), two survey waves, 20-200 respondents per cluster and
wave, cluster effects, cluster-by-wave shocks whose size differs between
clusters, and a true effect of 0.3. Each replication estimates the effect by
two-way fixed effects and records whether each interval covers 0.3.

Run: ``.venv/bin/python benchmarks/bench_coverage.py [reps]`` (default 1000);
writes benchmarks/results/coverage.json.
"""

from __future__ import annotations

import json
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd

TRUTH = 0.3
G, TREATED = 13, 6


def simulate(seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    sizes = np.clip(rng.lognormal(np.log(60), 0.7, size=(G, 2)), 20, 200).astype(int)
    alpha = rng.normal(0, 0.5, G)
    shock_sd = rng.uniform(0.05, 0.4, G)
    frames = []
    for g in range(G):
        for t in range(2):
            n = sizes[g, t]
            treat = float(g < TREATED and t == 1)
            y = (
                alpha[g]
                + 0.2 * t
                + TRUTH * treat
                + rng.normal(0, shock_sd[g])
                + rng.normal(0, 1, n)
            )
            frames.append(pd.DataFrame({"unit": g, "time": t, "treat": treat, "y": y}))
    return pd.concat(frames, ignore_index=True)


def one(seed: int) -> dict[str, bool]:
    from ogl_impact.stats import twfe
    from ogl_impact.stats.did import fe_design
    from ogl_impact.stats.regression import wild_cluster_bootstrap

    data = simulate(seed)
    naive = twfe(data, "y", treatment="treat", fe=["unit", "time"]).coefficients.iloc[0]
    X = fe_design(data, ["unit", "time"], data[["treat"]]).X
    out = {"cr1_t": bool(naive["ci_low"] <= TRUTH <= naive["ci_high"])}
    for name, weights, restricted in (
        ("wcr_webb", "webb", True),
        ("wcr_rademacher", "rademacher", True),
        ("wcu_webb", "webb", False),
    ):
        r = wild_cluster_bootstrap(
            data["y"],
            X,
            cluster=data["unit"],
            coef="treat",
            weight_type=weights,
            restricted=restricted,
            reps=9999,
            seed=seed,
        ).iloc[0]
        out[name] = bool(r["ci_low"] <= TRUTH <= r["ci_high"])
        out[name + "_width"] = float(r["ci_high"] - r["ci_low"])
    out["cr1_t_width"] = float(naive["ci_high"] - naive["ci_low"])
    return out


def main() -> None:
    reps = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    start = time.perf_counter()
    with ProcessPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(one, range(1, reps + 1), chunksize=10))
    frame = pd.DataFrame(results)
    summary = {
        "replications": reps,
        "clusters": G,
        "treated_clusters": TREATED,
        "coverage": {
            k: float(frame[k].mean()) for k in ("cr1_t", "wcr_webb", "wcr_rademacher", "wcu_webb")
        },
        "monte_carlo_se": float(np.sqrt(0.95 * 0.05 / reps)),
        "median_width": {
            k: float(frame[k + "_width"].median())
            for k in ("cr1_t", "wcr_webb", "wcr_rademacher", "wcu_webb")
        },
        "seconds": round(time.perf_counter() - start, 1),
    }
    out = Path(__file__).parent / "results"
    out.mkdir(exist_ok=True)
    (out / "coverage.json").write_text(json.dumps(summary, indent=2))
    print(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()
