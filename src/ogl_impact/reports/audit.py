"""Audit a built report folder for groups below k, reading only what is published.

The audit reads what a reader of the report gets - every file under the
report folder with a text-like suffix (:data:`TEXT_SUFFIXES`), whole: the
data tables ``<name>.csv`` (all comment lines, every text column), every
text node, attribute value and comment of ``index.html`` and any other page,
every text of each SVG (title, description, drawn words, ``<text>``,
attribute values that can hold words), JSON and text files - and nothing of
the data the report was made from. Files it cannot read (PDF, PNG) are named
by :func:`unread`; their text is the SVG's. It
looks for a group of fewer than k respondents that is

1. **shown**: a row of a table of respondent groups (a table with a
   ``suppressed`` column) or a total beside it (``network_mean`` with
   ``network_n``) with an n below k (a row of 0 respondents, "keine
   Daten", identifies no one and is no finding);
2. **named in words**: a lab whose every row is suppressed, named with a
   number in its figure's alt text or caption;
3. **derivable**: a shown total - in any table of the report - minus its
   shown parts (the groups with the same variable and one more respondent
   dimension, e.g. the labs of a wave, in any table of the report) leaves
   between 1 and k - 1 respondents;
4. **derivable across variables**: a group hidden in one variable (e.g. a
   perspective) but shown in another variable of the same wave: the rest a
   shown total leaves in the first variable, minus the group's n shown in
   the second, pins the other hidden groups of the first when it leaves
   between 1 and k - 1 respondents ("ableitbar über Perspektiven");

5. **counted in a text**: a count of respondents ("n = 3", "(n 3)",
   "3 Befragte", ...) attached to a group named before it, or right after
   it ("n = 50 in X"), or to the figure as a whole
   (:mod:`ogl_impact.reports.textcounts`): in any text of the report when
   it names a lab a survey table hides in a wave (by id, label or the
   label's distinctive first part); in a text of a survey figure or of the
   page also when it lies between 1 and k - 1 or outside the n the
   figure's table shows for that group (for a wave: its rows' n and its
   totals' n);

6. **not checkable** ("nicht prüfbar"): a published table of respondent
   groups that lacks what the audit needs - the column ``n``, the ``n`` of
   a total it shows (``network_n`` beside ``network_mean``), the columns
   that tell its groups apart (``unit_id`` beside ``lab_label``; rows
   that name the same group must show the same n), an n beside values
   shown - or a table whose source is told nowhere. Such a table is
   reported, never passed.

A table is one of respondent groups when it has a ``suppressed`` column or
when its comment line, its figure's caption in the gallery or the figure
declared under its name names the survey as its source. Every row of such a
table without a ``suppressed`` column counts as shown, and so does a row
marked suppressed that still shows its n. Tables of other
sources (indicators, partners, milestones, deliveries) count labs or their
entries, not respondents, and are not checked.

The n of a figure as a whole (footer, alt text) is not subtracted from its
parts: answers missing for single questions leave a rest that is no group.
The builders therefore give as n only respondents of shown groups or of a
shown total.

Each finding names the output and the group. The build runs the audit on
every report before it is swapped in; ``ogl-impact audit REPORT_DIR`` runs it
on any built report folder.
"""

from __future__ import annotations

import csv
import html
import json
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pandas as pd

from ogl_impact import privacy
from ogl_impact.reports.textcounts import NUMBER, Count, counts
from ogl_impact.write.target import MARKER


class NotAReportError(ValueError):
    """The folder is not a built report (no index.html)."""


class PrivacyLeakError(RuntimeError):
    """The audit of a freshly built report found a group below k; nothing is published.

    Parameters
    ----------
    report_id : str
        The report.
    lines : list of str
        One line per finding.
    """

    def __init__(self, report_id: str, lines: list[str]):
        self.report_id = report_id
        self.lines = lines
        super().__init__(
            f"Bericht {report_id}: Datenschutzprüfung fehlgeschlagen, nichts veröffentlicht / "
            f"privacy audit failed:\n" + "\n".join(lines)
        )


@dataclass(frozen=True)
class Leak:
    """One group below k that a reader of the report can see or work out.

    Attributes
    ----------
    output : str
        The file (and, where it helps, the other outputs involved).
    group : str
        The group, e.g. "wave=3, unit_id=lab01 · perspective: Transparenz".
    kind : {"shown", "derivable", "across", "text", "contradicts", "unchecked"}
        How it is revealed ("text": a count in a published text;
        "contradicts": a count in a text that the figure's table does not
        show; "unchecked": the table cannot be checked, the group names
        what is missing).
    n : float
        Its number of respondents (or the respondents left by the
        subtraction); missing for "unchecked".
    output_en, group_en : str
        ``output`` and ``group`` in English where they hold German words
        (empty: the same in both languages).
    """

    output: str
    group: str
    kind: str
    n: float
    output_en: str = ""
    group_en: str = ""


