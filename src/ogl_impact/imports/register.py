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

A later, cumulative download of the same survey (its first responses and
new ones) has another checksum. So the register also records, beside it in
``imported_responses.csv``, which responses each import took: one keyed hash
per response (:func:`ogl_impact.imports.convert.response_key`, the HMAC of
the pseudonyms over tool, survey id and the tool's response id; never the id
itself). An export some of whose responses were imported before is refused
(:func:`check_overlap`), unless ``--replace`` re-imports them as the very
wave, unit and actor group they were imported as; their records then move
to this import. Imports recorded before this table existed have no records;
they are recognised by their checksum here; their answers, whatever the
register says, by the merge (:func:`ogl_impact.imports.merge.merge_into`,
``rekey``).

Each line names in ``items`` the items of its wave, unit and actor group its
import took answers for. ``--replace`` takes the group's answers to the new
mapping's items only (answers to other items stay, also those of respondents
``--remove-absent`` removes): so every answer left in ``responses.csv`` keeps
a line of its group that names its item (or none, see below) and is not
marked replaced (:func:`register_text`). An earlier line that keeps answers
to other items stays unmarked, its ``items`` narrowed to them; only a line
none of whose answers is left gets the day in ``replaced``; ``answers``
stays the count at the import. The same export imported again with ``--replace`` and a mapping
of fewer or other items keeps one line per group, naming the earlier items
whose answers stay as well (for a line naming none: the items of its
respondents' answers in ``responses.csv``). A line of an older version
names no items (nor does a cell emptied by hand): it stands for all items
of its group, and a ``--replace`` of some of them leaves it unmarked while
its group keeps answers to items no other line names (those are its).

A folder without the register (an older one, the embedded demo data) has
nothing recorded; the first import writes it. Both files are written in the
same staged move as ``responses.csv`` (:func:`ogl_impact.write.update_files`),
so a killed import leaves all of them old or all new.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np
import pandas as pd

from ogl_impact.imports.export import SurveyExport
from ogl_impact.imports.merge import ImportRefused, wave_key, wave_keys
from ogl_impact.io import TableReadError, read_table
from ogl_impact.problems import Problem, format_text
from ogl_impact.schemas import TABLES
from ogl_impact.schemas.crosscheck import register_items as _named
from ogl_impact.validate import find_tables, validate_table
from ogl_impact.write import table_csv_text

NAME = "imports"
REGISTER_FILE = f"{NAME}.csv"
COMMENT = "Importierte Befragungsexporte: ein Export wird nur einmal übernommen (ogl-impact import)"
TAKEN = "imported_responses"
TAKEN_FILE = f"{TAKEN}.csv"
TAKEN_COMMENT = (
    "Antwortbögen je Import (schlüsselabhängige Prüfwerte, HMAC, nicht umkehrbar): jeder wird "
    "nur einmal übernommen (ogl-impact import)"
)
GROUP = ["wave", "unit_id", "actor_group"]
_VERSION = "ogl-impact-export-1"  # changes only with the way the checksum is taken
Where = Callable[[str, str, "frozenset[str] | None"], tuple[int, str]]
"""``where(unit, wave, items)``: how many lines of ``responses.csv`` hold an export's answers.

:func:`~ogl_impact.imports.merge.stored_lines` with the folder and the import's ``rekey``.
"""


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
    taken : DataFrame
        The rows of ``imported_responses.csv`` (as text; empty when there
        is none): the responses each import took.
    taken_path : Path
        ``imported_responses.csv`` of the folder (it need not exist).
    taken_sha256 : str
        SHA-256 of its bytes; empty when it does not exist.
    """

    path: Path
    frame: pd.DataFrame
    lines: np.ndarray
    sha256: str
    taken: pd.DataFrame
    taken_path: Path
    taken_sha256: str

    def records(self) -> pd.DataFrame:
        """Return the response records of the imports recorded in ``imports.csv``.

        Records of an import whose line was removed from ``imports.csv`` (by
        hand, with its answers) belong to no import any more: left out here,
        and left out when the register is written next.

        Returns
        -------
        DataFrame
            ``sha256``, ``wave``, ``unit_id``, ``actor_group``, ``response`` as text
            (worked out once per register: an import asks for it three times).
        """
        return self._records

    @cached_property
    def _records(self) -> pd.DataFrame:
        taken = self.taken
        if taken.empty or self.frame.empty:
            return taken.iloc[:0]
        lines = pd.MultiIndex.from_tuples(_keyed(self.frame, "sha256"))
        mine = pd.MultiIndex.from_tuples(_keyed(taken, "sha256")).isin(lines)
        return taken[mine]


def _columns(name: str = NAME) -> list[str]:
    return list(TABLES[name].model.to_schema().columns)


def _keyed(frame: pd.DataFrame, *first: str) -> list[tuple[str, ...]]:
    """Return the ``first`` columns and the group of every row as compared, in order.

    The wave as :func:`~ogl_impact.imports.merge.wave_key`: ``imports.csv``
    read as numbers gives ``1`` where an import of ``@wave;01`` wrote ``01``.
    """
    if not len(frame):
        return []
    cells = frame[[*first, *GROUP]].astype(str).assign(wave=wave_keys(frame["wave"]))
    return list(cells.itertuples(index=False, name=None))


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
    found, _ = find_tables(folder) if folder.is_dir() else ({}, [])
    path, frame, lines, sha256 = _read_one(folder, found, NAME, lang)
    taken_path, taken, _, taken_sha256 = _read_one(folder, found, TAKEN, lang)
    taken = taken.astype(str) if len(taken) else pd.DataFrame(columns=_columns(TAKEN), dtype=str)
    return Register(path, frame, lines, sha256, taken, taken_path, taken_sha256)


def _read_one(
    folder: Path, found: dict[str, Path], name: str, lang: str
) -> tuple[Path, pd.DataFrame, np.ndarray, str]:
    """Read and validate one table of the register: path, typed rows, their lines, sha256."""
    where = found.get(name)
    if where is None:
        empty = pd.DataFrame(columns=_columns(name))
        return folder / f"{name}.csv", empty, np.zeros(0, dtype=np.int64), ""
    fix = (
        f"{where.name} gehört zum Register der importierten Exporte; bitte die Datei reparieren "
        f"(etwa aus einer Sicherung) und erneut importieren / {where.name} is part of the "
        f"register of imported exports; repair it and import again"
    )
    if where.suffix.lower() != ".csv":
        raise ImportRefused(
            [f"{where.name}: das Register muss {name}.csv sein (CSV) / must be CSV", fix]
        )
    try:  # a line cut off: its missing cells are named one by one (line and column)
        raw = read_table(where, name, short_rows_ok=True)
    except TableReadError as exc:
        raise ImportRefused([format_text([exc.problem], lang), fix]) from None
    frame, problems = validate_table(raw, TABLES[name])
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise ImportRefused([format_text(_by_cell(errors, name), lang), fix])
    return where, frame, np.asarray(raw.lines), raw.sha256


def _by_cell(problems: list[Problem], name: str = NAME) -> list[Problem]:
    """One problem per cell (an empty one is told as empty), in the order of line and column."""
    order = {c: i for i, c in enumerate(_columns(name))}

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
        ``wave``, ``unit_id``, ``actor_group`` (as text), ``answers`` and
        ``items`` (the group's item ids, sorted, joined by ``|``), one row per
        group, sorted (waves as numbers).
    """
    # grouped as they are (a million answers: Categoricals), the few groups made text after
    grouped = responses.groupby(GROUP, sort=False, observed=True)
    out = grouped.size().rename("answers").to_frame()
    out["items"] = grouped["item_id"].agg(lambda s: "|".join(sorted(set(map(str, s)))))
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
    where: Where | None = None,
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
    where : callable, optional
        ``where(unit, wave, items)`` counts and names the lines of
        ``responses.csv`` that hold this export's answers to ``items`` (all
        with ``None``) as that unit and wave
        (:func:`~ogl_impact.imports.merge.stored_lines`), for the advice to
        remove an earlier import: only the answers its lines still name.

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
    mine = set(_keyed(imported))
    old = _keyed(earlier)
    replace = None if replace_wave is None else wave_key(replace_wave)
    if replace is not None and replace not in {g[0] for g in mine}:
        return  # refused by the merge, which says the import holds no such wave
    if replace is not None and all(g[0] == replace and g in mine for g in old):
        return
    same_wave = sorted({g[0] for g in old})
    same = set(old) <= mine and len(same_wave) == 1
    # recorded as these very groups, but answers removed from responses.csv by hand
    # (all of them or some: "schon da; nichts zu tun" would then be untrue)
    total = int(imported["answers"].sum())
    there = stored() if same and stored is not None else total
    gone = there < total
    if gone and there:
        one = total - there == 1
        twice = (
            f"{total - there} von {total} seiner Antworten zu den Items dieser Zuordnung "
            f"fehl{'t' if one else 'en'} aber in responses.csv / {total - there} of its {total} "
            f"answers to the items of this mapping {'is' if one else 'are'} not in responses.csv"
        )
    elif gone:
        twice = (
            "seine Antworten zu den Items dieser Zuordnung fehlen aber in responses.csv / its "
            "answers to the items of this mapping are not in responses.csv"
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
    # the day a later --replace took its answers (a register of an older version has none)
    whens = earlier["replaced"] if "replaced" in earlier else pd.Series(pd.NaT, earlier.index)
    replaced = whens.notna()
    for row, line, when in zip(earlier.itertuples(index=False), lines, whens, strict=True):
        day = pd.Timestamp(row.imported)
        later = (
            f", am {pd.Timestamp(when):%d.%m.%Y} durch einen späteren Import mit --replace "
            f"ersetzt (Spalte replaced)"
            if pd.notna(when)
            else ""
        )
        out.append(
            f"  am {day:%d.%m.%Y} als „{row.export}“ ({row.tool}): "
            f"{_group_text(row.wave, row.unit_id, row.actor_group)}, {row.answers} Antworten "
            f"({register.path.name}, Zeile {int(line)}){later} / imported on {day:%Y-%m-%d}"
        )
    now = ", ".join(_group_text(w, u, a) for w, u, a in imported[GROUP].itertuples(index=False))
    out.append(f"  jetzt: {now} / now")
    if gone and replaced.any():
        out.append(
            f"Seine Antworten hat ein späterer Import mit --replace ersetzt oder entfernt; nichts "
            f"zu tun. Sollen genau seine Antworten wieder gelten: mit --replace {same_wave[0]} "
            f"(Befragte, die er nicht enthält, nur zusätzlich mit --remove-absent) / a later "
            f"import replaced its answers; nothing to do"
        )
    elif gone:
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
        out += _removal_advice(earlier, where, register.path.name)
    raise ImportRefused(out)


def _removal_advice(earlier: pd.DataFrame, where: Where | None, register_name: str) -> list[str]:
    """Advise how to remove an earlier import of this export, naming only its answers.

    Only its lines not marked replaced hold answers, and of those only the
    answers to the items they name (a ``--replace`` of other items narrowed
    them; the same respondents' other answers came from other imports).
    The count said is that of the lines of ``responses.csv`` named.
    """
    whens = earlier["replaced"] if "replaced" in earlier else pd.Series(pd.NaT, earlier.index)
    live = earlier[whens.isna().to_numpy()]
    if live.empty:
        return [
            f"Seine Antworten hat ein späterer Import mit --replace ersetzt (Spalte replaced), "
            f"in responses.csv ist von ihm nichts mehr zu entfernen. War Welle oder Einheit "
            f"falsch: seine Zeilen aus {register_name} entfernen und erneut importieren / a "
            f"later --replace took its answers; nothing of it is left in responses.csv"
        ]
    cells = live["items"] if "items" in live else pd.Series(None, index=live.index)
    items_of = [_named(cell) for cell in cells]
    named: set[str] = set().union(*(items or set() for items in items_of))
    places = _places(
        ((unit, wave), items)
        for (unit, wave, *_), items in zip(_keyed(live, "unit_id"), items_of, strict=True)
    )
    found = {p: where(p[0], p[1], items) if where else (0, "") for p, items in places.items()}
    n = sum(count for count, _ in found.values())
    if not n:  # nothing can be named (a panel key, answers removed by hand): as recorded
        n = int(pd.to_numeric(live["answers"], errors="coerce").fillna(0).sum())
    said = f"{n} Antwort{'en' * (n != 1)}"
    groups = "; ".join(sorted({_group_text(*g) for g in _keyed(live)}))
    what = f"{'Item' if len(named) == 1 else 'Items'} {', '.join(sorted(named))}" if named else ""
    out = [
        f"War Welle oder Einheit des früheren Imports falsch, zuerst den früheren Import "
        f"entfernen: nur seine {said} ({groups}{'; ' + what if what else ''}) aus "
        f"responses.csv – die übrigen Antworten dieser Gruppen bleiben – und seine Zeilen aus "
        f"{register_name}; dann erneut importieren. Für einen korrigierten Import "
        f"derselben Welle und Einheit: --replace WELLE / if the earlier wave or unit was "
        f"wrong, remove the earlier import first (its {n} answers from responses.csv, its "
        f"lines from {register_name}); for a corrected re-import of the same wave: --replace"
    ]
    return out + _to_remove(found)


def _places(
    pairs: Iterable[tuple[tuple[str, str], frozenset[str] | None]],
) -> dict[tuple[str, str], frozenset[str] | None]:
    """Merge the items named per (unit, wave); None (a line naming none) means all items."""
    places: dict[tuple[str, str], frozenset[str] | None] = {}
    for place, items in pairs:
        had = places.get(place, frozenset())
        places[place] = None if items is None or had is None else had | items
    return places


def _to_remove(found: Mapping[tuple[str, str], tuple[int, str]]) -> list[str]:
    """One line per (unit, wave) with answers to remove: where they stand in responses.csv."""
    return [
        f"  zu entfernen (Welle {wave}, Einheit {unit}): {text} / to remove"
        for (unit, wave), (count, text) in sorted(found.items())
        if count
    ]


def _removal_lines(where: Where | None, register: Register, hit: pd.DataFrame) -> list[str]:
    """Name the lines of ``responses.csv`` holding the answers of the earlier imports ``hit``.

    ``hit`` are their response records; of each import's line, the answers to
    the items it names (all for a line of an older version, naming none).
    """
    if where is None or hit.empty:
        return []
    frame = register.frame
    cells = frame["items"] if "items" in frame else pd.Series(None, index=frame.index)
    named = dict(zip(_keyed(frame, "sha256"), map(_named, cells), strict=True))
    places = _places(((key[2], key[1]), named.get(key)) for key in set(_keyed(hit, "sha256")))
    return _to_remove({p: where(p[0], p[1], items) for p, items in places.items()})


def _replaced_groups(imported: pd.DataFrame, replace_wave: str | None) -> set[tuple[str, ...]]:
    """Return the groups whose answers a ``--replace`` of this import replaces (none without)."""
    if replace_wave is None:
        return set()
    return {g for g in _keyed(imported) if g[0] == wave_key(replace_wave)}


def check_overlap(
    register: Register,
    checksum: str,
    taken: pd.DataFrame,
    imported: pd.DataFrame,
    shown_name: str,
    replace_wave: str | None,
    where: Where | None = None,
) -> None:
    """Refuse an export some of whose responses an earlier import took in.

    A later, cumulative download (the first responses again, plus new ones),
    or the same export with a question or some rows deleted, has another
    checksum than the export imported before, but the same responses: given
    another wave or unit, their pseudonyms would differ and their answers
    would count twice. Only imports with response records are compared
    (imports of an older version are recognised by their checksum alone,
    :func:`check_new`). A ``--replace`` passes when every response imported
    before was imported as a wave, unit and actor group it replaces.

    Parameters
    ----------
    register : Register
        The folder's register.
    checksum : str
        :func:`export_checksum` of the export (its own earlier import is
        :func:`check_new`'s to judge).
    taken : DataFrame
        The responses this import takes in
        (:attr:`~ogl_impact.imports.convert.Conversion.taken`).
    imported : DataFrame
        :func:`groups` of this import.
    shown_name : str
        The export's file name(s), for the message.
    replace_wave : str, optional
        The wave given with ``--replace``.
    where : callable, optional
        ``where(unit, wave, items)`` counts and names the lines of
        ``responses.csv`` that hold this export's answers to ``items`` as
        that unit and wave, for the advice to remove an earlier import.

    Raises
    ------
    ImportRefused
        Naming the file, how many of its responses were imported before,
        when, as what and from which file, and what to do.
    """
    if replace_wave is not None and wave_key(replace_wave) not in set(wave_keys(imported["wave"])):
        return  # refused by the merge, which says the import holds no such wave
    records = register.records()
    records = records[records["sha256"] != checksum]
    if records.empty or not len(taken):
        return
    hit = records[records["response"].isin(set(taken["response"].astype(str)))]
    if hit.empty:
        return
    replaced = _replaced_groups(imported, replace_wave)
    before = set(_keyed(hit))
    if replaced and before <= replaced:
        return  # the answers are replaced in place; their records move to this import
    now = dict(zip(taken["response"].astype(str), _keyed(taken), strict=True))
    # as what they would be imported this time
    same = np.array([now[r] == g for r, g in zip(hit["response"], _keyed(hit), strict=True)])
    # distinct responses: a line a --replace narrowed keeps the records of the responses the
    # replacing import recorded too (the answers to its other items stay)
    n, total = int(hit["response"].nunique()), len(taken)
    out = [
        f"{shown_name}: {n} von {total} Antwortbögen dieses Exports wurden schon importiert "
        f"(dieselben Antwortbögen der Umfrage, etwa aus einem früheren Download); ein zweiter "
        f"Import zählte ihre Antworten doppelt / {n} of its {total} responses were imported "
        f"before; importing them again would count their answers twice"
    ]
    lines = dict(
        zip(
            _keyed(register.frame, "sha256"),
            zip(register.frame.itertuples(index=False), register.lines, strict=True),
            strict=True,
        )
    )
    counts = pd.Series(_keyed(hit, "sha256")).value_counts(sort=False)
    for key, k in counts.items():
        row, line = lines[key]
        day = pd.Timestamp(row.imported)
        out.append(
            f"  {k} davon am {day:%d.%m.%Y} aus „{row.export}“ ({row.tool}): "
            f"{_group_text(row.wave, row.unit_id, row.actor_group)} ({register.path.name}, "
            f"Zeile {int(line)}) / {k} of them imported on {day:%Y-%m-%d}"
        )
    groups_now = [_group_text(w, u, a) for w, u, a in imported[GROUP].itertuples(index=False)]
    out.append(f"  jetzt: {', '.join(groups_now)} / now")
    fresh = total - n
    if fresh:
        out.append(
            f"Nur die {fresh} neuen übernehmen: den Export im Befragungswerkzeug auf die neuen "
            f"Antworten filtern (etwa nach Datum oder Antwort-ID), erneut exportieren und diesen "
            f"Export importieren / import only the {fresh} new responses: filter the export in "
            f"the survey tool"
        )
    else:
        out.append(
            "Dieser Export bringt keine neuen Antwortbögen / this export holds no new responses"
        )
    if not same.all():
        out.append(
            f"War Welle oder Einheit des früheren Imports falsch, zuerst den früheren Import "
            f"entfernen: seine Antworten aus responses.csv und seine Zeilen aus "
            f"{register.path.name}; dann erneut importieren / if the earlier wave or unit was "
            f"wrong, remove the earlier import first (its answers from responses.csv, its "
            f"lines from {register.path.name})"
        )
        out += _removal_lines(where, register, hit[~same])
    waves = {g[0] for g, s in zip(_keyed(hit), same, strict=True) if s}
    if len(waves) == 1:  # --replace takes one wave
        (wave,) = waves
        out.append(
            f"Ein neuer Gesamtdownload derselben Welle, der die frühere Datei ersetzen soll? Mit "
            f"--replace {wave} ersetzt er alle Antworten der Welle {wave} zu seinen Einheiten, "
            f"Akteursgruppen und Items (auch die aus anderen Exporten) / a new full download "
            f"replacing the earlier one: --replace {wave} replaces the wave's answers"
        )
    out.append(
        "Andere Befragte mit denselben Antwort-IDs (die Umfrage wurde zurückgesetzt und zählt "
        "von vorn)? Dann in der Zuordnung mit @survey_id als eigene Befragung kennzeichnen / "
        "other respondents under the same ids (the survey was reset)? Mark it with @survey_id"
    )
    raise ImportRefused(out)


def register_text(
    register: Register,
    checksum: str,
    imported: pd.DataFrame,
    shown_name: str,
    tool: str,
    day: pd.Timestamp,
    taken: pd.DataFrame | None = None,
    replace_wave: str | None = None,
    secret_check: str = "",
    replaced_rows: int = 0,
    kept: Callable[[tuple[str, ...], list[str]], int] | None = None,
    held: Callable[[tuple[str, ...]], frozenset[str]] | None = None,
    remaining: Mapping[tuple[str, ...], frozenset[str]] | None = None,
) -> dict[str, str]:
    """Return the register's new files: the recorded rows and this import's.

    A ``--replace`` removes every stored answer of the wave to the items this
    import holds, in the units and actor groups it holds them for
    (:func:`~ogl_impact.imports.merge.merge_into`); answers of those groups
    to other items stay. An earlier line of such a group that keeps answers
    to other items stays unmarked, its ``items`` narrowed to them: an
    unmarked line names in ``items`` the items of its group whose answers it
    brought and no later ``--replace`` took (``answers`` stays the count at
    its import). A line all of whose items the ``--replace`` takes gets
    ``day`` as ``replaced``: none of its answers is left (``items`` then
    names those it held last, and a later ``--replace`` keeps the day); if
    this import also took in every one of its responses again, it is no
    longer listed. A line naming no items (an older version, or a cell
    emptied by hand) stands for all items of its group: what it held is not
    known. The answers its group keeps (``remaining``) to items no line
    naming items names are its: then it stays unmarked (and keeps its
    records); otherwise it is marked, as before (whether some of the answers
    other lines name are its is not known), and dropped when all its
    responses moved. A ``--replace`` that removed no answer changes no
    earlier line naming items.

    The lines of this very export recorded before (only possible with an
    accepted ``--replace``, see :func:`check_new`) give way to this import's,
    so the register keeps one line per export and group; the items of such a
    line that this import does not hold (a mapping of fewer or other items)
    stay in its new line, and so do its answers to them (``kept``). Such a
    line naming no items held the answers of its respondents in its group
    (``held``): those to items this import does not hold stay in its new line.

    The response records of an earlier line that stays unmarked stay with
    it; those of a line marked replaced that this import took in again (as a
    group it replaces, see :func:`check_overlap`) move to this import.
    Records of imports no longer in ``imports.csv`` are dropped.

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
    taken : DataFrame, optional
        The responses this import takes in
        (:attr:`~ogl_impact.imports.convert.Conversion.taken`).
    replace_wave : str, optional
        The wave given with ``--replace``.
    secret_check : str
        :func:`~ogl_impact.imports.convert.secret_check` of this import's
        secret ("" leaves the cell empty).
    replaced_rows : int
        How many stored answers the ``--replace`` removed; with none, no
        earlier line of an older version (without ``items``) is marked.
    kept : callable, optional
        ``kept(group, items)``: how many answers of this export's responses
        to ``items`` of ``group`` (wave, unit, actor group) ``responses.csv``
        holds, for the line of this export imported before with items this
        import does not hold; without it they are not counted.
    held : callable, optional
        ``held(group)``: the items of ``group`` that ``responses.csv`` holds
        answers of this export's respondents to (before this import), for
        its line imported before that names no items
        (:func:`~ogl_impact.imports.merge.held_items`).
    remaining : mapping, optional
        Group -> the items it keeps answers to once the ``--replace``
        removed its own (:attr:`~ogl_impact.imports.merge.Merged.left`), for
        the lines naming no items.

    Returns
    -------
    dict of str to str
        ``imports.csv`` and ``imported_responses.csv`` -> complete CSV text
        (German comment line, header, rows).
    """
    columns = _columns()
    new = imported.assign(
        sha256=checksum,
        export=shown_name,
        tool=tool,
        imported=f"{day:%Y-%m-%d}",
        replaced=None,
        secret_check=secret_check or None,
    )[columns]
    records = register.records()
    records = records[records["sha256"] != checksum]
    scope = _scope(imported, replace_wave)
    carried: set[tuple[str, ...]] = set()
    old = register.frame
    if not old.empty:
        old = old.reindex(columns=columns).copy()  # a register of an older version
        old["imported"] = [f"{pd.Timestamp(v):%Y-%m-%d}" for v in old["imported"]]
        old["replaced"] = [
            None if pd.isna(v) else f"{pd.Timestamp(v):%Y-%m-%d}" for v in old["replaced"]
        ]
        keys = _keyed(old, "sha256")
        taking = scope if replaced_rows else {}  # the groups and items whose answers it took
        left = [
            _left(items, replaced, taking.get(k[1:]))
            for k, items, replaced in zip(keys, old["items"], old["replaced"], strict=True)
        ]
        # this export's own line naming no items (an older version, a cell emptied by hand):
        # its items are those its respondents' answers in responses.csv are to, less those
        # another export's line of the group names (the same respondents in a cumulative
        # download: those answers are that line's)
        named: dict[tuple[str, ...], set[str]] = {}
        for k, rest in zip(keys, left, strict=True):
            if k[0] != checksum and rest:
                named.setdefault(k[1:], set()).update(rest)
        left = [
            _held_left(k, replaced, taking.get(k[1:]), held, named.get(k[1:], set()))
            if k[0] == checksum and rest is None
            else rest
            for k, rest, replaced in zip(keys, left, old["replaced"], strict=True)
        ]
        new, carried = _with_own_items(new, keys, left, checksum, kept)
        # the items each group's lines naming items name once this import is written
        others: dict[tuple[str, ...], set[str]] = {}
        for g, rest in [*zip((k[1:] for k in keys), left, strict=True), *_named_new(new)]:
            others.setdefault(g, set()).update(rest or ())
        marked, items, holds = [], [], []
        for k, rest, cell, replaced in zip(keys, left, old["items"], old["replaced"], strict=True):
            touched = k[1:] in taking
            if rest is None:  # no items named: its group's answers no other line names are its
                orphans = None if remaining is None else remaining.get(k[1:], frozenset())
                holds.append(bool(orphans and orphans - others.get(k[1:], set())))
                marked.append(touched and not holds[-1] and (remaining is None or replaced is None))
                items.append(cell)
            else:
                holds.append(bool(rest))
                marked.append(touched and not rest and replaced is None)
                items.append("|".join(sorted(rest)) if rest else cell)
        # lines that keep answers keep their records; the others give up those taken again
        stays = {k for k, keeps in zip(keys, holds, strict=True) if keeps}
        if taken is not None and len(taken) and len(records):
            mine = _keyed(records, "sha256")
            moved = records["response"].isin(set(taken["response"].astype(str))) & pd.Series(
                [k[1:] in scope and k not in stays for k in mine], index=records.index, dtype=bool
            )
            had = _lines_of(records)
            records = records[~moved]
            gone = had - _lines_of(records)  # lines every response of which this import took over
        else:
            gone = set()
        old["items"] = items
        old.loc[marked, "replaced"] = f"{day:%Y-%m-%d}"
        keep = [k[0] != checksum and k not in gone for k in keys]
        new = pd.concat([old[keep].astype(object), new.astype(object)], ignore_index=True)
    mine = pd.DataFrame(columns=_columns(TAKEN), dtype=object)
    if taken is not None and len(taken):
        mine = taken.astype(str).assign(sha256=checksum)[_columns(TAKEN)]
    rows = pd.concat(
        [
            records[_columns(TAKEN)].astype(object),
            _own_records(register, checksum, carried, mine).astype(object),
            mine.astype(object),
        ]
    )
    return {
        REGISTER_FILE: table_csv_text(new, COMMENT),
        TAKEN_FILE: table_csv_text(rows.reset_index(drop=True), TAKEN_COMMENT),
    }


def _own_records(
    register: Register, checksum: str, carried: set[tuple[str, ...]], mine: pd.DataFrame
) -> pd.DataFrame:
    """Return the earlier records of this export that its lines keep and this import lacks.

    A line of this export that keeps items of its earlier import
    (``carried``, see :func:`_with_own_items`) keeps the records of the
    responses that only the earlier mapping took (none to this import's
    items): their answers stay, from this export.
    """
    own = register.records()
    own = own[own["sha256"] == checksum]
    if own.empty or not carried:
        return own.iloc[:0][_columns(TAKEN)]
    kept = pd.Series([k in carried for k in _keyed(own, "sha256")], index=own.index, dtype=bool)
    again = own["response"].isin(set(mine["response"].astype(str)))
    return own[kept & ~again][_columns(TAKEN)]


def _scope(
    imported: pd.DataFrame, replace_wave: str | None
) -> dict[tuple[str, ...], frozenset[str]]:
    """Return the groups a ``--replace`` of this import replaces, each with its items.

    Every stored answer of such a group to one of these items is removed by
    the merge; answers of the group to other items stay.
    """
    groups = _replaced_groups(imported, replace_wave)
    return {
        g: frozenset(str(items).split("|"))
        for g, items in zip(_keyed(imported), imported["items"], strict=True)
        if g in groups
    }


def _left(items: object, replaced: object, scope: frozenset[str] | None) -> frozenset[str] | None:
    """Return the items a line still holds answers to once a ``--replace`` took ``scope``.

    ``None`` when the line names no items (an older version: not known); none
    for a line marked replaced before (nothing of it was left).

    Examples
    --------
    >>> sorted(_left("bild|farbe", None, frozenset({"bild"})))
    ['farbe']
    >>> sorted(_left("farbe", None, frozenset({"bild"})))
    ['farbe']
    >>> sorted(_left("bild", None, frozenset({"bild", "farbe"})))
    []
    >>> sorted(_left("bild|farbe", "2026-05-04", None))
    []
    >>> _left(None, None, frozenset({"bild"})) is None
    True
    """
    named = _named(items)
    if named is None:
        return None
    if isinstance(replaced, str) and replaced:
        return frozenset()
    return named - (scope or frozenset())


def _named_new(new: pd.DataFrame) -> list[tuple[tuple[str, ...], frozenset[str] | None]]:
    """Return the group and the items of each of this import's lines."""
    return list(zip(_keyed(new), map(_named, new["items"]), strict=True))


def _held_left(
    key: tuple[str, ...],
    replaced: object,
    scope: frozenset[str] | None,
    held: Callable[[tuple[str, ...]], frozenset[str]] | None,
    others: set[str],
) -> frozenset[str] | None:
    """Return the items this export's earlier line keeps answers to, also when it names none.

    A line naming no items (an older version, a cell emptied by hand) holds
    the answers of its export's respondents in its group (``held``, read from
    ``responses.csv`` before the merge), except to the items ``others``
    (another export's lines of the group) name; those outside ``scope`` stay.
    """
    if isinstance(replaced, str) and replaced:
        return frozenset()
    if held is None:
        return None
    return held(key[1:]) - (scope or frozenset()) - others


def _with_own_items(
    new: pd.DataFrame,
    keys: list[tuple[str, ...]],
    left: list[frozenset[str] | None],
    checksum: str,
    kept: Callable[[tuple[str, ...], list[str]], int] | None,
) -> tuple[pd.DataFrame, set[tuple[str, ...]]]:
    """Take into this import's lines the items its export's earlier lines keep answers to.

    The same export imported before with a mapping of other items, then
    again with ``--replace``: its line gives way to this import's (one line
    per export and group), which names the items of both whose answers
    stay and counts their answers. Returns the lines and the keys of those
    that took items in.
    """
    new = new.copy()
    carried: set[tuple[str, ...]] = set()
    where = {k: i for i, k in enumerate(_keyed(new, "sha256"))}
    for k, rest in zip(keys, left, strict=True):
        i = where.get(k)
        if k[0] != checksum or not rest or i is None:
            continue
        have = set(str(new.at[i, "items"]).split("|"))
        extra = sorted(rest - have)
        if extra:
            new.at[i, "items"] = "|".join(sorted(have | set(extra)))
            new.at[i, "answers"] = int(new.at[i, "answers"]) + (kept(k[1:], extra) if kept else 0)
            carried.add(k)
    return new, carried


def check_secret(register: Register, check: str, shown_name: str) -> None:
    """Refuse an import whose secret is not the one of the folder's earlier imports.

    With another secret the respondents get other pseudonyms and the
    responses other keys: nothing imported before would be recognised (a
    cumulative download counted twice, a panel not linked). Imports of an
    older version recorded no check value; they are not compared.

    Parameters
    ----------
    register : Register
        The folder's register.
    check : str
        :func:`~ogl_impact.imports.convert.secret_check` of this import's secret.
    shown_name : str
        The export's file name(s), for the message.

    Raises
    ------
    ImportRefused
        Naming the lines of the imports made with the other secret.
    """
    frame = register.frame
    recorded = _secret_recorded(frame)
    if not recorded.any() or (frame.loc[recorded, "secret_check"] == check).any():
        return
    numbers = [int(n) for n in register.lines[recorded.to_numpy()]]
    lines = ", ".join(map(str, numbers[:5])) + (" …" if len(numbers) > 5 else "")
    days = sorted({f"{pd.Timestamp(d):%d.%m.%Y}" for d in frame.loc[recorded, "imported"]})
    raise ImportRefused(
        [
            f"{shown_name}: das Geheimnis der Pseudonyme (--secret-file oder OGL_IMPACT_SECRET) "
            f"ist ein anderes als bei den früheren Importen in diesem Ordner "
            f"({register.path.name}, Zeile{'n' * (len(numbers) > 1)} {lines}; importiert am "
            f"{', '.join(days)}): die Befragten bekämen andere Pseudonyme, und schon importierte "
            f"Antworten blieben unerkannt (doppelt gezählt). Bitte dasselbe Geheimnis wie bei "
            f"den früheren Importen angeben / the pseudonymisation secret differs from the one "
            f"of this folder's earlier imports: answers imported before would not be "
            f"recognised; give the same secret",
            "Ist das Geheimnis jener Importe verloren oder war es das falsche: in einen neuen "
            "Ordner importieren (alle Exporte mit dem neuen Geheimnis) / if their secret is "
            "lost or was the wrong one, import every export into a new folder",
        ]
    )


def unchecked_secret(register: Register) -> bool:
    """Whether the register has lines but no check value of the secret (an older version).

    Parameters
    ----------
    register : Register
        The register as read before this import.

    Returns
    -------
    bool
        True when this import is the first to record the secret's check
        value: its secret could not be compared with the earlier imports'.
    """
    return not register.frame.empty and not _secret_recorded(register.frame).any()


def _secret_recorded(frame: pd.DataFrame) -> pd.Series:
    """Return which lines of the register hold a check value of the secret."""
    if "secret_check" not in frame:  # a register of an older version
        return pd.Series(False, index=frame.index)
    known = frame["secret_check"].astype("string")
    return (known.notna() & known.ne("")).fillna(False).astype(bool)


def _lines_of(records: pd.DataFrame) -> set[tuple[str, ...]]:
    """Return the register lines (checksum and group) that ``records`` belong to."""
    return set(_keyed(records, "sha256"))


def unrecorded(register: Register, checksum: str) -> list[int]:
    """Return the lines of ``imports.csv`` without response records (an older version).

    Parameters
    ----------
    register : Register
        The register as read.
    checksum : str
        :func:`export_checksum` of this import (its own lines are left out).

    Returns
    -------
    list of int
        Their lines, in order; an overlap with them is seen only for the very
        same export (by checksum).
    """
    frame = register.frame
    if frame.empty:
        return []
    recorded = set(_keyed(register.records(), "sha256"))
    own = _keyed(frame, "sha256")
    bare = (
        np.array([k not in recorded for k in own])
        & (frame["sha256"].astype(str) != checksum).to_numpy()
    )
    return [int(n) for n in register.lines[bare]]
