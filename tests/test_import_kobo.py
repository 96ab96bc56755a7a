"""KoboToolbox answers exported as labels (any language of the form) instead of choice names."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from ogl_impact.imports.kobo import read_kobo

FIX = Path(__file__).parent / "fixtures" / "kobo"


def _labelled(tmp_path: Path, languages: list[int], sep: str = ";") -> Path:
    """The fixture with every select answer replaced by its label in the given language."""
    doc = json.loads((FIX / "grouped_translated_v1.json").read_text("utf-8"))
    label = {(c["list_name"], c["name"]): c["label"] for c in doc["content"]["choices"]}
    lists = {
        q.get("$autoname") or q["name"]: q["select_from_list_name"]
        for q in doc["content"]["survey"]
        if q.get("select_from_list_name")
    }
    for sub, lang in zip(doc["submissions"], languages, strict=True):
        for key, value in list(sub.items()):
            name = key.rsplit("/", 1)[-1]
            if name in lists:
                parts = [label[(lists[name], v)][lang] for v in value.split()]
                sub[key] = sep.join(parts)
    path = tmp_path / "labelled.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return path


def _values(export) -> pd.Series:
    return export.answers.set_index(["response_id", "tool_code"])["value"]


def test_labels_in_every_language_give_the_values_of_the_names(tmp_path):
    by_name = read_kobo(FIX / "grouped_translated_v1.json")
    assert by_name.answers["value"].notna().sum() > 0
    for languages in ([1, 0, 1], [0, 0, 0], [1, 1, 1]):  # español, english, mixed
        labelled = read_kobo(_labelled(tmp_path, languages))
        pd.testing.assert_series_equal(_values(labelled), _values(by_name))


def test_a_label_with_a_comma_and_spaces_is_one_answer(tmp_path):
    # 'Sí, y algún espacio extracelular' is one choice of a select_one
    labelled = read_kobo(_labelled(tmp_path, [1, 1, 1]))
    raw = labelled.answers.set_index("raw")["value"]
    assert raw["Sí, y algún espacio extracelular"] == 2.0  # second choice of 'fluids'


def test_an_unknown_label_stays_without_value(tmp_path):
    doc = json.loads((FIX / "grouped_translated_v1.json").read_text("utf-8"))
    doc["submissions"][0]["Do_you_descend_from_unicellular_organism"] = "Vielleicht"
    path = tmp_path / "x.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    answers = read_kobo(path).answers
    hit = answers[answers["raw"] == "Vielleicht"]
    assert len(hit) == 1 and hit["value"].isna().all()
