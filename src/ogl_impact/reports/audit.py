"""Audit a built report folder for groups below k, reading only what is published.

The audit reads what a reader of the report gets - the data tables
``<name>.csv`` beside the figures (with their comment line), the gallery
``index.html`` whole (the line with k, captions, alt texts, gallery lines),
the ``<title>``, ``<desc>`` and drawn words of each SVG and any other text
file of the folder - and nothing of the data the report was made from. It
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
   "3 Befragte", ...) in any published text of a survey figure or of the
   page, attached to a group named before it (or to the figure as a
   whole), that lies between 1 and k - 1, belongs to a group the figure's
   table hides, or lies outside the n the table shows for that group
   (:mod:`ogl_impact.reports.textcounts`);

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
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pandas as pd

from ogl_impact import privacy
from ogl_impact.reports.textcounts import Count, counts


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
    """

    output: str
    group: str
    kind: str
    n: float


describe = privacy.describe_group
"""Put a group in words (one wording for the audit and the decision's messages)."""


class _Gallery(HTMLParser):
    """Collect k, the alt text and the caption of every figure of index.html, and all its text."""

    BREAKS = frozenset({"p", "br", "li", "figcaption", "figure", "h1", "h2", "div", "nav"})

    def __init__(self) -> None:
        super().__init__()
        self.k: int | None = None
        self.alts: dict[str, str] = {}
        self.captions: dict[str, str] = {}
        self.outside = ""
        """Text of the page outside the figures (headings, the privacy line, notes)."""
        self._figure: str | None = None
        self._in_caption = False

    def _add(self, text: str) -> None:
        if self._in_caption and self._figure:
            self.captions[self._figure] = self.captions.get(self._figure, "") + text
        elif not self._figure:
            self.outside += text

    def handle_starttag(self, tag: str, attrs: list) -> None:
        a = dict(attrs)
        if tag in self.BREAKS:
            self._add("\n")
        if tag == "p" and "data-k" in a:
            self.k = int(a["data-k"])
        if tag == "figure":
            self._figure = a.get("id") or ""
        if tag == "img":
            if self._figure:
                self.alts[self._figure] = a.get("alt") or ""
            else:
                self.outside += "\n" + (a.get("alt") or "")
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


def _unchecked(frame: pd.DataFrame, variables: list[str]) -> list[str]:
    """Say what a table of respondent groups lacks for the audit (empty: checkable)."""
    missing = []
    if "n" not in frame:
        missing.append("Spalte n fehlt")
    for value_col, n_col in privacy.TOTAL_COLUMNS.items():
        if value_col in frame and n_col not in frame:
            missing.append(f"Spalte {n_col} fehlt neben {value_col}")
    if "lab_label" in frame and "unit_id" not in frame:
        missing.append("Spalte unit_id fehlt neben lab_label")
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
            "Zeilen derselben Gruppe mit verschiedenem n: Spalten, die die Gruppen "
            "unterscheiden, fehlen"
        )
    values = [c for c in frame.columns if c not in NOT_VALUES]
    numbers = frame[values].apply(lambda col: col.map(_number)).notna().any(axis=1)
    if (frame["n"].map(_number).isna() & numbers).any():
        missing.append("Werte ohne n gezeigt")
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
            leaks.append(Leak(path.name, "Quelle nicht angegeben", "unchecked", np.nan))
            continue
        variables = _variables(frame)
        missing = _unchecked(frame, variables)
        if missing:
            leaks.append(Leak(path.name, "; ".join(missing), "unchecked", np.nan))
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
                    leaks.append(Leak(path.name, describe(nd), "shown", n))
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
                    leaks.append(Leak(f"{path.name} ({value_col})", describe(t), "shown", tn))
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
        group = describe(part) if part != total else f"Rest von {describe(total)}"
        leaks.append(Leak(output, group, "derivable", rest))
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
                        found.append(Leak(output, describe(nd), "across", pinned))
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
    for where, text in (
        ("Alternativtext", gallery.alts.get(path.stem, "")),
        ("Bildunterschrift", gallery.captions.get(path.stem, "")),
    ):
        for label in sorted(gone):
            if label and re.search(re.escape(label) + r"[^()]{0,80}\(\s*-?\d", text):
                found.append(Leak(f"index.html ({where} zu {path.stem})", label, "shown", np.nan))
    return found