def _describe(nd: privacy.Node) -> tuple[str, str]:
    """Put a group in words, German and English ("alle Befragten" / "all respondents")."""
    return privacy.describe_group(nd), privacy.describe_group(nd, "en")


describe = privacy.describe_group
"""Put a group in words (one wording for the audit and the decision's messages)."""


class _Gallery(HTMLParser):
    """Collect k, the alt texts and the caption of every figure of a page, and all its other text.

    Every text a reader (or a screen reader, a search engine, the page source) gets is
    kept: text nodes, every attribute value (alt, title, aria-label, ``content`` of
    ``<meta>``, ...) and comments. Alt texts and captions are kept per figure, the rest
    per figure in :attr:`others` (``None``: outside any figure).
    """

    BREAKS = frozenset({"p", "br", "li", "figcaption", "figure", "h1", "h2", "div", "nav"})
    QUIET = frozenset({"id", "class", "src", "href", "style", "charset", "lang", "rel", "type"})
    """Attributes that hold no words (file names, ids, styles); read all the same when they
    hold a space (a sentence)."""

    def __init__(self) -> None:
        super().__init__()
        self.k: int | None = None
        self.alts: dict[str, str] = {}
        self.captions: dict[str, str] = {}
        self.outside = ""
        """Text of the page outside the figures (headings, the privacy line, notes)."""
        self.others: dict[str | None, list[str]] = {}
        """Attribute values, comments and text of a figure outside its caption."""
        self._figure: str | None = None
        self._in_caption = False

    def _add(self, text: str) -> None:
        if self._in_caption and self._figure is not None:
            self.captions[self._figure] = self.captions.get(self._figure, "") + text
        elif self._figure is None:
            self.outside += text
        else:
            self._other(text, joined=True)

    def _other(self, text: str, joined: bool = False) -> None:
        parts = self.others.setdefault(self._figure, [])
        if joined and parts and not parts[-1].endswith("\n"):
            parts[-1] += text
        else:
            parts.append(text)

    def handle_starttag(self, tag: str, attrs: list) -> None:
        a = dict(attrs)
        if tag in self.BREAKS:
            self._add("\n")
        if tag == "p" and "data-k" in a and str(a["data-k"]).strip().isdigit():
            self.k = int(a["data-k"])
        if tag == "figure":
            self._figure = a.get("id") or ""
        for name, value in attrs:
            if not value or (name in self.QUIET and " " not in value):
                continue
            if tag == "img" and name == "alt" and self._figure is not None:
                old = self.alts.get(self._figure)
                self.alts[self._figure] = value if old is None else f"{old}\n{value}"
            else:
                self._other(value + "\n")
        if tag == "figcaption":
            self._in_caption = True

    def handle_endtag(self, tag: str) -> None:
        if tag in self.BREAKS:
            self._add("\n")
        if tag == "figcaption":
            self._in_caption = False
        if tag == "figure":
            self._figure = None

    def handle_data(self, data: str) -> None:
        self._add(data)

    def handle_comment(self, data: str) -> None:
        self._other(data + "\n")


class _Drawing(HTMLParser):
    """Collect every text of an SVG (or other XML) file: its title and description, the rest.

    Text inside ``<title>``, ``<desc>`` (with or without attributes), ``<dc:title>`` and
    ``<dc:description>`` is the description; every other text node, every ``<text>``
    element (its ``<tspan>`` parts joined), every comment (matplotlib keeps each drawn text
    object as one) and every attribute value that can hold words is the drawn text.
    """

    DESCRIBING = frozenset({"title", "desc", "dc:title", "dc:description"})
    SHAPES = frozenset({"d", "transform", "points", "style", "viewbox", "id", "class"})

    def __init__(self) -> None:
        super().__init__()
        self.description: list[str] = []
        self.drawn: list[str] = []
        self._open: list[str] = []
        self._text: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self._open.append(tag)
        if tag == "text":
            self._text = []
        for name, value in attrs:
            if not value or name in self.SHAPES or name.startswith("xmlns"):
                continue
            if value.startswith("data:") or (name.endswith("href") and " " not in value):
                continue
            self.drawn.append(value)

    def handle_startendtag(self, tag: str, attrs: list) -> None:
        self.handle_starttag(tag, attrs)
        self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag == "text" and self._text is not None:
            self.drawn.append("".join(self._text))
            self._text = None
        if tag in self._open:
            while self._open and self._open.pop() != tag:
                pass

    def handle_data(self, data: str) -> None:
        if not data.strip():
            return
        if self._text is not None:
            self._text.append(data)
        elif self.DESCRIBING & set(self._open):
            self.description.append(data)
        else:
            self.drawn.append(data)

    def handle_comment(self, data: str) -> None:
        self.drawn.append(data)


