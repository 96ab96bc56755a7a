"""Notebook tables: German headers, decimal comma, rounding by column kind, names instead of ids."""

from __future__ import annotations

import re
from types import SimpleNamespace

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from ogl_impact import logic, present, stats


def cells(html: str) -> tuple[list[str], list[str]]:
    """Header texts and body cell texts of a Styler's HTML."""
    heads = [h.strip() for h in re.findall(r"<th\b[^>]*>(.*?)</th>", html, re.S)]
    body = [d.strip() for d in re.findall(r"<td\b[^>]*>(.*?)</td>", html, re.S)]
    return heads, body


@pytest.fixture
def result() -> pd.DataFrame:
    """A result frame as stats returns it, with two labs and a respondent id that must not show."""
    return pd.DataFrame(
        {
            "lab_id": ["brandis", "moers"],
            "respondent_id": ["r-4f2a", "r-9c01"],
            "estimate": [0.28314, -1.5],
            "se": [0.0712, 0.25],
            "ci_low": [0.1234, -1.99],
            "ci_high": [0.4187, -1.01],
            "p_val": [0.0004, 0.2345],
            "n": [1234, 87],
        }
    )


def test_headers_are_german(demo, result):
    heads, _ = cells(present.table(result, demo).to_html())
    assert heads == ["Labor", "Schätzwert", "SE", "95-%-KI", "p", "n"]


def test_numbers_have_decimal_commas_and_sensible_rounding(demo, result):
    _, body = cells(present.table(result, demo).to_html())
    first, second = body[:6], body[6:]
    assert first[1:] == ["0,28", "0,07", "[0,12; 0,42]", "&lt; 0,001", "1.234"] or first[1:] == [
        "0,28",
        "0,07",
        "[0,12; 0,42]",
        "< 0,001",
        "1.234",
    ]
    # minus sign, p with three decimals, counts without decimals
    assert second[1:] == ["−1,50", "0,25", "[−1,99; −1,01]", "0,234", "87"]


def test_lab_ids_become_names_and_respondent_ids_never_show(demo, result):
    html = present.table(result, demo).to_html()
    _, body = cells(html)
    names = dict(zip(demo.labs["lab_id"], demo.labs["name"], strict=True))
    assert body[0] == names["brandis"].split(" (")[0].split("„")[0].strip()
    assert body[6].startswith("Moers") or body[6] in names["moers"]
    for raw in ["brandis", "moers", "r-4f2a", "r-9c01", "respondent", "lab_id"]:
        assert raw not in " ".join(body), raw
        assert f">{raw}<" not in html


def test_english_switch(demo, result):
    heads, body = cells(present.table(result, demo, lang="en").to_html())
    assert heads == ["Lab", "Estimate", "SE", "95% CI", "p", "n"]
    assert body[1:6] in (
        ["0.28", "0.07", "[0.12, 0.42]", "&lt; 0.001", "1,234"],
        ["0.28", "0.07", "[0.12, 0.42]", "< 0.001", "1,234"],
    )


def test_pivot_of_stages_is_labelled_on_both_axes(demo):
    st = logic.stages(logic.attainment(demo))
    pivot = st.pivot(index="lab_id", columns="period_id", values="stage")
    heads, body = cells(present.table(pivot, demo).to_html())
    assert heads[0] == "Labor"
    assert set(heads[1:]) == {p.upper() for p in st["period_id"].unique()}
    # stages are whole numbers: no decimals
    assert not any("," in b for b in body if b[:1].isdigit())
    assert not set(body) & set(demo.labs["lab_id"])