def _published_texts(
    folder: Path, gallery: _Gallery, frames: dict
) -> list[tuple[str, str | None, str]]:
    """Every text the report publishes: (where, the figure it belongs to or None, text)."""
    texts: list[tuple[str, str | None, str]] = [("index.html", None, gallery.outside)]
    for figure, alt in gallery.alts.items():
        texts.append((f"index.html (Alternativtext zu {figure})", figure, alt))
    for figure, caption in gallery.captions.items():
        texts.append(
            (f"index.html (Bildunterschrift und Galeriezeile zu {figure})", figure, caption)
        )
    for svg in sorted(folder.glob("*.svg")):
        source = svg.read_text(encoding="utf-8", errors="replace")
        found = re.findall(r"<(title|desc)>(.*?)</\1>", source, re.S)
        text = "\n".join(html.unescape(t) for _, t in found)
        texts.append((f"{svg.name} (Titel und Beschreibung)", svg.stem, text))
        # the words drawn in the figure (labels, footer): matplotlib keeps each text object
        # as a comment beside its outlines; a <text> element could be added by hand
        drawn = re.findall(r"<!--(.*?)-->|<text\b[^>]*>(.*?)</text>", source, re.S)
        words = [re.sub(r"<[^>]+>", "", a or b).strip() for a, b in drawn]
        text = "\n".join(html.unescape(w) for w in words if w)
        texts.append((f"{svg.name} (Text in der Abbildung)", svg.stem, text))
    for path in sorted(folder.glob("*.csv")):
        notes = [_comment(path)]
        frame = frames[path.stem][0]
        for column in ("note", "label", "lab_label"):
            if column in frame:
                notes += [c for c in frame[column].unique() if re.search(r"\d", str(c))]
        texts.append((f"{path.name} (Kommentarzeile und Textspalten)", path.stem, "\n".join(notes)))
    for path in sorted(folder.iterdir()):
        if path.suffix.lower() in {".txt", ".md", ".html", ".htm"} and path.name != "index.html":
            page = _Gallery()
            page.feed(path.read_text(encoding="utf-8", errors="replace"))
            text = "\n".join([page.outside, *page.alts.values(), *page.captions.values()])
            figure = path.stem.split(".")[0]
            texts.append((path.name, figure if figure in gallery.alts else None, text))
    return texts


def _about_survey(figure: str | None, frames: dict, gallery: _Gallery) -> bool:
    """Tell whether a figure's texts count respondents (the page itself always may)."""
    if figure is None:
        return True
    if figure in frames:
        return frames[figure][1]
    named = {_source_of(gallery.captions.get(figure, "")), _declared_source(figure)}
    return SURVEY in named or named == {None}


def _names(frames: dict) -> set[str]:
    """Names of labs and units as the report's tables give them (labels and ids)."""
    names: set[str] = set()
    for frame, _ in frames.values():
        for column in ("lab_label", "unit_id"):
            if column in frame:
                names |= {str(v).strip() for v in frame[column].unique() if str(v).strip()}
    return names - {"alle", "all"}


def _rows_of(frame: pd.DataFrame, count: Count) -> pd.DataFrame | None:
    """Return the rows of a figure's table of the group a text names (None: not there)."""
    if count.kind == "lab":
        cols = [c for c in ("lab_label", "unit_id") if c in frame]
        mask = np.zeros(len(frame), dtype=bool)
        for c in cols:
            mask |= (frame[c].str.strip() == count.group).to_numpy()
        return frame[mask] if mask.any() else None
    if count.kind == "wave" and "wave" in frame:
        rows = frame[frame["wave"].str.strip() == count.group]
        return rows if len(rows) else None
    return None


def _counts_in_text(folder: Path, frames: dict, gallery: _Gallery, k: int) -> list[Leak]:
    """Find counts below k attached to a group in any published text, or contradicting a table.

    A count of respondents in a text (see :func:`ogl_impact.reports.textcounts.counts`) is a finding
    when it lies between 1 and k - 1, when the group it names is suppressed in its figure's
    table, or when it lies outside the n the table shows for that group. Texts of figures
    that count labs or their entries (indicators, partners, milestones) are not read.
    """
    found = []
    names = _names(frames)
    for where, figure, text in _published_texts(folder, gallery, frames):
        if not text or not _about_survey(figure, frames, gallery):
            continue
        for count in counts(text, names):
            group = _text_group(count, figure)
            quoted = f"{group}: „{count.snippet}“"
            if 0 < count.n < k:
                found.append(Leak(where, quoted, "text", float(count.n)))
                continue
            table = frames.get(figure or "", (pd.DataFrame(), False))[0]
            rows = _rows_of(table, count) if "n" in table else None
            if rows is None or count.n == 0:
                continue
            n = rows["n"].map(_number)
            shown = n[n > 0]
            if shown.empty and n.isna().any():
                found.append(Leak(where, quoted, "text", float(count.n)))
            elif not shown.empty and not shown.min() <= count.n <= shown.max():
                found.append(Leak(where, quoted, "contradicts", float(count.n)))
    return found


def _text_group(count: Count, figure: str | None) -> str:
    if count.kind == "wave":
        return f"Welle {count.group}"
    if count.kind == "all":
        return f"alle Befragten der Abbildung {figure}" if figure else "alle Befragten"
    return count.group


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
        f"{leak.output}: {leak.group} – {KINDS[leak.kind][i]}"
        + ("" if np.isnan(leak.n) else f", n = {leak.n:g}")
        for leak in leaks
    ]
