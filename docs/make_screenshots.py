"""Make the two screenshots of docs/lab-coordinators.md from the real components.

- ``docs/img/template.png``: the sheet "Indikatorwerte" of the template
  ``ogl-impact template --period sb6 --lab brandis`` writes for a copy of
  data/raw without sb6 (as a lab receives it when the period is due), as LibreOffice
  renders it (LibreOffice headless converts the workbook to HTML with its
  cell colours; Chromium photographs the sheet's table).
- ``docs/img/feedback.png``: the feedback page ``ogl-impact collect
  --feedback`` writes for that workbook, filled with the embedded sb6 values
  and two spoiled cells ("12 Stück" in a number cell, "Mitte Mai" in a date
  cell), photographed by Chromium.

Needs LibreOffice (``soffice``) and Chromium (``/usr/bin/chromium``); runs in
a temporary folder and never touches data/raw. Usage::

    .venv/bin/python docs/make_screenshots.py [--keep DIR] [--img DIR]

``--img /tmp/shots`` writes the two PNGs there instead of docs/img, to
compare them with the committed ones before replacing those.
"""

from __future__ import annotations

import argparse
import io
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import openpyxl
import pandas as pd
from PIL import Image
from playwright.sync_api import sync_playwright

from ogl_impact.cli import main as cli
from ogl_impact.dataset import load
from ogl_impact.delivery.workbook import COMPLETION_LABELS, STATUS_LABELS

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data" / "raw"
IMG = ROOT / "docs" / "img"
PERIOD, LAB, RECEIVED = "sb6", "brandis", "2022-11-10"
CHROMIUM = "/usr/bin/chromium"
# columns of the sheets (1-based, as openpyxl counts)
C_ID, C_DISAGG, C_VALUE, C_STATUS = 1, 7, 9, 10
M_ID, M_COMPLETION, M_ACHIEVED = 1, 5, 6
# spreadsheet grid lines for LibreOffice's HTML export (presentation only)
# and Calibri's stand-in where Calibri is not installed
GRID = (
    "td { border: 1px solid #c8c8c8; padding: 2px 4px; font-family: Calibri, Carlito, "
    "'Liberation Sans', sans-serif; font-size: 13px; } body { margin: 8px; }"
)


def _fill(template: Path, dest: Path) -> None:
    """Fill the template with the embedded sb6 values and spoil two cells."""
    data = load(RAW)
    iv = data.indicator_values
    iv = iv[(iv["lab_id"] == LAB) & (iv["period_id"] == PERIOD)]
    ms = data.milestones
    ms = ms[(ms["lab_id"] == LAB) & (ms["period_id"] == PERIOD)]
    book = openpyxl.load_workbook(template)
    sheet = book["Indikatorwerte"]
    for row in range(2, sheet.max_row + 1):
        iid = sheet.cell(row, C_ID).value
        disagg = sheet.cell(row, C_DISAGG).value or ""
        match = iv[(iv["indicator_id"] == iid) & (iv["disaggregation_value"].fillna("") == disagg)]
        if len(match):
            r = match.iloc[0]
            if pd.notna(r["value"]):
                sheet.cell(row, C_VALUE).value = float(r["value"])
            sheet.cell(row, C_STATUS).value = STATUS_LABELS[r["status"]]
    sheet.cell(3, C_VALUE).value = "12 Stück"  # the mistake the doc quotes
    sheet = book["Meilensteine"]
    for row in range(2, sheet.max_row + 1):
        match = ms[ms["milestone_id"] == sheet.cell(row, M_ID).value]
        if len(match):
            r = match.iloc[0]
            sheet.cell(row, M_COMPLETION).value = COMPLETION_LABELS[r["completion"]]
            if pd.notna(r["achieved_date"]):
                sheet.cell(row, M_ACHIEVED).value = r["achieved_date"].to_pydatetime()
    sheet.cell(2, M_COMPLETION).value = COMPLETION_LABELS["complete"]
    sheet.cell(2, M_ACHIEVED).value = "Mitte Mai"
    book.save(dest)


def _copy_without_period(target: Path) -> None:
    """Copy data/raw without PERIOD: the template as it goes out before the period is collected.

    A template of a period already collected carries the stored values; the
    screenshot shows the one a lab receives when the period is due.
    """
    shutil.copytree(RAW, target, ignore=shutil.ignore_patterns("truth"))
    for name in ("indicator_values", "milestones", "submissions", "revisions"):
        path = target / f"{name}.csv"
        if not path.exists():
            continue
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        comments = [line for line in lines if line.startswith("#")]
        header = lines[len(comments)]
        pos = header.rstrip("\n").split(";").index("period_id")
        body = [line for line in lines[len(comments) + 1 :] if line.split(";")[pos] != PERIOD]
        path.write_text("".join([*comments, header, *body]), encoding="utf-8")


