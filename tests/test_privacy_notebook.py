"""A notebook's tables share one suppression decision, in the order the notebook runs.

The finding this guards against (second hostile privacy test, notebook 4.0):
each table suppressed on its own. The change table over all labs hid a lab of
4 (primary) and a lab of 6 (complementary); the table of the lab of 6 alone,
shown by wave, then gave its n, and "alle" minus the shown labs minus that n
left the 4 respondents of the small lab.

The checks here read only what a table displays (the frames handed to
``present.table`` after the decision, and the HTML a notebook run shows) and
turn it into published groups on their own, without the package's
description of the frames; then they look for a group below k that is shown,
derivable as a shown total minus its shown parts (``privacy.derivations``),
or derivable across variables (a hidden part whose respondents are shown
with another variable).
"""

from __future__ import annotations

import json
import re
import shutil
import warnings
from html.parser import HTMLParser
from io import StringIO
from pathlib import Path

import nbformat
import numpy as np
import pandas as pd
import pytest
from nbclient import NotebookClient

import ogl_impact
from ogl_impact import present, privacy, stats

K = 5
SMALL, MIDDLE = "klein", "mittel"  # 4 and 6 respondents in wave 3
BIG = [f"lab{i}" for i in range(1, 6)]  # 10 to 14 respondents in each wave
ITEMS = ["tr_1", "tr_2", "tr_3"]
NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "4.0-ogl-survey-analysis.ipynb"


# --- hand-built data --------------------------------------------------------------------------