def test_indicator_ids_are_named_per_lab(demo):
    """Indicator ids repeat across labs; the name must come from the row of the right lab."""
    ind = demo.indicators
    shared = ind.groupby("indicator_id")["name"].nunique()
    differing = shared[shared > 1].index[0]
    rows = ind[ind["indicator_id"] == differing][["lab_id", "indicator_id"]].head(2)
    expected = [
        ind[(ind["lab_id"] == lab) & (ind["indicator_id"] == i)]["name"].iloc[0]
        for lab, i in rows.itertuples(index=False)
    ]
    frame = present.labelled(rows.assign(progress=[0.5, 0.25]), demo)
    assert frame["indicator_id"].tolist() == expected
    heads, body = cells(present.table(rows.assign(progress=[0.5, 0.25]), demo).to_html())
    assert heads == ["Labor", "Indikator", "Fortschritt"]
    assert body[2] == "50 %" and body[5] == "25 %"


def test_codes_become_labels(demo):
    frame = pd.DataFrame(
        {
            "level": ["outcome", "activity"],
            "status": ["behind", "on_track"],
            "period_id": ["sb5", "zb"],
            "construct": ["p1", "trust"],
            "is_lab": [True, False],
            "converged": [True, False],
        }
    )
    out = present.labelled(frame, demo)
    assert out["level"].tolist() == ["Outcome", "Aktivität"]
    assert out["status"].tolist() == ["im Verzug", "im Plan"]
    assert out["period_id"].tolist() == ["SB5", "ZB"]
    p1 = demo.perspectives.set_index("perspective_id").at["p1", "name_de"]
    assert out["construct"].tolist() == [p1, "Vertrauen"]
    assert out["is_lab"].tolist() == ["Labor", "Vergleichskommune"]
    assert out["converged"].tolist() == ["ja", "nein"]


@pytest.mark.parametrize(
    ("lang", "head", "kinds"),
    [
        ("de", "Art der Einheit", ["Labor", "Vergleichskommune", "Labor"]),
        ("en", "Kind of unit", ["lab", "comparison commune", "lab"]),
    ],
)
def test_a_unit_is_named_a_lab_or_a_comparison_commune(lang, head, kinds):
    # "Labor? ja/nein" asked the reader a question; the column says what the unit is
    counts = pd.DataFrame({"is_lab": [True, False, True], "wave": [1, 1, 2], "n": [40, 30, 35]})
    heads, body = cells(present.table(counts, lang=lang).to_html())
    assert head in heads
    assert body[0::3] == kinds


def test_without_dataset_ids_are_dropped_not_shown(result):
    heads, body = cells(present.table(result).to_html())
    assert "Labor" not in heads
    assert "brandis" not in " ".join(body)


def test_survey_items_are_named_by_their_wording(demo):
    item = demo.codebook["item_id"].iloc[0]
    wording = demo.codebook["wording_de"].iloc[0]
    frame = pd.DataFrame({"item_id": [item], "mean": [3.14159], "low": [32.599]})
    heads, body = cells(present.table(frame, demo).to_html())
    assert heads == ["Item", "Mittelwert", "Ablehnung"]
    assert body == [wording, "3,14", "32,6 %"]


def test_mistakes_get_clear_messages(demo, result):
    with pytest.raises(TypeError, match="DataFrame"):
        present.table(result["estimate"], demo)
    with pytest.raises(ValueError, match="lang"):
        present.table(result, demo, lang="fr")
    with pytest.raises(ValueError, match="lab"):
        present.table(result, demo, hide=["lab"])


def test_empty_result_still_has_german_headers(demo):
    frame = pd.DataFrame({"period_id": [], "flag": [], "explanation_de": []})
    heads, body = cells(present.table(frame, demo).to_html())
    assert heads == ["Berichtszeitraum", "Befund", "Erläuterung"] and body == []


