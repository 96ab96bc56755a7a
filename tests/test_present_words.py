"""German tables say every status, method and name in German; English tables in English.

The model fits of :mod:`ogl_impact.stats` write their notes in both
languages ("konvergiert / converged"); a table shows the reader's half. The
method texts are German, with proper names (REML, CR1, Newton-Raphson) kept.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import ogl_impact
from ogl_impact import dataset, present, stats
from ogl_impact.reports.figures import base

from .test_present import cells

SRC = Path(ogl_impact.__file__).parent
# English words of the model fits that a German table must not show
ENGLISH = re.compile(
    r"\b(converged|converge|cumulative|link model|profiled|deviance|noncentral|interval|"
    r"Failed|Hessian|dropped|binary|separate)\b"
)


@pytest.fixture(scope="module")
def grouped() -> pd.DataFrame:
    """Twenty groups of ten answers: a random intercept the model can find."""
    rng = np.random.default_rng(1)
    g = np.repeat(np.arange(20), 10)
    x = rng.normal(size=200)
    y = x + rng.normal(size=20)[g] + rng.normal(size=200)
    return pd.DataFrame({"y": y, "x": x, "g": g})


@pytest.fixture(scope="module")
def answers() -> pd.DataFrame:
    """Answers 1-3 on a five-point scale (4 and 5 never given) and a 0/1 predictor."""
    y = [1, 2, 2, 3, 1, 3, 3, 2, 1, 3, 1, 3]
    x = [0, 0, 1, 1, 0, 1, 1, 0, 0, 1, 1, 0]
    scale = pd.CategoricalDtype([1, 2, 3, 4, 5], ordered=True)
    return pd.DataFrame({"y": pd.Series(y).astype(scale), "x": x})


def _texts(html: str) -> list[str]:
    heads, body = cells(html)
    return heads + body


@pytest.mark.parametrize("part", ["fixed", "random"])
def test_mixed_model_says_konvergiert_in_german_and_converged_in_english(grouped, part):
    res = stats.mixed_model(grouped, "y ~ x", groups="g")
    assert res.converged
    frame = getattr(res, part)
    german = present.labelled(frame)
    assert set(german["note"]) == {"konvergiert"}
    assert set(german["method"]) == {"REML (profilierte Devianz wie lme4), Wald-z-Test"}
    assert not [t for t in _texts(present.table(frame).to_html()) if ENGLISH.search(t)]
    english = present.labelled(frame, lang="en")
    assert set(english["note"]) == {"converged"}
    assert set(english["method"]) == {"REML (lme4 profiled deviance), Wald z"}


def test_icc_table_says_konvergiert_once_per_column(grouped):
    icc = stats.icc_null_model(grouped, "y", groups="g")
    heads, body = cells(present.table(icc).to_html())
    at = heads.index("konvergiert")
    assert body[at] == "ja"
    assert body[heads.index("Anmerkung")] == "konvergiert"
    assert "Verfahren" in heads and not [t for t in heads + body if ENGLISH.search(t)]


def test_ordinal_model_names_its_method_and_status_in_german(answers):
    res = stats.proportional_odds(answers.assign(y=answers["y"].astype(int)), "y", ["x"])
    german = present.labelled(res.coefficients)
    assert set(german["note"]) == {"konvergiert"}
    assert set(german["method"]) == {"kumulatives Link-Modell (Logit), Newton-Raphson, Wald-z-Test"}
    assert german["kind"].tolist() == ["Koeffizient", "Schwelle", "Schwelle"]
    english = present.labelled(res.coefficients, lang="en")
    assert set(english["note"]) == {"converged"}
    assert set(english["method"]) == {"cumulative link model (Logit), Newton-Raphson, Wald z"}


def test_ordinal_note_with_dropped_categories_is_one_note_per_language(answers):
    """The status and the dropped categories: German first, then English, never mixed."""
    res = stats.proportional_odds(answers, "y", ["x"])
    german = present.in_language(res.note, "de")
    english = present.in_language(res.note, "en")
    assert german == "konvergiert; nicht beobachtete Kategorien ausgelassen: 4, 5"
    assert english == "converged; unobserved categories dropped: 4, 5"
    _, body = cells(present.table(res.coefficients).to_html())
    assert german in body and not [t for t in body if ENGLISH.search(t)]


def test_parallel_lines_check_reads_in_german(answers):
    res = stats.proportional_odds(answers.assign(y=answers["y"].astype(int)), "y", ["x"])
    shown = present.labelled(res.parallel.drop(columns="cut"))
    assert set(shown["kind"]) <= {"binäre Steigung", "Brant-Test"}
    assert set(shown["method"]) == {"getrennte binäre Modelle je Schwelle (Brant 1990)"}
    assert "alle Prädiktoren" in set(shown["term"])
    assert not [t for t in shown["note"] if ENGLISH.search(t)]


def test_a_note_without_a_second_language_is_kept():
    assert present.in_language("Referenz (auf 0 gesetzt)", "en") == "Referenz (auf 0 gesetzt)"
    # two separators: not one German and one English part; left as written
    assert present.in_language("a / b / c") == "a / b / c"
    assert present.in_language(None) is None
    with pytest.raises(ValueError, match="lang"):
        present.in_language("x / y", "fr")


def test_a_table_of_two_methods_names_the_method_of_each_column(demo):
    """Naive CR1 columns beside bootstrap columns: one method column for each (notebook 5.0)."""
    frame = pd.DataFrame(
        {
            "construct": ["trust"],
            "estimate": [0.28],
            "ci_low_cr1": [0.14],
            "ci_high_cr1": [0.42],
            "p_cr1": [0.0004],
            "method_cr1": [
                "OLS, CR1 geclustert nach unit_id, G = 21 / OLS, CR1 clustered by unit_id, G = 21"
            ],
            "ci_low_boot": [0.12],
            "ci_high_boot": [0.42],
            "p_boot": [0.005],
            "method_boot": [
                "Wild-Cluster-Bootstrap-t WCR, Webb, 199 Ziehungen, G = 21 "
                "/ Wild cluster bootstrap-t WCR, Webb, 199 draws, G = 21"
            ],
        }
    )
    heads, body = cells(present.table(frame, demo).to_html())
    assert heads == [
        "Konstrukt",
        "Schätzwert",
        "95-%-KI (CR1)",
        "p (CR1)",
        "Verfahren (CR1)",
        "95-%-KI (Bootstrap)",
        "p (Bootstrap)",
        "Verfahren (Bootstrap)",
    ]
    assert body[4] == "OLS, CR1 geclustert nach Einheit, G = 21"
    english, _ = cells(present.table(frame, demo, lang="en").to_html())
    assert english[4] == "Method (CR1)" and english[7] == "Method (bootstrap)"
    shown = present.labelled(frame, demo, lang="en")
    assert shown["method_cr1"].iloc[0] == "OLS, CR1 clustered by Unit, G = 21"
    assert shown["method_boot"].iloc[0] == "Wild cluster bootstrap-t WCR, Webb, 199 draws, G = 21"


def test_two_way_clustering_reads_in_german_and_english(demo):
    """stats.regression: CR1 by unit and wave reads 'zweifach geclustert nach Einheit + Welle'."""
    rng = np.random.default_rng(3)
    data = pd.DataFrame(
        {
            "y": rng.normal(size=60),
            "x": rng.normal(size=60),
            "unit_id": np.repeat(["brandis", "bremen", "moers", "kehl", "merzenich"], 12),
            "wave": np.tile([1, 2, 3], 20),
        }
    )
    fit = stats.ols(data, "y ~ x", cluster=["unit_id", "wave"])
    # G is the smaller of the two dimensions (Cameron-Gelbach-Miller): 3 waves, 5 units
    method = fit.table()["method"].iloc[0]
    assert present.in_language(method) == "OLS, CR1 zweifach geclustert nach unit_id + wave, G = 3"
    frame = pd.DataFrame({"method": [method]})
    assert present.labelled(frame, demo)["method"].iloc[0] == (
        "OLS, CR1 zweifach geclustert nach Einheit + Welle, G = 3"
    )
    assert present.labelled(frame, demo, lang="en")["method"].iloc[0] == (
        "OLS, CR1 two-way clustered by Unit + Wave, G = 3"
    )


def test_the_dataset_summary_names_tables_by_their_german_titles(demo):
    heads, body = cells(present.table(demo.summary(), demo).to_html())
    assert heads == ["Tabelle", "Zeilen", "Spalten", "synthetisch", "Datei"]
    rows = [body[i : i + 5] for i in range(0, len(body), 5)]
    first = {row[4]: row[0] for row in rows}
    assert first["labs.csv"] == "Labore"
    assert first["indicator_values.csv"] == "Indikatorwerte"
    assert first["responses.csv"] == "Befragungsantworten"
    assert not {row[0] for row in rows} & set(demo.tables)
    english = present.labelled(demo.summary(), demo, lang="en")
    assert "indicator_values" in set(english["table"])


def test_a_labs_short_name_has_one_rule():
    """Tables, figures, the impact model and the status lines name a lab by the same code."""
    assert present.lab_names is dataset.lab_names
    assert base.lab_names is dataset.lab_names
    rule = '.str.split(" \\\\(|„", regex=True)'
    holding = sorted(
        str(p.relative_to(SRC)) for p in SRC.rglob("*.py") if rule in p.read_text("utf-8")
    )
    assert holding == ["dataset.py"]


def test_lab_names_drop_the_part_in_brackets_or_quotes(demo):
    names = dataset.lab_names(demo)
    assert len(names) == 13
    # data/raw/labs.csv: 'Bad Belzig und Wiesenburg/Mark („Alles auf offen“)',
    # 'Oberrhein (Kehl, Titisee-Neustadt, Tengen, Straßburg)', 'Bremen'
    assert names["bad_belzig"] == "Bad Belzig und Wiesenburg/Mark"
    assert names["kehl"] == "Oberrhein"
    assert names["moers"] == "Reallabor Niederrhein"
    assert names["bremen"] == "Bremen"


def test_power_tables_name_alpha_the_significance_level():
    """Notebooks 4.0 and 5.0 show Cronbach's alpha and the level of a test: two headers."""
    mde = stats.minimum_detectable_effect(n_clusters=21, cluster_size=80, icc=0.1)
    heads, body = cells(present.table(mde).to_html())
    assert "Signifikanzniveau" in heads and "Alpha" not in heads
    assert body[heads.index("Signifikanzniveau")] == "0,05"
    power = stats.power(0.3, n_clusters=21, cluster_size=80, icc=0.1)
    shown = present.labelled(power)
    assert shown["method"].iloc[0] == "nichtzentrale t-Verteilung, Vergleich auf Ebene der Cluster"
    english = present.labelled(power, lang="en")
    assert english["method"].iloc[0] == "noncentral t, cluster-level comparison"
    # without a power column alpha is Cronbach's
    heads, _ = cells(present.table(pd.DataFrame({"alpha": [0.8], "n": [100]})).to_html())
    assert heads == ["Cronbachs Alpha", "n"]


