"""Benchmark: ``ogl-impact process`` against pyarrow's bare CSV read + Parquet write.

Run on demand, never as a timed test. Target on the 2-core reference machine:
``process`` (read, parse, validate with every rule, write Parquet and the
datapackage through the safe writer) at most 2x the time pyarrow alone needs
to read the same CSV files and write them as Parquet, measured side by side in
fresh processes in one run. The bare read splits each file at the separator
its header uses, as ``process`` does (the national demo data is
comma-separated; until 2026-12 the bare read split at ";" and so read every
line of those files as one text cell).

Usage::

    python benchmarks/bench_process.py [--data DIR] [--repeat N]

The national-scale data is written to DIR (default /tmp/ogl-national) when it
is not there yet (``ogl-impact demo-data DIR --scale national``, ~2 minutes).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BIN = Path(sys.executable).parent
RESULTS = Path(__file__).parent / "results"

BARE = r"""
import sys, time
from pathlib import Path
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
src, out = Path(sys.argv[1]), Path(sys.argv[2])
out.mkdir(parents=True, exist_ok=True)
for path in sorted(src.glob("*.csv")):
    with path.open("rb") as handle:  # the leading comment lines are skipped as process does
        skip = 0
        for line in handle:
            if not line.startswith(b"#"):
                break
            skip += 1
    # the separator as process finds it: the most frequent of ; , tab in the header
    sep = max((";", ",", "\t"), key=line.decode("utf-8", "ignore").count)
    table = pacsv.read_csv(
        path,
        read_options=pacsv.ReadOptions(skip_rows=skip),
        parse_options=pacsv.ParseOptions(delimiter=sep),
        convert_options=pacsv.ConvertOptions(strings_can_be_null=True),
    )
    pq.write_table(table, out / (path.stem + ".parquet"))
"""


def timed(args: list[str]) -> tuple[float, int, str, float]:
    """Wall seconds, exit code, end of stderr and CPU seconds (user + system) of a fresh process.

    The CPU seconds say how much work the run did whatever the load of the
    machine; on a loaded machine the wall seconds mostly say how long it waited.
    """
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(args, capture_output=True, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, proc.returncode, proc.stderr[-1500:], cpu


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default="/tmp/ogl-national")
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    data = Path(args.data)
    if not (data / "responses.csv").exists():
        subprocess.run(
            [str(BIN / "ogl-impact"), "demo-data", str(data), "--scale", "national"], check=True
        )
    size = sum(p.stat().st_size for p in data.glob("*.csv"))
    load = os.getloadavg()[0]
    print(f"load average before the runs: {load:.2f}")
    work = Path(tempfile.mkdtemp(prefix="ogl-bench-process-"))
    rows = []
    try:
        for i in range(args.repeat):
            bare_out, proc_out = work / f"bare{i}", work / f"processed{i}"
            bare_cmd = [sys.executable, "-c", BARE, str(data), str(bare_out)]
            ours_cmd = [str(BIN / "ogl-impact"), "process", str(data), str(proc_out)]
            # the order alternates: the first touch of fresh memory favours the second run
            load_run = os.getloadavg()[0]
            if i % 2 == 0:
                bare, code_b, err_b, cpu_b = timed(bare_cmd)
                ours, code_p, err_p, cpu_p = timed(ours_cmd)
            else:
                ours, code_p, err_p, cpu_p = timed(ours_cmd)
                bare, code_b, err_b, cpu_b = timed(bare_cmd)
            if code_b or code_p:
                print(err_b, err_p)
                return 1
            rows.append((bare, ours, cpu_b, cpu_p, load_run))
            first = "bare first" if i % 2 == 0 else "process first"
            print(
                f"run {i + 1} ({first}, load {load_run:.2f}): pyarrow bare {bare:.1f} s"
                f" (CPU {cpu_b:.1f} s), process {ours:.1f} s (CPU {cpu_p:.1f} s)"
            )
    finally:
        shutil.rmtree(work, ignore_errors=True)
    bare = min(r[0] for r in rows)
    ours = min(r[1] for r in rows)
    ratio = ours / bare
    result = {
        "data": str(data),
        "csv_bytes": size,
        "pyarrow_bare_s": round(bare, 2),
        "process_s": round(ours, 2),
        "ratio": round(ratio, 2),
        "runs": [
            {
                "bare_s": round(b, 2),
                "process_s": round(o, 2),
                "bare_cpu_s": round(cb, 2),
                "process_cpu_s": round(cp, 2),
                "load_before": round(lr, 2),
            }
            for b, o, cb, cp, lr in rows
        ],
        "load_before": round(load, 2),
        "target_ratio": 2.0,
        "python": platform.python_version(),
    }
    print(json.dumps(result, indent=1))
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "process.json").write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    return 0 if ratio <= 2.0 else 1


if __name__ == "__main__":
    sys.exit(main())
