"""Merge an import into a data folder: add, never overwrite, never lose an existing answer.

The folder's ``codebook.csv`` and ``responses.csv`` are extended at the end
of the text: every byte of the existing rows stays as it was. An imported
item already in the codebook must agree with it (construct, scale, value
labels, reverse keying); an imported answer whose respondent, wave and item
are already in ``responses.csv`` is refused, naming the line of the existing
answer. Only ``replace_wave`` removes existing rows: those of that wave
whose unit, actor group and item the import holds for that wave (a survey of
another group, or a question the import does not hold, keeps its answers),
and the caller is told how many.
"""

from __future__ import annotations

import contextlib
import hashlib
import math
import re
from collections.abc import Callable, Collection, Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ogl_impact.io import RawTable, TableReadError, physical_lines, read_table
from ogl_impact.schemas.tables import PSEUDONYM_PATTERN
from ogl_impact.validate import find_tables
from ogl_impact.write import table_csv_text

KEY = ("respondent_id", "wave", "item_id")
COMPARED = ("construct", "scale_min", "scale_max", "value_labels", "reverse_keyed")
SHOWN = 20  # conflicts named one by one before "and n more"
_TRUE = ("true", "ja", "1", "yes", "wahr", "1.0")


class ImportRefused(Exception):
    """The import would overwrite or contradict the folder; ``lines`` say where (de / en)."""

    def __init__(self, lines: list[str]):
        super().__init__("\n".join(lines))
        self.lines = lines


@dataclass(frozen=True)
class Merged:
    """The new text of the two tables and what changed.

    Attributes
    ----------
    texts : dict of str to str
        File name (``codebook.csv``, ``responses.csv``) -> complete new text.
    added_items, added_rows, replaced_rows : int
        Codebook rows added, response rows added, response rows removed by
        ``replace_wave``.
    dropped_rows, dropped_respondents : int
        Of the rows removed by ``replace_wave``, those of respondents the
        import does not hold (another export's, or responses deleted in the
        survey tool since): removed, not replaced; and their respondents.
    dropped_lines : tuple of int
        The lines of ``responses.csv`` holding those answers.
    absent_kept : int
        The answers of those respondents in that wave that stay: to items
        the import does not hold (``replace_wave`` removes none of them).
    left : dict
        Wave (as :func:`wave_key`), unit and actor group of every group of
        ``replace_wave`` with answers stored -> the items with answers left
        once it replaced its own (empty without ``replace_wave``).
    read : dict of Path to str
        The existing files the texts were built from, with their sha256.
    synthetic : tuple of str
        Existing files marked as synthetic demo data (their leading comment
        then covers the imported rows too).
    """

    texts: dict[str, str]
    added_items: int
    added_rows: int
    replaced_rows: int
    read: dict[Path, str]
    synthetic: tuple[str, ...] = ()
    dropped_rows: int = 0
    dropped_respondents: int = 0
    dropped_lines: tuple[int, ...] = ()
    absent_kept: int = 0
    left: dict[tuple[str, str, str], frozenset[str]] = field(default_factory=dict)

    def dropped_where(self) -> str:
        """Name the lines of the answers removed, not replaced: ``Zeilen 3-22, 40``."""
        lines = np.asarray(self.dropped_lines)
        return f"Zeile{'n' * (len(lines) != 1)} {_spans(lines)}" if len(lines) else ""

    def check_unchanged(self) -> None:
        """Refuse when a file read for the merge changed since (another run, an editor).

        Raises
        ------
        ImportRefused
            Naming the file.
        """
        for path, digest in self.read.items():
            now = hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else ""
            if now != digest:
                raise ImportRefused(
                    [
                        f"{path.name} wurde während des Imports geändert; nichts geschrieben, "
                        f"bitte erneut importieren / changed during the import, nothing written"
                    ]
                )


_ONCE: ContextVar[dict[tuple[Path, str], RawTable] | None] = ContextVar("_ONCE", default=None)


@contextlib.contextmanager
def reading_once() -> Iterator[None]:
    """Parse each table of a data folder once within the block.

    An import asks for ``responses.csv`` in several steps (the register's
    checks, the merge, the answers kept); its caller holds the folder's lock,
    so the file stays as read, and the merge's last check before writing
    (:meth:`Merged.check_unchanged`) hashes it again. Outside the block every
    call reads the file.

    Examples
    --------
    >>> with reading_once():
    ...     pass
    """
    token = _ONCE.set({})
    try:
        yield
    finally:
        _ONCE.reset(token)