def test_a_method_text_shows_the_readers_half():
    frame = pd.DataFrame(
        {
            "term": ["treated, before", "treated, change"],
            "method": ["Mittelwert / mean", "Differenz der Mittelwerte / difference of means"],
        }
    )
    assert present.labelled(frame)["method"].tolist() == ["Mittelwert", "Differenz der Mittelwerte"]
    english = present.labelled(frame, lang="en")
    assert english["method"].tolist() == ["mean", "difference of means"]
    assert english["term"].tolist() == ["treated, before", "treated, change"]


def test_adjusted_p_values_with_one_missing_show_as_a_table():
    # a p-value missing (a model that did not fit): its decision is NA; the table raised
    # "TypeError: boolean value of NA is ambiguous" in the notebook
    res = stats.adjust_pvalues([0.01, np.nan, 0.03], method="holm")
    assert res["reject"].isna().tolist() == [False, True, False]
    german = present.labelled(res)
    assert german["reject"].iloc[0] == "ja" and pd.isna(german["reject"].iloc[1]), german
    assert german["note"].iloc[1] == "p-Wert fehlt: keine Entscheidung, nicht mitgezählt (R: NA)"
    heads, body = cells(present.table(res).to_html())
    assert "Anmerkung" in heads
    assert german["note"].iloc[1] in body and not [t for t in body if "p-value" in t], body
    english = present.labelled(res, lang="en")
    assert english["note"].iloc[1].startswith("p-value missing: no decision"), english


