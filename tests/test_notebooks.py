"""Every notebook runs top to bottom on the embedded data, as Jupyter runs it.

The kernel is the ipykernel with Jupyter's default (inline) matplotlib
backend: no ``MPLBACKEND`` is passed on. A cell is injected after the
parameters cell, as papermill does, to keep the bootstrap small.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from ogl_impact.present import HEADERS
from ogl_impact.schemas import TABLES

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))
WITH_FIGURES = [p for p in NOTEBOOKS if not p.name.startswith("1.")]
FAST = {"BOOTSTRAP_REPS": 199}
# raw result columns whose German header differs: seen as a header, a table was not translated
RAW_HEADERS = sorted(c for c, (de, _) in HEADERS.items() if c != de and len(c) > 2)
# English status and method words of the model fits: a German table shows none of them
# (proper names such as REML, OLS, CR1, Newton-Raphson, Logit may stay)
ENGLISH_WORDS = re.compile(
    r"\b(converged|converge|Method|cumulative|link model|profiled|deviance|noncentral|"
    r"Failed|Hessian|dropped|logit|probit|binary|fixed effects|draws)\b"
)
# a perspective of openness by its id ("p5") instead of its name
PERSPECTIVE_ID = re.compile(r"\bp[1-7]\b")


def _inject(nb: nbformat.NotebookNode) -> None:
    at = next(i for i, c in enumerate(nb.cells) if "parameters" in c.metadata.get("tags", []))
    names = set(re.findall(r"^(\w+)\s*=", nb.cells[at].source, re.M))
    lines = [f"{k} = {v!r}" for k, v in FAST.items() if k in names]
    if lines:
        cell = nbformat.v4.new_code_cell("\n".join(lines))
        cell.metadata["tags"] = ["injected-parameters"]
        nb.cells.insert(at + 1, cell)


def _visible_text(output: nbformat.NotebookNode) -> str:
    """The text a reader sees: streams, and text/plain only where nothing richer is shown."""
    if output.output_type == "stream":
        return output.text
    data = output.get("data", {})
    rich = {"image/png", "text/html", "text/markdown", "image/svg+xml"}
    return "" if rich & set(data) else data.get("text/plain", "")


def _words(output: nbformat.NotebookNode) -> set[str]:
    """Every word of an output: streams, plain text and HTML."""
    data = output.get("data", {})
    text = output.get("text", "") + data.get("text/plain", "") + data.get("text/html", "")
    return set(re.findall(r"[A-Za-z0-9_-]+", text))


@functools.cache
def _pseudonyms() -> frozenset[str]:
    import ogl_impact

    return frozenset(map(str, ogl_impact.load_demo().responses["respondent_id"].unique()))


def _run(path: Path, tmp: Path, monkeypatch: pytest.MonkeyPatch) -> nbformat.NotebookNode:
    monkeypatch.delenv("MPLBACKEND", raising=False)
    nb = nbformat.read(path, as_version=4)
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code"), (
        "commit notebooks without outputs"
    )
    assert all(c.get("execution_count") is None for c in nb.cells if c.cell_type == "code"), (
        "commit notebooks without execution counts"
    )
    assert any("parameters" in c.metadata.get("tags", []) for c in nb.cells), (
        "a parameters cell is needed"
    )
    _inject(nb)
    NotebookClient(
        nb,
        timeout=600,
        kernel_name="python3",
        allow_errors=True,
        resources={"metadata": {"path": str(tmp)}},
    ).execute()
    return nb


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_runs_and_shows_figures_and_german_tables(
    path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    nb = _run(path, tmp_path, monkeypatch)
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    errors = [f"{o.ename}: {o.evalue}" for o in outputs if o.output_type == "error"]
    assert not errors
    # no warning text under a cell: a deliberate call is silenced there, with the reason
    stderr = [o.text for o in outputs if o.output_type == "stream" and o.name == "stderr"]
    assert not stderr, (path.name, stderr[:1])
    # figures are images, never their text repr
    texts = [_visible_text(o) for o in outputs]
    assert not [t for t in texts if "<Figure size" in t]
    for o in outputs:
        if "<Figure size" in o.get("data", {}).get("text/plain", ""):
            assert "image/png" in o["data"]
    images = [o for o in outputs if "image/png" in o.get("data", {})]
    if path in WITH_FIGURES:
        assert images, f"{path.name} shows no figure"
    # tables: German headers, no raw result columns, no respondent ids
    for o in outputs:
        html = o.get("data", {}).get("text/html", "")
        heads = {h.strip() for h in re.findall(r"<th\b[^>]*>(.*?)</th>", html, re.S)}
        assert not heads & set(RAW_HEADERS), (path.name, sorted(heads & set(RAW_HEADERS)))
        assert "respondent" not in html
        # German words, names instead of ids, and the method of each column named
        body = [
            re.sub(r"<[^>]+>", "", d).strip()
            for d in re.findall(r"<td\b[^>]*>(.*?)</td>", html, re.S)
        ]
        english = sorted({m for t in [*heads, *body] for m in ENGLISH_WORDS.findall(t)})
        assert not english, (path.name, english)
        assert not [t for t in body if PERSPECTIVE_ID.search(t)], path.name
        assert not set(body) & set(TABLES), (path.name, sorted(set(body) & set(TABLES)))
        if {"p (CR1)", "p (Bootstrap)"} <= heads:
            assert "Verfahren" not in heads, (path.name, "which method?", sorted(heads))
    # no respondent pseudonym in any output, whatever the column is called
    shown = {w for o in outputs for w in _words(o)}
    assert not shown & _pseudonyms(), (path.name, sorted(shown & _pseudonyms())[:3])
    # no table is left as a raw DataFrame (the impact model has its own German view)
    for c in nb.cells:
        for o in c.get("outputs", []):
            plain = o.get("data", {}).get("text/plain", "")
            if "text/html" in o.get("data", {}):
                assert "Styler" in plain or plain.startswith("Wirkungsmodell"), c.source


def test_there_are_notebooks():
    assert NOTEBOOKS
    assert {p.name[:3] for p in WITH_FIGURES} == {"2.0", "3.0", "4.0", "5.0", "6.0"}


# frames with one row per respondent (raw or masked); shown only as protected summaries
RESPONDENT_FRAMES = (
    r"(?:stats\.)?score_table\(|scores\b|lab_scores\b|responses\b|answered\b|ds\.responses\b"
)
SHOWN = re.compile(rf"\b(?:table|show|display|print)\(\s*(?:{RESPONDENT_FRAMES})")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_no_notebook_displays_respondent_rows(path: Path):
    """A score table or the answers are model inputs; a cell never displays their rows."""
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        assert not SHOWN.search(cell.source), (path.name, cell.source)
        lines = [line for line in cell.source.splitlines() if line.strip()]
        last = lines[-1] if lines else ""
        # a bare frame (or its head) as the last line is displayed by Jupyter
        assert not re.fullmatch(rf"(?:{RESPONDENT_FRAMES})[\w.\[\]\"', ()]*", last), (
            path.name,
            last,
        )