def _answers() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Labs of 10-14 and two small labs (4 and 6 in wave 3); half of wave 3 is panel."""
    rng = np.random.default_rng(7)
    size = {SMALL: (11, 4), MIDDLE: (12, 6), **{u: (10 + i, 14 - i) for i, u in enumerate(BIG)}}
    rows = []
    for unit, (before, after) in size.items():
        for wave, count in ((1, before), (3, after)):
            for i in range(count):
                # the first half of wave 3 answered wave 1 too (panel)
                rid = f"{unit}-{i}" if wave == 1 or i < count // 2 else f"{unit}-n{i}"
                level = rng.integers(2, 5)
                for item in ITEMS:
                    value = int(np.clip(level + rng.integers(-1, 2), 1, 5))
                    rows.append((rid, unit, wave, "buerger", item, value))
    responses = pd.DataFrame(
        rows, columns=["respondent_id", "unit_id", "wave", "actor_group", "item_id", "value"]
    )
    codebook = pd.DataFrame(
        {
            "item_id": ITEMS,
            "construct": "trust",
            "scale_min": 1,
            "scale_max": 5,
            "reverse_keyed": False,
            "value_labels": "1=gar nicht|5=voll",
        }
    )
    return responses, codebook


def _scores(responses: pd.DataFrame, codebook: pd.DataFrame) -> pd.DataFrame:
    labs = [SMALL, MIDDLE, *BIG]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return stats.score_table(responses, codebook, lab_units=labs, min_n=None)


def _overview(responses, codebook):
    """The change table over all labs, wave 1 against wave 3 (notebook 4.0, cell 12)."""
    return stats.change_by_unit(
        _scores(responses, codebook), "trust", before=1, after=3, min_n=K
    ), "change"


def _one_lab(kind: str, responses, codebook, lab: str):
    """A table of one lab by wave, made with each of the three library summaries."""
    mine = responses[responses["unit_id"] == lab]
    if kind == "likert_summary":
        return stats.likert_summary(mine, codebook, by=["wave"], min_n=K).shares, "lab_likert"
    if kind == "reliability_table":
        wave3 = mine[mine["wave"] == 3]
        return stats.reliability_table(wave3, codebook, min_n=K), "lab_reliability"
    frame = stats.change_by_unit(
        _scores(responses, codebook), "trust", before=1, after=3, units=[lab], min_n=K
    )
    return frame, "lab_change"


# --- what a reader sees, read back without the package's description --------------------------


def _groups(kind: str, frame: pd.DataFrame, lab: str | None = None):
    """Turn a displayed table into (shown {group: n}, hidden {group}); group = (dims, variable)."""
    shown, hidden = {}, set()

    def add(dims, variable, n, visible):
        nd = privacy.node(dims, variable)
        if visible and pd.notna(n):
            shown[nd] = max(shown.get(nd, 0.0), float(n))
        else:
            hidden.add(nd)

    for row in frame.to_dict("records"):
        visible = not bool(row.get("suppressed", False))
        if kind in ("change", "lab_change"):
            unit = row["unit_id"]
            if unit == "alle" and kind == "lab_change":
                unit = lab  # the total over one lab is that lab
            base = {} if unit == "alle" else {"unit_id": unit}
            add({**base, "wave": 1}, "trust", row["n_before"], visible)
            add({**base, "wave": 3}, "trust", row["n_after"], visible)
        elif kind == "lab_likert":
            add({"unit_id": lab, "wave": row["wave"]}, row["item_id"], row["n"], visible)
        elif kind == "lab_reliability":
            add({"unit_id": lab, "wave": 3}, row["construct"], row["n"], visible)
        elif kind == "likert_by_wave":
            add({"wave": row["wave"]}, row["item_id"], row["n"], visible)
        elif kind == "likert_by_unit":
            add({"unit_id": row["unit_id"], "wave": row["wave"]}, row["item_id"], row["n"], visible)
    return shown, hidden


def _leaks(outputs: list[tuple[str, pd.DataFrame, str | None]], k: int = K) -> list[str]:
    """Groups below k shown, derivable by subtraction, or derivable across variables."""
    shown: dict = {}
    hidden: set = set()
    for kind, frame, lab in outputs:
        s, h = _groups(kind, frame, lab)
        for nd, n in s.items():
            shown[nd] = max(shown.get(nd, 0.0), n)
        hidden |= h
    hidden -= set(shown)
    found = [f"shown {nd} n={n}" for nd, n in shown.items() if 0 < n < k]
    nodes = {**dict.fromkeys(hidden, 0.0), **shown}
    found += [f"derivable {t} -> {p}" for t, p in privacy.derivations(nodes, hidden, k)]
    # across variables: the rest of a total, minus the n its hidden parts show elsewhere
    for total, by_dim in privacy.parts_of(nodes).items():
        if total not in shown:
            continue
        for kids in by_dim.values():
            rest = shown[total] - sum(shown.get(c, 0.0) for c in kids)
            gone = [c for c in kids if c not in shown]
            elsewhere = {
                c: max(n for nd, n in shown.items() if nd[0] == c[0] and nd[1] != c[1])
                for c in gone
                if any(nd[0] == c[0] and nd[1] != c[1] for nd in shown)
            }
            if elsewhere and len(elsewhere) < len(gone):
                pinned = rest - sum(elsewhere.values())
                if 0 < pinned < k:
                    found.append(
                        f"across {total}: {pinned:g} left for {set(gone) - set(elsewhere)}"
                    )
    return found


def _complement(responses, codebook) -> str:
    frame, _ = _overview(responses, codebook)
    masked = frame.loc[frame["suppressed"] & (frame["unit_id"] != "alle"), "unit_id"]
    others = sorted(set(masked) - {SMALL})
    assert others == [MIDDLE], frame  # the data are built so that the lab of 6 is the complement
    return MIDDLE


def _show(frame: pd.DataFrame, dc: privacy.Disclosure) -> pd.DataFrame:
    """Display a table as a notebook does; return what it showed (the frame after the decision)."""
    html = present.table(frame, None, disclosure=dc).to_html()
    assert "respondent" not in html
    return dc.publish(frame)  # the same decision again: what the table above displayed


# --- the finding, and the fix -----------------------------------------------------------------

LAB_TABLES = ["likert_summary", "reliability_table", "change_by_unit"]


@pytest.mark.parametrize("kind", LAB_TABLES)
def test_tables_suppressed_one_by_one_give_the_small_lab_away(kind):
    """Without a shared decision the two tables together pin the lab of 4 (the finding)."""
    responses, codebook = _answers()
    lab = _complement(responses, codebook)
    overview, what = _overview(responses, codebook)
    detail, detail_kind = _one_lab(kind, responses, codebook, lab)
    leaks = _leaks([(what, overview, None), (detail_kind, detail, lab)])
    # the lab of 6 in the same variable (reliability) or in another (items, by wave)
    assert any("4 left" in leak or f"'{SMALL}'" in leak for leak in leaks), leaks


@pytest.mark.parametrize("kind", LAB_TABLES)
def test_overview_first_then_one_lab_protects(kind):
    responses, codebook = _answers()
    lab = _complement(responses, codebook)
    dc = privacy.Disclosure(K)
    overview, what = _overview(responses, codebook)
    detail, detail_kind = _one_lab(kind, responses, codebook, lab)
    outputs = [(what, _show(overview, dc), None), (detail_kind, _show(detail, dc), lab)]
    assert _leaks(outputs) == []
    # the complementary lab stays hidden in wave 3 in its own table too (same respondents)
    shown = outputs[1][1]
    wave3 = shown if "wave" not in shown else shown[shown["wave"] == 3]
    assert wave3["suppressed"].all()
    assert set(wave3["note"]) == {"unterdrückt (n < 5)"}


@pytest.mark.parametrize("kind", LAB_TABLES)
def test_one_lab_first_then_overview_refuses_with_advice(kind):
    """The reversed order: the lab of 6 was shown, so the overview cannot hide it."""
    responses, codebook = _answers()
    lab = _complement(responses, codebook)
    dc = privacy.Disclosure(K)
    detail, detail_kind = _one_lab(kind, responses, codebook, lab)
    outputs = [(detail_kind, _show(detail, dc), lab)]
    overview, what = _overview(responses, codebook)
    try:
        outputs.append((what, _show(overview, dc), None))
    except privacy.PrivacyError as error:
        message = str(error)
        assert f"unit_id={lab}" in message and "wave=3" in message
        assert "Übersicht" in message and "von oben" in message
    assert _leaks(outputs) == []
    # a refused table registers nothing: the lab's next table is decided as before
    again, _ = _one_lab(kind, responses, codebook, lab)
    assert not dc.publish(again)["suppressed"].all()


def test_complements_are_chosen_among_groups_not_yet_shown():
    """A total shown first, then one lab, then all labs: the complement is another lab."""
    responses, codebook = _answers()
    dc = privacy.Disclosure(K)
    by_wave = stats.likert_summary(responses, codebook, by=["wave"], min_n=K).shares
    outputs = [("likert_by_wave", _show(by_wave, dc), None)]
    detail, kind = _one_lab("likert_summary", responses, codebook, MIDDLE)
    outputs.append((kind, _show(detail, dc), MIDDLE))
    by_unit = stats.likert_summary(responses, codebook, by=["unit_id", "wave"], min_n=K).shares
    shown = _show(by_unit, dc)
    outputs.append(("likert_by_unit", shown, None))
    assert _leaks(outputs) == []
    wave3 = shown[shown["wave"] == 3]
    hidden = set(wave3.loc[wave3["suppressed"], "unit_id"])
    assert SMALL in hidden and MIDDLE not in hidden and len(hidden) == 2
    # without the decision the table by unit alone leaves the lab of 4 as the rest
    alone = [("likert_by_wave", by_wave, None), ("likert_by_unit", by_unit, None)]
    assert any("derivable" in leak for leak in _leaks(alone))


def test_a_hidden_group_stays_hidden_in_a_later_variable():
    responses, codebook = _answers()
    dc = privacy.Disclosure(K)
    overview, _ = _overview(responses, codebook)
    _show(overview, dc)
    later = stats.likert_summary(
        responses[responses["item_id"] == "tr_2"], codebook, items=["tr_2"],
        by=["unit_id", "wave"], min_n=K,
    ).shares  # fmt: skip
    shown = dc.publish(later)
    gone = shown.loc[shown["suppressed"], ["unit_id", "wave"]].astype(str).agg("/".join, axis=1)
    assert {f"{SMALL}/3", f"{MIDDLE}/3"} <= set(gone)


def test_a_frame_without_description_is_refused_naming_its_columns():
    responses, codebook = _answers()
    dc = privacy.Disclosure(K)
    people = responses.drop_duplicates(["respondent_id", "wave"])
    counts = people.groupby(["unit_id", "wave"], as_index=False).size()
    with pytest.raises(privacy.PrivacyError, match=r"unit_id, wave, size"):
        present.table(counts, None, disclosure=dc)
    # pd.concat of two summaries with different descriptions loses it: refused, not guessed
    a = stats.likert_summary(responses, codebook, by=["wave"], min_n=K).shares
    b = stats.likert_summary(responses, codebook, by=["unit_id"], min_n=K).shares
    with pytest.raises(privacy.PrivacyError, match="attrs"):
        present.table(pd.concat([a, b]), None, disclosure=dc)
    # a counted frame described by hand passes
    stats.groups.describe(counts, dims=["unit_id", "wave"], counts={"size": {}})
    assert "unterdrückt (n" in present.table(counts, None, disclosure=dc).to_html()


def test_the_description_survives_selection_and_filtering():
    responses, codebook = _answers()
    overview, _ = _overview(responses, codebook)
    chosen = overview[overview["unit_id"] != "lab1"][["unit_id", "n_before", "n_after", "change"]]
    dc = privacy.Disclosure(K)
    shown = dc.publish(chosen)
    assert shown.attrs["groups"]["dims"] == ["unit_id"]
    assert shown.loc[shown["unit_id"] == SMALL, "suppressed"].all()
    # the n a table needs cannot be selected away while its values stay
    with pytest.raises(privacy.PrivacyError, match="n_after"):
        dc.publish(overview[["unit_id", "n_before", "mean_after"]])


# --- notebook 4.0 on crafted data, run as Jupyter runs it ---------------------------------------


def _crafted(tmp: Path) -> Path:
    """The embedded data with 4 respondents of kehl in wave 3 (the rest of kehl removed)."""
    folder = tmp / "daten"
    shutil.copytree(ogl_impact.demo_path(), folder, ignore=shutil.ignore_patterns("truth"))
    path = folder / "responses.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    head = [line for line in lines if line.startswith("#")]
    body = pd.read_csv(StringIO("".join(lines[len(head) :])), sep=";", dtype=str,
                       keep_default_na=False)  # fmt: skip
    sel = (body["unit_id"] == "kehl") & (body["wave"] == "3")
    keep = list(dict.fromkeys(body.loc[sel, "respondent_id"]))[:4]
    body = body[~sel | body["respondent_id"].isin(keep)]
    with path.open("w", encoding="utf-8", newline="") as f:
        f.writelines(head)
        body.to_csv(f, sep=";", index=False)
    return folder


class _Tables(HTMLParser):
    """The tables of an HTML output as rows of cell texts (header row first)."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[list[list[str]]] = []
        self.cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append([])
        elif tag == "tr" and self.tables:
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self.cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self.cell is not None and self.tables:
            self.tables[-1][-1].append("".join(self.cell).strip())
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