def _number(cell: str) -> float:
    text = cell.strip().lstrip("'").replace("\u2212", "-")
    if not text:
        return np.nan
    try:
        return float(text.replace(".", "").replace(",", ".")) if "," in text else float(text)
    except ValueError:
        return np.nan


def read_table(path: Path) -> pd.DataFrame:
    """Read a published data table (German CSV with a leading comment line) as text.

    Parameters
    ----------
    path : Path
        ``<name>.csv``.

    Returns
    -------
    DataFrame
        Every cell as text.
    """
    with path.open(encoding="utf-8", newline="") as handle:
        lines = [line for line in handle if not line.startswith("#")]
    rows = list(csv.reader(lines, delimiter=";"))
    if not rows:
        return pd.DataFrame()
    return pd.DataFrame(rows[1:], columns=rows[0], dtype=str)


def _variables(frame: pd.DataFrame) -> list[str]:
    found = [c for c in privacy.VARIABLE_DIMS if c in frame]
    if not found and "label" in frame and "value" not in frame:
        found = ["label"]  # one row per scale or statistic, named by its label
    return found


def _truthy(cell: str) -> bool:
    return str(cell).strip().lower() in {"true", "wahr", "ja", "1"}


SURVEY = "survey"
"""Key of the survey in :data:`ogl_impact.reports.figures.base.SOURCES`."""
NOT_VALUES = frozenset(
    {*privacy.RESPONDENT_DIMS, *privacy.VARIABLE_DIMS, "n", "value", *privacy.TOTAL_COLUMNS}
    | set(privacy.TOTAL_COLUMNS.values())
)
"""Columns that name a group, its n or a total, not a value of the group (``value`` is a
Likert category)."""


def _comment(path: Path) -> str:
    with path.open(encoding="utf-8") as handle:
        first = handle.readline()
    return first[1:].strip() if first.startswith("#") else ""


def _source_of(text: str) -> str | None:
    """Return the key of the source named after "Quelle:"/"source:" in a text, or None."""
    from ogl_impact.reports.figures.base import SOURCES

    found = re.search(r"(?:Quelle|[Ss]ource):\s*([^·;\n]+)", text)
    if not found:
        return None
    name = found.group(1).strip().lower()
    for key, words in SOURCES.items():
        if any(name.startswith(w.lower()) for w in words):
            return key
    return None


def _declared_source(stem: str) -> str | None:
    """Return the source of the figure declared under a file's name (per lab: ``<name>_<lab>``)."""
    from ogl_impact.reports.figures import FIGURES

    if stem in FIGURES:
        return FIGURES[stem].source
    for name, spec in FIGURES.items():
        if spec.per_lab and stem.startswith(f"{name}_"):
            return spec.source
    return None


def table_sources(path: Path, gallery: _Gallery) -> set[str]:
    """Return the sources a published table is said to come from, wherever the report says it.

    Parameters
    ----------
    path : Path
        ``<name>.csv``.
    gallery : _Gallery
        The parsed ``index.html``.

    Returns
    -------
    set of str
        Keys of :data:`~ogl_impact.reports.figures.base.SOURCES` named by
        the table's comment line, its figure's caption or the figure
        declared under its name; empty when none says.
    """
    named = (
        _source_of(_comment(path)),
        _source_of(gallery.captions.get(path.stem, "")),
        _declared_source(path.stem),
    )
    return {s for s in named if s is not None}


def _unchecked(frame: pd.DataFrame, variables: list[str]) -> list[tuple[str, str]]:
    """Say what a table of respondent groups lacks for the audit, German and English."""
    missing = []
    if "n" not in frame:
        missing.append(("Spalte n fehlt", "column n missing"))
    for value_col, n_col in privacy.TOTAL_COLUMNS.items():
        if value_col in frame and n_col not in frame:
            missing.append(
                (
                    f"Spalte {n_col} fehlt neben {value_col}",
                    f"column {n_col} missing beside {value_col}",
                )
            )
    if "lab_label" in frame and "unit_id" not in frame:
        missing.append(
            ("Spalte unit_id fehlt neben lab_label", "column unit_id missing beside lab_label")
        )
    if missing or frame.empty:
        return missing
    dims = [c for c in privacy.RESPONDENT_DIMS if c in frame]
    flag = frame["suppressed"] if "suppressed" in frame else pd.Series("", index=frame.index)
    keys = frame[dims + variables].astype(str) if dims + variables else None
    group_of = (
        keys.apply("\x1f".join, axis=1) if keys is not None else pd.Series("", index=frame.index)
    )
    shown = pd.DataFrame({"g": group_of, "n": frame["n"].str.strip(), "flag": flag})
    if (shown.groupby("g")[["n", "flag"]].nunique() > 1).any(axis=None):
        missing.append(
            (
                "Zeilen derselben Gruppe mit verschiedenem n: Spalten, die die Gruppen "
                "unterscheiden, fehlen",
                "rows of the same group with different n: columns that tell the groups apart "
                "are missing",
            )
        )
    values = [c for c in frame.columns if c not in NOT_VALUES]
    numbers = frame[values].apply(lambda col: col.map(_number)).notna().any(axis=1)
    if (frame["n"].map(_number).isna() & numbers).any():
        missing.append(("Werte ohne n gezeigt", "values shown without n"))
    return missing


