"""Where ``process`` spends its time: wall and CPU seconds per phase, in one process.

Run on demand (not a test). Each phase function is wrapped and timed where it
runs: wall seconds, CPU seconds of the thread that runs it (``thread_time``;
pyarrow's own worker threads are not in it) and CPU seconds of the whole
process during the phase (``process_time``; all threads, so overlapping
phases share it). Phases overlap since reading runs ahead in a thread and
Parquet files are written in another: the wall seconds of the phases add up
to more than the total.

Usage::

    python benchmarks/bench_process_phases.py DATA OUT
"""

from __future__ import annotations

import os
import resource
import shutil
import sys
import threading
import time
from pathlib import Path

START_WALL, START_CPU = time.perf_counter(), time.process_time()

import ogl_impact.process as process_mod  # noqa: E402
import ogl_impact.validate as validate  # noqa: E402

IMPORTS = (time.perf_counter() - START_WALL, time.process_time() - START_CPU)
PHASES: dict[str, list[float]] = {}
LOCK = threading.Lock()


def wrap(module: object, name: str, label: str) -> None:
    """Replace ``module.name`` by a version that adds its times to ``PHASES[label]``."""
    inner = getattr(module, name)

    def timed(*args: object, **kwargs: object) -> object:
        wall, thread, proc = time.perf_counter(), time.thread_time(), time.process_time()
        try:
            return inner(*args, **kwargs)
        finally:
            spent = (
                time.perf_counter() - wall,
                time.thread_time() - thread,
                time.process_time() - proc,
            )
            with LOCK:
                totals = PHASES.setdefault(label, [0.0, 0.0, 0.0])
                for i, value in enumerate(spent):
                    totals[i] += value

    setattr(module, name, timed)


def main() -> int:
    data, out = Path(sys.argv[1]), Path(sys.argv[2])
    shutil.rmtree(out, ignore_errors=True)
    wrap(validate, "read_table", "read (reader thread)")
    wrap(validate, "parse_table", "parse (main)")
    wrap(validate, "validate_table", "parse + pandera (main)")
    wrap(validate, "check_cross_table", "cross-table rules (main)")
    wrap(process_mod, "_write_parquet", "Parquet write (writer thread)")
    wrap(process_mod, "write_dataset", "datapackage + waiting for writes (main)")
    load = os.getloadavg()[0]
    wall, cpu = time.perf_counter(), time.process_time()
    process_mod.process(data, out)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(f"load average before: {load:.2f} (2 cores)")
    print(f"{'phase':42s} {'wall s':>8s} {'thread CPU s':>13s} {'process CPU s':>14s}")
    print(f"{'imports':42s} {IMPORTS[0]:8.2f} {IMPORTS[1]:13.2f} {IMPORTS[1]:14.2f}")
    for label, (w, t, p) in PHASES.items():
        print(f"{label:42s} {w:8.2f} {t:13.2f} {p:14.2f}")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6
    print(f"{'process() total':42s} {wall:8.2f} {'':13s} {cpu:14.2f}   max RSS {rss:.1f} GB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