def _html_tables(cell) -> list[pd.DataFrame]:
    out = []
    for o in cell.get("outputs", []):
        parser = _Tables()
        parser.feed(o.get("data", {}).get("text/html", ""))
        for rows in parser.tables:
            if rows:
                out.append(pd.DataFrame(rows[1:], columns=rows[0]))
    return out


def _count(value: object) -> float:
    text = str(value).replace(".", "").replace("−", "-")
    return float(text) if re.fullmatch(r"-?\d+", text) else np.nan


def test_notebook_4_with_the_complementary_lab_gives_no_group_away(tmp_path, monkeypatch):
    folder = _crafted(tmp_path)
    ds = ogl_impact.load(folder)
    names = present.lab_names(ds)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        scores = stats.score_table(
            ds.responses, ds.codebook, lab_units=ds.labs["lab_id"].tolist(), min_n=None
        )
    change = stats.change_by_unit(scores, "trust", before=1, after=3, min_n=K)
    hidden = change.loc[change["suppressed"] & (change["unit_id"] != "alle"), "unit_id"]
    lab = next(u for u in hidden if u != "kehl")  # the complementary lab of cell 12
    monkeypatch.delenv("MPLBACKEND", raising=False)
    nb = nbformat.read(NOTEBOOK, as_version=4)
    at = next(i for i, c in enumerate(nb.cells) if "parameters" in c.metadata.get("tags", []))
    cell = nbformat.v4.new_code_cell(f"LAB = {lab!r}\nDATA = {str(folder)!r}\nBOOTSTRAP_REPS = 99")
    nb.cells.insert(at + 1, cell)
    NotebookClient(nb, timeout=600, kernel_name="python3", allow_errors=True,
                   resources={"metadata": {"path": str(tmp_path)}}).execute()  # fmt: skip
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.output_type == "error"]
    assert not errors, [f"{e.ename}: {e.evalue}" for e in errors]
    by_name = {v: k for k, v in names.items()}
    outputs = []
    for c in nb.cells:
        if c.cell_type != "code":
            continue
        for t in _html_tables(c):
            cols = list(t.columns)
            suppressed = t.apply(lambda r: r.astype(str).str.contains("unterdrückt").any(), axis=1)
            if "n nachher" in cols:
                frame = pd.DataFrame({
                    "unit_id": t["Einheit"].map(lambda v: by_name.get(v, "alle")),
                    "n_before": t["n vorher"].map(_count),
                    "n_after": t["n nachher"].map(_count),
                    "suppressed": suppressed,
                })  # fmt: skip
                outputs.append(("change", frame, None))
            elif "Welle" in cols and "n" in cols and ("Wortlaut" in cols or "Item" in cols):
                item = t["Wortlaut"] if "Wortlaut" in cols else t["Item"]
                frame = pd.DataFrame(
                    {
                        "wave": t["Welle"].map(_count),
                        "item_id": item,
                        "n": t["n"].map(_count),
                        "suppressed": suppressed,
                    }
                )
                kind = "lab_likert" if "lab_likert" in c.source else "likert_by_wave"
                outputs.append((kind, frame, lab))
    kinds = [kind for kind, _, _ in outputs]
    assert kinds.count("change") == 1 and "lab_likert" in kinds, kinds
    assert _leaks(outputs) == []
    # the check is not vacuous: the lab's own table read as shown before the fix leaks
    raw = stats.likert_summary(
        ds.responses[ds.responses["unit_id"].astype(str) == lab], ds.codebook,
        items=ds.codebook.loc[ds.codebook["construct"] == "trust", "item_id"].tolist(),
        by=["wave"], min_n=K,
    ).shares  # fmt: skip
    # (the change table over all labs, the complementary lab hidden, and the lab's own table)
    before = [("change", change, None), ("lab_likert", raw, lab)]
    assert any("across" in leak for leak in _leaks(before)), _leaks(before)
    # the planned decision hides the lab's wave 3 from the start: its table says so
    lab_rows = next(frame for kind, frame, _ in outputs if kind == "lab_likert")
    assert lab_rows.loc[lab_rows["wave"] == 3, "suppressed"].all()
    assert (lab_rows["wave"] == 3).any()