def test_show_displays_each_figure_once_and_closes_it(monkeypatch):
    import IPython.display

    shown = []
    monkeypatch.setattr(IPython.display, "display", lambda obj: shown.append(obj))
    figs = [plt.figure(), plt.figure()]
    drawn = [
        SimpleNamespace(name=f"f{i}", figure=f, caption="Bildunterschrift", n=1234, source="Q")
        for i, f in enumerate(figs)
    ]
    present.show(drawn, only="f1")
    assert not any(plt.fignum_exists(f.number) for f in figs)
    assert len(shown) == 2 and shown[1] is figs[1]
    assert shown[0].data == "**Bildunterschrift** (n = 1.234; Quelle: Q)"
    with pytest.raises(ValueError, match="f0, f1"):
        present.show(
            [SimpleNamespace(name=f"f{i}", figure=plt.figure()) for i in range(2)], only="f2"
        )
    assert plt.get_fignums() == []
    # a figure drawn with plots directly: passed as its Axes
    _, ax = plt.subplots()
    present.show(ax)
    assert shown[-1] is ax.figure and plt.get_fignums() == []


def test_impact_model_repr_lists_levels_counts_and_indicators(demo):
    model = logic.ImpactModel.from_dataset(demo, "brandis")
    text = repr(model)
    nodes = demo.nodes[demo.nodes["lab_id"] == "brandis"]
    ind = demo.indicators[demo.indicators["lab_id"] == "brandis"]
    assert text.splitlines()[0] == (
        f"Wirkungsmodell brandis: {len(nodes)} Knoten, {len(ind)} Indikatoren"
    )
    levels = ind.merge(nodes[["node_id", "level"]], on="node_id")["level"]
    for level, label in [("input", "Input"), ("activity", "Aktivität"), ("impact", "Impact")]:
        n_nodes = int((nodes["level"] == level).sum())
        n_ind = int((levels == level).sum())
        line = next(x for x in text.splitlines() if x.strip().startswith(label))
        assert re.search(rf"{n_nodes} Knoten\s+{n_ind} Indikator", line), line
    for name in ind["name"]:
        assert name in text
    html = model._repr_html_()
    assert "<th>Ebene</th>" in html and "<th>trägt bei zu</th>" in html
    assert ">in1<" not in html  # node ids are replaced by their labels
    # the caption names the lab (labs.csv), not its id
    assert "<strong>Wirkungsmodell: Brandis und Partheland-Kommunen</strong>" in html


def test_a_negatively_worded_item_says_whether_its_values_are_reversed(demo):
    """Item statistics run on reversed answers, answer shares on answers as given: both marked."""
    from ogl_impact import stats

    book = demo.codebook
    trust = book[book["construct"] == "trust"]
    keyed = trust.loc[trust["reverse_keyed"].astype(bool), "wording_de"].tolist()
    plain = trust.loc[~trust["reverse_keyed"].astype(bool), "wording_de"].tolist()
    assert keyed and plain
    answers = demo.responses[demo.responses["wave"] == 1]
    items = stats.item_matrix(answers, book, construct="trust")
    shown = present.labelled(stats.item_statistics(items), demo)["item_id"].tolist()
    assert [f"{w.rstrip('.')} (negativ formuliert, umgepolt)" for w in keyed] == [
        w for w in shown if w not in plain
    ]
    assert set(plain) <= set(shown)
    shares = stats.likert_summary(answers, book, items=trust["item_id"].tolist(), min_n=5).shares
    _, body = cells(present.table(shares, demo).to_html())
    assert [f"{w.rstrip('.')} (negativ formuliert)" for w in keyed] == [
        b for b in body if "negativ" in b
    ]
    assert not [b for b in body if "umgepolt" in b]
    english = present.labelled(stats.item_statistics(items), demo, lang="en")["item_id"]
    assert english.str.endswith("(negatively worded, reversed)").sum() == len(keyed)


