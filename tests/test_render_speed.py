"""The build's shared text-size cache changes nothing but the time it takes."""

from __future__ import annotations

import io

import matplotlib
import matplotlib.pyplot as plt
import matplotlib.text as mtext
import pytest
from matplotlib.backends.backend_agg import RendererAgg
from matplotlib.font_manager import FontProperties

from ogl_impact.plots.style import house_style
from ogl_impact.reports import render
from ogl_impact.reports.render import FORMATS, shared_text_metrics

matplotlib.use("agg")


def _figure() -> plt.Figure:
    fig, ax = plt.subplots(figsize=(6.3, 3.0), layout="constrained")
    ax.barh(["Kehl", "Bremen", "Landkreis Oberhavel"], [4.2, 2.1, 3.3], label="Mittelwert")
    ax.set_xlabel("Mittelwert (1-5), $n$ = 123")
    ax.set_title("Offenheit je Labor – Welle 2")
    ax.legend(loc="lower right")
    ax.annotate("höchster Wert", xy=(4.2, 0), xytext=(2.5, 1.5), arrowprops={"arrowstyle": "->"})
    return fig


def _files(fig: plt.Figure) -> dict[str, bytes]:
    out = {}
    for ext in ("svg", "pdf", "png"):  # vector formats first: both behind a mixed-mode renderer
        buffer = io.BytesIO()
        fig.savefig(buffer, format=ext, bbox_inches="tight", **FORMATS[ext])
        out[ext] = buffer.getvalue()
    return out


def test_files_are_byte_identical_with_and_without_the_shared_sizes() -> None:
    with house_style():
        fig = _figure()
        plain = _files(fig)
        plt.close(fig)
        render._METRICS.clear()
        with shared_text_metrics():
            fig = _figure()
            first = _files(fig)
            plt.close(fig)
            fig = _figure()  # a second figure reads every size from the cache
            second = _files(fig)
            plt.close(fig)
    assert render._METRICS, "the shared cache was not used"
    for ext in plain:
        assert first[ext] == plain[ext], ext
        assert second[ext] == plain[ext], ext


def test_sizes_are_kept_apart_by_renderer_kind_and_dpi() -> None:
    font = FontProperties(family="DejaVu Sans", size=8.5)
    direct = {
        dpi: RendererAgg(10, 10, dpi).get_text_width_height_descent("Kommune", font, False)
        for dpi in (100, 300)
    }
    assert direct[100] != direct[300]
    render._METRICS.clear()
    with shared_text_metrics():
        for dpi in (100, 300, 100):
            got = mtext._get_text_metrics_with_cache(
                RendererAgg(10, 10, dpi), "Kommune", font, False, dpi
            )
            assert got == direct[dpi]
    assert len(render._METRICS) == 2


def test_the_original_lookup_is_back_after_the_block_even_after_an_error() -> None:
    original = mtext._get_text_metrics_with_cache
    with pytest.raises(RuntimeError), shared_text_metrics():
        assert mtext._get_text_metrics_with_cache is not original
        raise RuntimeError("Abbildung fehlgeschlagen")
    assert mtext._get_text_metrics_with_cache is original
    with shared_text_metrics(), shared_text_metrics():  # nested: the inner one leaves it alone
        pass
    assert mtext._get_text_metrics_with_cache is original