def _with_communes(responses: pd.DataFrame) -> pd.DataFrame:
    """Add two comparison communes of 12 respondents in each wave."""
    extra = responses[responses["unit_id"] == "lab1"].copy()
    frames = [responses]
    for commune in ("dorf_a", "dorf_b"):
        part = extra.assign(unit_id=commune)
        part["respondent_id"] = commune + "-" + part["respondent_id"]
        frames.append(part)
    return pd.concat(frames, ignore_index=True)


def test_lab_comparison_cells_and_estimates_follow_the_decision():
    responses, codebook = _answers()
    data = _with_communes(responses)
    labs = [SMALL, MIDDLE, *BIG]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        scores = stats.score_table(data, codebook, lab_units=labs, min_n=None)
    comparison = stats.lab_comparison(scores, "trust", before=1, after=3, reps=99, min_n=K)
    dc = privacy.Disclosure(K)
    # the estimates rest on the cells: shown before them, they are refused
    with pytest.raises(privacy.PrivacyError, match="Zellen"):
        present.table(comparison.coefficients, None, disclosure=dc)
    # the labs' wave 3 is the same group as "alle" of the change table: same n, no clash
    overview = _show(stats.change_by_unit(scores, "trust", before=1, after=3, min_n=K), dc)
    cells = _show(comparison.table, dc)
    after = cells.set_index("term").loc["treated, after"]
    assert after["n"] == overview.set_index("unit_id").loc["alle", "n_after"]
    assert not cells["suppressed"].any()
    assert not dc.publish(comparison.coefficients)["suppressed"].any()
    # a decision that hid the labs' wave 3 before (here: registered below k) hides the
    # cell, every change and difference built on it, and the model estimates
    hid = privacy.Disclosure(K)
    hid.register({privacy.node({"is_lab": True, "wave": 3}, "trust"): 4})
    cells = hid.publish(comparison.table).set_index("term")
    assert cells.loc["treated, after", "suppressed"]
    assert cells.loc["treated, before", "suppressed"] == np.False_
    derived = ["treated, change", "comparison, change", "difference in differences"]
    assert cells.loc[derived, "suppressed"].all()
    assert cells.loc[derived, "estimate"].isna().all()
    for frame in (comparison.coefficients, comparison.bootstrap):
        shown = hid.publish(frame)
        assert shown["suppressed"].all() and shown["estimate"].isna().all()
        assert set(shown["note"]) == {"unterdrückt (n < 5)"}


def test_raw_overview_after_one_lab_is_protected_by_the_decision_alone():
    """min_n=None leaves every choice to the decision: it protects the reversed order."""
    responses, codebook = _answers()
    dc = privacy.Disclosure(K)
    detail, kind = _one_lab("likert_summary", responses, codebook, MIDDLE)
    outputs = [(kind, _show(detail, dc), MIDDLE)]
    with pytest.warns(UserWarning, match="min_n=None"):
        raw = stats.change_by_unit(
            _scores(responses, codebook), "trust", before=1, after=3, min_n=None
        )
    shown = _show(raw, dc)
    outputs.append(("change", shown, None))
    assert _leaks(outputs) == []
    hidden = set(shown.loc[shown["suppressed"], "unit_id"])
    assert SMALL in hidden and MIDDLE not in hidden and len(hidden) == 2
    # the raw frame shown one by one gives the lab of 4 away
    assert _leaks([("change", raw.assign(suppressed=False), None)])


# --- third hostile round: totals, "fehlend", models and re-runs rest on shown groups only ------

COMMUNES = ["dorf_a", "dorf_b"]


def _thin_answers() -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
    """Wave 3 of the labs is one lab of 3 (the tester's thinwave); communes of 12 in each wave."""
    rng = np.random.default_rng(11)
    size = {SMALL: (11, 3), **{u: (10 + i, 0) for i, u in enumerate(BIG)}}
    size |= {c: (12, 12) for c in COMMUNES}
    rows = []
    for unit, (before, after) in size.items():
        for wave, count in ((1, before), (3, after)):
            for i in range(count):
                level = rng.integers(1, 6)
                for item in ITEMS:
                    value = int(np.clip(level + rng.integers(-1, 2), 1, 5))
                    rows.append((f"{unit}-{wave}-{i}", unit, wave, "buerger", item, value))
    responses = pd.DataFrame(
        rows, columns=["respondent_id", "unit_id", "wave", "actor_group", "item_id", "value"]
    )
    _, codebook = _answers()
    return responses, codebook, [SMALL, *BIG]


