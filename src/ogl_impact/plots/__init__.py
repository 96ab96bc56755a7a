"""Figures for the research reports: draw tidy result frames, compute nothing.

Every function takes ``data`` (a tidy frame), keyword-only options and an
optional ``ax``, and returns the Axes it drew on. Rows marked ``suppressed``
(see :mod:`ogl_impact.privacy`) are never drawn. Use them inside
:class:`house_style` for German (default) or English text.
"""

from ogl_impact.plots.attainment import attainment_heatmap, indicator_progress
from ogl_impact.plots.forest import change_title, forest
from ogl_impact.plots.likert import likert_bars
from ogl_impact.plots.model_diagram import impact_model
from ogl_impact.plots.openness import openness_dots, openness_radar
from ogl_impact.plots.programme import cut_at as partner_cut_at
from ogl_impact.plots.programme import milestone_completion, partner_composition
from ogl_impact.plots.staircase import stage_overview, staircase
from ogl_impact.plots.style import footer, house_style, survey_source

__all__ = [
    "attainment_heatmap",
    "change_title",
    "footer",
    "forest",
    "house_style",
    "impact_model",
    "indicator_progress",
    "likert_bars",
    "milestone_completion",
    "openness_dots",
    "openness_radar",
    "partner_composition",
    "partner_cut_at",
    "stage_overview",
    "staircase",
    "survey_source",
]
