"""The English run of notebook 4.0 draws the forest plot with English words only.

The notebook is run as papermill runs it (a cell with the parameters
injected after the parameters cell): ``LANG = "en"``. A cell appended at the
end reads the forest plot's title and the lines under it.
"""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
from nbclient import NotebookClient

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "4.0-ogl-survey-analysis.ipynb"
GERMAN = ("Veränderung", "Welle", "Befragung", "Quelle", "Labore", "synthetische")


def test_english_run_of_notebook_4_draws_the_forest_plot_in_english(tmp_path, monkeypatch):
    monkeypatch.delenv("MPLBACKEND", raising=False)
    nb = nbformat.read(NOTEBOOK, as_version=4)
    at = next(i for i, c in enumerate(nb.cells) if "parameters" in c.metadata.get("tags", []))
    injected = nbformat.v4.new_code_cell("LANG = 'en'\nBOOTSTRAP_REPS = 99")
    injected.metadata["tags"] = ["injected-parameters"]
    nb.cells.insert(at + 1, injected)
    nb.cells.append(
        nbformat.v4.new_code_cell(
            "import json\n"
            "print('FOREST', json.dumps({'title': ax.get_title(),\n"
            "      'texts': [t.get_text() for t in ax.figure.texts],\n"
            "      'estimates': [t.get_gid() or '' for t in ax.texts]}))"
        )
    )
    NotebookClient(nb, timeout=600, kernel_name="python3", allow_errors=True,
                   resources={"metadata": {"path": str(tmp_path)}}).execute()  # fmt: skip
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.output_type == "error"]
    assert not errors, [f"{e.ename}: {e.evalue}" for e in errors]
    out = next(o.text for o in nb.cells[-1].outputs if o.get("text", "").startswith("FOREST"))
    forest = json.loads(out.split(" ", 1)[1])
    assert any(g.startswith("estimate:") for g in forest["estimates"]), "not the forest plot"
    title, footer = forest["title"], " ".join(forest["texts"])
    assert title == "Change per lab, wave 1 → 3 (Hedges' g)", title
    assert "Source: Survey of labs and comparison communes" in footer, footer
    for word in GERMAN:
        assert word not in title and word not in footer, (word, title, footer)