def _thin_scores(responses, codebook, labs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return stats.score_table(responses, codebook, lab_units=labs, min_n=None)


def _respondents_table(scores: pd.DataFrame, dc: privacy.Disclosure) -> dict:
    """Notebook 4.0, cell 3: respondents by kind of unit and wave; returns the shown cells."""
    counts = scores.assign(n=1).groupby(["is_lab", "wave"], as_index=False, observed=True)["n"]
    frame = stats.groups.describe(counts.sum(), dims=["is_lab", "wave"])
    shown = _show(frame, dc)
    return {
        (bool(r["is_lab"]), int(r["wave"])): (np.nan if r["suppressed"] else r["n"])
        for r in shown.to_dict("records")
    }


def _rest_leaks(cells: dict, totals: list[tuple[str, float, list]], k: int = K) -> list:
    """A shown total over some cells of the respondents table, minus the shown ones, in 1..k-1.

    Each total is read as a group with the cells it covers as its parts (the
    variable ignored: the same respondents), so that ``privacy.derivations``
    applies; a covered cell not shown counts as hidden.
    """
    nodes, hidden = {}, set()
    for label, n, covered in totals:
        nodes[privacy.node({"cover": label})] = float(n)
        for key in covered:
            nd = privacy.node({"cover": label, "cell": str(key)})
            value = cells.get(key, np.nan)
            nodes[nd] = 0.0 if pd.isna(value) else float(value)
            if pd.isna(value):
                hidden.add(nd)
    return privacy.derivations(nodes, hidden, k)


def test_n1_a_grand_total_rests_on_shown_groups_only():
    responses, codebook, labs = _thin_answers()
    scores = _thin_scores(responses, codebook, labs)
    dc = privacy.Disclosure(K)
    cells = _respondents_table(scores, dc)
    assert pd.isna(cells[(True, 3)]) and cells[(False, 3)] == 24
    everyone = list(cells)
    # the finding: reliability over all respondents, minus the shown cells, leaves the 3
    raw = stats.reliability_table(responses, codebook, min_n=K)
    assert _rest_leaks(cells, [("alpha", raw["n"].iloc[0], everyone)])
    assert raw["n"].iloc[0] - np.nansum(list(cells.values())) == 3
    # the fix: only respondents of shown groups are analysed
    mine = dc.shown_rows(responses, labs=labs)
    assert not ((mine["unit_id"] == SMALL) & (mine["wave"] == 3)).any()
    assert mine.attrs["hidden_rows"] == 3 * len(ITEMS)
    fixed = _show(stats.reliability_table(mine, codebook, min_n=K), dc)
    assert fixed["n"].iloc[0] == np.nansum(list(cells.values()))
    assert _rest_leaks(cells, [("alpha", fixed["n"].iloc[0], everyone)]) == []


def test_n2_missing_plus_n_rests_on_shown_groups_only():
    responses, codebook, labs = _thin_answers()
    scores = _thin_scores(responses, codebook, labs)
    dc = privacy.Disclosure(K)
    cells = _respondents_table(scores, dc)

    def wave_totals(shares):
        rows = shares[(shares["wave"] == 3) & ~shares.get("suppressed", False)]
        return [(f"w3 {r['item_id']}", r["n"] + r["missing"], [(True, 3), (False, 3)])
                for r in rows.to_dict("records")]  # fmt: skip

    raw = stats.likert_summary(responses, codebook, by=["wave"], min_n=K).shares
    assert "missing" in raw and _rest_leaks(cells, wave_totals(raw))
    mine = dc.shown_rows(responses, labs=labs)
    shown = _show(stats.likert_summary(mine, codebook, by=["wave"], min_n=K).shares, dc)
    totals = wave_totals(shown)
    assert totals and all(n == 24 for _, n, _ in totals)
    assert _rest_leaks(cells, totals) == []


def test_n3_model_n_and_estimates_rest_on_shown_groups_only():
    responses, codebook, labs = _thin_answers()
    scores = _thin_scores(responses, codebook, labs)
    dc = privacy.Disclosure(K)
    cells = _respondents_table(scores, dc)
    four = [(True, 1), (False, 1), (True, 3), (False, 3)]

    def polr_n(answers):
        one = answers[answers["item_id"] == ITEMS[0]]
        one = one.assign(after=(one["wave"] == 3).map({True: "nach", False: "vor"}))
        return stats.proportional_odds(one, "value", ["after"]).coefficients["n"].iloc[0]

    assert _rest_leaks(cells, [("polr", polr_n(responses), four)])
    mine = dc.shown_rows(responses, labs=labs)
    assert _rest_leaks(cells, [("polr", polr_n(mine), four)]) == []
    # the labs' "after" effect would be the mean of the 3: no lab is left in wave 3 to estimate
    lab_scores = dc.shown_rows(scores)
    lab_scores = lab_scores[lab_scores["is_lab"]]
    assert set(lab_scores["wave"]) == {1}
    raw_labs = scores[scores["is_lab"] & scores["wave"].isin([1, 3])]
    assert _rest_leaks(cells, [("mixed", len(raw_labs), [(True, 1), (True, 3)])])


def test_n4_rerunning_the_setup_cell_keeps_the_decision():
    """Cells 3 and 12, then cell 3 again and the complementary lab's own table (cell 15)."""
    responses, codebook = _answers()
    lab = _complement(responses, codebook)
    key = ("4.0", "test-n4", id(responses))
    dc = privacy.Disclosure.for_notebook(key, K)
    overview, what = _overview(responses, codebook)
    outputs = [(what, _show(overview, dc), None)]
    again = privacy.Disclosure.for_notebook(key, K)  # the setup cell runs again
    assert again is dc
    detail, detail_kind = _one_lab("likert_summary", responses, codebook, lab)
    outputs.append((detail_kind, _show(detail, again), lab))
    assert _leaks(outputs) == []
    # a new decision there (the finding) shows the complementary lab and gives the small one away
    fresh = privacy.Disclosure(K)
    leaked = [*outputs[:1], (detail_kind, _show(detail, fresh), lab)]
    assert _leaks(leaked)
    # other data or another k: a decision of its own
    assert privacy.Disclosure.for_notebook(("4.0", "other", 1), K) is not dc
    assert privacy.Disclosure.for_notebook(key, 6).k == 6
    assert privacy.Disclosure.for_notebook(key, 6) is not dc


def test_shown_rows_without_is_lab_needs_the_labs_or_drops_the_whole_wave():
    responses, codebook, labs = _thin_answers()
    dc = privacy.Disclosure(K)
    _respondents_table(_thin_scores(responses, codebook, labs), dc)
    assert dc.hidden_groups() == [{"is_lab": "True", "wave": "3"}]
    # the answers have no is_lab: without the labs every row of wave 3 goes (never too few)
    assert 3 not in set(dc.shown_rows(responses)["wave"])
    kept = dc.shown_rows(responses, labs=labs)
    assert set(kept.loc[kept["wave"] == 3, "unit_id"]) == set(COMMUNES)


def _thin_folder(tmp: Path) -> Path:
    """The embedded data with only kehl among the labs in wave 3, 3 respondents of it."""
    folder = tmp / "duenn"
    shutil.copytree(ogl_impact.demo_path(), folder, ignore=shutil.ignore_patterns("truth"))
    labs = set(ogl_impact.load(folder).labs["lab_id"].astype(str))
    path = folder / "responses.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    head = [line for line in lines if line.startswith("#")]
    body = pd.read_csv(StringIO("".join(lines[len(head) :])), sep=";", dtype=str,
                       keep_default_na=False)  # fmt: skip
    wave3 = body["wave"] == "3"
    body = body[~(wave3 & body["unit_id"].isin(labs - {"kehl"}))]
    sel = (body["unit_id"] == "kehl") & (body["wave"] == "3")
    keep = list(dict.fromkeys(body.loc[sel, "respondent_id"]))[:3]
    body = body[~sel | body["respondent_id"].isin(keep)]
    with path.open("w", encoding="utf-8", newline="") as f:
        f.writelines(head)
        body.to_csv(f, sep=";", index=False)
    return folder


def test_notebook_4_on_a_thin_wave_shows_and_derives_no_small_group(tmp_path, monkeypatch):
    folder = _thin_folder(tmp_path)
    monkeypatch.delenv("MPLBACKEND", raising=False)
    nb = nbformat.read(NOTEBOOK, as_version=4)
    at = next(i for i, c in enumerate(nb.cells) if "parameters" in c.metadata.get("tags", []))
    params = f"LAB = 'kehl'\nDATA = {str(folder)!r}\nBOOTSTRAP_REPS = 99"
    nb.cells.insert(at + 1, nbformat.v4.new_code_cell(params))
    # the figure footers' n, read where the notebook computed them
    nb.cells.append(nbformat.v4.new_code_cell("print('FOOTER', n_answers)"))
    # the setup cell run again (N4): the same decision, the hidden group stays hidden
    setup = next(c.source for c in nb.cells if "for_notebook" in c.source)
    nb.cells.append(nbformat.v4.new_code_cell("first = dc"))
    nb.cells.append(nbformat.v4.new_code_cell(setup))
    nb.cells.append(nbformat.v4.new_code_cell("print('SAME', dc is first, len(dc.published))"))
    NotebookClient(nb, timeout=600, kernel_name="python3", allow_errors=True,
                   resources={"metadata": {"path": str(tmp_path)}}).execute()  # fmt: skip
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.output_type == "error"]
    assert not errors, [f"{e.ename}: {e.evalue}" for e in errors]
    text = "".join(o.get("text", "") for c in nb.cells for o in c.get("outputs", []))
    assert "nicht schätzbar – in Welle 1 oder Welle 3 kein gezeigtes Labor" in text
    assert "ohne unterdrückte Gruppen" in "".join(
        o.get("data", {}).get("text/html", "") for c in nb.cells for o in c.get("outputs", [])
    )
    cells: dict = {}
    totals: list = []
    small: list = []
    waves = [1, 2, 3]
    every = [(lab, w) for lab in (True, False) for w in waves]
    for c in nb.cells:
        if c.cell_type != "code":
            continue
        for t in _html_tables(c):
            cols = list(t.columns)
            n = t["n"].map(_count) if "n" in cols else None
            if "Art der Einheit" in cols:
                for kind, w, size in zip(
                    t["Art der Einheit"], t["Welle"].map(_count), n, strict=True
                ):
                    cells[(kind == "Labor", int(w))] = size
            elif "Konstrukt" in cols and "Cronbachs Alpha" in cols:
                totals += [(f"alpha {i}", size, every) for i, size in enumerate(n)]
            elif "fehlend" in cols:
                rest = n + t["fehlend"].map(_count)
                for w, size in zip(t["Welle"].map(_count), rest, strict=True):
                    if "lab_likert" in c.source:  # one lab by wave: a group of its own
                        small += [size] if pd.notna(size) else []
                    else:
                        totals.append((f"w{w:g}", size, [(True, int(w)), (False, int(w))]))
            elif "Term" in cols and n is not None:
                if "two_waves" in c.source:  # the mixed model: labs, waves 1 and 3
                    covered = [(True, 1), (True, 3)]
                elif "lab_scores" in c.source:  # the ICC: labs, every wave
                    covered = [(True, w) for w in waves]
                else:  # proportional odds, comparison: labs and communes, waves 1 and 3
                    covered = [(lab, w) for lab in (True, False) for w in (1, 3)]
                totals += [(f"model {c.source[:20]}", s, covered) for s in n.dropna()]
    same = [o.text for o in nb.cells[-1].outputs if o.get("text", "").startswith("SAME")]
    assert same and same[0].split()[1] == "True", same
    footer = [o.text for o in nb.cells[-4].outputs if o.get("text", "").startswith("FOOTER")]
    totals.append(("footer", float(footer[0].split()[1]), every))
    assert len(cells) == 6 and pd.isna(cells[(True, 3)]), cells
    assert sum(label.startswith("alpha") for label, _, _ in totals) >= 9
    assert any(label.startswith("model") for label, _, _ in totals)
    shown = [v for v in cells.values() if pd.notna(v)] + small
    shown += [size for _, size, _ in totals]
    assert not [v for v in shown if 0 < v < K]
    assert _rest_leaks(cells, totals) == []
    # not vacuous: the reliability n over all answers, as shown before the fix, is caught
    ds = ogl_impact.load(folder)
    raw = stats.reliability_table(ds.responses, ds.codebook, min_n=K)["n"].iloc[0]
    assert _rest_leaks(cells, [("raw", raw, every)])