def _read(folder: Path, name: str) -> RawTable | None:
    memo = _ONCE.get()
    if memo is not None and (folder, name) in memo:
        return memo[(folder, name)]
    table = _read_now(folder, name)
    if memo is not None and table is not None:  # a table made meanwhile is still found
        memo[(folder, name)] = table
    return table


def _read_now(folder: Path, name: str) -> RawTable | None:
    files, _ = find_tables(folder) if folder.is_dir() else ({}, [])
    path = files.get(name)
    if path is None:
        return None
    if path.suffix.lower() != ".csv":
        raise ImportRefused(
            [
                f"{path.name}: ein Import ergänzt nur CSV-Tabellen; bitte die Tabelle als CSV "
                f"speichern oder in einen neuen Ordner importieren / an import only extends CSV "
                f"tables; save it as CSV or import into a new folder"
            ]
        )
    try:
        return read_table(path, name)
    except TableReadError as exc:
        raise ImportRefused([f"{path.name}: {exc.problem.message('de')}"]) from None


_WHOLE = re.compile(r"\s*\+?\d+\s*")


def wave_key(value: object) -> str:
    """Return a wave as it is compared: a whole number as its digits, other text stripped.

    ``responses.csv`` reads its waves as numbers, so a mapping's ``@wave;01``
    and ``--replace 1`` name the same wave; the text stays as it was written
    (the pseudonyms are made from it).

    Parameters
    ----------
    value : object
        A wave as written (``"01"``, ``" 1"``, ``2``).

    Returns
    -------
    str
        ``"1"`` for ``"01"``; anything not a whole number stripped, unchanged.

    Examples
    --------
    >>> wave_key("01"), wave_key(" 1 "), wave_key(2), wave_key("eins")
    ('1', '1', '2', 'eins')
    """
    text = str(value).strip()
    return str(int(text)) if _WHOLE.fullmatch(text) else text


def wave_keys(column: pd.Series) -> pd.Series:
    """Return :func:`wave_key` of every cell of ``column`` (as text, same index)."""
    text = column.astype(str)
    return text.map({v: wave_key(v) for v in text.unique()})


def _keys(frame: pd.DataFrame) -> pd.MultiIndex:
    """Respondent, wave (as compared, :func:`wave_key`) and item of every row."""
    keyed = frame[list(KEY)].astype(str).assign(wave=wave_keys(frame["wave"]))
    return pd.MultiIndex.from_frame(keyed)


def stored_answers(folder: Path, responses: pd.DataFrame) -> int:
    """Count the answers of an import that ``folder``'s ``responses.csv`` holds already.

    Parameters
    ----------
    folder : Path
        The data folder (may be missing or hold no responses yet).
    responses : DataFrame
        The converted answers of the import.

    Returns
    -------
    int
        How many of them (by respondent, wave and item) are stored; 0 without
        ``responses.csv``.

    Raises
    ------
    ImportRefused
        When ``responses.csv`` cannot be read.
    """
    old = _read(folder, "responses")
    if old is None or not len(responses):
        return 0
    return int(_keys(responses).isin(_keys(old.frame)).sum())


