"""Survey and effect statistics with honest uncertainty for few labs.

One public function per procedure; each returns a tidy DataFrame (estimate,
se, ci_low, ci_high, p_val, n, method, ...). Every procedure is checked
against published output of R (psych, lme4, sandwich, ordinal, effectsize,
stats) or against simulations with a known truth (tests/references/).

Modules: :mod:`~ogl_impact.stats.scales` (reverse keys, item matrix, scale
scores), :mod:`~ogl_impact.stats.reliability` (alpha, item statistics,
omega, ICC), :mod:`~ogl_impact.stats.factor` (confirmatory factor analysis),
:mod:`~ogl_impact.stats.efa` (minres, oblimin, Schmid-Leiman, omega_h),
:mod:`~ogl_impact.stats.likert` (category shares),
:mod:`~ogl_impact.stats.effects` (t tests, effect sizes, rank tests,
multiple testing), :mod:`~ogl_impact.stats.mixed` (linear mixed
models, ICC), :mod:`~ogl_impact.stats.ordinal` (cumulative link
models), :mod:`~ogl_impact.stats.regression` (OLS with HC and cluster-robust
covariance, wild cluster bootstrap), :mod:`~ogl_impact.stats.panel`
(random effects, Hausman test), :mod:`~ogl_impact.stats.did` (difference in
differences, event study), :mod:`~ogl_impact.stats.power` (planning) and
:mod:`~ogl_impact.stats.survey` (the analysis of a dataset's survey).
"""

from ogl_impact.stats.did import TWFEResult, did_2x2, event_study, twfe
from ogl_impact.stats.efa import OmegaResult, omega_hierarchical
from ogl_impact.stats.effects import adjust_pvalues, effect_sizes, mean_difference, rank_test
from ogl_impact.stats.errors import StatsInputError
from ogl_impact.stats.factor import CFAResult, cfa, parse_model
from ogl_impact.stats.likert import LikertSummary, likert_summary
from ogl_impact.stats.mixed import MixedResult, icc_null_model, mixed_model
from ogl_impact.stats.ordinal import OrdinalResult, proportional_odds
from ogl_impact.stats.panel import RandomEffectsResult, hausman, random_effects
from ogl_impact.stats.power import minimum_detectable_effect, power
from ogl_impact.stats.regression import (
    ClusterCovariance,
    OLSResult,
    cluster_vcov,
    hc_vcov,
    ols,
    wild_cluster_bootstrap,
)
from ogl_impact.stats.reliability import (
    ReverseKeyWarning,
    cronbach_alpha,
    icc,
    item_statistics,
    omega,
)
from ogl_impact.stats.scales import item_matrix, reverse_key, scale_scores
from ogl_impact.stats.survey import (
    LabComparison,
    change_by_unit,
    lab_comparison,
    reliability_table,
    score_table,
)

__all__ = [
    "CFAResult",
    "ClusterCovariance",
    "LabComparison",
    "LikertSummary",
    "MixedResult",
    "OLSResult",
    "OmegaResult",
    "OrdinalResult",
    "RandomEffectsResult",
    "ReverseKeyWarning",
    "StatsInputError",
    "TWFEResult",
    "adjust_pvalues",
    "cfa",
    "change_by_unit",
    "cluster_vcov",
    "cronbach_alpha",
    "did_2x2",
    "effect_sizes",
    "event_study",
    "hausman",
    "hc_vcov",
    "icc",
    "icc_null_model",
    "item_matrix",
    "item_statistics",
    "lab_comparison",
    "likert_summary",
    "mean_difference",
    "minimum_detectable_effect",
    "mixed_model",
    "ols",
    "omega",
    "omega_hierarchical",
    "parse_model",
    "power",
    "proportional_odds",
    "random_effects",
    "rank_test",
    "reliability_table",
    "reverse_key",
    "scale_scores",
    "score_table",
    "twfe",
    "wild_cluster_bootstrap",
]