def audit(folder: Path | str) -> list[Leak]:
    """Search a built report folder for groups below k, shown or derivable.

    Parameters
    ----------
    folder : Path or str
        A report folder as the build writes it (``index.html`` and
        ``<name>.csv`` beside the figures).

    Returns
    -------
    list of Leak
        Empty when no group below k is shown or derivable.

    Raises
    ------
    NotAReportError
        When the folder has no ``index.html`` (a report without any drawn
        figure has no data table and nothing to find).
    """
    folder = Path(folder)
    index = folder / "index.html"
    if not folder.is_dir() or not index.is_file():
        raise NotAReportError(
            f"{folder}: kein Berichtsordner (index.html fehlt) / not a report folder"
        )
    tables = sorted(folder.glob("*.csv"))
    gallery = _Gallery()
    gallery.feed(index.read_text(encoding="utf-8"))
    k = gallery.k or privacy.K_DEFAULT
    for svg in sorted(folder.glob("*.svg")):
        desc = re.search(r"<desc>(.*?)</desc>", svg.read_text(encoding="utf-8"), re.S)
        if desc and svg.stem not in gallery.alts:
            gallery.alts[svg.stem] = html.unescape(desc.group(1))
    leaks: list[Leak] = []
    shown: dict[privacy.Node, float] = {}
    where: dict[privacy.Node, str] = {}
    hidden: set[privacy.Node] = set()
    reported: set[tuple[str, privacy.Node]] = set()
    frames: dict[str, tuple[pd.DataFrame, bool]] = {}
    for path in tables:
        frame = read_table(path)
        sources = table_sources(path, gallery)
        frames[path.stem] = (frame, "suppressed" in frame or SURVEY in sources)
        if "suppressed" not in frame and sources and SURVEY not in sources:
            continue  # counts of labs or their entries, not of respondents
        if "suppressed" not in frame and not sources:
            leaks.append(
                Leak(
                    path.name, "Quelle nicht angegeben", "unchecked", np.nan, "", "source not given"
                )
            )
            continue
        variables = _variables(frame)
        missing = _unchecked(frame, variables)
        if missing:
            de, en = ("; ".join(words[i] for words in missing) for i in (0, 1))
            leaks.append(Leak(path.name, de, "unchecked", np.nan, "", en))
            continue
        dims = [c for c in privacy.RESPONDENT_DIMS if c in frame]
        for row in frame.to_dict("records"):
            key = {c: row[c] for c in dims}
            variable = "\x1f".join(row[v] for v in variables)
            nd = privacy.node(key, variable)
            n = _number(row["n"])
            # a row is hidden when its n is: a row that shows an n counts as shown, whatever
            # its suppressed column says, and so does every row of a table without that column
            if np.isnan(n):
                hidden.add(nd)
            else:
                # a group of 0 ("keine Daten") identifies no one
                if 0 < n < k and (path.name, nd) not in reported:
                    reported.add((path.name, nd))
                    de, en = _describe(nd)
                    leaks.append(Leak(path.name, de, "shown", n, "", en))
                shown[nd] = max(shown.get(nd, 0.0), n)
                where.setdefault(nd, path.name)
            for value_col, n_col in privacy.TOTAL_COLUMNS.items():
                if value_col not in frame:
                    continue  # (a mean without its n is reported as not checkable above)
                t = privacy.node({c: v for c, v in key.items() if c != "unit_id"}, variable)
                tn, tv = _number(row[n_col]), _number(row[value_col])
                if np.isnan(tv) or np.isnan(tn):
                    hidden.add(t)
                    continue
                if tn < k and (path.name, t) not in reported:
                    reported.add((path.name, t))
                    de, en = _describe(t)
                    leaks.append(Leak(f"{path.name} ({value_col})", de, "shown", tn, "", en))
                shown[t] = max(shown.get(t, 0.0), tn)
                where.setdefault(t, f"{path.name} ({value_col})")
        leaks += _named_in_text(path, frame, gallery)
    nodes = {**dict.fromkeys(hidden - set(shown), 0.0), **shown}
    for total, part in privacy.derivations(nodes, hidden - set(shown), k):
        parts = privacy.parts_of(nodes)[total]
        kids = [c for kids in parts.values() for c in kids]
        rest = nodes[total] - sum(nodes[c] for c in kids if c in shown)
        own = where[total].split(" (")[0]
        others = sorted({where[c] for c in kids if c in where} - {where[total], own})
        output = where[total] + (f" mit {', '.join(others)}" if others else "")
        output_en = where[total] + (f" with {', '.join(others)}" if others else "")
        de, en = _describe(part)
        if part == total:
            de, en = f"Rest von {de}", f"rest of {en}"
        leaks.append(Leak(output, de, "derivable", rest, output_en, en))
    leaks += _across_variables(nodes, shown, where, k)
    leaks += _counts_in_text(folder, frames, gallery, k)
    return leaks


