"""Benchmark: load, validate and process the national-scale dataset.

Run on demand (``make bench``), never as a timed test. Targets on the 2-core
reference machine: load + validate + process under 60 s and under 6 GiB peak
memory; pandera validation at most 1.5 times the time of a hand-written
vectorised pandas check of the same rules, measured side by side here.
pandera validates in place, as ``validate.validate_table`` does (a copy of
35 million rows would be measured otherwise, which the product never makes).

Usage::

    python benchmarks/bench_pipeline.py [--data DIR] [--respondents N]

The national-scale data is written to DIR (default /tmp/ogl-national) when
it is not there yet.
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

from ogl_impact import vocab
from ogl_impact.io import read_table
from ogl_impact.parse import parse_table
from ogl_impact.schemas import TABLES

BIN = Path(sys.executable).parent
RESULTS = Path(__file__).parent / "results"


def run_measured(args: list[str]) -> tuple[float, float, int]:
    """Run a command in a fresh process: wall seconds, peak RSS in GiB, exit code."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    proc = subprocess.run(args, capture_output=True, text=True)
    wall = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    if proc.returncode != 0:
        print(proc.stdout[-2000:], proc.stderr[-2000:])
    return wall, max(peak, before) / 1024**2, proc.returncode


# ----------------------------------------------------------------- hand-written checks


def handwritten_responses(df: pd.DataFrame) -> dict[str, int]:
    """The rules of the Responses schema, written directly in vectorised pandas."""
    expected = ["respondent_id", "unit_id", "wave", "actor_group", "item_id", "value"]
    assert list(df.columns) == expected
    out = {}
    wave = df["wave"].astype("int64")
    value = df["value"].astype("float64")
    out["not_null"] = int(
        df[["respondent_id", "unit_id", "actor_group", "item_id"]].isna().sum().sum()
    )
    out["not_null"] += int(wave.isna().sum())
    out["respondent_pattern"] = int(
        (~df["respondent_id"].str.fullmatch(r"[A-Za-z0-9_-]{6,64}")).sum()
    )
    out["actor_group_isin"] = int((~df["actor_group"].isin(list(vocab.ACTOR_GROUPS))).sum())
    out["value_dtype"] = int(value.dtype != np.float64)
    return out


def handwritten_indicator_values(df: pd.DataFrame) -> dict[str, int]:
    """The rules of the IndicatorValues schema, written directly in vectorised pandas."""
    expected = ["lab_id", "indicator_id", "period_id", "disaggregation_value", "value", "status"]
    assert list(df.columns) == expected
    out = {}
    out["not_null"] = int(df[["lab_id", "indicator_id", "period_id", "status"]].isna().sum().sum())
    out["status_isin"] = int((~df["status"].isin(list(vocab.VALUE_STATUS))).sum())
    out["value_dtype"] = int(df["value"].astype("float64").dtype != np.float64)
    out["unique_key"] = int(
        df[["lab_id", "indicator_id", "period_id", "disaggregation_value"]]
        .duplicated(keep=False)
        .sum()
    )
    return out


def pandera_failures(table: str, df: pd.DataFrame) -> int:
    import pandera.errors

    try:
        TABLES[table].model.validate(df, lazy=True, inplace=True)
    except pandera.errors.SchemaErrors as exc:
        return len(exc.failure_cases)
    return 0


def best_of(fn, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("/tmp/ogl-national"))
    parser.add_argument("--respondents", type=int, default=1_000_000)
    parser.add_argument("--municipalities", type=int, default=10_800)
    args = parser.parse_args()

    results: dict[str, object] = {
        "python": platform.python_version(),
        "machine": platform.machine(),
    }
    if not (args.data / "responses.csv").exists():
        wall, peak, code = run_measured(
            [
                str(BIN / "ogl-impact"),
                "demo-data",
                str(args.data),
                "--scale",
                "national",
                "--respondents",
                str(args.respondents),
                "--municipalities",
                str(args.municipalities),
            ]
        )
        assert code == 0
        results["generate_s"] = round(wall, 1)
    sizes = {p.name: p.stat().st_size for p in args.data.glob("*.csv")}
    results["input_mb"] = round(sum(sizes.values()) / 1e6, 1)

    out = args.data.with_name(args.data.name + "-processed")
    wall, peak, code = run_measured([str(BIN / "ogl-impact"), "process", str(args.data), str(out)])
    assert code == 0, "process failed"
    results["process_wall_s"] = round(wall, 1)
    results["process_peak_gib"] = round(peak, 2)

    # side by side: pandera versus hand-written pandas, same typed frames, same process
    for table, handwritten in (
        ("responses", handwritten_responses),
        ("indicator_values", handwritten_indicator_values),
    ):
        frame, problems = parse_table(read_table(args.data / f"{table}.csv"), TABLES[table].model)
        assert not problems
        t_pandera = best_of(lambda f=frame, t=table: pandera_failures(t, f), repeat=2)
        t_hand = best_of(lambda f=frame, h=handwritten: h(f), repeat=2)
        assert pandera_failures(table, frame) == 0 and sum(handwritten(frame).values()) == 0
        # both must see the same broken rows
        broken = frame.copy()
        col = "actor_group" if table == "responses" else "status"
        if isinstance(broken[col].dtype, pd.CategoricalDtype):
            broken[col] = broken[col].cat.add_categories(["kaputt"])
        broken.loc[broken.index[:100], col] = "kaputt"
        assert pandera_failures(table, broken) == 100 == sum(handwritten(broken).values())
        results[f"{table}_rows"] = len(frame)
        results[f"{table}_pandera_s"] = round(t_pandera, 2)
        results[f"{table}_handwritten_s"] = round(t_hand, 2)
        results[f"{table}_ratio"] = round(t_pandera / t_hand, 2)
        del frame, broken

    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "bench_pipeline.json").write_text(json.dumps(results, indent=2) + "\n")
    for key, value in results.items():
        print(f"{key:32s} {value}")
    ok = results["process_wall_s"] < 60 and results["process_peak_gib"] < 6
    ok = ok and all(results[f"{t}_ratio"] <= 1.5 for t in ("responses", "indicator_values"))
    print("targets met" if ok else "targets NOT met")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