def test_shown_rows_follows_actor_groups_and_chosen_units():
    """A hidden actor group drops only its rows; a hidden total over chosen units drops them."""
    frame = pd.DataFrame(
        {
            "unit_id": ["a", "a", "b", "c", "a"],
            "wave": [3, 3, 3, 3, 1],
            "actor_group": ["verwaltung", "buerger", "buerger", "buerger", "verwaltung"],
        }
    )
    dc = privacy.Disclosure(K)
    dc.register({privacy.node({"unit_id": "a", "wave": 3, "actor_group": "verwaltung"}): 2})
    dc.register({privacy.node({"unit_id": "a", "wave": 3, "actor_group": "buerger"}): 30})
    kept = dc.shown_rows(frame)
    # only the 2 of the administration of a in wave 3 go (no total: no complement needed)
    assert kept.index.tolist() == [1, 2, 3, 4]
    # a hidden unit in a wave takes all its actor groups with it
    whole = privacy.Disclosure(K)
    whole.register({privacy.node({"unit_id": "a", "wave": 3}): 4})
    assert whole.shown_rows(frame).index.tolist() == [2, 3, 4]
    chosen = privacy.Disclosure(K)
    chosen.register({privacy.node({"scope": "unit_id in b+c", "wave": 3}): 3})
    assert chosen.shown_rows(frame)["unit_id"].tolist() == ["a", "a", "a"]
    # nothing hidden: every row stays
    assert len(privacy.Disclosure(K).shown_rows(frame)) == len(frame)


