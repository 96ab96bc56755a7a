"""The audit of built reports, on data made to tempt it.

Each dataset is the embedded tables cut so that one wave holds the groups a
careful reader could single out: a lab of 3 that is the whole network, a lab
of 4 whose mean follows from the network mean and the other labs, a wave
answered by one lab only, actor groups of 2 inside a large lab. With
suppression switched off (an internal switch of :mod:`ogl_impact.privacy`,
not a user option) the build refuses to publish and the audit names the
output and the group; with it on, the report is built and the audit of the
published folder finds nothing.
"""

from __future__ import annotations

import importlib
import re
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from ogl_impact import privacy
from ogl_impact.cli import main
from ogl_impact.dataset import load
from ogl_impact.reports import audit as audit_module
from ogl_impact.reports import registry
from ogl_impact.reports.audit import NotAReportError, PrivacyLeakError, audit, read_table
from ogl_impact.reports.build import build
from ogl_impact.write.tables import write_tables

from .conftest import DEMO, read_rows, write_rows

build_module = importlib.import_module("ogl_impact.reports.build")
# the figures that show respondent groups by wave and lab; the effects figure (pooled over
# all units and both waves) is left out here only because its models are slow
SURVEY = ("offenheit_radar", "offenheit_punkte", "vertrauen_likert")
OTHERS = 6  # respondents of every other unit and wave (above k)
WAVE = "3"  # the last wave: the one the openness profile shows


@pytest.fixture(autouse=True)
def survey_figures_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Build only the figures that show respondents (fast; the others hold no survey data)."""
    monkeypatch.setattr(
        registry, "figures_of", lambda rid: tuple(n for n in SURVEY if n in _all(rid))
    )


def _all(report_id: str) -> tuple[str, ...]:
    from ogl_impact.reports.figures import figures_of

    return figures_of(report_id)


def _labs() -> list[str]:
    rows = read_rows(DEMO / "labs.csv")
    start = next(i for i, r in enumerate(rows) if r and r[0] == "lab_id")
    return [r[0] for r in rows[start + 1 :]]


LABS = _labs()


def crafted(tmp_path: Path, sizes: dict[str, int], others: int = OTHERS) -> Path:
    """The embedded tables with ``sizes[unit]`` respondents in WAVE and ``OTHERS`` elsewhere.

    Units not named in ``sizes`` keep ``others`` respondents in WAVE.
    """
    folder = tmp_path / "raw"
    shutil.copytree(DEMO, folder, ignore=shutil.ignore_patterns("truth"))
    rows = read_rows(folder / "responses.csv")
    header = rows[1]
    seen: dict[tuple[str, str], list[str]] = {}
    body = []
    for r in rows[2:]:
        row = dict(zip(header, r, strict=True))
        unit, wave = row["unit_id"], row["wave"]
        limit = sizes.get(unit, others) if wave == WAVE else OTHERS
        ids = seen.setdefault((unit, wave), [])
        if row["respondent_id"] not in ids:
            if len(ids) >= limit:
                continue
            ids.append(row["respondent_id"])
        body.append(r)
    write_rows(folder / "responses.csv", rows[:2] + body)
    return folder


CASES = {
    # a lab of 3 is the only lab with answers in the wave: its mean is the network mean
    "three_in_three": ({LABS[0]: 3, **dict.fromkeys(LABS[1:], 0)}, OTHERS),
    # a lab of 4 beside labs of 6 and 6: the network mean (n = 16) minus the others gives it
    "four_from_the_mean": ({LABS[0]: 4, LABS[1]: 6, LABS[2]: 6, **dict.fromkeys(LABS[3:], 0)}, 6),
    # the wave holds one lab's 3 respondents and nothing else
    "thin_wave": ({LABS[0]: 3}, 0),
}


@pytest.fixture(scope="module")
def datasets(tmp_path_factory: pytest.TempPathFactory) -> dict:
    out = {}
    for name, (sizes, others) in CASES.items():
        out[name] = load(crafted(tmp_path_factory.mktemp(name), sizes, others))
    return out


# what the audit reads of a report: the page, the tables and the SVGs (the text of a PNG or
# PDF figure is that of its SVG); so the builds here write the SVG only, except built_pb,
# whose PNG and PDF files a test needs (the audit names them as not read)
TEXTS = ("svg",)


def _build(ds, out: Path, formats: tuple[str, ...] | None = TEXTS) -> list[Path]:
    return build(ds, out, report_ids=["pb"], reps=99, jobs=1, formats=formats)


@pytest.fixture(scope="module")
def built_on(datasets: dict, tmp_path_factory: pytest.TempPathFactory):
    """Each case's report as a user builds it (suppression on), built once per module.

    Built here, before any test patches the privacy switches or the build's
    audit. Returns a function of the case giving the figures folder and the
    files the build returned. A test that edits the report works on a copy
    (:func:`_copy_built`).
    """
    done: dict[str, tuple[Path, list[Path]]] = {}
    with pytest.MonkeyPatch.context() as m:  # as survey_figures_only does for each test
        m.setattr(registry, "figures_of", lambda rid: tuple(n for n in SURVEY if n in _all(rid)))
        for case in CASES:
            out = tmp_path_factory.mktemp(f"on-{case}") / "figures"
            done[case] = (out, _build(datasets[case], out))
    return done.__getitem__


def _copy_built(built_on, case: str, tmp_path: Path) -> Path:
    """A copy of the case's built report folder (``pb``) for a test to edit."""
    out, _ = built_on(case)
    target = tmp_path / "figures"
    shutil.copytree(out, target)
    return target / "pb"


