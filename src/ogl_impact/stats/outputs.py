"""Pandera schemas of what the statistics functions return.

One schema per kind of output, so that every table of :mod:`ogl_impact.stats`
can be checked against the one vocabulary (see docs/architecture.md):

* :data:`ESTIMATES` - estimate frames: ``term, estimate, se, statistic, df,
  p_val, ci_low, ci_high, n, method, note`` (only those that apply, in this
  order); descriptive columns such as ``lab_id``, ``wave``, ``item_id`` or
  ``construct`` may come first. Fit tables (R², log-likelihood, chi-square
  test of a model) have the same shape and use :data:`FIT`.
* :data:`CFA_PARAMETERS` - lavaan's parameter table (``lhs, op, rhs`` first,
  ``std_all, free`` after the estimate columns).
* :data:`PVALUES` - :func:`~ogl_impact.stats.adjust_pvalues`.
* :data:`LIKERT_CATEGORIES`, :data:`LIKERT_SHARES` - :func:`~ogl_impact.stats.likert_summary`.
* :data:`ITEM_STATISTICS`, :data:`RELIABILITY_TABLE` - item analysis and the
  reliability table of a survey.
* :data:`SCORE_TABLE`, :data:`CHANGE_TABLE` - the survey layer.
* :data:`ITEM_MATRIX`, :data:`MATRIX` - respondent x item data and square
  matrices (implied covariance, factor correlations).
* :data:`POWER`, :data:`MDE` - planning tables.

Examples
--------
>>> import pandas as pd
>>> frame = pd.DataFrame({"term": ["alpha"], "estimate": [0.8], "ci_low": [0.7],
...                       "ci_high": [0.9], "n": [120], "method": ["feldt"]})
>>> ESTIMATES.validate(frame)["term"].tolist()
['alpha']
>>> bad = frame[["estimate", "term"]]
>>> try:
...     ESTIMATES.validate(bad)
... except Exception as err:
...     print(type(err).__name__)
SchemaError
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import pandera.pandas as pa

__all__ = [
    "CFA_PARAMETERS",
    "CHANGE_TABLE",
    "ESTIMATES",
    "FIT",
    "ITEM_MATRIX",
    "ITEM_STATISTICS",
    "LIKERT_CATEGORIES",
    "LIKERT_SHARES",
    "MATRIX",
    "MDE",
    "POWER",
    "PVALUES",
    "RELIABILITY_TABLE",
    "SCORE_TABLE",
    "STATISTIC_TERMS",
    "VOCABULARY",
    "estimate_schema",
    "statistic_terms",
    "wald_frame",
]

#: The columns of an estimate frame, in their order.
VOCABULARY = (
    "term",
    "estimate",
    "se",
    "statistic",
    "df",
    "p_val",
    "ci_low",
    "ci_high",
    "n",
    "method",
    "note",
)


#: ``attrs["terms"]`` of a frame whose ``term`` column holds the package's own codes of
#: statistics ("alpha", "rmsea", "r_squared"), named in words by
#: :func:`ogl_impact.present.labelled`; any other frame's terms are the user's names.
STATISTIC_TERMS = "statistics"


def statistic_terms(frame: pd.DataFrame) -> pd.DataFrame:
    """Mark a frame whose terms are codes of statistics of the package (not the user's names).

    Parameters
    ----------
    frame : DataFrame
        A result frame with a ``term`` column of codes such as ``alpha`` or ``rmsea``.

    Returns
    -------
    DataFrame
        The same frame, with ``attrs["terms"]`` set to :data:`STATISTIC_TERMS`.

    Notes
    -----
    :func:`ogl_impact.present.labelled` names the terms of a marked frame by
    :data:`ogl_impact.present.STATISTIC_LABELS`; the terms of any other frame
    (coefficients, the user's tests in :func:`~ogl_impact.stats.adjust_pvalues`)
    stay as written, though one may be called ``alpha`` or ``rho``. The mark lives
    in :attr:`pandas.DataFrame.attrs`, which copies and row selections keep.

    References
    ----------
    pandas: ``DataFrame.attrs``, https://pandas.pydata.org/docs/reference/api/pandas.DataFrame.attrs.html

    Examples
    --------
    >>> statistic_terms(pd.DataFrame({"term": ["alpha"]})).attrs["terms"]
    'statistics'
    """
    frame.attrs["terms"] = STATISTIC_TERMS
    return frame


def wald_frame(
    terms: Sequence[str],
    estimate: np.ndarray,
    se: np.ndarray,
    *,
    conf_level: float,
    n: int,
    method: str,
    note: str,
) -> pd.DataFrame:
    r"""Estimate frame with Wald z tests and normal intervals.

    Parameters
    ----------
    terms : sequence of str
        Term names.
    estimate, se : ndarray
        Estimates and standard errors.
    conf_level : float
        Interval level.
    n : int
        Observations.
    method, note : str
        Method and note of every row.

    Returns
    -------
    DataFrame
        Columns ``term, estimate, se, statistic, p_val, ci_low, ci_high, n,
        method, note``.

    Notes
    -----
    :math:`z = \hat\beta / se`, :math:`p = 2\,\Phi(-|z|)`, interval
    :math:`\hat\beta \pm z_{1-(1-c)/2}\, se`.

    References
    ----------
    Wald, A. (1943). Tests of statistical hypotheses concerning several
    parameters when the number of observations is large. *Transactions of the
    AMS* 54, 426-482. As R ``lme4`` / ``ordinal`` print z and p.

    Examples
    --------
    >>> wald_frame(["b"], np.array([2.0]), np.array([1.0]), conf_level=0.95, n=10,
    ...            method="ML", note="")["p_val"].round(4).tolist()
    [0.0455]
    """
    from scipy import stats

    estimate, se = np.asarray(estimate, float), np.asarray(se, float)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = estimate / se
    q = stats.norm.ppf(1 - (1 - conf_level) / 2)
    return pd.DataFrame(
        {
            "term": list(terms),
            "estimate": estimate,
            "se": se,
            "statistic": z,
            "p_val": 2 * stats.norm.sf(np.abs(z)),
            "ci_low": estimate - q * se,
            "ci_high": estimate + q * se,
            "n": n,
            "method": method,
            "note": note,
        }
    )


def _numeric(s: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s)


def _num(*checks: pa.Check, required: bool = False, nullable: bool = True) -> pa.Column:
    return pa.Column(
        checks=[pa.Check(_numeric, element_wise=False, error="numeric column"), *checks],
        nullable=nullable,
        required=required,
    )


def _text(required: bool = False, nullable: bool = False) -> pa.Column:
    return pa.Column(
        checks=pa.Check(
            lambda s: s.dropna().map(lambda v: isinstance(v, str)).all(),
            element_wise=False,
            error="text column",
        ),
        nullable=nullable,
        required=required,
    )


_PROB = pa.Check.in_range(0, 1)
_NONNEG = pa.Check.ge(0)


def _ordered(trailing: Sequence[str]) -> pa.Check:
    """Vocabulary columns in their order; other columns only before ``term``."""

    def check(frame: pd.DataFrame) -> bool:
        cols = [c for c in frame.columns if c not in trailing]
        voc = [c for c in cols if c in VOCABULARY]
        if voc != [c for c in VOCABULARY if c in voc]:
            return False
        first = cols.index(voc[0]) if voc else len(cols)
        return all(c in VOCABULARY for c in cols[first:])

    return pa.Check(check, error=f"columns in the order {VOCABULARY}, extras first")


def _ci_order(frame: pd.DataFrame) -> bool:
    if not {"ci_low", "ci_high"} <= set(frame.columns):
        return True
    lo, hi = frame["ci_low"].to_numpy(float), frame["ci_high"].to_numpy(float)
    both = ~(np.isnan(lo) | np.isnan(hi))
    return bool((lo[both] <= hi[both] + 1e-12).all())


def estimate_schema(
    *,
    trailing: dict[str, pa.Column] | None = None,
    leading: dict[str, pa.Column] | None = None,
    name: str = "estimates",
) -> pa.DataFrameSchema:
    """Build the schema of an estimate frame.

    Parameters
    ----------
    trailing : dict, optional
        Columns allowed after the vocabulary columns (e.g. lavaan's ``free``).
    leading : dict, optional
        Known descriptive columns before ``term`` with their own checks; any
        other column before ``term`` is accepted unchecked.
    name : str
        Name of the schema (shown in error messages).

    Returns
    -------
    pandera.DataFrameSchema
        ``term`` required; ``se >= 0``, ``df > 0``,
        ``0 <= p_val <= 1``, ``ci_low <= ci_high``, ``n >= 0``; text ``method``
        and ``note``; columns in the vocabulary's order.

    Notes
    -----
    Column order is checked by a frame-wide check: the vocabulary columns
    present appear in :data:`VOCABULARY` order, and any other column stands
    before ``term`` (or among the ``trailing`` ones).

    References
    ----------
    pandera ``DataFrameSchema`` (Niels Bantilan, 2020, Proc. SciPy);
    the column names follow R broom's ``tidy()`` (``term``, ``estimate``,
    ``std.error``, ``statistic``, ``p.value``, ``conf.low``, ``conf.high``).

    Examples
    --------
    >>> schema = estimate_schema(trailing={"free": pa.Column(bool)})
    >>> sorted(schema.columns)[:3]
    ['ci_high', 'ci_low', 'df']
    """
    trailing = dict(trailing or {})
    columns = {
        **(leading or {}),
        "term": _text(required=True),
        "estimate": _num(),
        "se": _num(_NONNEG),
        "statistic": _num(),
        "df": _num(pa.Check.gt(0)),
        "p_val": _num(_PROB),
        "ci_low": _num(),
        "ci_high": _num(),
        "n": _num(_NONNEG),
        "method": _text(),
        "note": _text(nullable=True),
        **trailing,
    }
    return pa.DataFrameSchema(
        columns,
        checks=[_ordered(list(trailing)), pa.Check(_ci_order, error="ci_low <= ci_high")],
        strict=False,
        name=name,
    )


#: Estimate frames (coefficients, effect sizes, reliability coefficients, ...).
ESTIMATES = estimate_schema()
#: Fit tables: one row per fit statistic, same vocabulary.
FIT = estimate_schema(name="fit")
#: lavaan-style parameter table of :func:`~ogl_impact.stats.cfa`.
CFA_PARAMETERS = estimate_schema(
    leading={"lhs": _text(required=True), "op": _text(required=True), "rhs": _text(required=True)},
    trailing={"std_all": _num(), "free": pa.Column(bool)},
    name="cfa parameters",
)

#: :func:`~ogl_impact.stats.adjust_pvalues`.
PVALUES = pa.DataFrameSchema(
    {
        "term": pa.Column(required=True),
        "p_val": _num(_PROB, required=True),
        "p_adj": _num(_PROB, required=True),
        "reject": pa.Column("boolean", nullable=True),
        "alpha": _num(_PROB),
        "alpha_adj": _num(_PROB),
        "method": _text(required=True),
        "note": _text(nullable=True),
    },
    checks=pa.Check(lambda f: bool((f["p_adj"] >= f["p_val"] - 1e-12).all()), error="p_adj >= p"),
    strict=True,
    name="p-values",
)

#: ``.categories`` of :func:`~ogl_impact.stats.likert_summary`.
LIKERT_CATEGORIES = pa.DataFrameSchema(
    {
        "item_id": _text(required=True),
        "value": pa.Column(int),
        "label": _text(required=True),
        # whole numbers; floats with NaN where a group below min_n is masked
        "count": _num(_NONNEG, required=True),
        "n": _num(_NONNEG, required=True),
        "percent": _num(pa.Check.in_range(0, 100)),
        "suppressed": pa.Column(bool, required=True),
    },
    name="likert categories",
)
#: ``.shares`` of :func:`~ogl_impact.stats.likert_summary`.
LIKERT_SHARES = pa.DataFrameSchema(
    {
        "item_id": _text(required=True),
        "n": _num(_NONNEG, required=True),
        "missing": _num(_NONNEG, required=True),
        **{k: _num(pa.Check.in_range(0, 100), required=True) for k in ("low", "neutral", "high")},
        "mean": _num(required=True),
        "sd": _num(_NONNEG, required=True),
        "suppressed": pa.Column(bool, required=True),
    },
    checks=pa.Check(
        lambda f: bool(np.allclose((f["low"] + f["neutral"] + f["high"]).dropna(), 100)),
        error="low + neutral + high = 100",
    ),
    name="likert shares",
)

_CORR = pa.Check.in_range(-1, 1)
#: :func:`~ogl_impact.stats.item_statistics`.
ITEM_STATISTICS = pa.DataFrameSchema(
    {
        "item_id": _text(required=True),
        "n": _num(_NONNEG, required=True),
        "mean": _num(required=True),
        "sd": _num(_NONNEG, required=True),
        "r_total": _num(_CORR, required=True),
        "r_drop": _num(_CORR, required=True),
        "alpha_if_dropped": _num(pa.Check.le(1), required=True),
        "std_alpha_if_dropped": _num(pa.Check.le(1)),
        "se_if_dropped": _num(_NONNEG),
        "average_r_if_dropped": _num(_CORR),
        "note": _text(nullable=True),
    },
    strict=True,
    name="item statistics",
)
#: :func:`~ogl_impact.stats.reliability_table`.
RELIABILITY_TABLE = pa.DataFrameSchema(
    {
        "construct": _text(required=True),
        "n": _num(_NONNEG, required=True),
        "n_items": _num(pa.Check.ge(1), required=True, nullable=True),
        "alpha": _num(pa.Check.le(1), required=True),
        "average_r": _num(_CORR),
        "alpha_ci_low": _num(pa.Check.le(1)),
        "alpha_ci_high": _num(pa.Check.le(1)),
        "alpha_ci_low_duhachek": _num(),
        "alpha_ci_high_duhachek": _num(),
        "std_alpha": _num(pa.Check.le(1)),
        "omega": _num(pa.Check.in_range(0, 1)),
        "min_r_drop": _num(_CORR),
        "weakest_item": _text(nullable=True),
        "note": _text(nullable=True),
        "suppressed": pa.Column(bool, required=True),
    },
    checks=pa.Check(
        lambda f: bool(
            ((f["alpha_ci_low"] <= f["alpha"]) & (f["alpha"] <= f["alpha_ci_high"])).all()
        ),
        error="alpha inside its interval",
    ),
    strict=True,
    name="reliability table",
)
#: :func:`~ogl_impact.stats.score_table` (plus one float column per construct).
SCORE_TABLE = pa.DataFrameSchema(
    {
        "respondent_id": _text(required=True),
        "unit_id": _text(required=True),
        "wave": pa.Column(int),
        "actor_group": _text(required=True),
        "is_lab": pa.Column(bool),
        "suppressed": pa.Column(bool, required=True),
    },
    name="score table",
)
#: :func:`~ogl_impact.stats.change_by_unit`.
CHANGE_TABLE = pa.DataFrameSchema(
    {
        "construct": _text(required=True),
        "unit_id": _text(required=True),
        "n_before": _num(_NONNEG, required=True),
        "n_after": _num(_NONNEG, required=True),
        "mean_before": _num(),
        "mean_after": _num(),
        "change": _num(),
        "ci_low": _num(),
        "ci_high": _num(),
        "p_val": _num(_PROB),
        "hedges_g": _num(),
        "g_ci_low": _num(),
        "g_ci_high": _num(),
        "n_panel": _num(_NONNEG),
        "d_z": _num(),
        "dz_ci_low": _num(),
        "dz_ci_high": _num(),
        "p_adj": _num(_PROB),
        "suppressed": pa.Column(bool, required=True),
    },
    checks=pa.Check(_ci_order, error="ci_low <= ci_high"),
    strict=True,
    name="change table",
)
#: Respondent x item data (:func:`~ogl_impact.stats.item_matrix`, ``reverse_key``).
ITEM_MATRIX = pa.DataFrameSchema(
    {".+": pa.Column(float, nullable=True, regex=True)}, name="item matrix"
)
#: Square matrices with matching row and column labels.
MATRIX = pa.DataFrameSchema(
    {".+": pa.Column(float, nullable=True, regex=True)},
    checks=pa.Check(
        lambda f: f.shape[0] == f.shape[1] and list(f.index) == list(f.columns),
        error="square, rows labelled as columns",
    ),
    name="matrix",
)
_PLAN = {
    "se": _num(pa.Check.gt(0), required=True),
    "df": _num(pa.Check.gt(0), required=True),
    "n_clusters": _num(pa.Check.ge(2), required=True),
    "cluster_size": _num(pa.Check.gt(0), required=True),
    "icc": _num(_PROB, required=True),
    "treated_share": _num(pa.Check.in_range(0, 1, include_min=False, include_max=False)),
    "alpha": _num(_PROB, required=True),
}
#: :func:`~ogl_impact.stats.power`.
POWER = pa.DataFrameSchema(
    {"effect": _num(required=True), "power": _num(_PROB, required=True), **_PLAN},
    name="power",
)
#: :func:`~ogl_impact.stats.minimum_detectable_effect`.
MDE = pa.DataFrameSchema(
    {
        "mde": _num(pa.Check.gt(0), required=True),
        "multiplier": _num(pa.Check.gt(0)),
        "power": _num(_PROB, required=True),
        **_PLAN,
    },
    name="minimum detectable effect",
)
