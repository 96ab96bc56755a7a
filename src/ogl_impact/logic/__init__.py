"""Impact-logic models: from indicators to how far each lab has come.

Builds on a validated :class:`~ogl_impact.dataset.Dataset`; every function
returns a tidy DataFrame whose columns are documented and validated by an
output schema in :mod:`ogl_impact.logic.outputs`.
"""

from ogl_impact.logic.attainment import STATUSES, attainment
from ogl_impact.logic.delivery import (
    deadlines,
    deliveries,
    delivery_periods,
    period_names,
    reporting_rates,
    revised_values,
)
from ogl_impact.logic.diagnostics import diagnostics
from ogl_impact.logic.evidence import evidence_strength
from ogl_impact.logic.model import ImpactModel
from ogl_impact.logic.programme import (
    dac_matrix,
    efficiency,
    milestone_completion,
    milestone_timing,
)
from ogl_impact.logic.rollup import (
    majority,
    majority_status,
    network_progress,
    rollup,
    rollup_disaggregated,
    stages,
)

__all__ = [
    "STATUSES",
    "ImpactModel",
    "attainment",
    "dac_matrix",
    "deadlines",
    "deliveries",
    "delivery_periods",
    "diagnostics",
    "efficiency",
    "evidence_strength",
    "majority",
    "majority_status",
    "milestone_completion",
    "milestone_timing",
    "network_progress",
    "period_names",
    "reporting_rates",
    "revised_values",
    "rollup",
    "rollup_disaggregated",
    "stages",
]