def _across_variables(
    nodes: dict[privacy.Node, float], shown: dict[privacy.Node, float], where: dict, k: int
) -> list[Leak]:
    """Find hidden groups whose n shown in another variable pins the rest below k.

    For a shown total ``T_v`` of variable ``v`` and its parts, the rest
    ``T_v - sum(shown parts)`` is the n of the hidden parts. When some of
    those parts are shown in another variable ``w`` with the same total
    dimensions, their n there (nearly the same respondents) subtracted from
    the rest leaves the n of the parts hidden in both.
    """
    found = []
    parts = privacy.parts_of(nodes)
    by_dims: dict[tuple, list[privacy.Node]] = {}
    for total in parts:
        if total in shown:
            by_dims.setdefault(total[0], []).append(total)
    seen = set()
    for totals in by_dims.values():
        for tv in totals:
            for dim, kids_v in parts[tv].items():
                hidden_v = {c[0]: c for c in kids_v if c not in shown}
                rest = nodes[tv] - sum(nodes[c] for c in kids_v if c in shown)
                for tw in totals:
                    if tw == tv or dim not in parts[tw]:
                        continue
                    shown_w = {c[0]: nodes[c] for c in parts[tw][dim] if c in shown}
                    across = [d for d in hidden_v if d in shown_w and shown_w[d] > 0]
                    left = [hidden_v[d] for d in hidden_v if d not in across]
                    if not across or not left:
                        continue
                    pinned = rest - sum(shown_w[d] for d in across)
                    if not 0 < pinned < k:
                        continue
                    for nd in left:
                        if (nd[0], tv) in seen:
                            continue
                        seen.add((nd[0], tv))
                        output = where.get(tv, "")
                        de, en = _describe(nd)
                        found.append(Leak(output, de, "across", pinned, "", en))
    return found


def _named_in_text(path: Path, frame: pd.DataFrame, gallery: _Gallery) -> list[Leak]:
    """Find labs whose every row is suppressed, named with a number in alt text or caption."""
    if "lab_label" not in frame or "suppressed" not in frame:
        return []
    masked = frame["suppressed"].map(_truthy)
    # rows of 0 respondents ("keine Daten") show nothing of a lab
    shown = ~masked & (frame["n"].map(_number).fillna(0) > 0)
    gone = set(frame.loc[masked, "lab_label"]) - set(frame.loc[shown, "lab_label"])
    found = []
    for where, where_en, text in (
        ("Alternativtext", "alt text", gallery.alts.get(path.stem, "")),
        ("Bildunterschrift", "caption", gallery.captions.get(path.stem, "")),
    ):
        for label in sorted(gone):
            if label and re.search(re.escape(label) + r"[^()]{0,80}\(\s*-?\d", text):
                output = f"index.html ({where} zu {path.stem})"
                output_en = f"index.html ({where_en} of {path.stem})"
                found.append(Leak(output, label, "shown", np.nan, output_en))
    return found


TEXT_SUFFIXES = (".txt", ".md", ".html", ".htm", ".svg", ".csv", ".json", ".xml")
"""Files the audit reads, wherever they lie in the report folder."""
UNREAD_NOTE = (
    "nicht gelesen (der Text einer PDF- oder PNG-Abbildung ist der Text der SVG gleichen Namens)",
    "not read (the text of a PDF or PNG figure is the text of the SVG of the same name)",
)


def unread(folder: Path | str) -> list[Path]:
    """Return the files of a report folder the audit cannot read (PDF, PNG, ...).

    Parameters
    ----------
    folder : Path or str
        A report folder.

    Returns
    -------
    list of Path
        Files under the folder (at any depth, but not in a report folder inside
        it, which is audited on its own) whose suffix is none of
        :data:`TEXT_SUFFIXES`; the audit names them, they are no finding.
    """
    return [p for p in _own_files(Path(folder)) if not _readable(p)]


