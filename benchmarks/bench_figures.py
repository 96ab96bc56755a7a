"""Benchmark: build every report's figures, beside matplotlib saving the same figures.

1. ``ogl-impact figures --all`` in a fresh process with 2 jobs (the way
   ``make report`` runs it): wall time, target under 60 s on 2 cores.
2. The same build with 1 job, and in one run beside it matplotlib alone:
   the same figures are drawn (untimed) and only ``savefig`` to PNG (300 dpi),
   SVG and PDF with the same options is timed, once with the bounding box the
   build computed and once with ``bbox_inches="tight"``. Target: the whole
   build takes no more than 1.5 times matplotlib's saving alone. Matplotlib
   alone finds a figure's box itself (``bbox_inches="tight"``, the ratio the
   issue was filed with: 1.55); the ratio over the box the build computed is
   stricter, because that box is work of the build handed to matplotlib, and
   is printed beside it.

Quiet run on 2 cores (2026-12-01, load 2.4 at start, commit 72f5d9e): 302
files; build 2 jobs 48.0 s, 1 job 80.3 s; matplotlib saving alone 54.2 s
(tight) and 47.0 s (build's box): ratio 1.48 over tight, 1.71 over the box.

Run: ``.venv/bin/python benchmarks/bench_figures.py``; writes
benchmarks/results/figures.json.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

BIN = Path(sys.executable).parent
RESULTS = Path(__file__).parent / "results"


def wall(args: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(args, check=True, capture_output=True)
    return time.perf_counter() - start


def save_only(tight: bool) -> float:
    """Draw every figure of every report untimed, time only the saving.

    ``tight=False``: with the bounding box the build computed (strictest);
    ``tight=True``: ``bbox_inches="tight"``, matplotlib's own way to save a
    figure with everything on it (it finds the box on every save).
    """
    import matplotlib.pyplot as plt

    import ogl_impact
    from ogl_impact.plots.style import house_style
    from ogl_impact.reports import context, reports
    from ogl_impact.reports.build import _tasks
    from ogl_impact.reports.render import FORMATS, draw_spec

    plt.switch_backend("agg")  # as the build's own process does
    ds = ogl_impact.load_demo()
    total = 0.0
    with tempfile.TemporaryDirectory() as tmp:
        for report in reports(ds.periods):
            ctx = context(ds, report)
            for name, lab in _tasks(report, ds):
                with house_style():
                    for drawn in draw_spec(name, replace(ctx, only_lab=lab)):
                        fig = drawn.figure
                        box = "tight" if tight else drawn.bbox
                        start = time.perf_counter()
                        for ext, options in FORMATS.items():
                            fig.savefig(
                                Path(tmp) / f"x.{ext}", format=ext, bbox_inches=box, **options
                            )
                        total += time.perf_counter() - start
                        plt.close(fig)
    return total


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--save-only":
        print(save_only(tight=sys.argv[2] == "tight"))
        return
    with tempfile.TemporaryDirectory() as tmp:
        cli = [str(BIN / "ogl-impact"), "figures", "--all", "--quiet", "--out"]
        parallel = wall([*cli, f"{tmp}/a", "--jobs", "2"])
        serial = wall([*cli, f"{tmp}/b", "--jobs", "1"])
        files = sum(1 for _ in Path(f"{tmp}/a").rglob("*") if _.is_file())
    saving = {}
    for mode in ("box", "tight"):
        out = subprocess.run(
            [sys.executable, __file__, "--save-only", mode],
            check=True,
            capture_output=True,
            text=True,
        )
        saving[mode] = float(out.stdout.strip().splitlines()[-1])
    report = {
        "files": files,
        "build_2_jobs_fresh_process_s": round(parallel, 1),
        "build_1_job_fresh_process_s": round(serial, 1),
        "matplotlib_savefig_precomputed_box_s": round(saving["box"], 1),
        "matplotlib_savefig_bbox_tight_s": round(saving["tight"], 1),
        "ratio_over_savefig_precomputed_box": round(serial / saving["box"], 2),
        "ratio_over_savefig_bbox_tight": round(serial / saving["tight"], 2),
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "figures.json").write_text(json.dumps(report, indent=2))
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
