"""The register of imported survey exports: ``imports.csv`` beside ``responses.csv``.

The respondents' pseudonyms hold wave and unit, so the answers of one export
imported a second time as another wave or unit (a typing error the first
time, then "again with the right wave") would not clash with the first
import's: every answer would count twice. The register remembers each
export by a checksum of its answers as read (not of the file's bytes: a
renamed copy and a new download of the same answers are the same export)
with the file name, tool, wave, unit, actor group, number of answers and
day. ``import`` refuses an export already recorded, unless ``--replace``
re-imports it as the very wave, unit and actor group it was imported as;
then its line is brought up to date.

A folder without the register (an older one, the embedded demo data) has
nothing recorded; the first import writes it. The register is written in
the same staged move as ``responses.csv`` (:func:`ogl_impact.write.update_files`),
so a killed import leaves both old or both new.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ogl_impact.imports.export import SurveyExport
from ogl_impact.imports.merge import ImportRefused
from ogl_impact.io import TableReadError, read_table
from ogl_impact.problems import Problem, format_text
from ogl_impact.schemas import TABLES
from ogl_impact.validate import find_tables, validate_table
from ogl_impact.write import table_csv_text

NAME = "imports"
REGISTER_FILE = f"{NAME}.csv"
COMMENT = "Importierte Befragungsexporte: ein Export wird nur einmal übernommen (ogl-impact import)"
GROUP = ["wave", "unit_id", "actor_group"]
_VERSION = "ogl-impact-export-1"  # changes only with the way the checksum is taken


def export_checksum(export: SurveyExport, tool: str) -> str:
    """Return the SHA-256 of an export's answers as read (not of its files' bytes).

    Taken over the tool, the survey id and every answer (response id,
    question column, answer code as exported), in no particular order: a
    renamed copy, a new download (a LimeSurvey archive holds the time of its
    download) or the same answers as another file type give the same sum.

    Parameters
    ----------
    export : SurveyExport
        The export as read.
    tool : str
        ``limesurvey``, ``sosci`` or ``kobo``.

    Returns
    -------
    str
        64 hexadecimal digits.
    """
    digest = hashlib.sha256("\x1f".join([_VERSION, tool, export.survey_id]).encode())
    answers = export.answers
    if len(answers):  # hashlib over the sorted texts: the same sum with any pandas version
        cells = answers[["response_id", "tool_code", "raw"]].astype(str)
        columns = (cells[c].tolist() for c in cells.columns)
        rows = sorted("\x1f".join(r) for r in zip(*columns, strict=True))
        digest.update("\x1e".join(rows).encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


@dataclass(frozen=True)
class Register:
    """The register as read from a data folder.

    Attributes
    ----------
    path : Path
        ``imports.csv`` of the folder (it need not exist).
    frame : DataFrame
        The recorded rows, typed (empty when there is no register).
    lines : ndarray
        Line of each row in the file.
    sha256 : str
        SHA-256 of the file's bytes; empty when it does not exist.
    """

    path: Path
    frame: pd.DataFrame
    lines: np.ndarray
    sha256: str


def _columns() -> list[str]:
    return list(TABLES[NAME].model.to_schema().columns)


def read_register(folder: Path, lang: str = "de") -> Register:
    """Read a data folder's register; no register means nothing recorded.

    Parameters
    ----------
    folder : Path
        The data folder (may be missing).
    lang : {"de", "en"}
        Language of the problems named in a refusal.

    Returns
    -------
    Register

    Raises
    ------
    ImportRefused
        When the register is not a CSV file, cannot be read or breaks a rule
        (each problem with file, line and column): an import that cannot
        see what was imported before must not guess.
    """
    path = folder / REGISTER_FILE
    found, _ = find_tables(folder) if folder.is_dir() else ({}, [])
    where = found.get(NAME)
    if where is None:
        empty = pd.DataFrame(columns=_columns())
        return Register(path, empty, np.zeros(0, dtype=np.int64), "")
    fix = (
        f"{where.name} ist das Register der importierten Exporte; bitte die Datei reparieren "
        f"(etwa aus einer Sicherung) und erneut importieren / {where.name} is the register of "
        f"imported exports; repair it and import again"
    )
    if where.suffix.lower() != ".csv":
        raise ImportRefused(
            [f"{where.name}: das Register muss {REGISTER_FILE} sein (CSV) / must be CSV", fix]
        )
    try:  # a line cut off: its missing cells are named one by one (line and column)
        raw = read_table(where, NAME, short_rows_ok=True)
    except TableReadError as exc:
        raise ImportRefused([format_text([exc.problem], lang), fix]) from None
    frame, problems = validate_table(raw, TABLES[NAME])
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise ImportRefused([format_text(_by_cell(errors), lang), fix])
    return Register(where, frame, np.asarray(raw.lines), raw.sha256)


def _by_cell(problems: list[Problem]) -> list[Problem]:
    """One problem per cell (an empty one is told as empty), in the order of line and column."""
    order = {c: i for i, c in enumerate(_columns())}

    def key(p: Problem) -> tuple[int, int, bool]:
        line = -1 if p.line is None else p.line
        return line, order.get(p.column or "", -1), p.rule != "not_nullable"

    out, seen = [], set()
    for p in sorted(problems, key=key):
        if p.line is not None and p.column is not None and (p.line, p.column) in seen:
            continue
        seen.add((p.line, p.column))
        out.append(p)
    return out


def groups(responses: pd.DataFrame) -> pd.DataFrame:
    """Return the waves, units and actor groups of an import's answers with their counts.

    Parameters
    ----------
    responses : DataFrame
        The converted answers (``wave``, ``unit_id``, ``actor_group``).

    Returns
    -------
    DataFrame
        ``wave``, ``unit_id``, ``actor_group`` (as text) and ``answers``,
        one row per group, sorted (waves as numbers).
    """
    # grouped as they are (a million answers: Categoricals), the few groups made text after
    out = responses.groupby(GROUP, sort=False, observed=True).size().rename("answers")
    out = out.reset_index()
    for column in GROUP:
        out[column] = out[column].astype(str)
    out = out.sort_values(GROUP, key=_natural).reset_index(drop=True)
    return out.astype({"answers": "int64"})


def _natural(column: pd.Series) -> pd.Series:
    """Sort key: waves as numbers (2 before 10), other columns as text."""
    if column.name != "wave":
        return column
    return pd.to_numeric(column, errors="coerce").fillna(float("inf"))


def _group_text(wave: object, unit: object, actor: object) -> str:
    return f"Welle {wave}, Einheit {unit}, Akteursgruppe {actor}"


def check_new(
    register: Register,
    checksum: str,
    imported: pd.DataFrame,
    shown_name: str,
    replace_wave: str | None,
    stored: Callable[[], int] | None = None,
    items: Sequence[str] = (),
) -> None:
    """Refuse an export whose answers the register says were imported already.

    A ``--replace`` of the same wave passes when every recorded group of the
    export is a group of this import in that wave: the answers are replaced
    in place, none is counted twice.

    Parameters
    ----------
    register : Register
        The folder's register.
    checksum : str
        :func:`export_checksum` of the export.
    imported : DataFrame
        :func:`groups` of this import.
    shown_name : str
        The export's file name(s), for the message.
    replace_wave : str, optional
        The wave given with ``--replace``.
    stored : callable, optional
        Returns how many of this import's answers ``responses.csv`` holds;
        asked only when the export is recorded as the same wave, unit and
        group, to tell answers still there from answers removed by hand.
    items : sequence of str
        The items this import maps, named in the advice to remove an earlier
        import (its rows only, not the other answers of its groups).

    Raises
    ------
    ImportRefused
        Naming the file, when, as what and where it was recorded, and what to do.
    """
    frame = register.frame
    if frame.empty:
        return
    hit = (frame["sha256"].astype(str) == checksum).to_numpy()
    if not hit.any():
        return
    earlier = frame[hit]
    lines = register.lines[hit]
    mine = {(str(w), str(u), str(a)) for w, u, a in imported[GROUP].itertuples(index=False)}
    old = [(str(w), str(u), str(a)) for w, u, a in earlier[GROUP].itertuples(index=False)]
    if replace_wave is not None and replace_wave not in {g[0] for g in mine}:
        return  # refused by the merge, which says the import holds no such wave
    if replace_wave is not None and all(g[0] == replace_wave and g in mine for g in old):
        return
    same_wave = sorted({g[0] for g in old})
    same = set(old) <= mine and len(same_wave) == 1
    # recorded as these very groups, but answers removed from responses.csv by hand
    # (all of them or some: "schon da; nichts zu tun" would then be untrue)
    total = int(imported["answers"].sum())
    there = stored() if same and stored is not None else total
    gone = there < total
    if gone and there:
        twice = (
            f"{total - there} von {total} seiner Antworten fehlen aber in responses.csv / "
            f"{total - there} of its {total} answers are not in responses.csv"
        )
    elif gone:
        twice = (
            "seine Antworten fehlen aber in responses.csv / its answers are not in responses.csv"
        )
    else:
        twice = (
            "ein zweiter Import zählte jede Antwort doppelt / a second import would count "
            "every answer twice"
        )
    out = [
        f"{shown_name}: dieser Export wurde schon importiert (gleiche Antworten, auch unter "
        f"anderem Dateinamen); {twice}"
    ]
    for row, line in zip(earlier.itertuples(index=False), lines, strict=True):
        day = pd.Timestamp(row.imported)
        out.append(
            f"  am {day:%d.%m.%Y} als „{row.export}“ ({row.tool}): "
            f"{_group_text(row.wave, row.unit_id, row.actor_group)}, {row.answers} Antworten "
            f"({register.path.name}, Zeile {int(line)}) / imported on {day:%Y-%m-%d}"
        )
    now = ", ".join(_group_text(w, u, a) for w, u, a in imported[GROUP].itertuples(index=False))
    out.append(f"  jetzt: {now} / now")
    if gone:
        out.append(
            f"Von Hand entfernt, oder diesmal andere Items? Mit --replace {same_wave[0]} wird "
            f"er übernommen (Antworten derselben Welle, Einheit, Gruppe und Items werden dabei "
            f"ersetzt) und seine Zeile in {register.path.name} erneuert / removed by hand, or "
            f"other items this time? --replace {same_wave[0]} imports it"
        )
    elif same:
        out.append(
            f"Seine Antworten sind schon da; nichts zu tun. Ein korrigierter Import derselben "
            f"Welle: mit --replace {same_wave[0]} ersetzt er die Antworten des früheren / its "
            f"answers are in already; a corrected re-import of the same wave: use "
            f"--replace {same_wave[0]}"
        )
    else:
        places = "; ".join(sorted({_group_text(*g) for g in old}))
        n = int(pd.to_numeric(earlier["answers"], errors="coerce").fillna(0).sum())
        said = f"{n} Antwort{'en' * (n != 1)}"
        what = f"{'Item' if len(items) == 1 else 'Items'} {', '.join(items)}" if items else ""
        out.append(
            f"War Welle oder Einheit des früheren Imports falsch, zuerst den früheren Import "
            f"entfernen: nur seine {said} ({places}{'; ' + what if what else ''}) aus "
            f"responses.csv – die übrigen Antworten dieser Gruppen bleiben – und seine Zeilen aus "
            f"{register.path.name}; dann erneut importieren. Für einen korrigierten Import "
            f"derselben Welle und Einheit: --replace WELLE / if the earlier wave or unit was "
            f"wrong, remove the earlier import first (its answers from responses.csv, its lines "
            f"from {register.path.name}); for a corrected re-import of the same wave: --replace"
        )
    raise ImportRefused(out)


def register_text(
    register: Register,
    checksum: str,
    imported: pd.DataFrame,
    shown_name: str,
    tool: str,
    day: pd.Timestamp,
) -> str:
    """Return the register's new text: the recorded rows and this import's.

    The rows of this export recorded before (only possible with an accepted
    ``--replace``, see :func:`check_new`) are replaced by this import's, so
    the register keeps one line per export and group.

    Parameters
    ----------
    register : Register
        The register as read.
    checksum : str
        :func:`export_checksum` of the export.
    imported : DataFrame
        :func:`groups` of this import.
    shown_name : str
        The export's file name(s) as given.
    tool : str
        The survey tool.
    day : Timestamp
        Day of the import.

    Returns
    -------
    str
        The complete CSV text (German comment line, header, rows).
    """
    columns = _columns()
    new = imported.assign(
        sha256=checksum, export=shown_name, tool=tool, imported=f"{day:%Y-%m-%d}"
    )[columns]
    old = register.frame
    if not old.empty:
        old = old[old["sha256"].astype(str) != checksum][columns].copy()
        old["imported"] = [f"{pd.Timestamp(v):%Y-%m-%d}" for v in old["imported"]]
        new = pd.concat([old.astype(object), new.astype(object)], ignore_index=True)
    return table_csv_text(new, COMMENT)