def _soffice_html(xlsx: Path, out: Path) -> Path:
    profile = (out / "lo-profile").as_uri()
    subprocess.run(
        [
            "soffice",
            "--headless",
            f"-env:UserInstallation={profile}",
            "--convert-to",
            "html",
            "--outdir",
            str(out),
            str(xlsx),
        ],
        check=True,
        capture_output=True,
    )
    page = out / f"{xlsx.stem}.html"
    page.write_text(
        page.read_text(encoding="utf-8").replace("</style>", GRID + "</style>", 1),
        encoding="utf-8",
    )
    return page


def _save_small(png: bytes, target: Path, limit: int = 300_000) -> None:
    """Save as a palette PNG (screenshots have few colours) and check the size."""
    image = Image.open(io.BytesIO(png)).convert("RGB")
    image.quantize(colors=128, method=Image.Quantize.MEDIANCUT).save(target, optimize=True)
    size = target.stat().st_size
    if size > limit:
        raise SystemExit(f"{target}: {size} Bytes, mehr als {limit}")
    print(f"{target}: {image.width}x{image.height}, {size} Bytes")


def _shoot(work: Path, img: Path = IMG) -> None:
    data = work / "data"
    _copy_without_period(data)
    tpl = work / "tpl"
    args = ["template", "--period", PERIOD, "--lab", LAB, "--data", str(data)]
    if cli([*args, "--out", str(tpl), "--jobs", "1"]) != 0:
        raise SystemExit("ogl-impact template schlug fehl")
    template = tpl / f"{LAB}_{PERIOD}.xlsx"
    returned = work / "returned" / f"{LAB}_{PERIOD}.xlsx"
    returned.parent.mkdir()
    _fill(template, returned)
    feedback = work / "feedback"
    code = cli(
        [
            "collect",
            str(returned.parent),
            "--data",
            str(data),
            "--feedback",
            str(feedback),
            "--received",
            RECEIVED,
        ]
    )
    if code != 1:
        raise SystemExit(f"collect sollte die Arbeitsmappe ablehnen (Exit {code})")
    page = next(p for p in feedback.glob("*.html") if p.name != "index.html")
    sheet_page = _soffice_html(template, work / "html")
    img.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
        )
        tab = browser.new_page(viewport={"width": 1400, "height": 900}, device_scale_factor=1)
        tab.goto(sheet_page.as_uri())
        # LibreOffice writes one <table> per sheet after an anchor "table<N>"
        table = tab.locator('a[name="table1"] + table')
        if "Indikatorwerte" not in tab.locator('a[name="table1"]').inner_text():
            raise SystemExit("Blatt 2 der Vorlage ist nicht „Indikatorwerte“")
        box = table.bounding_box()
        assert box is not None
        clip = {
            "x": box["x"] - 4,
            "y": box["y"] - 4,
            "width": min(box["width"] + 8, 1400),
            "height": min(box["height"] + 8, 560),
        }
        _save_small(tab.screenshot(full_page=True, clip=clip), img / "template.png")
        tab.set_viewport_size({"width": 1100, "height": 800})
        tab.goto(page.as_uri())
        bottom = tab.locator("table").last.bounding_box()
        assert bottom is not None
        height = bottom["y"] + bottom["height"] + 24
        clip = {"x": 40, "y": 16, "width": 1020, "height": height - 16}
        _save_small(tab.screenshot(clip=clip), img / "feedback.png")
        browser.close()


def main() -> None:
    """Write template.png and feedback.png into docs/img (or the folder ``--img`` names)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", help="Arbeitsordner behalten (statt eines temporären)")
    parser.add_argument(
        "--img", default=str(IMG), help="Zielordner der Bilder (Standard: docs/img)"
    )
    args = parser.parse_args()
    if shutil.which("soffice") is None or not Path(CHROMIUM).exists():
        sys.exit("LibreOffice (soffice) und Chromium werden gebraucht")
    if args.keep:
        work = Path(args.keep)
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir(parents=True)
        _shoot(work, Path(args.img))
    else:
        with tempfile.TemporaryDirectory() as tmp:
            _shoot(Path(tmp), Path(args.img))


if __name__ == "__main__":
    main()
