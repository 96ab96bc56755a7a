"""CPU time of each phase of drawing a report's figures: data, plot, layout + footer, check, save.

Process time (not wall time), so that the numbers hold on a machine whose
cores are shared: the saving phase is what matplotlib alone does (savefig to
PNG 300 dpi, SVG and PDF with the build's box); the other phases are the
build's own work.

Run: ``.venv/bin/python benchmarks/bench_figure_phases.py pb sb3`` (report ids;
bootstrap draws 99).
"""

from __future__ import annotations

import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import matplotlib

matplotlib.use("agg")

import matplotlib.pyplot as plt

import ogl_impact
from ogl_impact.plots.style import house_style
from ogl_impact.reports import context, reports
from ogl_impact.reports.build import _tasks
from ogl_impact.reports.estimable import NotEstimable
from ogl_impact.reports.figures import FIGURES, finish
from ogl_impact.reports.render import FORMATS, check_figures


def main(report_ids: list[str]) -> dict[str, float]:
    """Return the CPU seconds per phase over the figures of ``report_ids``."""
    clock = time.process_time
    ds = ogl_impact.load_demo()
    acc = dict.fromkeys(("data", "plot", "finish", "check", "save"), 0.0)
    with tempfile.TemporaryDirectory() as tmp:
        for report in reports(ds.periods):
            if report.report_id not in report_ids:
                continue
            ctx = context(ds, report, reps=99)
            for name, lab in _tasks(report, ds):
                spec, c = FIGURES[name], replace(ctx, only_lab=lab)
                with house_style():
                    t = clock()
                    try:
                        panels = spec.data(c)
                    except NotEstimable:
                        continue
                    acc["data"] += clock() - t
                    for panel in panels:
                        t = clock()
                        fig = spec.plot(panel, c)
                        acc["plot"] += clock() - t
                        t = clock()
                        drawn = finish(fig, spec, panel, c)
                        acc["finish"] += clock() - t
                        t = clock()
                        check_figures([drawn], report.report_id)
                        acc["check"] += clock() - t
                        t = clock()
                        for ext, options in FORMATS.items():
                            fig.savefig(
                                Path(tmp) / f"x.{ext}",
                                format=ext,
                                bbox_inches=drawn.bbox,
                                **options,
                            )
                        acc["save"] += clock() - t
                        plt.close(fig)
    return acc


if __name__ == "__main__":
    phases = main(sys.argv[1:] or ["pb"])
    print({k: round(v, 2) for k, v in phases.items()})
    own = phases["plot"] + phases["finish"] + phases["check"]
    print(f"plot + layout + check per second of saving: {own / phases['save']:.2f}")