class HeldAnswers:
    """The stored answers of an export's respondents, per group: read once, when first asked.

    For the line of the same export imported before: with a mapping of other
    items, its answers to the items this import does not hold stay and its
    line counts them (:meth:`count`); by an older version, which names no
    items, the items its respondents have answers to are its own
    (:meth:`items`; a response is imported once).

    Parameters
    ----------
    folder : Path
        The data folder.
    respondents : DataFrame
        ``respondent_id``, ``unit_id``, ``wave``, ``actor_group`` of every
        response of the export
        (:attr:`~ogl_impact.imports.convert.Conversion.respondents`).
    """

    def __init__(self, folder: Path, respondents: pd.DataFrame) -> None:
        self._folder = folder
        self._respondents = respondents
        self._stored: pd.DataFrame | None = None

    def count(self, group: tuple[str, ...], items: list[str]) -> int:
        """Count the stored answers to ``items`` of ``group`` (0 without ``responses.csv``).

        ``group`` is wave (as :func:`wave_key`), unit and actor group.
        """
        return int(self._of(group).isin(set(items)).sum())

    def items(self, group: tuple[str, ...]) -> frozenset[str]:
        """Return the items of ``group`` the respondents have stored answers to."""
        return frozenset(self._of(group))

    def _of(self, group: tuple[str, ...]) -> pd.Series:
        """Return the item of every stored answer of the export's respondents in ``group``."""
        if self._stored is None:
            old = _read(self._folder, "responses")
            self._stored = pd.DataFrame() if old is None else old.frame.astype(str)
        frame, respondents = self._stored, self._respondents
        if frame.empty or not len(respondents):
            return pd.Series([], dtype=str)
        wave, unit, actor = group
        mine = respondents[
            (wave_keys(respondents["wave"]) == wave).to_numpy()
            & (respondents["unit_id"].astype(str) == unit).to_numpy()
            & (respondents["actor_group"].astype(str) == actor).to_numpy()
        ]
        hit = (
            (wave_keys(frame["wave"]) == wave)
            & (frame["unit_id"] == unit)
            & frame["respondent_id"].isin(set(mine["respondent_id"]))
        )
        if "actor_group" in frame:
            hit &= frame["actor_group"] == actor
        return frame.loc[hit, "item_id"]


def stored_lines(
    folder: Path,
    rekey: Callable[[str, str], list[str]] | None,
    unit: str,
    wave: str,
    items: Collection[str] | None = None,
) -> tuple[int, str]:
    """Name the lines of ``responses.csv`` holding an import's answers as ``unit`` and ``wave``.

    Parameters
    ----------
    folder : Path
        The data folder.
    rekey : callable, optional
        :attr:`~ogl_impact.imports.convert.Conversion.rekey` of the import
        (``None`` with a panel key: nothing can be named).
    unit, wave : str
        As what the responses were imported before.
    items : collection of str, optional
        Only the answers to these items (those the earlier import's lines of
        ``imports.csv`` name: answers of the same respondents to other items
        came from other imports); ``None`` for all (a line of an older
        version, which names none).

    Returns
    -------
    tuple of int and str
        How many lines, and ``responses.csv, Zeilen 5-44``; ``(0, "")`` when
        none is there (or the table cannot be read: the merge says why).
    """
    if rekey is None:
        return 0, ""
    try:
        old = _read(folder, "responses")
    except ImportRefused:
        return 0, ""
    if old is None:
        return 0, ""
    frame = old.frame
    there = (frame["unit_id"].astype(str) == unit) & (wave_keys(frame["wave"]) == wave_key(wave))
    if items is not None:
        there &= frame["item_id"].astype(str).isin(set(items))
    # the pseudonyms were made from the wave as written there ("01" is wave 1 but another hash)
    mine = {p for text in frame.loc[there, "wave"].astype(str).unique() for p in rekey(unit, text)}
    hit = (there & frame["respondent_id"].astype(str).isin(mine)).to_numpy()
    lines = old.lines[hit]
    if not len(lines):
        return 0, ""
    return len(lines), f"{old.path.name}, Zeile{'n' * (len(lines) != 1)} {_spans(lines)}"


def _rows_text(frame: pd.DataFrame, columns: list[str], sep: str) -> str:
    """``frame``'s rows as CSV text in ``columns`` order (no comment, no header)."""
    lines = table_csv_text(frame[columns], "x", sep).split("\n", 2)
    return lines[2] if len(lines) > 2 else ""


def _number(text: object) -> float | None:
    try:
        value = float(str(text).strip().replace(",", "."))
    except ValueError:
        return None
    return None if math.isnan(value) else value


def _same(column: str, old: str, new: object) -> bool:
    if column in ("scale_min", "scale_max"):
        return _number(old) == _number(new)
    if column == "reverse_keyed":
        return (str(old).strip().lower() in _TRUE) == (str(new).strip().lower() in _TRUE)
    return str(old).strip() == ("" if new is None else str(new).strip())


