"""Figure declarations, split by subject; importing this package declares them all.

- :mod:`~ogl_impact.reports.figures.base`: the declaration (:func:`declare`),
  the frozen :class:`Context`, :class:`Panel` and :class:`Drawn`;
- :mod:`~ogl_impact.reports.figures.network`: stages, attainment, progress;
- :mod:`~ogl_impact.reports.figures.survey`: openness, trust, effects;
- :mod:`~ogl_impact.reports.figures.programme`: partners, milestones;
- :mod:`~ogl_impact.reports.figures.models`: impact-model diagrams;
- :mod:`~ogl_impact.reports.figures.delivery`: the labs' data deliveries.

Each data builder takes the report's data from the context and returns the
tidy frame(s) it draws; statistics come from :mod:`ogl_impact.logic` and
:mod:`ogl_impact.stats`; every frame with respondent counts passes
:func:`ogl_impact.privacy.protect` before it is drawn. A data builder whose
figure the data cannot support raises
:class:`~ogl_impact.reports.estimable.NotEstimable` with the reason; a
statistic that cannot be estimated while the others can is left out and
named in the panel's ``notes``.
"""

from ogl_impact.reports.figures import delivery, models, network, programme, survey
from ogl_impact.reports.figures.base import (
    FIGURES,
    Context,
    Drawn,
    FigureSpec,
    Panel,
    declare,
    figures_of,
    finish,
)

__all__ = [
    "FIGURES",
    "Context",
    "Drawn",
    "FigureSpec",
    "Panel",
    "declare",
    "delivery",
    "figures_of",
    "finish",
    "models",
    "network",
    "programme",
    "survey",
]
