"""Every public stats function, called on small data, returns what its schema says.

The schemas live in :mod:`ogl_impact.stats.outputs`. The data are small
simulations; only the shape and the ranges of the results are checked here
(their values are checked against R and Stata in the other test_stats_*.py).
"""

from __future__ import annotations

import dataclasses
import inspect
import warnings

import numpy as np
import pandas as pd
import pandera.pandas as pa
import pytest

from ogl_impact import stats as S
from ogl_impact.stats import outputs as O


def _items(n: int = 80, k: int = 4, seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    f = rng.normal(size=n)
    return pd.DataFrame(
        {f"i{j}": np.clip(np.round(3 + f + rng.normal(0, 0.8, n)), 1, 5) for j in range(k)}
    )


def _survey(seed: int = 2) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    rows = []
    for unit in ["u1", "u2", "c1", "c2"]:
        for r in range(6):
            for wave in (1, 2):
                trait = rng.normal()
                for item in ["q1", "q2", "q3"]:
                    value = float(np.clip(round(3 + trait + rng.normal(0, 0.7)), 1, 5))
                    rows.append((f"{unit}r{r}", unit, wave, "b", item, value))
    columns = ["respondent_id", "unit_id", "wave", "actor_group", "item_id", "value"]
    book = pd.DataFrame(
        {
            "item_id": ["q1", "q2", "q3"],
            "construct": "trust",
            "scale_min": 1,
            "scale_max": 5,
            "reverse_keyed": [False, False, True],
            "value_labels": "1=nie|5=immer",
        }
    )
    return pd.DataFrame(rows, columns=columns), book


def _panel(seed: int = 3) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    unit, time = np.repeat(np.arange(12), 4), np.tile(np.arange(4), 12)
    treated, post = unit < 6, time >= 2
    x = rng.normal(size=48)
    y = 1 + 0.5 * x + 0.3 * unit / 12 + 0.8 * (treated & post) + rng.normal(0, 0.5, 48)
    return pd.DataFrame(
        {
            "unit": unit,
            "time": time,
            "treated": treated.astype(float),
            "post": post.astype(float),
            "d": (treated & post).astype(float),
            "x": x,
            "y": y,
            "start": np.where(treated, 2, np.nan),
            "cat": np.digitize(y, np.quantile(y, [1 / 3, 2 / 3])),
        }
    )


def _outputs() -> dict[str, list[tuple[str, object, object]]]:
    """Function name -> [(label, output, schema)]."""
    X, X6, X9 = _items(), _items(n=200, k=6), _items(n=300, k=9)
    x, y = X["i0"].to_numpy(), X["i1"].to_numpy() + 0.3
    resp, book = _survey()
    P = _panel()
    out: dict[str, list[tuple[str, object, object]]] = {}

    def add(name, *parts):
        out[name] = list(parts)

    add("cronbach_alpha", ("", S.cronbach_alpha(X), O.ESTIMATES))
    add("item_statistics", ("", S.item_statistics(X), O.ITEM_STATISTICS))
    add("omega", ("", S.omega(X), O.ESTIMATES))
    add("icc", ("", S.icc(X), O.ESTIMATES))
    add("scale_scores", ("", S.scale_scores(X).to_frame(), O.ITEM_MATRIX))
    add("reverse_key", ("", S.reverse_key(X, 1, 5, keys=["-i0"]), O.ITEM_MATRIX))
    add("item_matrix", ("", S.item_matrix(resp, book).reset_index(drop=True), O.ITEM_MATRIX))
    cfa = S.cfa(X6, "f =~ i0 + i1 + i2\ng =~ i3 + i4 + i5")
    add(
        "cfa",
        ("parameters", cfa.parameters, O.CFA_PARAMETERS),
        ("fit", cfa.fit, O.FIT),
        ("implied", cfa.implied, O.MATRIX),
        ("factor_correlations()", cfa.factor_correlations(), O.MATRIX),
        ("loadings()", cfa.loadings(), O.ITEM_MATRIX),
    )
    om = S.omega_hierarchical(X9, n_factors=3)
    add(
        "omega_hierarchical",
        ("coefficients", om.coefficients, O.ESTIMATES),
        ("loadings", om.loadings, O.ITEM_MATRIX),
        ("factor_correlations", om.factor_correlations, O.MATRIX),
    )
    add("mean_difference", ("", S.mean_difference(x, y), O.ESTIMATES))
    add("effect_sizes", ("", S.effect_sizes(x, y, paired=True), O.ESTIMATES))
    add("rank_test", ("", S.rank_test(x, y), O.ESTIMATES))
    add("adjust_pvalues", ("", S.adjust_pvalues([0.01, 0.04, 0.2]), O.PVALUES))
    lik = S.likert_summary(resp, book, by=["wave"])
    add(
        "likert_summary",
        ("categories", lik.categories, O.LIKERT_CATEGORIES),
        ("shares", lik.shares, O.LIKERT_SHARES),
    )
    fit = S.ols(P, "y ~ x + d", cluster="unit")
    add(
        "ols",
        ("coefficients", fit.coefficients, O.ESTIMATES),
        ("table(0.9)", fit.table(0.9), O.ESTIMATES),
        ("fit", fit.fit, O.FIT),
    )
    add(
        "wild_cluster_bootstrap",
        (
            "",
            S.wild_cluster_bootstrap(P, "y ~ x + d", cluster="unit", coef="d", reps=99),
            O.ESTIMATES,
        ),
    )
    mm = S.mixed_model(P, "y ~ x", groups="unit")
    add(
        "mixed_model",
        ("fixed", mm.fixed, O.ESTIMATES),
        ("random", mm.random, O.ESTIMATES),
        ("fit", mm.fit, O.FIT),
        ("icc()", mm.icc(), O.ESTIMATES),
        ("cov_re", mm.cov_re, O.MATRIX),
    )
    add("icc_null_model", ("", S.icc_null_model(P, "y", groups="unit"), O.ESTIMATES))
    po = S.proportional_odds(P, "cat", ["x"])
    add(
        "proportional_odds",
        ("coefficients", po.coefficients, O.ESTIMATES),
        ("fit", po.fit, O.FIT),
        ("parallel", po.parallel, O.ESTIMATES),
        ("odds_ratios()", po.odds_ratios(), O.ESTIMATES),
    )
    re_ = S.random_effects(P, "y ~ x", unit="unit")
    add(
        "random_effects",
        ("coefficients", re_.coefficients, O.ESTIMATES),
        ("components", re_.components, O.ESTIMATES),
        ("fit", re_.fit, O.FIT),
        ("within", re_.within, O.ESTIMATES),
        ("hausman", re_.hausman, O.ESTIMATES),
    )
    add("hausman", ("", S.hausman(P, "y ~ x", unit="unit"), O.ESTIMATES))
    add(
        "did_2x2",
        ("", S.did_2x2(P, "y", treatment="treated", post="post", cluster="unit"), O.ESTIMATES),
    )
    tw = S.twfe(P, "y", treatment="d", fe=["unit", "time"], cluster="unit", bootstrap=True, reps=99)
    add(
        "twfe",
        ("coefficients", tw.coefficients, O.ESTIMATES),
        ("bootstrap", tw.bootstrap, O.ESTIMATES),
    )
    es = S.event_study(
        P, "y", unit="unit", time="time", start="start", leads=1, lags=1, cluster="unit"
    )
    add("event_study", ("", es, O.ESTIMATES))
    add("power", ("", S.power(0.5, n_clusters=20, cluster_size=10, icc=0.1), O.POWER))
    add(
        "minimum_detectable_effect",
        ("", S.minimum_detectable_effect(n_clusters=20, cluster_size=10, icc=0.1), O.MDE),
    )
    scores = S.score_table(resp, book, lab_units=["u1", "u2"])
    add("score_table", ("", scores, O.SCORE_TABLE))
    add("reliability_table", ("", S.reliability_table(resp, book), O.RELIABILITY_TABLE))
    add(
        "change_by_unit",
        ("", S.change_by_unit(scores, "trust", before=1, after=2), O.CHANGE_TABLE),
    )
    lab = S.lab_comparison(scores, "trust", before=1, after=2, reps=99)
    add(
        "lab_comparison",
        ("table", lab.table, O.ESTIMATES),
        ("coefficients", lab.coefficients, O.ESTIMATES),
        ("bootstrap", lab.bootstrap, O.ESTIMATES),
    )
    return out


# helpers on matrices and model syntax, not tables
NOT_TABLES = {"parse_model", "cluster_vcov", "hc_vcov"}


@pytest.fixture(scope="module")
def outputs():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return _outputs()


def test_every_public_function_is_checked(outputs):
    public = {
        name
        for name in S.__all__
        if inspect.isfunction(getattr(S, name)) and name not in NOT_TABLES
    }
    assert public == set(outputs)


@pytest.mark.parametrize(
    "name",
    sorted(n for n in S.__all__ if inspect.isfunction(getattr(S, n)) and n not in NOT_TABLES),
)
def test_output_matches_its_schema(outputs, name):
    for label, frame, schema in outputs[name]:
        assert isinstance(frame, pd.DataFrame), (name, label)
        assert len(frame) > 0, (name, label)
        try:
            schema.validate(frame, lazy=True)
        except pa.errors.SchemaErrors as err:  # pragma: no cover - the message is the point
            pytest.fail(f"{name} {label}:\n{err.failure_cases}")


def test_result_objects_are_frozen_with_summary_and_html(outputs):
    classes = [getattr(S, n) for n in S.__all__ if inspect.isclass(getattr(S, n))]
    results = [
        c
        for c in classes
        if dataclasses.is_dataclass(c) and c.__name__.endswith(("Result", "Summary", "Comparison"))
    ]
    assert len(results) >= 9
    for cls in results:
        assert cls.__dataclass_params__.frozen, cls.__name__
        assert callable(getattr(cls, "summary", None)), cls.__name__
        assert callable(getattr(cls, "_repr_html_", None)), cls.__name__


def test_no_public_function_returns_a_tuple():
    for name in S.__all__:
        obj = getattr(S, name)
        if inspect.isfunction(obj):
            ret = str(inspect.signature(obj).return_annotation)
            assert not ret.startswith(("tuple", "Tuple")), name


def test_the_schema_catches_a_broken_frame():
    good = pd.DataFrame(
        {
            "term": ["d"],
            "estimate": [0.5],
            "se": [0.1],
            "p_val": [0.01],
            "ci_low": [0.3],
            "ci_high": [0.7],
            "n": [40],
            "method": ["ols"],
        }
    )
    O.ESTIMATES.validate(good)
    for bad in (
        good.rename(columns={"term": "label"}),  # another name for the label column
        good.assign(p_val=2.0),
        good.assign(se=-1.0),
        good.assign(ci_low=0.9),
        good[["estimate", "term", "se", "p_val", "ci_low", "ci_high", "n", "method"]],
        good.assign(extra=1),  # an extra column after the vocabulary
    ):
        with pytest.raises((pa.errors.SchemaError, pa.errors.SchemaErrors)):
            O.ESTIMATES.validate(bad)
