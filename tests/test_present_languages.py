"""Every method text and note of every estimator reads in one language per table.

:mod:`ogl_impact.stats` writes method texts and notes in both languages
("Deutsch / English"); :func:`ogl_impact.present.labelled` shows the reader's
half. Each public estimator that returns a frame with ``method`` or ``note`` is
run on a small dataset; an English table must show no German word, a German
table no English word of the methods and notes.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from ogl_impact import present, stats
from ogl_impact.stats.outputs import statistic_terms

from .test_stats_survey import BOOK, LABS, answers_of_s

REFERENCES = Path(__file__).parent / "references"
_ITEMS = pd.DataFrame({"a": [1, 2, 3, 4, 5], "b": [2, 2, 3, 5, 5], "c": [1, 3, 3, 4, 4]})
_X = [5.1, 4.8, 6.0, 5.5, 4.9, 6.2, 5.8, 5.0]
_Y = [4.0, 4.4, 5.1, 4.2, 3.9, 5.0, 4.6, 4.1]
_PANEL = pd.DataFrame({"y": [1.0, 2.5, 2.9, 4.2, 5.1, 5.8], "x": [1, 2, 3, 4, 5, 6]})
# German function words, umlauts and ß, and German words of the method texts
GERMAN = re.compile(
    r"[äöüÄÖÜß]|\b(der|die|das|den|dem|des|und|oder|nach|wie|nicht|keine?|kein|mit|ohne|für|"
    r"je|eine?|zu|von|auf|alle|aus|bei|ist|sind|wird|gezählt|Ziehung|Ziehungen|Nullhypothese|"
    r"Mittelwert|Schwelle|Effekte|Gruppen|Zellen|Referenz|konvergiert|exakt|zweiseitig|"
    r"Verteilung|Varianz|geclustert|Vorzeichenvektoren|Korrektur)\b"
)
# English words of the methods and notes that a German table must not show
ENGLISH = re.compile(
    r"\b(the|and|of|with|by|for|not|no|all|none|draws|sign vectors|exact|converged|"
    r"reference|identified|mean|means|random effects|fixed effects|clustered|null|hypothesis|"
    r"counted|interval|noncentral|cumulative|deviance|binary|separate|dropped|failed|"
    r"groups|cells|spread|undetermined|levels|stage|two-sided|single|fixed|random|"
    r"absolute|correction|step)\b",
    re.IGNORECASE,
)


def _run(make: Callable[[], object]) -> object:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return make()


def _frames(result: object) -> Iterator[pd.DataFrame]:
    """The frames of a result: itself, or the frame attributes of a result object."""
    if isinstance(result, pd.DataFrame):
        yield result
        return
    for name in dir(result):
        if name.startswith("_"):
            continue
        value = getattr(result, name)
        if isinstance(value, pd.DataFrame):
            yield value


@pytest.fixture(scope="module")
def grouped() -> pd.DataFrame:
    rng = np.random.default_rng(3)
    g = np.repeat(np.arange(12), 8)
    x = rng.normal(size=g.size)
    y = x + rng.normal(size=12)[g] + rng.normal(size=g.size)
    return pd.DataFrame({"y": y, "x": x, "g": g})


@pytest.fixture(scope="module")
def panel() -> pd.DataFrame:
    """Eight units in six periods, four of them treated from period 3 on."""
    rng = np.random.default_rng(5)
    unit = np.repeat(np.arange(8), 6)
    time = np.tile(np.arange(6), 8)
    treated = unit < 4
    post = (time >= 3).astype(int)
    x = rng.normal(size=unit.size)
    y = (
        0.5 * x
        + rng.normal(size=8)[unit]
        + 0.1 * time
        + treated * post
        + rng.normal(size=unit.size)
    )
    return pd.DataFrame(
        {
            "y": y,
            "x": x,
            "unit": unit,
            "time": time,
            "treated": treated.astype(int),
            "post": post,
            "d": treated * post,
            "start": np.where(treated, 3, np.nan),
        }
    )


@pytest.fixture(scope="module")
def responses() -> pd.DataFrame:
    return answers_of_s()


def _estimators(grouped, panel, responses) -> dict[str, Callable[[], object]]:
    hs = pd.read_csv(REFERENCES / "holzinger_swineford_1939.csv")
    items = hs[[f"x{i}" for i in range(1, 10)]]
    ucla = pd.read_csv(REFERENCES / "ologit_ucla.csv")
    ucla["apply"] = pd.Categorical(
        ucla["apply"], ["unlikely", "somewhat likely", "very likely"], ordered=True
    )
    model = {"visual": ["x1", "x2", "x3"], "textual": ["x4", "x5", "x6"], "speed": ["x7", "x8"]}
    model["speed"].append("x9")
    x = [5.1, 4.8, 6.0, 5.5, 4.9, 6.2, 5.8, 5.0]
    y = [4.0, 4.4, 5.1, 4.2, 3.9, 5.0, 4.6, 4.1]
    scores = _run(lambda: stats.score_table(responses, BOOK, lab_units=LABS, min_n=None))
    flat = pd.DataFrame({"a": [1, 2, 3, 4, 5], "b": [1, 2, 3, 4, 5]})
    # answers with spread to q1-q3 and the same answer to q4 from everyone
    rng = np.random.default_rng(7)
    answers = responses.assign(value=rng.integers(1, 6, len(responses)).astype(float))
    same = answers[answers["item_id"] == "q1"].assign(item_id="q4", value=3.0)
    answers = pd.concat([answers, same], ignore_index=True)
    book = pd.concat([BOOK, BOOK.iloc[[0]].assign(item_id="q4")], ignore_index=True)
    return {
        "cronbach_alpha": lambda: stats.cronbach_alpha(items[["x1", "x2", "x3"]]),
        "cronbach_alpha_flat": lambda: stats.cronbach_alpha(items[["x1", "x2"]].assign(c=1.0)),
        "cronbach_alpha_one": lambda: stats.cronbach_alpha(items[["x1"]].assign(c=1.0)),
        "item_statistics": lambda: stats.item_statistics(items[["x1", "x2", "x3"]].assign(c=1.0)),
        "omega": lambda: stats.omega(items, model),
        "icc": lambda: stats.icc(items[["x1", "x2", "x3"]].head(40)),
        "icc_flat": lambda: stats.icc(pd.DataFrame({"a": [2.0, 2.0, 2.0], "b": [2.0, 2.0, 2.0]})),
        "omega_hierarchical": lambda: stats.omega_hierarchical(items, 3),
        "cfa": lambda: stats.cfa(hs, model),
        "mean_difference": lambda: stats.mean_difference(x, y),
        "mean_difference_paired": lambda: stats.mean_difference(x, y, paired=True),
        "mean_difference_flat": lambda: stats.mean_difference([2, 2, 2], [2, 2, 2]),
        "effect_sizes": lambda: stats.effect_sizes(x, y),
        "effect_sizes_paired": lambda: stats.effect_sizes(x, y, paired=True),
        "effect_sizes_flat": lambda: stats.effect_sizes(flat["a"] * 0, flat["b"] * 0),
        "effect_sizes_one": lambda: stats.effect_sizes([1.0], y),
        "rank_test": lambda: stats.rank_test(x, y),
        "rank_test_ties": lambda: stats.rank_test([1, 1, 2, 2, 3] * 6, [2, 2, 3, 3, 4] * 6),
        "rank_test_flat": lambda: stats.rank_test([1, 1, 1], [1, 1, 1]),
        "adjust_pvalues": lambda: stats.adjust_pvalues([0.01, 0.04, np.nan]),
        "adjust_pvalues_stages": lambda: stats.adjust_pvalues([0.01, 0.04], method="fdr_tsbh"),
        "mixed_model": lambda: stats.mixed_model(grouped, "y ~ x", groups="g"),
        "mixed_model_icc": lambda: stats.mixed_model(grouped, "y ~ x", groups="g").icc(),
        "icc_null_model": lambda: stats.icc_null_model(grouped, "y", groups="g"),
        "proportional_odds": lambda: stats.proportional_odds(ucla, "apply", ["pared", "gpa"]),
        "random_effects": lambda: stats.random_effects(panel, "y ~ x", unit="unit"),
        "hausman": lambda: stats.hausman(panel, "y ~ x", unit="unit"),
        "power": lambda: stats.power(0.3, n_clusters=20, cluster_size=10, icc=0.1),
        "ols": lambda: stats.ols(panel, "y ~ x"),
        "ols_hc": lambda: stats.ols(panel, "y ~ x", cov="HC1"),
        "ols_cluster": lambda: stats.ols(panel, "y ~ x", cluster="unit"),
        "ols_two_way": lambda: stats.ols(panel, "y ~ x", cluster=["unit", "time"]),
        "ols_missing": lambda: stats.ols(
            panel.assign(x=panel["x"].where(panel["time"] > 0)), "y ~ x"
        ),
        "wild_cluster_bootstrap": lambda: stats.wild_cluster_bootstrap(
            panel, "y ~ d", cluster="unit", coef="d", reps=99
        ),
        "wild_cluster_bootstrap_null": lambda: stats.wild_cluster_bootstrap(
            panel, "y ~ d", cluster="unit", coef="d", null=0.5, reps=99
        ),
        "wild_cluster_bootstrap_all": lambda: stats.wild_cluster_bootstrap(
            panel.head(18), "y ~ d", cluster="unit", coef="d", reps=999
        ),
        "did_2x2": lambda: stats.did_2x2(panel, "y", treatment="treated", post="post"),
        "did_2x2_cluster": lambda: stats.did_2x2(
            panel, "y", treatment="treated", post="post", cluster="unit"
        ),
        "twfe": lambda: stats.twfe(
            panel, "y", treatment="d", fe=["unit", "time"], cluster="unit", bootstrap=True, reps=99
        ),
        "twfe_missing": lambda: stats.twfe(
            panel.assign(x=panel["x"].where(panel["time"] > 0)),
            "y",
            treatment="d",
            fe=["unit", "time"],
            covariates=["x"],
        ),
        "event_study": lambda: stats.event_study(
            panel, "y", unit="unit", time="time", start="start"
        ),
        "reliability_table": lambda: stats.reliability_table(answers, book, min_n=None),
        "lab_comparison": lambda: stats.lab_comparison(
            scores, "trust", before=1, after=2, reps=99, min_n=None
        ),
    }


NAMES = [
    "cronbach_alpha",
    "cronbach_alpha_flat",
    "cronbach_alpha_one",
    "item_statistics",
    "omega",
    "icc",
    "icc_flat",
    "omega_hierarchical",
    "cfa",
    "mean_difference",
    "mean_difference_paired",
    "mean_difference_flat",
    "effect_sizes",
    "effect_sizes_paired",
    "effect_sizes_flat",
    "effect_sizes_one",
    "rank_test",
    "rank_test_ties",
    "rank_test_flat",
    "adjust_pvalues",
    "adjust_pvalues_stages",
    "mixed_model",
    "mixed_model_icc",
    "icc_null_model",
    "proportional_odds",
    "random_effects",
    "hausman",
    "power",
    "ols",
    "ols_hc",
    "ols_cluster",
    "ols_two_way",
    "ols_missing",
    "wild_cluster_bootstrap",
    "wild_cluster_bootstrap_null",
    "wild_cluster_bootstrap_all",
    "did_2x2",
    "did_2x2_cluster",
    "twfe",
    "twfe_missing",
    "event_study",
    "reliability_table",
    "lab_comparison",
]


def _texts(frame: pd.DataFrame, lang: str) -> list[str]:
    """The method texts, notes and descriptions of ``frame`` as a table in ``lang`` shows them."""
    shown = present.labelled(frame, lang=lang)
    out = []
    for col in ("method", "note", "description"):
        if col in shown.columns:
            out += [v for v in shown[col] if isinstance(v, str) and v]
    return out


@pytest.mark.parametrize("name", NAMES)
def test_methods_and_notes_read_in_the_tables_language(name, grouped, panel, responses):
    result = _run(_estimators(grouped, panel, responses)[name])
    frames = [f for f in _frames(result) if {"method", "note"} & set(f.columns)]
    assert frames, f"{name}: no frame with a method or a note"
    english = [t for f in frames for t in _texts(f, "en")]
    german = [t for f in frames for t in _texts(f, "de")]
    assert english and german
    assert [t for t in english if GERMAN.search(t)] == []
    assert [t for t in german if ENGLISH.search(t)] == []


def _codes(frame: pd.DataFrame) -> set[str]:
    """The method values of ``frame`` that are codes (one word, no text in both languages)."""
    if "method" not in frame.columns:
        return set()
    return {v for v in frame["method"] if isinstance(v, str) and not re.search(r"\s", v)}


@pytest.mark.parametrize("name", NAMES)
def test_no_method_code_is_shown_raw(name, grouped, panel, responses):
    # "holm", "feldt", "ML": a reader sees the method named in words, in either language
    result = _run(_estimators(grouped, panel, responses)[name])
    for frame in _frames(result):
        codes = _codes(frame)
        for lang in ("de", "en"):
            shown = present.labelled(frame, lang=lang)
            if "method" in shown.columns:
                assert sorted({v for v in shown["method"] if v in codes}) == [], lang


@pytest.mark.parametrize("method", sorted(stats.effects.ADJUST_METHODS))
def test_every_correction_for_multiple_testing_is_named(method):
    result = _run(lambda: stats.adjust_pvalues([0.01, 0.04, 0.2], method=method))
    german = present.labelled(result, lang="de")["method"].iloc[0]
    english = present.labelled(result, lang="en")["method"].iloc[0]
    assert method not in (german, english)
    assert not ENGLISH.search(german), german
    assert not GERMAN.search(english), english


def test_the_icc_forms_read_in_the_tables_language():
    ratings = pd.DataFrame({"r1": [9, 6, 8, 7, 10, 6], "r2": [2, 1, 4, 1, 5, 2]})
    result = stats.icc(ratings)
    german = present.labelled(result, lang="de").set_index("term")["description"]
    english = present.labelled(result, lang="en").set_index("term")["description"]
    # the codes stay (lookups use them); the forms are named as in psych::ICC / pingouin
    assert german.index.tolist() == ["ICC1", "ICC2", "ICC3", "ICC1k", "ICC2k", "ICC3k"]
    assert german["ICC2"] == "Einzelbewertung, zufällige Rater"
    assert german["ICC3k"] == "Mittel aus k Bewertungen, feste Rater"
    assert english["ICC2"] == "single rater, random raters"
    assert [t for t in german if ENGLISH.search(t)] == []
    assert [t for t in english if GERMAN.search(t)] == []
    assert present.header("description", "de") == "Beschreibung"


def test_the_word_lists_catch_the_other_language():
    # the two checks above can fail: each list finds the words of the other language
    assert GERMAN.search("random effects (Swamy-Arora, wie stata)")
    assert GERMAN.search("alle 1024 sign vectors")
    assert GERMAN.search("Größe")
    assert not GERMAN.search("REML (lme4 profiled deviance), Wald z")
    assert ENGLISH.search("konvergiert; not converged")
    assert ENGLISH.search("Ziehungen: 999 draws")
    assert not ENGLISH.search("REML (profilierte Devianz wie lme4), Wald-z-Test")
    assert ENGLISH.search("single rater, random raters")
    assert not ENGLISH.search("Einzelbewertung, zufällige Rater")


def _user_names(grouped, panel, responses) -> set[str]:
    """The names the estimators above are given: columns of their data, factors of the model."""
    hs = pd.read_csv(REFERENCES / "holzinger_swineford_1939.csv")
    ucla = pd.read_csv(REFERENCES / "ologit_ucla.csv")
    frames = (hs, ucla, grouped, panel, responses)
    return {str(c) for f in frames for c in f.columns} | {"visual", "textual", "speed", "c"}


@pytest.mark.parametrize("name", NAMES)
def test_no_package_code_is_shown_raw_as_a_term(name, grouped, panel, responses):
    # "std_alpha", "rmsea", "r_squared", "event_-1", "visual=~x1": every term of the package's
    # own reads in words (or an established abbreviation) in either language; a term named
    # after the user's variable stays as the user named it
    result = _run(_estimators(grouped, panel, responses)[name])
    users = _user_names(grouped, panel, responses)
    for frame in _frames(result):
        if "term" not in frame.columns:
            continue
        raw = frame["term"].tolist()
        for lang in ("de", "en"):
            shown = present.labelled(frame, lang=lang)
            pairs = [
                (r, s) for r, s in zip(raw, shown["term"], strict=True) if r and isinstance(r, str)
            ]
            # the forms ICC1 .. ICC3k stay abbreviations, named beside them (description)
            forms = "description" in shown.columns
            codes = [
                r
                for r, s in pairs
                if r not in users
                and not re.search(r"\s", r)
                and not (forms and r in present.ICC_LABELS)
            ]
            assert sorted({r for r, s in pairs if r in codes and s == r}) == [], lang
            assert [r for r, s in pairs if r in users and s != r] == [], lang
            words = [s for r, s in pairs if r in codes]
            other = ENGLISH if lang == "de" else GERMAN
            assert [w for w in words if other.search(w)] == [], lang


def test_a_coefficient_keeps_the_users_name_even_when_it_reads_like_a_code(panel):
    # variables called like statistics of the package: named as the user named them
    data = panel.assign(alpha=panel["x"], sigma=panel["time"], rho=panel["d"])
    fit = _run(lambda: stats.ols(data, "y ~ alpha + sigma"))
    german = present.labelled(fit.coefficients, lang="de")["term"].tolist()
    assert german == ["Achsenabschnitt", "alpha", "sigma"]
    # the fit table beside them is the package's: R², σ in words
    fit_terms = present.labelled(fit.fit, lang="de").set_index(fit.fit["term"])["term"]
    assert fit_terms["r_squared"] == "R²"
    assert fit_terms["sigma"] == "Standardfehler der Residuen (σ)"
    one = _run(lambda: stats.twfe(data, "y", treatment="rho", fe=["unit", "time"]))
    assert present.labelled(one.coefficients, lang="en")["term"].tolist() == ["rho"]


def test_the_terms_a_german_reader_needs():
    # the words of the brief of a German research report, by the codes of stats
    frame = statistic_terms(
        pd.DataFrame(
            {
                "term": ["hedges_g", "std_alpha", "average_r", "r_squared", "rmsea"],
                "estimate": [0.4, 0.8, 0.3, 0.2, 0.05],
            }
        )
    )
    assert present.labelled(frame, lang="de")["term"].tolist() == [
        "Hedges' g",
        "standardisiertes Alpha",
        "mittlere Inter-Item-Korrelation",
        "R²",
        "RMSEA",
    ]
    events = pd.DataFrame({"event_time": [-1, 0], "term": ["event_-1", "event_0"]})
    assert present.labelled(events, lang="de")["term"].tolist() == [
        "Ereigniszeit −1",
        "Ereigniszeit 0",
    ]
    assert present.labelled(events, lang="en")["term"].tolist() == ["event time −1", "event time 0"]


@pytest.mark.parametrize("lang", ["de", "en"])
def test_the_users_tests_keep_their_names_though_they_read_like_statistics(lang):
    # adjust_pvalues of the user's tests called "alpha" and "rho": their names, not
    # "Cronbachs Alpha" or "Anteil der Einheitenvarianz (ρ)"
    result = stats.adjust_pvalues(pd.Series([0.01, 0.04], index=["alpha", "rho"]))
    assert present.labelled(result, lang=lang)["term"].tolist() == ["alpha", "rho"]
    # a frame of the user's own with such terms and no mark of stats: as written
    own = pd.DataFrame({"term": ["alpha", "rmsea"], "estimate": [0.8, 0.05]})
    assert present.labelled(own, lang=lang)["term"].tolist() == ["alpha", "rmsea"]


@pytest.mark.parametrize(
    ("make", "term", "de", "en"),
    [
        (lambda: stats.cronbach_alpha(_ITEMS), "alpha", "Cronbachs Alpha", "Cronbach's alpha"),
        (lambda: stats.effect_sizes(_X, _Y), "hedges_g", "Hedges' g", "Hedges' g"),
        (lambda: stats.rank_test(_X, _Y), "location_shift", "Lageunterschied", "location shift"),
        (lambda: stats.ols(_PANEL, "y ~ x").fit, "r_squared", "R²", "R²"),
    ],
)
def test_the_statistics_of_stats_are_named_in_words(make, term, de, en):
    frame = _run(make)
    assert frame.attrs.get("terms") == "statistics"
    at = frame["term"].tolist().index(term)
    assert present.labelled(frame, lang="de")["term"].iloc[at] == de
    assert present.labelled(frame, lang="en")["term"].iloc[at] == en


@pytest.mark.parametrize(
    ("adjust", "lang", "head"),
    [
        ("holm", "de", "p (Holm)"),
        ("bonferroni", "de", "p (Bonferroni)"),
        ("fdr_bh", "en", "p (Benjamini-Hochberg)"),
    ],
)
@pytest.mark.parametrize("min_n", [None, 3])
def test_a_change_table_heads_p_adj_by_its_correction(responses, adjust, lang, head, min_n):
    # change_by_unit records the correction (attrs["adjust"]); the table names it, not Holm's
    scores = _run(lambda: stats.score_table(responses, BOOK, lab_units=LABS, min_n=None))
    change = _run(
        lambda: stats.change_by_unit(scores, "trust", before=1, after=2, adjust=adjust, min_n=min_n)
    )
    assert change.attrs["adjust"] == adjust
    html = present.table(change, lang=lang).to_html()
    heads = [h.strip() for h in re.findall(r"<th\b[^>]*>(.*?)</th>", html, re.S)]
    assert head in heads
    others = {"p (Holm)", "p (Bonferroni)", "p (Benjamini-Hochberg)"} - {head}
    assert not others & set(heads)


# column names of stats frames that are package (or lavaan/psych) codes, not words: each
# must be given a header in both languages (the item and factor names of a loadings matrix
# are the analysis' own names and stay; psych's group factors "F1*", "F2*" are codes)
RAW_COLUMNS = {"lhs", "op", "rhs", "std_all", "free", "g", "h2", "u2", "p2", "factor", "item"}
GROUP_FACTOR = re.compile(r"^F\d+\*$")


@pytest.mark.parametrize("name", NAMES)
def test_no_package_column_is_headed_by_its_code(name, grouped, panel, responses):
    result = _run(_estimators(grouped, panel, responses)[name])
    for frame in _frames(result):
        shown = present.labelled(frame)
        columns = {str(c) for c in shown.columns}
        raw = (RAW_COLUMNS & columns) | {c for c in columns if GROUP_FACTOR.match(c)}
        for lang in ("de", "en"):
            assert sorted(c for c in raw if present.header(c, lang) == c) == [], lang


def _heads(html: str) -> list[str]:
    return [h.strip() for h in re.findall(r"<th\b[^>]*>(.*?)</th>", html, re.S)]


@pytest.mark.parametrize(
    ("lang", "group", "general"),
    [("de", "Gruppenfaktor {}", "Generalfaktor g"), ("en", "Group factor {}", "General factor g")],
)
def test_the_group_factors_of_omega_hierarchical_are_named_in_words(lang, group, general):
    # psych::omega prints the Schmid-Leiman loadings as "g F1* F2* F3* h2 u2 p2": F1* is the
    # first group factor beside the general factor g; a reader sees both in words, and the
    # items the rows are about
    hs = pd.read_csv(REFERENCES / "holzinger_swineford_1939.csv")
    result = _run(lambda: stats.omega_hierarchical(hs[[f"x{i}" for i in range(1, 10)]], 3))
    html = present.table(result.loadings, lang=lang).to_html()
    heads = _heads(html)
    assert heads[1:5] == [general, group.format(1), group.format(2), group.format(3)]
    assert not [h for h in heads if GROUP_FACTOR.match(h)]
    assert heads[0] == "Item"
    cells = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td\b.*?</td>", html, re.S)]
    assert [f"x{i}" for i in range(1, 10)] == [c for c in cells if re.fullmatch(r"x\d-?", c)]
    # the factor correlations name the factor of each row
    rows = present.labelled(result.factor_correlations, lang=lang)
    assert rows.iloc[:, 0].tolist() == ["F1", "F2", "F3"]


@pytest.mark.parametrize(
    ("lang", "alpha", "std_alpha", "omega"),
    [
        ("de", "Cronbachs Alpha", "Standardisiertes Alpha", "McDonalds Omega"),
        ("en", "Cronbach's alpha", "Standardised alpha", "McDonald's omega"),
    ],
)
def test_the_reliability_table_heads_its_statistics_as_the_terms_read(
    lang, alpha, std_alpha, omega, grouped, panel, responses
):
    # the alpha of a construct is the statistic the term "alpha" of cronbach_alpha names:
    # the same words above the column as beside the term, not a bare "Alpha"
    table = _run(_estimators(grouped, panel, responses)["reliability_table"])
    heads = _heads(present.table(table, lang=lang).to_html())
    assert {alpha, std_alpha, omega} <= set(heads)
    assert not {"Alpha", "Omega"} & set(heads)
    terms = statistic_terms(pd.DataFrame({"term": ["alpha", "std_alpha", "omega", "average_r"]}))
    named = present.labelled(terms, lang=lang)["term"].tolist()
    for column, words in zip(["alpha", "std_alpha", "omega", "average_r"], named, strict=True):
        assert present.header(column, lang) == words[:1].upper() + words[1:]
    # the item analysis beside it: the same statistic without the item
    items = _run(lambda: stats.item_statistics(_ITEMS))
    dropped = _heads(present.table(items, lang=lang).to_html())
    assert f"{alpha} {'ohne Item' if lang == 'de' else 'if item dropped'}" in dropped


def test_two_estimators_tables_joined_keep_their_terms_in_words():
    # pandas keeps attrs through concat only when every part has the same: an effect size
    # beside a mean difference (no mark), or beside a table given a note, loses the mark of
    # its terms and "hedges_g", "omega_h" would show raw
    hs = pd.read_csv(REFERENCES / "holzinger_swineford_1939.csv")
    items = hs[[f"x{i}" for i in range(1, 10)]]
    hierarchical = _run(lambda: stats.omega_hierarchical(items, 3)).coefficients
    alpha = _run(lambda: stats.cronbach_alpha(items))
    alpha.attrs["note"] = "Welle 1"  # the user's own remark on one of them
    comparisons = [stats.mean_difference(_X, _Y), stats.effect_sizes(_X, _Y)]
    for parts, words in (
        (comparisons, {"de": ["Mittelwertdifferenz", "Hedges' g"], "en": ["Hedges' g"]}),
        (
            [alpha, hierarchical],
            {"de": ["Cronbachs Alpha", "Omega hierarchisch"], "en": ["omega hierarchical"]},
        ),
    ):
        assert pd.concat(parts).attrs.get("terms") is None  # what a notebook meets
        joined = present.concat(parts, ignore_index=True)
        codes = set(joined["term"]) - {"mean_difference"}
        for lang in ("de", "en"):
            shown = present.labelled(joined, lang=lang)["term"].tolist()
            assert set(words[lang]) <= set(shown), lang
            assert not codes & set(shown), lang
    # a frame of the user's own with a term like a code: the user's name, nothing renamed
    own = pd.DataFrame({"term": ["alpha"], "estimate": [0.8]})
    with pytest.warns(UserWarning, match=r"Tabelle 2: alpha"):
        mixed = present.concat([comparisons[1], own], ignore_index=True)
    assert present.labelled(mixed, lang="de")["term"].iloc[-1] == "alpha"
    # the present functions tell the user so
    assert ":func:`concat`" in present.labelled.__doc__
    assert ":func:`concat`" in present.table.__doc__