def _readable(path: Path) -> bool:
    """Tell whether the audit reads a file (a text-like suffix, or the build's JSON marker)."""
    return path.suffix.lower() in TEXT_SUFFIXES or path.name == MARKER


def report_folders(folder: Path | str) -> list[Path]:
    """Return the report folders in a folder: every folder under it with an ``index.html``.

    Parameters
    ----------
    folder : Path or str
        A report folder or a folder holding report folders (``reports/figures``,
        which has a page of its own linking them).

    Returns
    -------
    list of Path
        The folder itself first when it has an ``index.html``, then every folder
        under it that has one; empty when none has.
    """
    folder = Path(folder)
    return sorted(
        (index.parent for index in folder.rglob("index.html")),
        key=lambda p: (p != folder, p.as_posix()),
    )


def _own_files(folder: Path) -> list[Path]:
    """Return the files of a report folder, at any depth, but not those of a report inside it."""
    inner = [p for p in report_folders(folder) if p != folder]
    return sorted(
        p for p in folder.rglob("*") if p.is_file() and not any(p.is_relative_to(r) for r in inner)
    )


def _csv_texts(path: Path) -> str:
    """Every comment line of a CSV file and every cell of its text columns that holds a digit."""
    with path.open(encoding="utf-8", errors="replace", newline="") as handle:
        lines = handle.readlines()
    notes = [line[1:].strip() for line in lines if line.startswith("#")]
    rows = list(csv.reader([line for line in lines if not line.startswith("#")], delimiter=";"))
    for column in zip(*rows[1:], strict=False) if rows else ():
        cells = [c.strip() for c in column if c.strip()]
        if any(np.isnan(_number(c)) for c in cells):  # a column of words, not of numbers
            notes += [c for c in dict.fromkeys(cells) if re.search(r"\d", c)]
    return "\n".join(notes)


def _json_texts(text: str) -> str:
    """Every key and string of a JSON file (the file as it is when it is no JSON)."""
    try:
        data = json.loads(text)
    except ValueError:
        return text
    found: list[str] = []

    def walk(item: object) -> None:
        if isinstance(item, dict):
            for key, value in item.items():
                found.append(str(key))
                walk(value)
        elif isinstance(item, list):
            for value in item:
                walk(value)
        elif isinstance(item, str):
            found.append(item)

    walk(data)
    return "\n".join(found)


_Where = tuple[str, str]
"""Where a text is published, German and English: ("index.html (Alternativtext zu x)", ...)."""


def _page_texts(name: str, page: _Gallery) -> list[tuple[_Where, str | None, str]]:
    texts: list[tuple[_Where, str | None, str]] = [((name, name), None, page.outside)]
    for figure, alt in page.alts.items():
        where = (f"{name} (Alternativtext zu {figure})", f"{name} (alt text of {figure})")
        texts.append((where, figure, alt))
    for figure, caption in page.captions.items():
        where = (
            f"{name} (Bildunterschrift und Galeriezeile zu {figure})",
            f"{name} (caption and gallery line of {figure})",
        )
        texts.append((where, figure, caption))
    for figure, parts in page.others.items():
        of = (
            (f"zu {figure}", f"of {figure}") if figure is not None else ("der Seite", "of the page")
        )
        where = (
            f"{name} (Attribute und Kommentare {of[0]})",
            f"{name} (attributes and comments {of[1]})",
        )
        texts.append((where, figure, "\n".join(parts)))
    return texts


def _published_texts(
    folder: Path, gallery: _Gallery, frames: dict
) -> list[tuple[_Where, str | None, str]]:
    """Every text the report publishes: (where, the figure it belongs to or None, text).

    Every file under the folder with a suffix of :data:`TEXT_SUFFIXES` is read
    whole (see :class:`_Gallery`, :class:`_Drawing`, :func:`_csv_texts`).
    """
    texts = _page_texts("index.html", gallery)
    figures = set(gallery.alts) | set(gallery.captions) | set(frames)
    for path in _own_files(folder):
        suffix = path.suffix.lower()
        if not _readable(path) or path == folder / "index.html":
            continue
        name = path.relative_to(folder).as_posix()
        stem = path.name.split(".")[0]
        figure = stem if stem in figures or path.parent == folder else None
        source = path.read_text(encoding="utf-8", errors="replace")
        if suffix in {".svg", ".xml"}:
            drawing = _Drawing()
            drawing.feed(source)
            drawing.close()
            where = (f"{name} (Titel und Beschreibung)", f"{name} (title and description)")
            texts.append((where, figure, "\n".join(drawing.description)))
            # the words drawn in the figure (labels, footer): matplotlib keeps each text object
            # as a comment beside its outlines; a <text> element could be added by hand
            words = [html.unescape(w).strip() for w in drawing.drawn]
            where = (f"{name} (Text in der Abbildung)", f"{name} (text in the figure)")
            texts.append((where, figure, "\n".join(w for w in words if w)))
        elif suffix == ".csv":
            where = (
                f"{name} (Kommentarzeilen und Textspalten)",
                f"{name} (comment lines and text columns)",
            )
            texts.append((where, figure, _csv_texts(path)))
        elif suffix in {".html", ".htm"}:
            page = _Gallery()
            page.feed(source)
            page.close()
            texts += [(w, figure if f is None else f, t) for w, f, t in _page_texts(name, page)]
        elif suffix == ".json" or path.name == MARKER:
            texts.append(((name, name), figure, _json_texts(source)))
        else:
            texts.append(((name, name), figure, source))
    return texts


