"""The galleries are accessible and checkable.

The galleries of a status report (sb1), the interim report (zb) and the
project report (pb) and the overview page are built with ``ogl-impact
figures`` in German and in English (PNG and SVG: the gallery shows the PNG, the
checks read the SVG; no PDF, which nothing here reads), opened in a real headless Chromium
through Playwright and checked with axe-core (the copy bundled with
axe-playwright-python). Beside that, every figure of zb and pb must have its
data table with a column ``n``, an alt text with numbers in the gallery, and
the same text as the SVG's ``<desc>``.

Chromium comes from the Debian packages (``apt-get install chromium``);
``OGL_CHROMIUM`` names another binary. Without one the browser checks are
skipped with that message; the other checks still run.
"""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from xml.etree import ElementTree

import pytest

from ogl_impact.reports.build import Entry, NotDrawn, _gallery
from ogl_impact.reports.figures import FIGURES
from ogl_impact.reports.registry import REPORT_FIGURES, Report

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "data" / "raw"
BIN = Path(sys.executable).parent
REPORTS = ("sb1", "zb", "pb")
LANGS = ("de", "en")
SVG = "{http://www.w3.org/2000/svg}"
NO_DATA_WORDS = {"de": "Noch keine Daten zu diesem Zeitpunkt", "en": "No data yet at this date"}
SUPPRESSED_WORD = {"de": "unterdrückt", "en": "suppressed"}
BROWSER_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"]


# --- reading a gallery as a browser and a screen reader would -------------------------------


class _Gallery(HTMLParser):
    """Collect the figures of a gallery page: id, heading above, alt text, caption."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.figures: dict[str, dict] = {}
        self.text: list[str] = []
        self._heading: str | None = None
        self._in_h2 = False
        self._figure: dict | None = None
        self._in_caption = False

    def handle_starttag(self, tag: str, attrs: list) -> None:
        a = dict(attrs)
        if tag == "h2":
            self._in_h2, self._heading = True, ""
        elif tag == "figure":
            self._figure = {
                "heading": self._heading,
                "class": a.get("class", ""),
                "alt": None,
                "caption": "",
            }
            self.figures[a["id"]] = self._figure
        elif tag == "img" and self._figure is not None:
            self._figure["alt"] = a.get("alt")
        elif tag == "figcaption":
            self._in_caption = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "h2":
            self._in_h2 = False
        elif tag == "figcaption":
            self._in_caption = False
        elif tag == "figure":
            self._figure = None

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self._in_h2:
            self._heading = (self._heading or "") + data
        if self._in_caption and self._figure is not None:
            self._figure["caption"] += data


def read_gallery(path: Path) -> _Gallery:
    parser = _Gallery()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def read_table(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    """A figure's data table: header and rows (the first line is a ``#`` comment)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("# "), f"{path.name}: first line should say what the numbers are"
    reader = csv.DictReader(io.StringIO("\n".join(lines[1:])), delimiter=";")
    rows = list(reader)
    return list(reader.fieldnames or []), rows


def svg_title_desc(path: Path) -> tuple[str | None, str | None]:
    root = ElementTree.parse(path).getroot()
    children = list(root)
    title = next((c.text for c in children if c.tag == f"{SVG}title"), None)
    desc = next((c.text for c in children if c.tag == f"{SVG}desc"), None)
    return title, desc


def labs_in_demo() -> int:
    lines = [
        ln for ln in (DEMO / "labs.csv").read_text(encoding="utf-8").splitlines() if ln.strip()
    ]
    return len([ln for ln in lines if not ln.startswith("#")]) - 1  # minus the header


# --- the build (once for the module) ---------------------------------------------------------


def _figures(out: Path, lang: str) -> subprocess.CompletedProcess:
    args = [str(BIN / "ogl-impact"), "figures"]
    for report in REPORTS:
        args += ["--report", report]
    args += ["--data", str(DEMO), "--out", str(out), "--lang", lang, "--jobs", "1", "--quiet"]
    args += ["--format", "png", "--format", "svg"]  # what the page shows and the checks read
    env = dict(os.environ, PYTHONWARNINGS="ignore")
    return subprocess.run(args, capture_output=True, text=True, cwd=out.parent, env=env)