def test_naive_cluster_robust_columns_say_cr1(demo):
    """Beside bootstrap values, the naive CR1 interval and p-value are headed as such."""
    frame = pd.DataFrame(
        {
            "construct": ["trust"],
            "estimate": [0.28],
            "ci_low_cr1": [0.14],
            "ci_high_cr1": [0.42],
            "p_cr1": [0.0004],
            "ci_low_boot": [0.13],
            "ci_high_boot": [0.43],
            "p_boot": [0.0021],
        }
    )
    heads, body = cells(present.table(frame, demo).to_html())
    assert heads == [
        "Konstrukt",
        "Schätzwert",
        "95-%-KI (CR1)",
        "p (CR1)",
        "95-%-KI (Bootstrap)",
        "p (Bootstrap)",
    ]
    assert body == ["Vertrauen", "0,28", "[0,14; 0,42]", "< 0,001", "[0,13; 0,43]", "0,002"]


def test_model_terms_read_german(demo):
    """Intercepts, residual rows and the thresholds of an ordinal model are named in words."""
    frame = pd.DataFrame(
        {
            "group": ["unit_id", "unit_id", "Residual"],
            "kind": ["variance", "correlation", "variance"],
            "term": ["(Intercept)", "(Intercept), nachher", None],
            "estimate": [0.05, 0.17, 0.52],
        }
    )
    shown = present.labelled(frame, demo)
    assert shown["group"].tolist() == ["Einheit", "Einheit", "Residuum"]
    assert shown["term"].tolist()[:2] == ["Achsenabschnitt", "Achsenabschnitt, nachher"]
    ordinal = pd.DataFrame(
        {"kind": ["coefficient", "threshold", "threshold"], "term": ["nachher", "1|2", "4|5"]}
    )
    assert present.labelled(ordinal, demo)["term"].tolist() == [
        "nachher",
        "zwischen 1 und 2",
        "zwischen 4 und 5",
    ]
    assert present.labelled(ordinal, demo, lang="en")["term"].tolist()[1] == "between 1 and 2"
    fixed = pd.DataFrame({"term": ["Intercept", "nachher"], "estimate": [2.9, 0.4]})
    assert present.labelled(fixed, demo)["term"].tolist() == ["Achsenabschnitt", "nachher"]


def test_efficiency_headers_say_the_input_is_in_euro(demo):
    """An input indicator in thousand EUR is converted: the value columns must say EUR."""
    eff = logic.efficiency(
        demo, logic.attainment(demo), input_indicator="Eingesetzte Fördermittel (Tsd. EUR)"
    )
    row = eff[(eff["lab_id"] == "brandis") & (eff["period_id"] == "sb5")].head(1)
    heads, body = cells(present.table(row, demo, hide=["lab_id"]).to_html())
    # demo indicator_values.csv: brandis spent 155,58 Tsd. EUR by SB5 and reached 363 participants
    assert heads[-4:] == ["Einsatz", "Einsatz (EUR)", "Ergebnis (Wert)", "EUR je Ergebnis"]
    assert body[-4:] == ["Eingesetzte Fördermittel (Tsd. EUR)", "155.580", "363", "428,60"]


def test_method_text_names_columns_by_their_headers(demo):
    frame = pd.DataFrame(
        {
            "term": ["lab_after", "lab_after"],
            "method": [
                "OLS, CR1 geclustert nach unit_id, G = 21; feste Effekte: unit_id + wave",
                "Wild-Cluster-Bootstrap-t WCR, Webb, 999 Ziehungen, G = 21, Cluster: unit_id; "
                "feste Effekte: unit_id + wave",
            ],
        }
    )
    shown = present.labelled(frame, demo)
    assert shown["method"].tolist() == [
        "OLS, CR1 geclustert nach Einheit, G = 21; feste Effekte: Einheit + Welle",
        "Wild-Cluster-Bootstrap-t WCR, Webb, 999 Ziehungen, G = 21, Cluster: Einheit; "
        "feste Effekte: Einheit + Welle",
    ]
    assert shown["term"].tolist() == ["Labor × nachher", "Labor × nachher"]
    english = present.labelled(frame, demo, lang="en")
    assert english["method"].iloc[0].endswith("Unit + Wave")
    assert english["term"].iloc[0] == "lab × after"