def test_the_two_stage_levels_are_said_in_the_readers_language():
    # "levels by stage: 0.05, 0.0666667" stood in German tables
    res = stats.adjust_pvalues([0.01, 0.04, 0.03, 0.2], method="fdr_tsbh")
    german = present.labelled(res)
    assert set(german["note"]) == {"Niveaus je Stufe: 0,05; 0,0666667"}, german["note"]
    english = present.labelled(res, lang="en")
    assert set(english["note"]) == {"levels by stage: 0.05, 0.0666667"}, english["note"]


@pytest.mark.parametrize(
    ("x", "y", "german", "english"),
    [
        ([1, 2, 3, 4], [5, 6, 7, 9], "exakt", "exact"),  # small, no ties: R's exact test
        (
            list(range(60)),
            list(range(10, 70)),
            "Normalapproximation mit Stetigkeitskorrektur",
            "normal approximation with continuity correction",
        ),
    ],
)
def test_a_rank_test_says_how_p_was_found_in_the_readers_language(x, y, german, english):
    # "normal approximation with continuity correction" stood in German tables
    res = stats.rank_test(x, y)
    assert present.labelled(res)["note"].tolist() == [german]
    assert present.labelled(res, lang="en")["note"].tolist() == [english]


def test_a_dropped_category_with_a_slash_keeps_the_two_languages_apart(answers):
    """A label "weiß nicht / keine Angabe" made the note's separator appear twice: the German
    reader got the English half too, and the status landed in the middle of the label."""
    labels = ["gar nicht", "wenig", "teils", "weiß nicht / keine Angabe", "sehr"]
    y = pd.Categorical(
        answers["y"].map(dict(enumerate(labels, start=1))), categories=labels, ordered=True
    )
    data = answers.assign(y=y)
    data = data[data["y"] != "weiß nicht / keine Angabe"]
    res = stats.proportional_odds(data, "y", ["x"])
    german = present.in_language(res.note, "de")
    english = present.in_language(res.note, "en")
    assert german.startswith("konvergiert; nicht beobachtete Kategorien ausgelassen: ")
    assert "weiß nicht/keine Angabe" in german and "converged" not in german
    assert english.startswith("converged; unobserved categories dropped: ")
    assert "konvergiert" not in english


def test_a_programme_tables_note_with_a_slash_stays_whole(demo):
    """labs.csv's note "Kooperation Kehl / Straßburg" lost its second half in German tables
    (and its first in English) when every note column was split as a two-language note."""
    labs = demo.labs.assign(note="Kooperation Kehl / Straßburg")
    for lang in ("de", "en"):
        shown = present.labelled(labs, demo, lang=lang)
        assert set(shown["note"]) == {"Kooperation Kehl / Straßburg"}, lang
