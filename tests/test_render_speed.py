"""The build's speed-ups change nothing but the time it takes.

The shared text-size cache, and saving a laid-out figure without matplotlib's
layout pass (each format drawn once).
"""

from __future__ import annotations

import contextlib
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


# --- savefig's layout pass on a figure laid out once ----------------------------------------


def _laid_out() -> plt.Figure:
    """A figure laid out as the build lays it out (constrained once, then frozen)."""
    from ogl_impact.reports.figures.base import saved_box

    fig = _figure()
    fig.saved_box = saved_box(fig, lambda below: fig.text(0.01, below.y0 - 0.2, "Quelle: Test"))
    return fig


def _saved(fig: plt.Figure, skip: bool, draws: list[int]) -> dict[str, bytes]:
    """Every format as the build writes it, counting the figure's draws (``draws``)."""
    out = {}
    for ext, options in FORMATS.items():
        buffer = io.BytesIO()
        cm = render._without_layout_pass(fig) if skip else contextlib.nullcontext()
        before = draws[0]
        with cm:
            fig.savefig(buffer, format=ext, bbox_inches=fig.saved_box, **options)
        draws.append(draws[0] - before)
        out[ext] = buffer.getvalue()
    return out


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Count every draw of a figure (first item: the total), painted or not."""
    draws = [0]
    real = matplotlib.figure.Figure.draw

    def draw(self, renderer):
        draws[0] += 1
        return real(self, renderer)

    monkeypatch.setattr(matplotlib.figure.Figure, "draw", draw)
    return draws


def test_a_laid_out_figure_is_drawn_once_per_format_and_the_files_are_the_same(counted) -> None:
    with house_style():
        fig = _laid_out()
        counted[:] = [0]
        plain = _saved(fig, skip=False, draws=counted)
        assert counted[1:] == [2, 2, 2]  # matplotlib's layout pass, then the file
        plt.close(fig)
        fig = _laid_out()
        counted[:] = [0]
        once = _saved(fig, skip=True, draws=counted)
        assert counted[1:] == [1, 1, 1]
        # the placeholder engine is back on the figure, and no draw is left patched on it
        assert type(fig.get_layout_engine()).__name__ == "PlaceHolderLayoutEngine"
        assert "draw" not in vars(fig)
        plt.close(fig)
    for ext in FORMATS:
        assert once[ext] == plain[ext], ext
    assert set(once) == {"png", "svg", "pdf"} and all(once.values())


def test_a_figure_not_laid_out_yet_keeps_the_layout_pass(counted) -> None:
    with house_style():
        fig = _figure()  # constrained layout still on: savefig must lay it out
        fig.saved_box = fig.get_tightbbox().padded(0.05)
        counted[:] = [0]
        _saved(fig, skip=True, draws=counted)
        plt.close(fig)
    assert counted[1:] == [2, 2, 2]