# --- round 4: one plan for the whole notebook (R4-F1, R4-F2) ----------------------------------


def _few(tmp: Path, unit: str, wave: str, keep: int) -> Path:
    """The embedded data with only ``keep`` respondents of ``unit`` in ``wave``."""
    folder = tmp / f"{unit}_{wave}_{keep}"
    shutil.copytree(ogl_impact.demo_path(), folder, ignore=shutil.ignore_patterns("truth"))
    path = folder / "responses.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    head = [line for line in lines if line.startswith("#")]
    body = pd.read_csv(StringIO("".join(lines[len(head) :])), sep=";", dtype=str,
                       keep_default_na=False)  # fmt: skip
    sel = (body["unit_id"] == unit) & (body["wave"] == wave)
    chosen = list(dict.fromkeys(body.loc[sel, "respondent_id"]))[:keep]
    body = body[~sel | body["respondent_id"].isin(chosen)]
    with path.open("w", encoding="utf-8", newline="") as f:
        f.writelines(head)
        body.to_csv(f, sep=";", index=False)
    return folder


def _notebook(folder: Path, lab: str) -> tuple[nbformat.NotebookNode, int]:
    nb = nbformat.read(NOTEBOOK, as_version=4)
    at = next(i for i, c in enumerate(nb.cells) if "parameters" in c.metadata.get("tags", []))
    params = f"LAB = {lab!r}\nDATA = {str(folder)!r}\nBOOTSTRAP_REPS = 99"
    nb.cells.insert(at + 1, nbformat.v4.new_code_cell(params))
    return nb, at + 1


def _errors(nb) -> list[str]:
    return [
        f"{o.ename}: {o.evalue}"
        for c in nb.cells
        for o in c.get("outputs", [])
        if o.output_type == "error"
    ]


def _counts(cell) -> list[tuple[str, list[float]]]:
    """Every n-like column of the tables a cell shows (n, n vorher, fehlend, ...)."""
    out = []
    for t in _html_tables(cell):
        for col in t.columns:
            if col == "n" or col.startswith("n ") or col == "fehlend":
                out.append((col, t[col].map(_count).tolist()))
    return out


def test_r4_f1_a_commune_is_refused_as_lab_and_totals_agree(tmp_path, monkeypatch):
    """R4-F1: vk01 with 3 respondents in wave 3; LAB = vk01 once gave the 3 away.

    Before the plan, the lab-detail cell of the commune hid its wave 3 and the
    later cells dropped it: the Likert n of waves 1 and 3 printed earlier minus
    the proportional-odds n printed later was 3.
    """
    folder = _few(tmp_path, "vk01", "3", 3)
    monkeypatch.delenv("MPLBACKEND", raising=False)
    nb, _ = _notebook(folder, "vk01")
    NotebookClient(nb, timeout=600, kernel_name="python3", allow_errors=True,
                   resources={"metadata": {"path": str(tmp_path)}}).execute()  # fmt: skip
    errors = _errors(nb)
    assert errors and "kein Labor" in errors[0] and "vk01" in errors[0], errors
    # nothing after the refusal was shown
    assert not any(_html_tables(c) for c in nb.cells if c.cell_type == "code")
    # with a lab, the Likert n (first item, waves 1 + 3) and the model's n are the same people
    nb, _ = _notebook(folder, "brandis")
    NotebookClient(nb, timeout=600, kernel_name="python3", allow_errors=True,
                   resources={"metadata": {"path": str(tmp_path)}}).execute()  # fmt: skip
    assert not _errors(nb), _errors(nb)
    code = [c for c in nb.cells if c.cell_type == "code"]
    likert = next(t for c in code if "likert = stats.likert_summary" in c.source
                  for t in _html_tables(c))  # fmt: skip
    first = likert[likert.columns[1]].iloc[0]  # the item column (wording), first item
    rows = likert[(likert[likert.columns[1]] == first) & likert["Welle"].map(_count).isin([1, 3])]
    polr = next(t for c in code if "proportional_odds" in c.source for t in _html_tables(c))
    assert float(rows["n"].map(_count).sum()) == polr["n"].map(_count).dropna().iloc[0]


def test_r4_f2_another_lab_changes_no_total(tmp_path, monkeypatch):
    """R4-F2: kehl with 4 respondents in wave 2, seen only by its own lab-detail table.

    Run All with LAB = brandis, then LAB = kehl and every cell again in the same
    kernel: before the plan, the kehl table hid wave 2 and every later total
    lost its 4 (ICC n 2.255 -> 2.251 in the tester's data).
    """
    folder = _few(tmp_path, "kehl", "2", 4)
    monkeypatch.delenv("MPLBACKEND", raising=False)
    nb, at = _notebook(folder, "brandis")
    client = NotebookClient(nb, timeout=600, kernel_name="python3", allow_errors=True,
                            resources={"metadata": {"path": str(tmp_path)}})  # fmt: skip
    code = [i for i, c in enumerate(nb.cells) if c.cell_type == "code"]
    detail = next(i for i in code if "lab_likert" in nb.cells[i].source)
    with client.setup_kernel():
        for i in code:
            client.execute_cell(nb.cells[i], i)
        assert not _errors(nb), _errors(nb)
        first = {i: _counts(nb.cells[i]) for i in code if i != detail}
        nb.cells[at].source = nb.cells[at].source.replace("'brandis'", "'kehl'")
        for i in code[code.index(at) :]:
            client.execute_cell(nb.cells[i], i)
        assert not _errors(nb), _errors(nb)
        second = {i: _counts(nb.cells[i]) for i in code if i != detail}
    assert sum(len(v) for v in first.values()) >= 10
    icc = next(i for i in code if "icc_null_model(lab_scores" in nb.cells[i].source)
    assert first[icc], "the ICC table shows its n"
    assert first == second
    # kehl's own table names its wave 2 as suppressed instead of leaving it out
    waves = [t for t in _html_tables(nb.cells[detail])]
    assert waves
    table = waves[0]
    two = table[table["Welle"].map(_count) == 2]
    assert len(two) and two.apply(lambda r: r.astype(str).str.contains("unterdrückt").any(),
                                  axis=1).all()  # fmt: skip