def test_indicator_values_show_whole_counts_without_decimals(demo):
    """A logframe row per indicator: 22 workshops read '22', 155,58 Tsd. EUR keep their decimals."""
    frame = pd.DataFrame(
        {
            "indicator": ["Durchgeführte Werkstätten", "Eingesetzte Fördermittel (Tsd. EUR)"],
            "baseline": [0.0, 0.0],
            "target": [24.0, 180.0],
            "current": [22.0, 155.58],
            "actual": [22.0, 155.5849],
            "estimate": [2.0, 0.5],
        }
    )
    _, body = cells(present.table(frame, demo).to_html())
    assert body[1:6] == ["0", "24", "22", "22", "2,00"]
    assert body[7:] == ["0", "180", "155,58", "155,58", "0,50"]


def test_diagnostic_flags_read_as_words(demo):
    from ogl_impact.logic.diagnostics import MESSAGES
    from ogl_impact.vocab import FLAG_LABELS

    assert set(FLAG_LABELS) == set(MESSAGES)  # every flag has a name
    frame = pd.DataFrame(
        {"lab_id": ["brandis", "brandis"], "flag": ["stale_indicator", "node_without_indicators"]}
    )
    out = present.labelled(frame, demo)
    assert out["flag"].tolist() == ["Indikator ohne neue Werte", "Knoten ohne Indikator"]
    english = present.labelled(frame, demo, lang="en")
    assert english["flag"].tolist() == ["indicator without recent values", "node without indicator"]
    # the flags of the embedded data: no code left in the German table
    diag = logic.diagnostics(demo)
    shown = present.labelled(diag, demo)
    assert not shown["flag"].isin(list(MESSAGES)).any()


@pytest.mark.parametrize(
    ("method", "lang", "p_head", "level_head"),
    [
        ("holm", "de", "p (Holm)", "Signifikanzniveau"),
        ("fdr_bh", "de", "p (Benjamini-Hochberg)", "Signifikanzniveau"),
        ("bonferroni", "en", "p (Bonferroni)", "Significance level"),
    ],
)
def test_a_correction_table_names_its_p_values_and_level(method, lang, p_head, level_head):
    # "p (Holm)" above Benjamini-Hochberg p-values, and Cronbach's "Alpha" for the level
    result = stats.adjust_pvalues([0.01, 0.04, 0.2], method=method)
    heads, _ = cells(present.table(result, lang=lang).to_html())
    assert p_head in heads and level_head in heads
    assert "Alpha" not in heads
    # one level for every test: no second column repeating it as if it were corrected
    assert not {"Niveau der letzten Stufe", "Level of the final stage"} & set(heads)


def test_a_two_stage_correction_shows_the_level_of_its_last_stage():
    # Benjamini, Krieger & Yekutieli (2006): the second stage tests at alpha / (1 + alpha) times
    # m / (m - r1), r1 the rejections of the first stage; here m = 4 and the first stage (at
    # 0.05 / 1.05 = 0.047619) rejects 2, so the last level is 0.047619 * 4 / 2 = 0.095238
    result = stats.adjust_pvalues([0.001, 0.01, 0.3, 0.6], method="fdr_tsbky")
    heads, body = cells(present.table(result, decimals=4).to_html())
    assert "Niveau der letzten Stufe" in heads
    assert body[heads.index("Niveau der letzten Stufe")] == "0,0952"  # the first row
    assert "p (Benjamini-Krieger-Yekutieli, zweistufig)" in heads


def test_every_correction_has_a_name_and_a_p_value_header():
    # the corrections stats.adjust_pvalues accepts are named once (stats.effects.ADJUST_METHODS);
    # present heads their p-values by a short name of its own: a correction added there
    # without a header here would be headed "p (korrigiert)" without saying which
    assert set(present.ADJUSTED_P_BY) == set(stats.effects.ADJUST_METHODS)
    assert all(present.METHOD_LABELS[m] for m in stats.effects.ADJUST_METHODS)