def _about_survey(figure: str | None, frames: dict, gallery: _Gallery) -> bool:
    """Tell whether a figure's texts count respondents (the page itself always may)."""
    if figure is None:
        return True
    if figure in frames:
        return frames[figure][1]
    named = {_source_of(gallery.captions.get(figure, "")), _declared_source(figure)}
    return SURVEY in named or named == {None}


def _first_part(label: str) -> str:
    """Return the part of a lab's label before its first comma, bracket or "und"."""
    return re.split(r",\s|\s\(|\s+und\s", label, maxsplit=1)[0].strip()


def _names(frames: dict) -> dict[str, str]:
    """Names of labs and units as the report's tables give them, each to its lab.

    A lab is named by its id, its full label and the distinctive first part of its
    label (``Marburg-Biedenkopf`` of ``Marburg-Biedenkopf, Bad Endbach und
    Breidenbach``): a first part of at least 6 characters that is no id or label of
    another lab and that no other label holds as a word.
    """
    pairs: set[tuple[str, str]] = set()
    for frame, _ in frames.values():
        ids = frame["unit_id"] if "unit_id" in frame else pd.Series("", index=frame.index)
        labels = frame["lab_label"] if "lab_label" in frame else pd.Series("", index=frame.index)
        pairs |= {(str(i).strip(), str(lb).strip()) for i, lb in zip(ids, labels, strict=True)}
    unit_of = {label: unit for unit, label in pairs if unit and label}
    lab_of = {}
    for unit, label in sorted(pairs):
        key = unit or unit_of.get(label, label)
        for name in (unit, label):
            if name and name.lower() not in {"alle", "all"}:
                lab_of.setdefault(name, key)
    labels = {label for _, label in pairs if label}
    for unit, label in sorted(pairs):
        part = _first_part(label) if label else ""
        others = [o for o in labels if o != label]
        if (
            len(part) >= 6
            and part != label
            and part not in lab_of
            and not any(re.search(rf"(?<!\w){re.escape(part)}(?!\w)", o) for o in others)
        ):
            lab_of[part] = unit or unit_of.get(label, label)
    return lab_of


def _hidden_labs(frames: dict, lab_of: dict[str, str]) -> set[str]:
    """Labs a survey table hides in a wave: rows, none with respondents shown, some suppressed."""
    hidden: set[str] = set()
    for frame, survey in frames.values():
        if not survey or "n" not in frame or not {"unit_id", "lab_label"} & set(frame):
            continue
        key = frame["unit_id"] if "unit_id" in frame else frame["lab_label"]
        wave = frame["wave"] if "wave" in frame else pd.Series("", index=frame.index)
        n = frame["n"].map(_number)
        for (unit, _), rows in n.groupby([key.str.strip(), wave.str.strip()]):
            if not (rows > 0).any() and rows.isna().any():
                hidden.add(lab_of.get(str(unit), str(unit)))
    return hidden


def _rows_of(frame: pd.DataFrame, count: Count, lab_of: dict[str, str]) -> pd.DataFrame | None:
    """Return the rows of a figure's table of the group a text names (None: not there)."""
    if count.kind == "lab":
        key = lab_of.get(count.group, count.group)
        cols = [c for c in ("lab_label", "unit_id") if c in frame]
        mask = np.zeros(len(frame), dtype=bool)
        for c in cols:
            mask |= frame[c].str.strip().isin({count.group, key}).to_numpy()
        return frame[mask] if mask.any() else None
    if count.kind == "wave" and "wave" in frame:
        rows = frame[frame["wave"].str.strip() == count.group]
        return rows if len(rows) else None
    return None