def test_a_commune_set_as_lab_after_the_setup_is_refused_by_the_lab_cell(tmp_path, monkeypatch):
    """Round 5: LAB changed to a comparison commune after Run All, only the lab cell re-run.

    The setup cell's check did not run again, so the commune's answers were shown one by
    one (counts above k, but the page promises communes are never shown singly).
    """
    monkeypatch.delenv("MPLBACKEND", raising=False)
    nb, at = _notebook(ogl_impact.demo_path(), "brandis")
    client = NotebookClient(nb, timeout=600, kernel_name="python3", allow_errors=True,
                            resources={"metadata": {"path": str(tmp_path)}})  # fmt: skip
    code = [i for i, c in enumerate(nb.cells) if c.cell_type == "code"]
    detail = next(i for i in code if "lab_likert" in nb.cells[i].source)
    with client.setup_kernel():
        for i in code[: code.index(detail) + 1]:
            client.execute_cell(nb.cells[i], i)
        assert not _errors(nb), _errors(nb)
        assert _html_tables(nb.cells[detail])
        nb.cells[at].source = nb.cells[at].source.replace("'brandis'", "'vk01'")
        client.execute_cell(nb.cells[at], at)
        client.execute_cell(nb.cells[detail], detail)
    assert any("kein Labor" in e for e in _errors(nb)), _errors(nb)
    assert not _html_tables(nb.cells[detail])


def test_plan_decides_once_and_refuses_a_later_new_hiding():
    """Hand-built: a commune of 3 in wave 3 is hidden by the plan with a complement."""
    sizes_of = {"lab1": (9, 8), "lab2": (7, 9), "vk1": (8, 3), "vk2": (9, 6), "vk3": (10, 12)}
    rows = [
        (unit, wave, unit.startswith("lab"))
        for unit, sizes in sizes_of.items()
        for wave, size in zip((1, 3), sizes, strict=True)
        for _ in range(size)
    ]
    scores = pd.DataFrame(rows, columns=["unit_id", "wave", "is_lab"])
    dc = privacy.Disclosure(K)
    hidden = dc.plan(scores)
    # vk1 (3) and the smallest commune of wave 3 beside it (vk2, 6): the rest is 9, not 3
    assert hidden == [{"unit_id": "vk1", "wave": "3"}, {"unit_id": "vk2", "wave": "3"}]
    kept = dc.shown_rows(scores)
    assert len(scores) - len(kept) == 9
    # the commune's own table by wave: its wave 3 was planned away, nothing new
    own = kept[kept["unit_id"] == "vk3"].assign(n=1).groupby("wave", as_index=False)["n"].sum()
    own = stats.groups.describe(own, dims=["wave"], fixed={"unit_id": "vk3"})
    assert not dc.publish(own)["suppressed"].any()
    # a table that would hide a new group (lab2 in wave 1 with only 4 of a scale) is refused
    thin = pd.DataFrame({"unit_id": ["lab1", "lab2"], "n": [9, 4]})
    thin = stats.groups.describe(thin, dims=["unit_id"], fixed={"wave": 1}, variable="trust")
    before = set(dc.hidden)
    with pytest.raises(privacy.PrivacyError, match=r"Plan der Unterdrückung.*lab2"):
        dc.publish(thin)
    assert dc.hidden == before  # nothing of the refused table stays
    assert len(dc.shown_rows(scores)) == len(kept)
    # planning again (the setup cell run again) changes nothing
    assert dc.plan(scores) == hidden


def test_r4_f4_the_forest_plot_names_a_suppressed_lab_and_a_lab_without_data(tmp_path, monkeypatch):
    # kehl keeps 4 respondents in wave 3 (hidden by the plan); bremen has none in wave 1
    folder = _crafted(tmp_path)
    path = folder / "responses.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    kept = [x for x in lines if x.split(";")[1:3] != ["bremen", "1"]]
    path.write_text("".join(kept), encoding="utf-8")
    ds = ogl_impact.load(folder)
    assert not ((ds.responses["unit_id"] == "bremen") & (ds.responses["wave"] == 1)).any()
    names = present.lab_names(ds)
    monkeypatch.delenv("MPLBACKEND", raising=False)
    nb = nbformat.read(NOTEBOOK, as_version=4)
    at = next(i for i, c in enumerate(nb.cells) if "parameters" in c.metadata.get("tags", []))
    params = f"LAB = 'brandis'\nDATA = {str(folder)!r}\nBOOTSTRAP_REPS = 99"
    nb.cells.insert(at + 1, nbformat.v4.new_code_cell(params))
    png = tmp_path / "forest.png"
    nb.cells.append(
        nbformat.v4.new_code_cell(
            "import json\n"
            "words = {t.get_gid()[9:]: t.get_text() for t in ax.texts\n"
            "         if (t.get_gid() or '').startswith('estimate:')}\n"
            "ticks = [t.get_text().replace('\\n', ' ') for t in ax.get_yticklabels()]\n"
            "lines = [ln.get_gid() for ln in ax.lines if ln.get_gid()]\n"
            f"ax.figure.savefig({str(png)!r}, dpi=300, bbox_inches='tight')\n"
            "print('FOREST', json.dumps({'words': words, 'ticks': ticks, 'lines': lines}))"
        )
    )
    NotebookClient(nb, timeout=600, kernel_name="python3", allow_errors=True,
                   resources={"metadata": {"path": str(tmp_path)}}).execute()  # fmt: skip
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.output_type == "error"]
    assert not errors, [f"{e.ename}: {e.evalue}" for e in errors]
    out = next(o.text for o in nb.cells[-1].outputs if o.get("text", "").startswith("FOREST"))
    forest = json.loads(out.split(" ", 1)[1])
    words, ticks = forest["words"], forest["ticks"]
    # every lab is on the axis, in the programme's order, and "alle" last
    assert ticks[:-1] == [names[lab] for lab in ds.labs["lab_id"]] and len(ticks) == 14
    assert words[names["kehl"]] == "unterdrückt (n < 5)"
    assert words[names["bremen"]] == "keine Daten"
    # no interval for either, numbers for the rest
    assert names["kehl"] not in forest["lines"] and names["bremen"] not in forest["lines"]
    for label, said in words.items():
        if said not in ("unterdrückt (n < 5)", "keine Daten"):
            assert re.fullmatch(r"-?\d+,\d\d \[-?\d+,\d\d; -?\d+,\d\d\]", said), (label, said)
            assert label in forest["lines"]
    assert png.stat().st_size > 0
