"""Research reports: which figures each holds, and the build that writes them.

:func:`build` writes ``reports/figures/<report>/`` (PNG, SVG, PDF, the
numbers drawn as CSV and an ``index.html`` gallery) for the reports of
:mod:`~ogl_impact.reports.registry`,
each drawn only from data available up to the report's date.
"""

from ogl_impact.reports.asof import as_of
from ogl_impact.reports.build import build, build_report, context, draw
from ogl_impact.reports.estimable import NotEstimable
from ogl_impact.reports.figures import FIGURES, declare
from ogl_impact.reports.registry import REPORT_FIGURES, Report, find, reports

__all__ = [
    "FIGURES",
    "REPORT_FIGURES",
    "NotEstimable",
    "Report",
    "as_of",
    "build",
    "build_report",
    "context",
    "declare",
    "draw",
    "find",
    "reports",
]
