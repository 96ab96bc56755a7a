"""Report registry, dates, the scripted build (reproducible, atomic, private) and its CLI."""

import hashlib
import os
import re
import subprocess
import sys
from dataclasses import replace
from datetime import date
from pathlib import Path
from types import MappingProxyType

import numpy as np
import pandas as pd
import pytest

from ogl_impact.cli import main
from ogl_impact.reports import FIGURES, as_of, build, context, find, reports
from ogl_impact.reports.render import draw_spec

BIN = Path(sys.executable).parent


def _digest(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_registry_takes_report_dates_from_the_periods_table(demo):
    got = {r.report_id: r.until for r in reports(demo.periods)}
    assert list(got) == ["sb1", "sb2", "sb3", "zb", "sb4", "sb5", "sb6", "pb"]
    assert got["sb1"] == date(2020, 10, 30)
    assert got["zb"] == date(2021, 6, 30)
    assert got["pb"] == date(2022, 11, 30)
    with pytest.raises(ValueError, match="known: sb1"):
        find(demo.periods, "sb9")


def test_as_of_drops_everything_after_the_date(demo):
    sb3 = as_of(demo, find(demo.periods, "sb3").until)
    assert sb3.responses["wave"].max() == 1  # wave 2 ended June 2021
    assert set(sb3.indicator_values["period_id"]) <= {"sb1", "sb2", "sb3"}
    assert "zb" not in set(sb3.periods["period_id"])
    assert len(demo.responses) > len(sb3.responses)  # the original is unchanged
    pb = as_of(demo, find(demo.periods, "pb").until)
    assert pb.responses["wave"].max() == 3


@pytest.fixture(scope="module")
def built(demo, tmp_path_factory):
    out = tmp_path_factory.mktemp("figures")
    files = build(demo, out, report_ids=["sb4"], reps=999)
    return out, files


def test_build_writes_every_format_and_a_gallery(built, demo):
    out, _files = built
    folder = out / "sb4"
    names = {p.name for p in folder.iterdir()}
    for figure in ("wirkungstreppe", "zielerreichung", "vertrauen_likert", "effekte"):
        assert {f"{figure}.png", f"{figure}.svg", f"{figure}.pdf"} <= names
    html = (folder / "index.html").read_text(encoding="utf-8")
    assert "Sachstandsbericht 4" in html and "synthetische Demodaten" in html
    # the report's date limits its periods and waves, not the corrections drawn (which a
    # Korrekturvermerk may date after it): it is a reference date, not a "Datenstand"
    until = demo.periods.set_index("period_id").at["sb4", "end"]
    assert (
        f'Stichtag: <time datetime="{until:%Y-%m-%d}">{until:%d.%m.%Y}</time> '
        "(Berichtszeiträume und Befragungswellen bis zu diesem Tag" in html
    )
    assert "Datenstand" not in html
    assert "n = " in html and "Quelle" in html
    # the full data support every figure: nothing is listed as not estimable
    assert "nicht schätzbar" not in html and "not-estimable" not in html
    assert (out / "index.html").exists()
    assert not list(out.glob(".*staging"))
    from PIL import Image

    with Image.open(folder / "effekte.png") as im:
        assert round(im.info["dpi"][0]) == 300
    # no respondent id reaches any written text
    ids = set(demo.responses["respondent_id"].astype(str).unique()[:2000])
    for path in folder.glob("*.html"):
        text = path.read_text(encoding="utf-8")
        assert not any(i in text for i in ids)


def test_second_build_is_byte_identical(built, demo, tmp_path):
    out, _ = built
    again = tmp_path / "again"
    build(demo, again, report_ids=["sb4"], reps=999, jobs=2)
    assert _digest(out / "sb4") == _digest(again / "sb4")


def test_a_build_of_chosen_formats_writes_the_same_files_and_links_only_them(built, demo, tmp_path):
    out, files = built
    svg_only = build(demo, tmp_path / "svg", report_ids=["sb4"], reps=999, formats=["svg"])
    folder, full = tmp_path / "svg" / "sb4", out / "sb4"
    written = {p.name for p in folder.iterdir()} - {".ogl-impact-output"}
    expected = {p.name for p in files if p.parent == full and p.suffix not in {".png", ".pdf"}}
    assert written == expected and len(written) > 8
    assert {p.name for p in svg_only if p.parent == folder} == written
    # each file is the one of the build of every format
    for name in written - {"index.html"}:
        assert (folder / name).read_bytes() == (full / name).read_bytes(), name
    # the gallery shows the SVG and links only what was written
    page = (folder / "index.html").read_text(encoding="utf-8")
    assert ".png" not in page and ".pdf" not in page
    images = re.findall(r'<img src="([^"]+)"', page)
    assert images and all(name.endswith(".svg") and name in written for name in images)
    linked = set(re.findall(r'<a href="([^"/]+)">', page))
    assert linked and linked <= written
    # the same page as the full build's, but for the image and the links
    strip = re.compile(
        r'(<img src="[^"]+"|<a href="[^"]+\.(png|pdf)">(?:PNG|PDF)<span[^<]*</span></a> · )'
    )
    full_page = (full / "index.html").read_text(encoding="utf-8")
    assert strip.sub("", full_page) == strip.sub("", page)


@pytest.mark.parametrize(
    ("formats", "message"),
    [
        (["jpg"], r"Unbekanntes Bildformat 'jpg'; möglich: png, svg, pdf"),
        (["PNG"], r"Unbekanntes Bildformat 'PNG'"),
        (["pdf"], r"Die Galerie zeigt PNG oder SVG"),
        ([], r"Die Galerie zeigt PNG oder SVG"),
    ],
)
def test_a_build_refuses_formats_it_cannot_write_before_writing_anything(
    demo, tmp_path, formats, message
):
    with pytest.raises(ValueError, match=message):
        build(demo, tmp_path / "f", report_ids=["sb1"], reps=9, formats=formats)
    assert not (tmp_path / "f").exists()


def test_failed_build_leaves_earlier_figures_intact(built, demo, monkeypatch):
    out, _ = built
    before = _digest(out / "sb4")

    def broken(ctx):
        raise RuntimeError("simulated failure")

    monkeypatch.setitem(FIGURES, "meilensteine", replace(FIGURES["meilensteine"], data=broken))
    with pytest.raises(RuntimeError, match="simulated"):
        build(demo, out, report_ids=["sb4"], reps=999)
    assert _digest(out / "sb4") == before
    assert not list(out.glob(".*staging"))


def test_reports_before_the_second_wave_leave_out_the_change(demo):
    ctx = context(demo, find(demo.periods, "sb3"), reps=99)
    assert draw_spec("effekte", ctx) == []


def test_a_lab_below_the_threshold_never_appears(demo):
    zb = find(demo.periods, "zb")
    r = demo.responses
    lab_wave2 = r[(r["unit_id"] == "bremen") & (r["wave"] == 2)]
    keep_ids = set(lab_wave2["respondent_id"].unique()[:4])
    smaller = r[
        ~((r["unit_id"] == "bremen") & (r["wave"] == 2)) | r["respondent_id"].isin(keep_ids)
    ]
    tables = dict(demo.tables)
    tables["responses"] = smaller.reset_index(drop=True)
    tempting = replace(demo, tables=MappingProxyType(tables))
    ctx = context(tempting, zb)
    (drawn,) = draw_spec("offenheit_radar", ctx)
    drawn_labs = {
        ax.get_title().replace("\n", " ")
        for ax in drawn.figure.axes
        if "lab" in {ln.get_gid() for ln in ax.lines}
    }
    assert not any("Bremen" in t for t in drawn_labs)
    # complementary suppression: one more lab is hidden with it
    labs_with_data = 10  # labs that were surveyed in wave 2
    assert len(drawn_labs) == labs_with_data - 2
    (dots,) = draw_spec("offenheit_punkte", ctx)
    bremen = next(ax for ax in dots.figure.axes if "Bremen" in ax.get_title())
    lab_points = next(c for c in bremen.collections if c.get_gid() == "lab")
    assert np.ma.getmaskarray(lab_points.get_offsets()).all()  # masked: nothing drawn


def _run(*args, cwd):
    env = dict(os.environ, PYTHONWARNINGS="ignore")
    return subprocess.run(
        [str(BIN / "ogl-impact"), "figures", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
    )


def test_cli_builds_a_report_with_progress(tmp_path):
    demo_dir = Path(__file__).resolve().parents[1] / "data" / "raw"
    res = _run(
        "--report",
        "sb1",
        "--data",
        str(demo_dir),
        "--out",
        str(tmp_path / "f"),
        "--jobs",
        "1",
        cwd=tmp_path,
    )
    assert res.returncode == 0, res.stderr
    assert "sb1/wirkungstreppe: ok" in res.stdout
    assert "sb1/effekte: keine Daten zu diesem Zeitpunkt" in res.stdout
    assert (tmp_path / "f" / "sb1" / "index.html").exists()


def test_a_report_named_twice_is_built_once_and_not_emptied(tmp_path):
    # `--report sb1 --report sb1` staged the report twice; the second swap put an empty
    # folder in place of the first (and of an earlier good build), with exit status 0
    demo_dir = Path(__file__).resolve().parents[1] / "data" / "raw"
    out = tmp_path / "f"
    args = ("--data", str(demo_dir), "--out", str(out), "--jobs", "1", "--quiet")
    assert _run("--report", "sb1", *args, cwd=tmp_path).returncode == 0
    once = sorted(p.name for p in (out / "sb1").iterdir())
    res = _run("--report", "sb1", "--report", "sb1", *args, cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    assert sorted(p.name for p in (out / "sb1").iterdir()) == once
    assert "index.html" in once


def _main(capsys, *args) -> tuple[int, str]:
    """``ogl-impact figures ARGS`` in this process: the exit status and what went to stderr."""
    capsys.readouterr()
    try:
        status = main(["figures", *args])
    except SystemExit as stop:  # argparse's refusal: the process would end with its code
        status = stop.code
    return status, capsys.readouterr().err


def test_cli_refuses_bad_arguments_and_bad_data(tmp_path, mini, capsys, monkeypatch):
    demo_dir = Path(__file__).resolve().parents[1] / "data" / "raw"
    # a real process: the refusal is its exit status and a sentence on stderr, no traceback
    res = _run(
        "--report", "sb9", "--data", str(demo_dir), "--out", str(tmp_path / "f"), cwd=tmp_path
    )
    assert res.returncode == 2 and "sb9" in res.stderr and "Traceback" not in res.stderr
    # the other refusals in this process (the same main as the command runs)
    monkeypatch.chdir(tmp_path)
    status, err = _main(
        capsys, "--all", "--k", "2", "--data", str(demo_dir), "--out", str(tmp_path / "f")
    )
    assert status == 2 and "minimum of 3" in err
    # a format choice without an image the gallery can show: refused before anything is read
    status, err = _main(
        capsys, "--all", "--format", "pdf", "--data", str(demo_dir), "--out", str(tmp_path / "f")
    )
    assert status == 2 and "--format png oder --format svg fehlt" in err
    assert "Traceback" not in err and not (tmp_path / "f").exists()
    status, err = _main(capsys, "--all", "--format", "jpg", "--out", str(tmp_path / "f"))
    assert status == 2 and "invalid choice: 'jpg'" in err
    # typed in capitals: understood (and here still refused for lack of PNG/SVG)
    pdf = ("--format", "PDF", "--data", str(demo_dir), "--out", str(tmp_path / "f"))
    status, err = _main(capsys, "--all", *pdf)
    assert status == 2 and "--format png oder --format svg fehlt" in err
    lines = (mini / "waves.csv").read_text(encoding="utf-8").splitlines()
    lines[2] = lines[2].replace("2020-04-01", "kein Datum")
    (mini / "waves.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    status, err = _main(capsys, "--all", "--data", str(mini), "--out", str(tmp_path / "f"))
    assert status == 1 and "waves.csv" in err and "Traceback" not in err
    assert not (tmp_path / "f").exists()


def test_figure_tables_write_days_as_dates(tmp_path):
    """A deadline or period end is a day: „2020-11-13“, not „2020-11-13 00:00:00“."""
    from ogl_impact.reports.render import _days_as_dates
    from ogl_impact.write import write_tables

    frame = pd.DataFrame(
        {
            "deadline": pd.to_datetime(["2020-11-13", None]),
            "received": pd.to_datetime(["2020-11-13 14:30", "2020-11-14 00:00"]),
        }
    )
    (path,) = write_tables({"t": _days_as_dates(frame)}, tmp_path, "Test")
    rows = path.read_text(encoding="utf-8").splitlines()[2:]
    # a column with times keeps them in every row
    assert rows == ["2020-11-13;2020-11-13 14:30:00", ";2020-11-14 00:00:00"]


def test_built_tables_show_no_midnight(demo, tmp_path):
    """No table of a built report writes a day with a time of midnight."""
    written = build(demo, tmp_path, report_ids=["sb6"], reps=99)
    tables = [p for p in written if p.suffix == ".csv"]
    assert tables
    for path in tables:
        assert " 00:00:00" not in path.read_text(encoding="utf-8"), path.name