def check_codebook(existing: RawTable, codebook: pd.DataFrame) -> list[str]:
    """Lines naming every imported item that disagrees with the existing codebook.

    Parameters
    ----------
    existing : RawTable
        The folder's codebook as read.
    codebook : DataFrame
        The imported codebook rows.

    Returns
    -------
    list of str
        One sentence per difference (file, line, item, column, both values);
        empty when all agree.
    """
    old = existing.frame.astype(str)
    where = dict(zip(old["item_id"], range(len(old)), strict=False))
    out = []
    for row in codebook.itertuples(index=False):
        i = where.get(str(row.item_id))
        if i is None:
            continue
        for column in COMPARED:
            if column not in old.columns:
                continue
            before, after = old[column].iloc[i], getattr(row, column)
            if not _same(column, before, after):
                out.append(
                    f"{existing.path.name}, Zeile {existing.lines[i]}: Item „{row.item_id}“, "
                    f"Spalte „{column}“: vorhanden „{before}“, im Import „{after}“; das Codebuch "
                    f"muss übereinstimmen / item differs from the existing codebook"
                )
    return out


_SCOPE = ["unit_id", "actor_group", "item_id"]
"""What ``replace_wave`` replaces within its wave: these answers of the import, no others."""


def _replaced(frame: pd.DataFrame, responses: pd.DataFrame, wave: str) -> pd.Series:
    """Mark the stored answers (as text) that an import replacing ``wave`` replaces."""
    scope = [c for c in _SCOPE if c in frame.columns and c in responses.columns]
    wave = wave_key(wave)
    mine = responses[(wave_keys(responses["wave"]) == wave).to_numpy()]
    wanted = pd.MultiIndex.from_frame(mine[scope].astype(str)).unique()
    here = (wave_keys(frame["wave"]) == wave).to_numpy()
    return pd.Series(here & pd.MultiIndex.from_frame(frame[scope]).isin(wanted), index=frame.index)


def merge_into(
    folder: Path,
    codebook: pd.DataFrame,
    responses: pd.DataFrame,
    note: str,
    replace_wave: str | None = None,
    rekey: Callable[[str, str], list[str]] | None = None,
) -> Merged:
    """Merge imported tables into ``folder``'s codebook and responses (in memory).

    Parameters
    ----------
    folder : Path
        The data folder (may be missing or hold no such tables yet).
    codebook, responses : DataFrame
        The imported tables.
    note : str
        Comment line of a table written new.
    replace_wave : str, optional
        Replace the existing answers of this wave to the items the import
        holds, of the units and actor groups it holds them for (the import
        must hold this wave); other groups' and items' answers stay.
    rekey : callable, optional
        ``rekey(unit, wave)``: the pseudonyms the import's responses would
        have had as that unit and wave
        (:attr:`~ogl_impact.imports.convert.Conversion.rekey`). Stored
        answers of another unit or wave under one of them were imported
        before from the same responses: refused, whatever ``imports.csv``
        says (a line removed by hand, a register of an older version).

    Returns
    -------
    Merged

    Raises
    ------
    ImportRefused
        For codebook differences, answers already present, answers given
        twice in the import, or a ``replace_wave`` the import does not hold.
    """
    problems: list[str] = []
    twice = responses[responses.duplicated(list(KEY), keep=False)]
    if len(twice):
        problems.append(
            f"Der Import enthält {len(twice)} Antworten mit gleichem Befragten, gleicher Welle "
            f"und gleichem Item (z. B. Befragter {twice.iloc[0]['respondent_id']}, Welle "
            f"{twice.iloc[0]['wave']}, Item {twice.iloc[0]['item_id']}); ein Panel-Schlüssel "
            f"doppelt vergeben? / the import holds the same answer twice"
        )
    waves = set(responses["wave"].astype(str))
    if replace_wave is not None and wave_key(replace_wave) not in set(map(wave_key, waves)):
        problems.append(
            f"--replace {replace_wave}: der Import enthält diese Welle nicht (Wellen: "
            f"{', '.join(sorted(waves)) or 'keine'}) / the import holds no such wave"
        )
    texts: dict[str, str] = {}
    old_book = _read(folder, "codebook")
    added_items = len(codebook)
    if old_book is None:
        texts["codebook.csv"] = table_csv_text(codebook, note)
    else:
        problems += check_codebook(old_book, codebook)
        fresh = codebook[~codebook["item_id"].astype(str).isin(set(old_book.frame["item_id"]))]
        added_items = len(fresh)
        texts["codebook.csv"] = _appended(old_book, fresh, set())

    old = _read(folder, "responses")
    replaced = 0
    dropped: tuple[int, int, tuple[int, ...], int] = (0, 0, (), 0)
    left: dict[tuple[str, str, str], frozenset[str]] = {}
    if old is None:
        texts["responses.csv"] = table_csv_text(responses, note)
    else:
        frame = old.frame.astype(str)
        drop: set[int] = set()
        if replace_wave is not None:
            hit = _replaced(frame, responses, replace_wave)
            drop = {int(n) for n in old.lines[hit.to_numpy()]}
            replaced = len(drop)
            gone = frame.loc[hit, "respondent_id"]
            gone = gone[~gone.isin(_present(frame[hit], responses, rekey))]
            lines = tuple(int(n) for n in old.lines[gone.index.to_numpy()])
            frame = frame[~hit]
            left = _items_left(frame, replace_wave)
            # a panel pseudonym is the same in every wave: their answers of this wave only
            same_wave = (wave_keys(frame["wave"]) == wave_key(replace_wave)).to_numpy()
            kept = int((frame["respondent_id"].isin(set(gone)).to_numpy() & same_wave).sum())
            dropped = (len(gone), gone.nunique(), lines, kept)
        keys = _keys(frame)  # "01" and "1" are one wave, as validate reads them
        line_of = pd.Series(old.lines[frame.index], index=keys)
        new_keys = _keys(responses)
        clash = new_keys.isin(keys)
        if clash.any():
            rows = responses[clash]
            problems.append(
                f"{int(clash.sum())} Antworten stehen schon in {old.path.name}; ein Import "
                f"überschreibt nichts (eine Welle ersetzen: --replace WELLE) / answers already "
                f"present; an import never overwrites"
            )
            for r in rows.head(SHOWN).itertuples(index=False):
                line = line_of.loc[(str(r.respondent_id), wave_key(r.wave), str(r.item_id))]
                line = int(line.iloc[0]) if isinstance(line, pd.Series) else int(line)
                problems.append(
                    f"  Befragter {r.respondent_id}, Welle {r.wave}, Item {r.item_id}: vorhanden "
                    f"in {old.path.name}, Zeile {line} / already present"
                )
            if clash.sum() > SHOWN:
                problems.append(f"  … und {int(clash.sum()) - SHOWN} weitere / and more")
        if rekey is not None:
            problems += _imported_elsewhere(old, frame, responses, rekey)
        texts["responses.csv"] = _appended(old, responses, drop)
    if problems:
        raise ImportRefused(problems)
    read = {t.path: t.sha256 for t in (old_book, old) if t is not None}
    synthetic = tuple(t.path.name for t in (old_book, old) if t is not None and t.synthetic)
    return Merged(texts, added_items, len(responses), replaced, read, synthetic, *dropped, left)