def _published(ds, out: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Build with the build's own audit switched off, so that the folder can be audited."""
    monkeypatch.setattr(build_module, "audit", lambda folder: [])
    _build(ds, out)
    return out / "pb"


@pytest.mark.parametrize("case", list(CASES))
def test_suppression_off_the_build_refuses_and_names_the_group(
    case: str, datasets: dict, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(privacy, "_ENABLED", False)
    with pytest.raises(PrivacyLeakError) as err:
        _build(datasets[case], tmp_path / "figures")
    text = "\n".join(err.value.lines)
    assert "gezeigt" in text
    assert "wave=3" in text
    # nothing of the failed report is published
    assert not (tmp_path / "figures" / "pb").exists()


def test_three_in_three_the_lab_and_the_network_are_named(
    datasets: dict, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(privacy, "_ENABLED", False)
    folder = _published(datasets["three_in_three"], tmp_path / "f", monkeypatch)
    leaks = audit(folder)
    lab = [x for x in leaks if f"unit_id={LABS[0]}" in x.group and x.kind == "shown"]
    assert lab and {x.n for x in lab} == {3.0}
    assert any(x.output.startswith("offenheit_radar.csv") for x in lab)
    network = [x for x in leaks if "(network_mean)" in x.output]
    assert network and "unit_id" not in network[0].group and network[0].n == 3


def test_four_from_the_mean_needs_complementary_suppression(
    datasets: dict, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    # primary suppression alone hides the lab of 4 ...
    monkeypatch.setattr(privacy, "_COMPLEMENTARY", False)
    folder = _published(datasets["four_from_the_mean"], tmp_path / "f", monkeypatch)
    table = read_table(folder / "offenheit_punkte.csv")
    small = table[table["unit_id"] == LABS[0]]
    assert (small["suppressed"] == "true").all() and (small["n"] == "").all()
    leaks = audit(folder)
    # ... but the network mean minus the two labs of 6 gives it: the audit says so
    derived = [x for x in leaks if x.kind == "derivable"]
    assert derived, leaks
    assert all(x.n == 4 for x in derived)
    assert any(f"unit_id={LABS[0]}" in x.group for x in derived)
    assert not [x for x in leaks if x.kind == "shown"]


@pytest.mark.parametrize("case", list(CASES))
def test_suppression_on_the_report_is_built_and_the_audit_is_clean(case: str, built_on):
    out, files = built_on(case)
    folder = out / "pb"
    assert folder / "index.html" in files
    assert audit(folder) == []
    assert main(["audit", str(folder)]) == 0


def test_four_from_the_mean_shows_the_network_mean_but_not_the_labs_it_betrays(built_on):
    folder = built_on("four_from_the_mean")[0] / "pb"
    table = read_table(folder / "offenheit_radar.csv")
    hidden = table.loc[table["suppressed"] == "true", "unit_id"].unique().tolist()
    # the lab of 4 and one complement; the network mean (n = 16) stays
    assert LABS[0] in hidden and len(hidden) == 2
    assert (table["network_n"] == "16").all()
    assert (table.loc[table["suppressed"] == "true", "note"] == "unterdrückt (n < 5)").all()
    page = (folder / "index.html").read_text(encoding="utf-8")
    assert 'data-k="5"' in page
    assert "unterdrückt (n &lt; 5)" in page
    # the gallery says how many groups are suppressed, not which
    assert re.search(r"In diesem Bericht: \d+ Gruppen unterdrückt", page)
    assert "keine Daten" not in table["note"].tolist()


def test_three_in_three_is_not_drawn_and_says_why(built_on):
    folder = built_on("three_in_three")[0] / "pb"
    assert not (folder / "offenheit_radar.csv").exists()
    page = (folder / "index.html").read_text(encoding="utf-8")
    assert "nicht schätzbar" in page and "weniger als k = 5" in page


# --- actor groups of 2 inside a large lab: two outputs of one report --------------------------


def _actor_report(folder: Path, decision: privacy.Disclosure) -> Path:
    """A report with actor groups of one lab and, beside it, the lab's total."""
    by_group = pd.DataFrame(
        {"actor_group": ["verwaltung", "politik", "zivilgesellschaft"], "n": [2, 30, 40]}
    )
    by_group["score"] = [4.5, 3.1, 3.4]
    labs = pd.DataFrame({"unit_id": [LABS[0], LABS[1]], "n": [72, 50], "score": [3.3, 2.9]})

    def outputs() -> dict[str, pd.DataFrame]:
        return {
            "akteure": decision.protect(
                by_group, groups=["actor_group"], fixed={"wave": 3, "unit_id": LABS[0]}
            ),
            "labore": decision.protect(labs, groups=["unit_id"], fixed={"wave": 3}),
        }

    outputs()  # first pass: every output registers its groups (the build's plan)
    tables = outputs()  # then every output reads the one decision
    folder.mkdir(parents=True)
    write_tables(tables, folder, "Testbericht")
    (folder / "index.html").write_text(
        f'<html><body><p class="privacy" data-k="{decision.k}">k</p></body></html>',
        encoding="utf-8",
    )
    return folder


def test_actor_groups_of_two_inside_a_large_lab(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    with monkeypatch.context() as m:
        m.setattr(privacy, "_ENABLED", False)
        leaks = audit(_actor_report(tmp_path / "off", privacy.Disclosure()))
    assert [(x.output, x.kind, x.n) for x in leaks] == [("akteure.csv", "shown", 2)]
    with monkeypatch.context() as m:
        m.setattr(privacy, "_COMPLEMENTARY", False)
        leaks = audit(_actor_report(tmp_path / "primary", privacy.Disclosure()))
    # the lab's total in one table minus the shown actor groups in the other
    assert len(leaks) == 1 and leaks[0].kind == "derivable" and leaks[0].n == 2
    assert "labore.csv" in leaks[0].output and "akteure.csv" in leaks[0].output
    assert "actor_group=verwaltung" in leaks[0].group
    assert audit(_actor_report(tmp_path / "on", privacy.Disclosure())) == []


# --- the command ------------------------------------------------------------------------------


def test_audit_command_exit_codes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys):
    with monkeypatch.context() as m:
        m.setattr(privacy, "_ENABLED", False)
        folder = _actor_report(tmp_path / "leaky", privacy.Disclosure())
    assert main(["audit", str(folder)]) == 1
    out = capsys.readouterr()
    assert "akteure.csv" in out.out and "actor_group=verwaltung" in out.out
    assert "nicht veröffentlichen" in out.err
    assert main(["audit", str(tmp_path / "missing")]) == 2
    assert "kein Berichtsordner" in capsys.readouterr().err
    (tmp_path / "empty").mkdir()
    assert main(["audit", str(tmp_path / "empty")]) == 1  # nothing checked is no pass
    assert "nichts geprüft" in capsys.readouterr().err
    with pytest.raises(NotAReportError):
        audit(tmp_path / "empty")


def test_a_suppressed_lab_named_with_its_value_in_the_alt_text_is_found(tmp_path: Path):
    decision = privacy.Disclosure()
    frame = pd.DataFrame(
        {
            "unit_id": ["a", "b", "c"],
            "lab_label": ["Kehl", "Bremen", "Jena"],
            "n": [3, 40, 50],
            "score": [1.5, 3.0, 3.5],
        }
    )
    table = decision.protect(frame, groups=["unit_id"], fixed={"wave": 2}, keep=["lab_label"])
    folder = tmp_path / "r"
    folder.mkdir()
    write_tables({"labs": table}, folder, "Test")
    alt = "Mittelwerte je Labor. Größter Wert: Jena (3,5); kleinster: {} (1,5)."
    page = '<p class="privacy" data-k="5">k</p><figure id="labs"><img src="labs.png" alt="{}">'
    (folder / "index.html").write_text(page.format(alt.format("Kehl")), encoding="utf-8")
    # Kehl (3) is suppressed in the table: naming it with a value in the alt text is a leak
    assert [x.group for x in audit(folder)] == ["Kehl"]
    (folder / "index.html").write_text(
        page.format("Mittelwerte je Labor. Größter Wert: Jena (3,5)."), encoding="utf-8"
    )
    assert audit(folder) == []


def test_notebook_draws_with_one_context_share_one_decision(datasets: dict):
    from ogl_impact.reports import context, draw, find

    ds = datasets["four_from_the_mean"]
    ctx = context(ds, find(ds.periods, "pb"), reps=99)
    assert ctx.disclosure.planned  # decided over the report's figures before the first draw
    radar = draw(ds, "pb", "offenheit_radar", ctx=ctx)[0]
    dots = draw(ds, "pb", "offenheit_punkte", ctx=ctx)[0]
    hidden = set(radar.table.loc[radar.table["suppressed"], "unit_id"])
    assert hidden == set(dots.table.loc[dots.table["suppressed"], "unit_id"])
    assert LABS[0] in hidden and len(hidden) == 2
    assert "unterdrückt (n < 5)" in radar.caption and "unterdrückt (n < 5)" in radar.alt_text
    with pytest.raises(ValueError, match="another report"):
        draw(ds, "zb", "offenheit_radar", ctx=ctx)


# --- a lab hidden in one perspective and shown in another (issue 14, finding 1) ---------------


def _perspective_report(folder: Path, decision: privacy.Disclosure) -> Path:
    """Labs of one wave in two perspectives; the lab of 4 needs a different partner in each.

    In "p1" lab b (50) is the smallest other lab, in "p2" lab c (50): complementary
    suppression alone hides {a, b} in p1 and {a, c} in p2, so p1 leaves 54 and p2
    shows b with 51: 54 - 51 = 3 gives the lab of 4 (nearly the same people).
    """
    frame = pd.DataFrame(
        {
            "unit_id": ["a", "b", "c", "d"] * 2,
            "perspective": ["p1"] * 4 + ["p2"] * 4,
            "n": [4, 50, 50, 70, 4, 51, 50, 70],
            "score": [3.0, 2.5, 2.7, 3.1, 3.2, 2.4, 2.8, 3.0],
        }
    )
    frame["network_n"] = frame.groupby("perspective")["n"].transform("sum")
    frame["network_mean"] = 2.9

    def outputs() -> dict[str, pd.DataFrame]:
        return {
            "profil": decision.protect(
                frame, groups=["unit_id"], fixed={"wave": 3}, variables=["perspective"]
            )
        }

    outputs()
    tables = outputs()
    folder.mkdir(parents=True)
    write_tables(tables, folder, "Testbericht")
    (folder / "index.html").write_text(
        f'<html><body><p class="privacy" data-k="{decision.k}">k</p></body></html>',
        encoding="utf-8",
    )
    return folder


def test_a_lab_hidden_in_one_perspective_is_hidden_in_all(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    with monkeypatch.context() as m:
        m.setattr(privacy, "_CONSISTENT", False)
        folder = _perspective_report(tmp_path / "off", privacy.Disclosure())
        table = read_table(folder / "profil.csv")
        hidden = table[table["suppressed"] == "true"].groupby("perspective")["unit_id"].agg(set)
        assert hidden.to_dict() == {"p1": {"a", "b"}, "p2": {"a", "c"}}
        leaks = audit(folder)
    # the audit names the lab of 4: p1 leaves 54, minus b in p2 (51) = 3; p2 leaves 54,
    # minus c in p1 (50) = 4
    across = [x for x in leaks if x.kind == "across"]
    assert sorted((x.group, x.n) for x in across) == [
        ("unit_id=a, wave=3 · p1", 3.0),
        ("unit_id=a, wave=3 · p2", 4.0),
    ]
    assert all("unit_id=a" in x.group for x in across)
    assert "ableitbar über Perspektiven" in "\n".join(audit_module.leak_lines(leaks))
    # with the rule on, a lab is hidden in both perspectives or in neither
    folder = _perspective_report(tmp_path / "on", privacy.Disclosure())
    table = read_table(folder / "profil.csv")
    fate = table.groupby("unit_id")["suppressed"].agg(set)
    assert all(len(s) == 1 for s in fate), fate
    assert set(table.loc[table["suppressed"] == "true", "unit_id"]) == {"a", "b", "c"}
    assert audit(folder) == []


def test_a_lab_without_answers_in_one_perspective_does_not_betray_its_partner(tmp_path: Path):
    # lab a: 3 in p1, nobody in p2 ("keine Daten"); b is hidden beside it in p1
    frame = pd.DataFrame(
        {
            "unit_id": ["a", "b", "c"] * 2,
            "perspective": ["p1"] * 3 + ["p2"] * 3,
            "n": [3, 50, 60, 0, 50, 60],
            "score": [3.0, 2.5, 2.7, np.nan, 2.4, 2.8],
        }
    )
    frame["network_n"] = frame.groupby("perspective")["n"].transform("sum")
    frame["network_mean"] = 2.9
    d = privacy.Disclosure()
    d.protect(frame, groups=["unit_id"], fixed={"wave": 3}, variables=["perspective"])
    out = d.protect(frame, groups=["unit_id"], fixed={"wave": 3}, variables=["perspective"])
    b = out[out["unit_id"] == "b"]
    assert b["suppressed"].all() and b["n"].isna().all()
    a2 = out[(out["unit_id"] == "a") & (out["perspective"] == "p2")]
    # its 0 in p2 is withheld too: published, it would leave b alone in p2's rest (b = 50),
    # and the rest of p1 minus 50 would give a's 3 (second hostile test, F1)
    assert a2["note"].tolist() == [d.label] and a2["suppressed"].all()


# --- published tables the audit cannot read as it should (third hostile test, N6) ---------------

SURVEY_SOURCE = "Quelle: Befragung der Labore und Vergleichskommunen"
PAGE = '<html><body><p class="privacy" data-k="5">k</p></body></html>'


def _without(path: Path, *columns: str) -> None:
    """Delete columns from a published table, keeping its comment line (as a person would)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    comment = [x for x in lines if x.startswith("#")]
    table = read_table(path).drop(columns=list(columns))
    body = [";".join(table.columns)] + [";".join(r) for r in table.itertuples(index=False)]
    path.write_text("\n".join(comment + body) + "\n", encoding="utf-8")


def test_a_survey_table_without_its_suppressed_column_counts_every_row_as_shown(
    datasets: dict, built_on, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    # suppression off: the lab of 4 is in the tables with suppressed = false
    with monkeypatch.context() as m:
        m.setattr(privacy, "_ENABLED", False)
        folder = _published(datasets["four_from_the_mean"], tmp_path / "off", monkeypatch)
    for path in folder.glob("*.csv"):
        _without(path, "suppressed", "note")
    leaks = audit(folder)
    lab = [x for x in leaks if f"unit_id={LABS[0]}" in x.group and x.kind == "shown"]
    assert lab and {x.n for x in lab} == {4.0}
    assert {x.output for x in lab} >= {"offenheit_radar.csv", "offenheit_punkte.csv"}
    # suppression on: the hidden rows are empty, the same cut leaves a clean report
    folder = _copy_built(built_on, "four_from_the_mean", tmp_path / "on")
    for path in folder.glob("*.csv"):
        _without(path, "suppressed", "note")
    assert audit(folder) == []


def _folder(tmp_path: Path, tables: dict[str, tuple[str, str]]) -> Path:
    """A report folder of hand-written tables: name -> (comment line or "", CSV body)."""
    folder = tmp_path / "r"
    folder.mkdir(parents=True)
    for name, (comment, body) in tables.items():
        text = (f"# {comment}\n" if comment else "") + body
        (folder / f"{name}.csv").write_text(text, encoding="utf-8")
    (folder / "index.html").write_text(PAGE, encoding="utf-8")
    return folder


PROFILE = (
    "wave;lab_label;unit_id;perspective;score;n;network_mean;network_n\n"
    "3;Kehl;kehl;Transparenz;2,5;40;2,8;100\n"
    "3;Jena;jena;Transparenz;3,0;60;2,8;100\n"
)


@pytest.mark.parametrize(
    ("cut", "missing"),
    [
        ("n", "Spalte n fehlt"),
        ("network_n", "Spalte network_n fehlt neben network_mean"),
        ("unit_id", "Spalte unit_id fehlt neben lab_label"),
    ],
)
def test_a_survey_table_without_a_column_the_audit_needs_is_not_checkable(
    cut: str, missing: str, tmp_path: Path
):
    folder = _folder(tmp_path, {"profil": (f"Zahlen; {SURVEY_SOURCE}", PROFILE)})
    assert audit(folder) == []  # whole, the table is checked and clean
    _without(folder / "profil.csv", cut)
    leaks = audit(folder)
    assert [(x.output, x.kind) for x in leaks] == [("profil.csv", "unchecked")]
    assert missing in leaks[0].group
    assert "nicht prüfbar" in audit_module.leak_lines(leaks)[0]


def test_rows_that_no_column_tells_apart_are_not_checkable(tmp_path: Path):
    # the wave column deleted: lab kehl has 40 in wave 2 and 4 in wave 3, now the same group
    body = "lab_label;unit_id;score;n;suppressed\nKehl;kehl;2,5;40;false\nKehl;kehl;;;true\n"
    leaks = audit(_folder(tmp_path, {"labore": (SURVEY_SOURCE, body)}))
    assert [x.kind for x in leaks] == ["unchecked"]
    assert "unterscheiden" in leaks[0].group


def test_values_shown_without_their_n_are_not_checkable(tmp_path: Path):
    body = "wave;unit_id;score;n\n3;kehl;2,5;\n3;jena;3,0;60\n"
    leaks = audit(_folder(tmp_path, {"labore": (SURVEY_SOURCE, body)}))
    assert [(x.kind, x.group) for x in leaks] == [("unchecked", "Werte ohne n gezeigt")]
    # a hidden row (nothing shown, n empty) is no finding
    body = "wave;unit_id;score;n\n3;kehl;;\n3;jena;3,0;60\n3;bonn;3,1;70\n"
    assert audit(_folder(tmp_path / "b", {"labore": (SURVEY_SOURCE, body)})) == []


def test_the_source_is_read_from_the_comment_the_gallery_or_the_figure_name(tmp_path: Path):
    small = "lab_label;unit_id;n\nKehl;kehl;2\nJena;jena;40\n"
    # counts of labs' entries (indicators, partners): not respondents, not checked
    assert audit(_folder(tmp_path / "a", {"x": ("Quelle: Partnerliste der Labore", small)})) == []
    assert audit(_folder(tmp_path / "b", {"partner": ("", small)})) == []
    indicators = "Zahlen der Abbildung „Wirkungsmodelle“ (PB); Quelle: Indikatoren der Labore"
    assert audit(_folder(tmp_path / "c", {"wirkungsmodell_kehl": (indicators, small)})) == []
    # the survey, named in the comment (German or English) or by the figure's name
    for i, (name, comment) in enumerate(
        [
            ("x", SURVEY_SOURCE),
            ("x", "Numbers; source: survey of labs and comparison communes"),
            ("vertrauen_likert", ""),
        ]
    ):
        leaks = audit(_folder(tmp_path / f"s{i}", {name: (comment, small)}))
        assert [(x.kind, x.n) for x in leaks] == [("shown", 2.0)], name
    # ... or in the figure's caption in the gallery
    folder = _folder(tmp_path / "g", {"x": ("", small)})
    (folder / "index.html").write_text(
        PAGE.replace(
            "</body>", f'<figure id="x"><figcaption><p class="meta">{SURVEY_SOURCE}</p>'
            "</figcaption></figure></body>",
        ),
        encoding="utf-8",
    )  # fmt: skip
    assert [x.kind for x in audit(folder)] == ["shown"]
    # named nowhere: not checkable
    leaks = audit(_folder(tmp_path / "none", {"x": ("", small)}))
    assert [(x.kind, x.group) for x in leaks] == [("unchecked", "Quelle nicht angegeben")]


def test_the_audit_command_fails_on_a_table_it_cannot_check(tmp_path: Path, capsys):
    folder = _folder(tmp_path, {"profil": (SURVEY_SOURCE, PROFILE.replace(";n;", ";m;"))})
    assert main(["audit", str(folder)]) == 1
    out = capsys.readouterr()
    assert "profil.csv: Spalte n fehlt – nicht prüfbar" in out.out
    assert "nicht veröffentlichen" in out.err


def test_a_row_marked_suppressed_that_still_shows_its_n_counts_as_shown(tmp_path: Path):
    # the suppressed column set to true by hand on a row whose n (3) and score stay
    body = "wave;unit_id;score;n;suppressed\n3;kehl;2,5;3;true\n3;jena;3,0;60;false\n"
    leaks = audit(_folder(tmp_path, {"labore": (SURVEY_SOURCE, body)}))
    assert [(x.kind, x.n) for x in leaks] == [("shown", 3.0)]
    assert "unit_id=kehl" in leaks[0].group


# --- counts written into the published texts (fourth hostile test, R4-F3) ---------------------


@pytest.fixture(scope="module")
def built_pb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The survey figures of the project report, built from the embedded data (13 labs)."""
    with pytest.MonkeyPatch.context() as m:
        m.setattr(registry, "figures_of", lambda rid: tuple(n for n in SURVEY if n in _all(rid)))
        out = tmp_path_factory.mktemp("built") / "figures"
        _build(load(DEMO), out, formats=None)  # every format, as a user builds it
    assert audit(out / "pb") == []  # as built: nothing to find
    return out / "pb"


def _copy(built: Path, tmp_path: Path) -> Path:
    folder = tmp_path / "pb"
    shutil.copytree(built, folder)
    return folder


def _edit(path: Path, pattern: str, repl: str) -> None:
    """Change a published file by hand, as somebody editing it before publishing would."""
    text = path.read_text(encoding="utf-8")
    changed, found = re.subn(pattern, lambda m: m.group(0) + repl, text, count=1, flags=re.S)
    assert found == 1, pattern
    path.write_text(changed, encoding="utf-8")


def _lab_n(folder: Path, label: str) -> set[int]:
    table = read_table(folder / "offenheit_radar.csv")
    return {int(v) for v in table.loc[table["lab_label"] == label, "n"]}


# where a text is published: (file, pattern after which the tampered words are added)
PLACES = {
    "alt": ("index.html", r'<figure id="offenheit_radar"><img [^>]*alt="[^"]*?n = [\d.]+'),
    "caption": ("index.html", r'<figure id="offenheit_radar">.*?<strong>[^<]*</strong>'),
    "svg": ("offenheit_radar.svg", r"<desc>[^<]*"),
    # the footer drawn in the figure, kept by matplotlib as a comment beside its outlines
    "svg_footer": ("offenheit_radar.svg", r"<!-- n = [\d.]+"),
    "csv": ("offenheit_radar.csv", r"^# [^\n]*"),
}
FORMS = [
    "Bremen: n = 3",
    "Bremen (n=3)",
    "Bremen, N = 3",
    "Bremen: n: 3",
    "Bremen (n 3)",
    "Bremen: 3 Befragte",
    "Bremen: drei Befragte",  # numbers up to twelve are written as words in German prose
]


@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize("place", list(PLACES))
def test_a_small_group_written_into_a_published_text_is_found(
    place: str, form: str, built_pb: Path, tmp_path: Path
):
    folder = _copy(built_pb, tmp_path)
    name, pattern = PLACES[place]
    _edit(folder / name, pattern, f". {form}.")
    leaks = audit(folder)
    assert [(x.kind, x.n) for x in leaks] == [("text", 3.0)], leaks
    assert leaks[0].output.startswith(name)
    assert "Bremen" in leaks[0].group and form in leaks[0].group
    assert "im veröffentlichten Text" in audit_module.leak_lines(leaks)[0]


def test_an_alt_text_file_beside_the_figure_is_read_too(built_pb: Path, tmp_path: Path):
    folder = _copy(built_pb, tmp_path)
    (folder / "offenheit_radar.alt.txt").write_text(
        "Offenheitsprofil. Bremen: n = 4.", encoding="utf-8"
    )
    leaks = audit(folder)
    assert [(x.output, x.kind, x.n) for x in leaks] == [("offenheit_radar.alt.txt", "text", 4)]


def test_a_figure_n_in_the_gallery_line_replaced_by_a_small_one_is_found(
    built_pb: Path, tmp_path: Path
):
    folder = _copy(built_pb, tmp_path)
    page = folder / "index.html"
    text = page.read_text(encoding="utf-8")
    text, found = re.subn(
        r'(<figure id="offenheit_punkte">.*?<p class="meta">n = )[\d.]+',
        r"\g<1>3",
        text,
        count=1,
        flags=re.S,
    )
    assert found == 1
    page.write_text(text, encoding="utf-8")
    leaks = audit(folder)
    assert [(x.kind, x.n) for x in leaks] == [("text", 3.0)]
    assert "Galeriezeile zu offenheit_punkte" in leaks[0].output
    assert "alle Befragten der Abbildung offenheit_punkte" in leaks[0].group


def test_a_count_that_contradicts_the_figure_table_is_found(built_pb: Path, tmp_path: Path):
    shown = _lab_n(built_pb, "Bremen")
    assert shown and min(shown) >= 5
    # the lab's own n, as the table shows it: no finding
    folder = _copy(built_pb, tmp_path / "same")
    _edit(folder / "index.html", PLACES["alt"][1], f". Bremen: n = {max(shown)}.")
    assert audit(folder) == []
    # a different n (above k, so only the table betrays it), also with a thousands point
    for i, wrong in enumerate([max(shown) + 40, 1234]):
        folder = _copy(built_pb, tmp_path / f"wrong{i}")
        written = f"{wrong:,}".replace(",", ".")
        _edit(folder / "index.html", PLACES["alt"][1], f". Bremen: n = {written}.")
        leaks = audit(folder)
        assert [(x.kind, x.n) for x in leaks] == [("contradicts", float(wrong))], leaks
        assert "Bremen" in leaks[0].group
        assert "widerspricht der Datentabelle" in audit_module.leak_lines(leaks)[0]


def test_numbers_not_attached_to_a_group_are_no_finding(built_pb: Path, tmp_path: Path):
    folder = _copy(built_pb, tmp_path)
    words = (
        ". 13 Labore in 3 Wellen, 2022 bis 2024, Perspektiven p1-p7, Seite 4 von 12; "
        "Bremen (3,1); unterdrückt (n < 5), Gruppen unter 5 Befragten; weniger als k = 5 "
        "Befragte, unter fünf Befragten, keine Befragten, eine Befragung, einzelne Befragte. "
        "Insgesamt n = 1.234."
    )
    for name, pattern in PLACES.values():
        _edit(folder / name, pattern, words)
    assert audit(folder) == []


def test_a_suppressed_lab_named_with_a_count_above_k_is_found(built_on, tmp_path: Path):
    folder = _copy_built(built_on, "four_from_the_mean", tmp_path)
    table = read_table(folder / "offenheit_punkte.csv")
    hidden = table.loc[table["unit_id"] == LABS[0], "lab_label"].iloc[0]
    assert audit(folder) == []
    _edit(folder / "offenheit_punkte.svg", r"<desc>[^<]*", f" {hidden}: 12 Befragte.")
    leaks = audit(folder)
    assert [(x.output, x.kind, x.n) for x in leaks] == [
        ("offenheit_punkte.svg (Titel und Beschreibung)", "text", 12.0)
    ]
    assert hidden in leaks[0].group


# --- sixth hostile test: what the audit reads in its texts ----------------------------------


def test_a_count_followed_by_a_list_comma_is_read(built_pb: Path, tmp_path: Path):
    """A comma after a count ends a list item, it makes no decimal ("n = 4, Bremen: n = 68")."""
    folder = _copy(built_pb, tmp_path)
    _edit(folder / "index.html", PLACES["alt"][1], ". Je Labor: Bremen: n = 4, Kehl: n = 68.")
    leaks = audit(folder)
    assert [(x.kind, x.n) for x in leaks if x.kind == "text"] == [("text", 4.0)], leaks
    assert "Bremen" in leaks[0].group


FIGURE = '<figure id="offenheit_radar">'
# a small group written where only the first reading of the texts missed it: (file, old, new)
HIDING_PLACES = {
    "img title": ("index.html", FIGURE + "<img ", '<img title="Bremen: n = 4" '),
    "aria-label": (
        "index.html",
        FIGURE,
        '<figure id="offenheit_radar" aria-label="Bremen: n = 4">',
    ),
    "meta": ("index.html", "<head>", '<head><meta name="description" content="Bremen: n = 4">'),
    "comment": ("index.html", FIGURE, FIGURE + "<!-- Bremen: n = 4 -->"),
    # the count in the first of two images: the second one's alt must not replace it
    "first of two img": ("index.html", FIGURE + "<img ", FIGURE + '<img alt="Bremen: n = 4"><img '),
    "area alt": ("index.html", "<figcaption>", '<map><area alt="Bremen: n = 4"></map><figcaption>'),
    "text in the figure": ("index.html", "<figcaption>", "<p>Bremen: n = 4</p><figcaption>"),
    "svg aria-label": ("offenheit_radar.svg", "</svg>", '<g aria-label="Bremen: n = 4"></g></svg>'),
    "svg desc with id": (
        "offenheit_radar.svg",
        "</svg>",
        '<desc id="d">Bremen: n = 4</desc></svg>',
    ),
    "svg dc:description": (
        "offenheit_radar.svg",
        "</svg>",
        "<metadata><rdf:RDF><cc:Work><dc:description>Bremen: n = 4</dc:description>"
        "</cc:Work></rdf:RDF></metadata></svg>",
    ),
}


@pytest.mark.parametrize("place", list(HIDING_PLACES))
def test_every_attribute_comment_and_element_of_a_page_is_read(
    place: str, built_pb: Path, tmp_path: Path
):
    folder = _copy(built_pb, tmp_path)
    name, old, new = HIDING_PLACES[place]
    path = folder / name
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    leaks = audit(folder)
    assert [(x.kind, x.n) for x in leaks] == [("text", 4.0)], leaks
    assert leaks[0].output.startswith(name) and "Bremen" in leaks[0].group


def _add_lines(path: Path, after: int, *lines: str) -> None:
    rows = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join([*rows[:after], *lines, *rows[after:]]), encoding="utf-8")


def test_every_comment_line_and_text_column_of_a_table_is_read(built_pb: Path, tmp_path: Path):
    folder = _copy(built_pb, tmp_path / "comment")
    _add_lines(folder / "offenheit_radar.csv", 1, "# Bremen: n = 4\n")
    leaks = audit(folder)
    assert [(x.output, x.kind, x.n) for x in leaks] == [
        ("offenheit_radar.csv (Kommentarzeilen und Textspalten)", "text", 4.0)
    ], leaks
    # a column of remarks added by hand (the values beside it keep their n)
    folder = _copy(built_pb, tmp_path / "column")
    path = folder / "offenheit_radar.csv"
    rows = path.read_text(encoding="utf-8").splitlines()
    rows[1] += ";anmerkung"
    rows[2] += ";Bremen: n = 4"
    rows[3:] = [r + ";" for r in rows[3:]]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    leaks = audit(folder)
    assert [(x.kind, x.n) for x in leaks] == [("text", 4.0)], leaks


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("anhang/anmerkung.txt", "Bremen: n = 4\n"),
        ("anhang/tief/notiz.md", "# Notiz\n\nBremen: n = 4\n"),
        ("alt.json", '{"offenheit_radar": ["Bremen: n = 4"]}'),
        ("meta.xml", "<meta><note>Bremen: n = 4</note></meta>"),
        ("anhang/seite.htm", "<p title='Bremen: n = 4'>Anhang</p>"),
    ],
)
def test_every_text_file_under_the_report_folder_is_read(
    name: str, content: str, built_pb: Path, tmp_path: Path
):
    folder = _copy(built_pb, tmp_path)
    (folder / name).parent.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(content, encoding="utf-8")
    leaks = audit(folder)
    assert [(x.kind, x.n) for x in leaks] == [("text", 4.0)], leaks
    assert leaks[0].output.startswith(name)


def test_a_file_it_cannot_read_is_named_not_passed_over(
    built_pb: Path, tmp_path: Path, capsys: pytest.CaptureFixture
):
    folder = _copy(built_pb, tmp_path)
    (folder / "anhang").mkdir()
    (folder / "anhang" / "tabelle.pdf").write_bytes(b"%PDF-1.4 Bremen: n = 4")
    assert audit_module.unread(folder) == sorted(
        [*folder.glob("*.pdf"), *folder.glob("*.png"), folder / "anhang" / "tabelle.pdf"]
    )
    assert main(["audit", str(folder)]) == 0
    out = capsys.readouterr().out
    assert "nicht gelesen" in out and ".pdf" in out and "Text der SVG" in out


def test_the_audit_command_checks_every_report_folder_of_a_parent(
    built_pb: Path, tmp_path: Path, capsys: pytest.CaptureFixture
):
    parent = tmp_path / "figures"
    clean = _copy(built_pb, parent)
    leaky = shutil.copytree(clean, parent / "lab4" / "pb")
    assert main(["audit", str(parent)]) == 0
    out = capsys.readouterr().out
    assert "2 Berichtsordner geprüft: lab4/pb, pb" in out
    _edit(leaky / "index.html", PLACES["alt"][1], ". Bremen: n = 4.")
    assert main(["audit", str(parent)]) == 1
    out = capsys.readouterr().out
    assert f"{leaky}: index.html (Alternativtext zu offenheit_radar): Bremen" in out
    # a parent with a page of its own (reports/figures links its reports): each is audited
    (parent / "index.html").write_text("<p>Berichte: <a href='pb/'>pb</a></p>", encoding="utf-8")
    assert main(["audit", str(parent)]) == 1
    out = capsys.readouterr().out
    assert "3 Berichtsordner geprüft: figures selbst, lab4/pb, pb" in out
    assert f"{leaky}: index.html (Alternativtext zu offenheit_radar): Bremen" in out
    assert f"{parent}: index.html" not in out  # the report inside is not read twice
    # a folder without any report: nothing was checked, which is no pass
    (tmp_path / "leer" / "unter").mkdir(parents=True)
    (tmp_path / "leer" / "unter" / "x.csv").write_text("a;n\n1;2\n", encoding="utf-8")
    assert main(["audit", str(tmp_path / "leer")]) == 1
    err = capsys.readouterr()
    assert "nichts geprüft – kein Bericht in" in err.err
    assert "keine Gruppe unter k" not in err.out + err.err


def test_a_wave_count_may_be_its_total_and_thousands_may_be_spaced(built_pb: Path, tmp_path: Path):
    table = read_table(built_pb / "offenheit_radar.csv")
    totals = table["network_n"].map(int)
    assert totals.max() > table["n"].map(int).max()  # the network's n is no lab's n
    page = (built_pb / "index.html").read_text(encoding="utf-8")
    stated = re.search(r'<figure id="offenheit_radar">.*?n = ([\d.]+) · Quelle', page, re.S)
    figure_n = int(stated.group(1).replace(".", ""))  # the figure's n, as its gallery line says
    folder = _copy(built_pb, tmp_path)
    _edit(
        folder / "index.html",
        PLACES["alt"][1],
        f". Welle {WAVE}: n = {totals.max()}. Welle {WAVE}: n = {figure_n}. "
        f"Netzwerk-Mittel der Welle {WAVE} (n = {totals.min()}). "
        "Insgesamt n = 3 202 Befragte; insgesamt n = 3\u202f202; insgesamt n = 3\u00a0202.",
    )
    assert audit(folder) == []
    # a wave's count outside every n its table shows still contradicts it
    folder = _copy(built_pb, tmp_path / "wrong")
    _edit(folder / "index.html", PLACES["alt"][1], f". Welle {WAVE}: n = {totals.max() + 500}.")
    assert [x.kind for x in audit(folder)] == ["contradicts"]


@pytest.fixture(scope="module")
def built_hidden(built_on) -> tuple[Path, str]:
    """A report that hides a lab (its mean would follow from the network mean), and its label.

    The case four_from_the_mean as built once for the module (tests edit copies).
    """
    folder = built_on("four_from_the_mean")[0] / "pb"
    table = read_table(folder / "offenheit_punkte.csv")
    label = table.loc[table["unit_id"] == LABS[0], "lab_label"].iloc[0]
    assert audit(folder) == []
    return folder, label


def _hidden_places(label: str) -> dict[str, tuple[str, str, str]]:
    first = audit_module._first_part(label)
    words = label.split()
    # a label matplotlib wrapped over two text objects, each kept as a comment
    wrapped = f"<!-- {' '.join(words[:2])} -->\n<!-- {' '.join(words[2:])} (n = 50) -->"
    return {
        # in another figure's texts than the one that hides it
        "other figure's alt": ("index.html", PLACES["alt"][1], f". {label}: n = 50."),
        "the page": ("index.html", r"<body>", f"<p>{label}: n = 50</p>"),
        "count first": ("index.html", r"<body>", f"<p>Es antworteten n = 50 in {label}.</p>"),
        "first part": ("index.html", PLACES["alt"][1], f". {first}: n = 50."),
        "wrapped in the svg": ("offenheit_radar.svg", r"<svg[^>]*>", wrapped),
    }


@pytest.mark.parametrize(
    "place", ["other figure's alt", "the page", "count first", "first part", "wrapped in the svg"]
)
def test_a_count_of_a_hidden_lab_is_found_in_any_text_of_the_report(
    place: str, built_hidden: tuple[Path, str], tmp_path: Path
):
    built, label = built_hidden
    assert audit_module._first_part(label) != label and len(label.split()) > 2
    folder = _copy(built, tmp_path)
    name, pattern, words = _hidden_places(label)[place]
    _edit(folder / name, pattern, words)
    leaks = audit(folder)
    assert [(x.kind, x.n) for x in leaks] == [("text", 50.0)], leaks
    assert leaks[0].output.startswith(name)


def test_first_parts_of_labels_name_one_lab_each(built_pb: Path):
    frames = {p.stem: (read_table(p), True) for p in built_pb.glob("*.csv")}
    names = audit_module._names(frames)
    table = read_table(built_pb / "offenheit_radar.csv")
    labels = dict(zip(table["lab_label"], table["unit_id"], strict=False))
    marburg = next(lb for lb in labels if lb.startswith("Marburg-Biedenkopf,"))
    assert names["Marburg-Biedenkopf"] == labels[marburg]
    # a first part that is only a common word or too short is no name
    assert "Bad" not in names and "Marburg" not in names
    for name, unit in names.items():
        assert unit in labels.values(), name
