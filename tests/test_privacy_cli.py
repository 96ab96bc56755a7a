"""The threshold at the command line: 5 by default, 3 or 4 only when allowed, never below 3."""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import pytest

from ogl_impact.cli import main
from ogl_impact.stats.masking import ThresholdBelowSafeWarning

from .conftest import DEMO


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--k", "4"], "--allow-k-below-5"),
        (["--k", "3"], "--allow-k-below-5"),
        (["--k", "2", "--allow-k-below-5"], "Mindestwert 3"),
        (["--k", "0"], "Mindestwert 3"),
    ],
)
def test_a_low_k_is_refused_with_exit_2_before_anything_is_written(
    args: list[str], message: str, tmp_path: Path, capsys
):
    out = tmp_path / "f"
    status = main(["figures", "--report", "sb1", "--data", str(DEMO), "--out", str(out), *args])
    err = capsys.readouterr().err
    assert status == 2
    assert message in err and "Traceback" not in err
    assert not out.exists()


def test_k_4_with_the_allowance_is_stated_in_the_gallery_and_every_footer(tmp_path: Path):
    out = tmp_path / "f"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        status = main(
            [
                "figures", "--report", "sb1", "--data", str(DEMO), "--out", str(out),
                "--k", "4", "--allow-k-below-5", "--jobs", "1", "--quiet",
                "--format", "svg",  # the footers are read from the SVG's text
            ]
        )  # fmt: skip
    assert status == 0
    # the k chosen with the flag reaches the library's summaries (the trust figure) without
    # the library's warning for a min_n below 5: the user has chosen it, every figure says so
    assert (out / "sb1" / "vertrauen_likert.csv").exists()
    assert not [w for w in caught if issubclass(w.category, ThresholdBelowSafeWarning)]
    page = (out / "sb1" / "index.html").read_text(encoding="utf-8")
    assert 'data-k="4"' in page and "unter dem Standard 5" in page
    svgs = sorted((out / "sb1").glob("*.svg"))
    assert svgs and not list((out / "sb1").glob("*.png"))  # only the format asked for
    assert all(f'<img src="{svg.name}"' in page for svg in svgs)  # the gallery shows them
    for svg in svgs:  # the footer is text in the SVG
        assert re.search(r"k = 4", svg.read_text(encoding="utf-8")), svg.name
    assert main(["audit", str(out / "sb1")]) == 0