def _items_left(frame: pd.DataFrame, wave: str) -> dict[tuple[str, str, str], frozenset[str]]:
    """Return the items with stored answers of every unit and actor group of ``wave``."""
    here = frame[(wave_keys(frame["wave"]) == wave_key(wave)).to_numpy()]
    if "actor_group" not in here or here.empty:
        return {}
    found = here.groupby(["unit_id", "actor_group"], sort=False)["item_id"].agg(frozenset)
    return {(wave_key(wave), u, a): items for (u, a), items in found.items()}


def _present(
    replaced: pd.DataFrame,
    responses: pd.DataFrame,
    rekey: Callable[[str, str], list[str]] | None,
) -> set[str]:
    """Return the stored respondents among ``replaced`` that the import holds.

    Its own pseudonyms, and those its responses had when imported before as
    the wave written otherwise (``1`` where the mapping now writes ``01``).
    """
    present = set(responses["respondent_id"].astype(str))
    if rekey is None:
        return present
    own = set(zip(responses["unit_id"].astype(str), responses["wave"].astype(str), strict=True))
    for unit, wave in replaced[["unit_id", "wave"]].drop_duplicates().to_numpy():
        if (str(unit), str(wave)) not in own:  # as written now: the pseudonyms above
            present.update(rekey(str(unit), str(wave)))
    return present