@pytest.fixture(scope="module")
def galleries(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """``ogl-impact figures`` for sb1, zb, pb in German and English (side by side)."""
    base = tmp_path_factory.mktemp("galleries")
    outs = {lang: base / lang / "figures" for lang in LANGS}
    for out in outs.values():
        out.parent.mkdir()
    with ThreadPoolExecutor(len(LANGS)) as pool:
        done = dict(zip(LANGS, pool.map(_figures, outs.values(), LANGS), strict=True))
    for lang, res in done.items():
        assert res.returncode == 0, f"figures --lang {lang} failed:\n{res.stderr}"
    # the format choice holds: every shown image is there, nothing links a file not written
    for out in outs.values():
        for page in out.glob("*/index.html"):
            text = page.read_text(encoding="utf-8")
            linked = re.findall(r'(?:src|href)="([^"/#]+\.(?:png|svg|pdf|csv))"', text)
            assert linked and all((page.parent / name).exists() for name in linked), page
            assert not list(page.parent.glob("*.pdf")) and ".pdf" not in text
    return outs


def _chromium() -> str:
    path = (
        os.environ.get("OGL_CHROMIUM")
        or shutil.which("chromium")
        or shutil.which("chromium-browser")
    )
    if not path:
        pytest.skip(
            "Kein Chromium gefunden: `apt-get install chromium` (Debian) oder OGL_CHROMIUM auf "
            "die Programmdatei setzen / no Chromium found: install it with "
            "`apt-get install chromium` or set OGL_CHROMIUM"
        )
    return path


@pytest.fixture(scope="module")
def browser():
    """A headless Chromium driven by Playwright (never downloads a browser)."""
    sync_api = pytest.importorskip("playwright.sync_api")
    pytest.importorskip("axe_playwright_python")
    executable = _chromium()
    with sync_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=executable, args=BROWSER_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


def run_axe(browser, page_path: Path) -> dict:
    """Open a page from file:// and return axe-core's full response."""
    from axe_playwright_python.sync_playwright import Axe

    page = browser.new_page()
    try:
        page.goto(page_path.as_uri(), wait_until="load")
        results = Axe().run(page, options={"resultTypes": ["violations"]})
    finally:
        page.close()
    response = results.response
    response["report"] = results.generate_report()
    return response


PAGES = [
    (lang, page) for lang in LANGS for page in ("index.html", *(f"{r}/index.html" for r in REPORTS))
]


# --- axe-core in Chromium --------------------------------------------------------------------


@pytest.mark.parametrize(("lang", "page"), PAGES, ids=[f"{lang}-{p}" for lang, p in PAGES])
def test_axe_finds_no_violation(galleries, browser, lang, page):
    path = galleries[lang] / page
    assert path.exists(), f"{path} was not built"
    response = run_axe(browser, path)
    # the checks really ran on the page: language, contrast and names were tested
    passed = {rule["id"] for rule in response["passes"]}
    applied = passed | {rule["id"] for rule in response["violations"]}
    assert {"html-has-lang", "color-contrast", "landmark-one-main", "page-has-heading-one"} <= (
        applied
    ), sorted(applied)
    if page != "index.html":
        assert {"image-alt", "link-name", "heading-order"} <= applied, sorted(applied)
    assert response["testEngine"]["version"].startswith("4.")
    assert response["violations"] == [], response["report"]


def test_axe_checks_the_cards_demo_data_do_not_have(tmp_path, browser):
    """Not estimable, no data yet, suppressed values, notes: also accessible, in both languages."""
    for lang in LANGS:
        de = lang == "de"
        report = Report("sb9", "Sachstandsbericht 9", date(2023, 5, 31), ("partner",))
        entries = [
            Entry(
                "partner",
                "Partner je Labor (3 Labore). 2 Werte sind zum Schutz der Befragten unterdrückt "
                "(weniger als k = 5 Befragte)."
                if de
                else "Partners per lab (3 labs). 2 values are suppressed to protect the "
                "respondents (fewer than k = 5 respondents).",
                41,
                "Partnerliste der Labore" if de else "lab partner list",
                True,
                ("Vertrauen: die Werte streuen nicht",) if de else ("Trust: no variance",),
                "Balken: Partner je Labor; größter Wert: Kehl (20), kleinster: Moers (9). n = 41.",
                "Partner der Labore" if de else "Partners of the labs",
            ),
            NotDrawn(
                "effekte",
                "nur 1 Labor und 0 Vergleichskommunen" if de else "only 1 lab, 0 comparisons",
                "Veränderung in den Laboren" if de else "Change in the labs",
            ),
        ]
        missing = ["Offenheitsprofil <Netz>" if de else "Openness profile <radar>"]
        folder = tmp_path / lang / "sb9"
        folder.mkdir(parents=True)
        page = folder / "index.html"
        page.write_text(_gallery(report, entries, missing, lang, True), encoding="utf-8")
        response = run_axe(browser, page)
        assert response["violations"] == [], response["report"]
        text = "".join(read_gallery(page).text)
        assert f"{NO_DATA_WORDS[lang]}: {missing[0]}" in text  # escaped in HTML, read as text
        assert SUPPRESSED_WORD[lang] in text
        assert ("nicht schätzbar" if de else "not estimable") in text


# --- data tables, alt texts, SVG title/desc ---------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("report", ["zb", "pb"])
def test_every_figure_has_table_alt_text_and_svg_text(galleries, report, lang):
    folder = galleries[lang] / report
    gallery = read_gallery(folder / "index.html")
    drawn = {k: v for k, v in gallery.figures.items() if "not-estimable" not in v["class"]}
    # the demo data support every figure of these reports; per-lab figures once per lab
    single = [name for name in REPORT_FIGURES[report] if not FIGURES[name].per_lab]
    per_lab = [name for name in REPORT_FIGURES[report] if FIGURES[name].per_lab]
    assert set(single) <= set(drawn), sorted(set(single) - set(drawn))
    assert len(drawn) == len(single) + len(per_lab) * labs_in_demo()
    problems = []
    for name, fig in drawn.items():
        header, rows = read_table(folder / f"{name}.csv")
        if "n" not in header:
            problems.append(f"{name}.csv: no column n ({header})")
        elif not rows or any(not re.fullmatch(r"\d+", r["n"]) for r in rows):
            problems.append(f"{name}.csv: n is not a count in every row")
        alt = fig["alt"] or ""
        if not re.search(r"\d", alt):
            problems.append(f"{name}: alt text without a number: {alt!r}")
        if fig["caption"].strip() and alt.strip() == fig["caption"].strip():
            problems.append(f"{name}: alt text only repeats the caption")
        title, desc = svg_title_desc(folder / f"{name}.svg")
        if desc != alt:
            problems.append(f"{name}.svg: <desc> {desc!r} differs from the alt text {alt!r}")
        if not title or title != fig["heading"]:
            problems.append(f"{name}.svg: <title> {title!r}, gallery heading {fig['heading']!r}")
        suppressed = [r for r in rows if r.get("suppressed", "").lower() in {"true", "wahr"}]
        if suppressed and SUPPRESSED_WORD[lang] not in fig["caption"]:
            problems.append(f"{name}: {len(suppressed)} values suppressed, caption silent")
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize("lang", LANGS)
def test_figures_without_data_yet_are_named_in_words(galleries, lang):
    # the change between survey waves has no data before the second wave (sb1)
    gallery = read_gallery(galleries[lang] / "sb1" / "index.html")
    text = " ".join("".join(gallery.text).split())
    title = FIGURES["effekte"].title[0 if lang == "de" else 1]
    assert f"{NO_DATA_WORDS[lang]}: {title}" in text
    assert "effekte" not in gallery.figures
    assert "effekte" not in text  # never the file name
    numbers = [
        int(n) for n in re.findall(rf"{'Abbildung' if lang == 'de' else 'Figure'} (\d+):", text)
    ]
    assert numbers == list(range(1, len(gallery.figures) + 1))


def test_english_pages_mark_the_german_report_titles(galleries):
    overview = (galleries["en"] / "index.html").read_text(encoding="utf-8")
    for report in REPORTS:
        assert re.search(
            rf'<a href="{report}/index.html"><span lang="de">[^<]+</span></a>', overview
        )
    page = (galleries["en"] / "zb" / "index.html").read_text(encoding="utf-8")
    assert re.search(r'<h1><span lang="de">[^<]+</span></h1>', page)
    assert '<html lang="en">' in page and '<html lang="de">' in (
        galleries["de"] / "zb" / "index.html"
    ).read_text(encoding="utf-8")
