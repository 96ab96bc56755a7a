"""Benchmark: the survey summary of the national-scale dataset, beside pingouin.

Measures, on one million respondents x 35 items (the national data of
``ogl-impact demo-data --scale national``, default /tmp/ogl-national):

* the respondent x item matrix from the long table,
* per construct: Cronbach's alpha with Feldt and Duhachek intervals, item
  statistics and scale scores (the whole survey summary; target < 30 s),
* alpha of all 35 items with ``ogl_impact.stats.cronbach_alpha`` and with
  ``pingouin.cronbach_alpha`` on the same frame in the same run (target: no
  slower than pingouin), both with pairwise-complete covariances, and checks
  that both give the same alpha.

Run: ``.venv/bin/python benchmarks/bench_survey.py [--data DIR]``;
writes benchmarks/results/survey.json.
"""

from __future__ import annotations

import argparse
import json
import time
import warnings
from pathlib import Path

import pandas as pd

from ogl_impact.io import read_table
from ogl_impact.parse import parse_table
from ogl_impact.schemas import TABLES
from ogl_impact.stats import cronbach_alpha, item_matrix, item_statistics, scale_scores
from ogl_impact.stats.survey import constructs

RESULTS = Path(__file__).parent / "results"


def best_of(fn, repeat: int = 3) -> tuple[float, object]:
    best, out = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - start)
    return best, out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", default="/tmp/ogl-national")
    args = parser.parse_args()
    folder = Path(args.data)
    if not (folder / "responses.csv").exists():
        raise SystemExit(f"no national data in {folder}: run ogl-impact demo-data --scale national")

    start = time.perf_counter()
    responses, _ = parse_table(read_table(folder / "responses.csv"), TABLES["responses"].model)
    codebook, _ = parse_table(read_table(folder / "codebook.csv"), TABLES["codebook"].model)
    load = time.perf_counter() - start

    def summary() -> dict[str, object]:
        wide = item_matrix(responses, codebook)
        out = {}
        for construct in constructs(codebook):
            items = codebook.loc[codebook["construct"] == construct, "item_id"].tolist()
            m = wide[items]
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                out[construct] = (
                    cronbach_alpha(m),
                    item_statistics(m),
                    scale_scores(m),
                )
        return {"wide": wide, "per_construct": out}

    start = time.perf_counter()
    result = summary()
    summary_s = time.perf_counter() - start
    wide = result["wide"]

    import pingouin

    frame = wide.reset_index(drop=True)
    ours_s, ours = best_of(lambda: cronbach_alpha(frame))
    pg_s, pg = best_of(lambda: pingouin.cronbach_alpha(data=frame, nan_policy="pairwise"))
    ours_alpha = float(ours.iloc[0]["estimate"])
    report = {
        "respondents_x_waves": len(wide),
        "items": int(wide.shape[1]),
        "answers": len(responses),
        "load_and_parse_s": round(load, 2),
        "survey_summary_s": round(summary_s, 2),
        "alpha_35_items_ours_s": round(ours_s, 3),
        "alpha_35_items_pingouin_s": round(pg_s, 3),
        "ratio_ours_over_pingouin": round(ours_s / pg_s, 3),
        "alpha_ours": ours_alpha,
        "alpha_pingouin": float(pg[0]),
        "pingouin_version": pingouin.__version__,
        "pandas_version": pd.__version__,
    }
    assert abs(ours_alpha - float(pg[0])) < 1e-9, "alpha differs from pingouin"
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "survey.json").write_text(json.dumps(report, indent=2))
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