def _imported_elsewhere(
    old: RawTable,
    frame: pd.DataFrame,
    responses: pd.DataFrame,
    rekey: Callable[[str, str], list[str]],
) -> list[str]:
    """Name the import's responses stored already as another unit or wave.

    Only groups (unit and wave) other than the import's own are looked at:
    in its own, the same respondents may answer further items.
    """
    own = set(zip(responses["unit_id"].astype(str), wave_keys(responses["wave"]), strict=True))
    ours = frame[frame["respondent_id"].str.fullmatch(PSEUDONYM_PATTERN)]
    found = []
    for (unit, wave), rows in ours.groupby(["unit_id", "wave"], sort=True):
        if (unit, wave_key(wave)) in own:
            continue
        mine = set(rekey(unit, wave))
        hit = rows[rows["respondent_id"].isin(mine)]
        if len(hit):
            found.append((unit, wave, hit))
    if not found:
        return []
    n = sum(hit["respondent_id"].nunique() for _, _, hit in found)
    out = [
        f"{n} Antwortbögen dieses Exports stehen schon in {old.path.name}, als andere Welle oder "
        f"Einheit importiert (ob in imports.csv verzeichnet oder nicht); ein zweiter Import "
        f"zählte ihre Antworten doppelt / {n} of its responses are in {old.path.name} already, "
        f"imported as another wave or unit; importing them again would count them twice"
    ]
    for unit, wave, hit in found:
        lines = old.lines[hit.index]
        out.append(
            f"  {hit['respondent_id'].nunique()} als Welle {wave}, Einheit {unit}: "
            f"{len(hit)} Antworten, Zeile{'n' * (len(lines) != 1)} {_spans(lines)} / as wave "
            f"{wave}, unit {unit}: lines {_spans(lines)}"
        )
    out.append(
        f"War Welle oder Einheit des früheren Imports falsch, zuerst diese Zeilen aus "
        f"{old.path.name} entfernen (und die Zeilen des früheren Imports aus imports.csv); "
        f"dann erneut importieren. Nur neue Antwortbögen übernehmen: den Export im "
        f"Befragungswerkzeug auf sie filtern. Andere Befragte mit denselben Antwort-IDs (die "
        f"Umfrage wurde zurückgesetzt)? Dann in der Zuordnung mit @survey_id als eigene "
        f"Befragung kennzeichnen / if the earlier wave or unit was wrong, remove these lines "
        f"first; import only new responses; a reset survey: mark it with @survey_id"
    )
    return out


def _spans(lines: np.ndarray) -> str:
    """Line numbers as ranges: ``3-42, 50``."""
    numbers = sorted(int(n) for n in lines)
    parts: list[str] = []
    start = prev = numbers[0]
    for n in [*numbers[1:], None]:
        if n is not None and n == prev + 1:
            prev = n
            continue
        parts.append(str(start) if start == prev else f"{start}-{prev}")
        if n is not None:
            start = prev = n
    return ", ".join(parts)


def _appended(old: RawTable, rows: pd.DataFrame, drop: set[int]) -> str:
    """Return the old file's text, lines in ``drop`` removed, ``rows`` added at the end."""
    try:
        text = old.path.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        raise ImportRefused(
            [f"{old.path.name}: nicht UTF-8; ein Import ergänzt nur UTF-8-Tabellen / not UTF-8"]
        ) from None
    if drop:
        lines = physical_lines(text, keepends=True)
        gone = _record_spans(old.lines, drop, len(lines))
        text = "".join(line for n, line in enumerate(lines, start=1) if n not in gone)
    columns = [str(c) for c in old.frame.columns]
    missing = [c for c in rows.columns if c not in columns]
    if missing:
        raise ImportRefused(
            [
                f"{old.path.name}: Spalten {', '.join(missing)} fehlen in der vorhandenen Tabelle "
                f"/ columns missing in the existing table"
            ]
        )
    rows = rows.reindex(columns=columns)
    if not len(rows):
        return text
    if text and not text.endswith("\n"):
        text += "\n"
    sep = ";" if old.decimal == "," else ","
    return text + _rows_text(rows, columns, sep)


def _record_spans(starts: np.ndarray, drop: set[int], n_lines: int) -> set[int]:
    """Every line of the records starting at the lines in ``drop``.

    A record whose quoted cell holds a line break goes on to the line before
    the next record starts (blank lines in between go with it).
    """
    order = np.sort(np.asarray(starts, dtype=np.int64))
    ends = np.append(order[1:], n_lines + 1)
    hit = np.isin(order, np.fromiter(drop, dtype=np.int64, count=len(drop)))
    gone: set[int] = set()
    for start, end in zip(order[hit].tolist(), ends[hit].tolist(), strict=True):
        gone.update(range(start, end))
    return gone