def _shown_n(rows: pd.DataFrame, count: Count) -> pd.Series:
    """Return the n a table shows for a group (for a wave also the n of its totals)."""
    columns = ["n"]
    if count.kind == "wave":  # "Welle 3: n = 806", "Netz-Mittel der Welle 3 (n = 800)"
        columns += [c for c in privacy.TOTAL_COLUMNS.values() if c in rows]
    return pd.concat([rows[c].map(_number) for c in columns], ignore_index=True)


def _figure_n(figure: str | None, gallery: _Gallery) -> set[int]:
    """Return the n of a figure as a whole that its gallery line states ("n = 806 · Quelle")."""
    line = gallery.captions.get(figure or "", "")
    stated = re.finditer(rf"\bn = ({NUMBER})\s*·\s*(?:Quelle|[Ss]ource):", line)
    return {c.n for m in stated for c in counts(f"n = {m.group(1)}", set())}


def _counts_in_text(folder: Path, frames: dict, gallery: _Gallery, k: int) -> list[Leak]:
    """Find counts below k or of a hidden group in any published text, or contradicting a table.

    A count of respondents in a text (see :func:`ogl_impact.reports.textcounts.counts`) is
    a finding when it names a lab the report hides in any of its survey tables, whatever
    text of the report holds it; in a text of a survey figure or of the page also when it
    lies between 1 and k - 1 or outside the n the figure's table shows for that group.
    Texts of figures that count labs or their entries (indicators, partners, milestones)
    are read only for hidden labs.
    """
    found = []
    lab_of = _names(frames)
    hidden = _hidden_labs(frames, lab_of)
    for where, figure, text in _published_texts(folder, gallery, frames):
        if not text:
            continue
        survey = _about_survey(figure, frames, gallery)
        for count in counts(text, set(lab_of)):
            group, group_en = _text_group(count, figure)
            quoted = f"{group}: „{count.snippet}“"
            words = {"output_en": where[1], "group_en": f'{group_en}: "{count.snippet}"'}
            if count.kind == "lab" and lab_of.get(count.group) in hidden and count.n > 0:
                found.append(Leak(where[0], quoted, "text", float(count.n), **words))
                continue
            if not survey:
                continue
            if 0 < count.n < k:
                found.append(Leak(where[0], quoted, "text", float(count.n), **words))
                continue
            table = frames.get(figure or "", (pd.DataFrame(), False))[0]
            rows = _rows_of(table, count, lab_of) if "n" in table else None
            if rows is None or count.n == 0:
                continue
            n = _shown_n(rows, count)
            if count.kind == "wave":  # the figure's own n, as its gallery line states it
                n = pd.concat([n, pd.Series(sorted(_figure_n(figure, gallery)), dtype=float)])
            shown = n[n > 0]
            if shown.empty and n.isna().any():
                found.append(Leak(where[0], quoted, "text", float(count.n), **words))
            elif not shown.empty and not shown.min() <= count.n <= shown.max():
                found.append(Leak(where[0], quoted, "contradicts", float(count.n), **words))
    return found


def _text_group(count: Count, figure: str | None) -> tuple[str, str]:
    """Name the group a count in a text is about, German and English."""
    if count.kind == "wave":
        return f"Welle {count.group}", f"wave {count.group}"
    if count.kind == "all":
        if figure:
            return f"alle Befragten der Abbildung {figure}", f"all respondents of figure {figure}"
        return "alle Befragten", "all respondents"
    return count.group, count.group


KINDS = {
    "shown": ("gezeigt", "shown"),
    "text": (
        "im veröffentlichten Text mit ihrer Zahl genannt",
        "named with its count in a published text",
    ),
    "contradicts": (
        "Zahl im Text widerspricht der Datentabelle der Abbildung",
        "count in the text contradicts the figure's data table",
    ),
    "derivable": ("errechenbar (Summe minus gezeigte Teile)", "derivable (total minus parts)"),
    "across": (
        "ableitbar über Perspektiven (Rest einer Perspektive minus anderswo gezeigte Teile)",
        "derivable across perspectives (rest of one perspective minus parts shown in another)",
    ),
    "unchecked": (
        "nicht prüfbar: so nicht veröffentlichen",
        "not checkable: do not publish it like this",
    ),
}


def leak_lines(leaks: list[Leak], lang: str = "de") -> list[str]:
    """One line per finding: output, group, how, n.

    Parameters
    ----------
    leaks : list of Leak
        Findings of :func:`audit`.
    lang : {"de", "en"}
        Language.

    Returns
    -------
    list of str
    """
    i = 0 if lang == "de" else 1
    return [
        f"{leak.output_en or leak.output if i else leak.output}: "
        f"{leak.group_en or leak.group if i else leak.group} – {KINDS[leak.kind][i]}"
        + ("" if np.isnan(leak.n) else f", n = {leak.n:g}")
        for leak in leaks
    ]
