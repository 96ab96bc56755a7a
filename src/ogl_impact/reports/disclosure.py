"""One suppression decision per report, made before anything is drawn.

:func:`plan` runs the data builder of every figure of a report that shows
groups of respondents, so that each registers the groups it shows (cells,
network means, totals) with the report's
:class:`~ogl_impact.privacy.Disclosure`; the decision is then taken once
over all of them. Drawing afterwards only reads it, in the build's worker
processes as in a notebook's successive :func:`~ogl_impact.reports.draw`
calls with the same context.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from ogl_impact import privacy
from ogl_impact.reports.estimable import NotEstimable, numerical_failures
from ogl_impact.reports.figures import FIGURES, Context
from ogl_impact.reports.figures.base import spec_uses_respondents


def plan(ctx: Context, names: Sequence[str]) -> privacy.Disclosure:
    """Collect the groups every named figure shows and decide suppression once.

    Parameters
    ----------
    ctx : Context
        The report's context; its decision object is filled in place.
    names : sequence of str
        The figures of the report.

    Returns
    -------
    Disclosure
        The decision (``planned`` is true).
    """
    decision = ctx.decision()
    if decision.planned:
        return decision
    for name in names:
        spec = FIGURES[name]
        if not spec_uses_respondents(spec):
            continue
        if not all(table in ctx.data.tables for table in spec.tables):
            continue  # a dataset without the survey has no respondents to protect
        try:
            with numerical_failures(ctx.lang):
                spec.data(replace(ctx, only_lab=None))
        except NotEstimable:
            pass  # a figure that cannot be drawn shows nothing
    decision.planned = True
    return decision
