"""``ogl-impact import``: survey-tool exports plus a mapping, merged into a data folder.

The import adds, never overwrites: new units, waves and items are appended to
the folder's ``codebook.csv`` and ``responses.csv``; an answer already there
is refused (unless ``--replace WAVE``), and so is an item that disagrees with
the existing codebook. A ``--replace`` that would remove answers of
respondents the export does not hold (a filtered download, another export of
the wave, responses deleted in the survey tool) is refused unless
``--remove-absent`` confirms it: they would be gone, not replaced (their
answers to items the mapping does not name stay, and the message says how
many). Every
mapped question is reported (answers read, mapped, empty, skipped with the
reason); skipped answers stop the import unless ``--allow-missing``. The
merged tables are validated together with the folder's other tables (and
the programme tables it lacks) before anything is written; then the files are moved in all at once
(:func:`ogl_impact.write.update_files`). A refused import changes no byte.

Every import is recorded in the folder's ``imports.csv`` and the responses
it took in ``imported_responses.csv`` (:mod:`ogl_impact.imports.register`),
written in the same move: an export recorded there, or one sharing responses
with an earlier import (a later, cumulative download), is refused whatever
wave or unit it is given this time.
"""

from __future__ import annotations

import csv
import dataclasses
import functools
import io
import shutil
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from ogl_impact.imports.convert import (
    Conversion,
    MappingError,
    Setting,
    read_mapping,
    secret_check,
    to_programme_tables,
)
from ogl_impact.imports.export import SurveyExport
from ogl_impact.imports.kobo import KoboError, read_kobo
from ogl_impact.imports.limesurvey import LimeSurveyError, read_limesurvey
from ogl_impact.imports.merge import (
    HeldAnswers,
    ImportRefused,
    Merged,
    merge_into,
    reading_once,
    stored_answers,
    stored_lines,
    wave_key,
)
from ogl_impact.imports.register import (
    REGISTER_FILE,
    Register,
    check_new,
    check_overlap,
    check_secret,
    export_checksum,
    groups,
    read_register,
    register_text,
    unchecked_secret,
    unrecorded,
)
from ogl_impact.imports.sosci import SosciError, read_sosci
from ogl_impact.problems import Problem, format_text, make_problem
from ogl_impact.validate import find_tables, validate_folder
from ogl_impact.write import check_target, update_files
from ogl_impact.write.target import locked_for_update

REFERENCE_TABLES = ("sources", "perspectives", "labs", "comparison_communes", "waves")
TOOLS = ("limesurvey", "sosci", "kobo")
MIN_SECRET = 16  # characters; a shorter secret gets a warning


def read_export(tool: str, files: list[Path]) -> SurveyExport:
    """Read the export of ``tool`` from ``files`` (see ``ogl-impact import --help``)."""
    _one_export(tool, files)
    if tool == "limesurvey":
        return read_limesurvey(files[0], files[1] if len(files) > 1 else None)
    if tool == "sosci":
        if len(files) != 2:
            raise SosciError(
                f"{files[0].name}: sosci braucht zwei Dateien, Datenexport und R-Skript "
                f"/ two files needed"
            )
        data, script = sorted(files, key=lambda p: p.suffix.lower() == ".r")
        return read_sosci(data, script)
    if tool == "kobo":
        return read_kobo(files[0], files[1] if len(files) > 1 else None)
    raise ValueError(f"unknown tool {tool!r}; allowed: {', '.join(TOOLS)}")


_LIMESURVEY_RESPONSES = (".lsr", ".csv")
"""What LimeSurvey's second file may be: the responses to the structure or archive."""
_LIMESURVEY_STRUCTURE = (".lss", ".lsa", ".txt")
"""LimeSurvey's structure (or archive) files, which come first."""


def structure_first(tool: str, files: list[Path]) -> list[Path]:
    """Put a LimeSurvey structure before its responses, whichever order they were given in.

    Parameters
    ----------
    tool : str
        The survey tool.
    files : list of Path
        The files as given.

    Returns
    -------
    list of Path
        ``files``, the two LimeSurvey files swapped where the responses came first.

    Examples
    --------
    >>> [p.name for p in structure_first("limesurvey", [Path("a.csv"), Path("s.lss")])]
    ['s.lss', 'a.csv']
    """
    if (
        tool == "limesurvey"
        and len(files) == 2
        and files[0].suffix.lower() in _LIMESURVEY_RESPONSES
        and files[1].suffix.lower() in _LIMESURVEY_STRUCTURE
    ):
        return [files[1], files[0]]
    return list(files)


def _one_export(tool: str, files: list[Path]) -> None:
    """Refuse a second export given with the first: one export per import, none left out.

    The readers take a structure and its responses; a third file was left
    out unread, and a second LimeSurvey archive where the responses belong
    was called unreadable XML.
    """
    error = {"limesurvey": LimeSurveyError, "kobo": KoboError}.get(tool)
    if error is None:  # sosci: exactly two files, data and script (see read_export)
        return
    extra = files[2] if len(files) > 2 else None
    if tool == "limesurvey" and len(files) == 2:
        if files[1].suffix.lower() not in _LIMESURVEY_RESPONSES:
            extra = files[1]
    if extra is not None:
        raise error(
            f"{extra.name}: neben {files[0].name} wird nur die Antwortdatei gelesen; einen "
            f"weiteren Export bitte mit einem eigenen Aufruf von ogl-impact import übernehmen "
            f"/ besides {files[0].name} only its responses are read; import another export "
            f"on its own"
        )


def _say(lines: list[str] | str) -> None:
    print(lines if isinstance(lines, str) else "\n".join(lines), file=sys.stderr)


def _refuse_unreadable(files: list[Path], exc: Exception, lang: str) -> int:
    text = str(exc)
    names = {p.name for p in files}
    file, sep, detail = text.partition(": ")
    if not sep or file not in names:  # a reader's own message names the file; others do not
        file, detail = files[0].name, f"{type(exc).__name__}: {text}"[:500]
    _say(format_text([make_problem(file, "import_unreadable", detail=detail or exc)], lang))
    _say("Import abgelehnt, nichts geschrieben / import refused, nothing written")
    return 1


def run(
    tool: str,
    files: list[Path],
    mapping: Path,
    out: Path,
    programme: Path,
    secret: bytes,
    lang: str = "de",
    *,
    allow_missing: bool = False,
    replace_wave: str | None = None,
    remove_absent: bool = False,
) -> int:
    """Import, check, merge, validate and write; return the exit status.

    ``remove_absent`` confirms that a ``replace_wave`` may remove the answers
    of respondents this export does not hold; without it such an import is
    refused.

    Returns
    -------
    int
        0 written; 1 refused (unreadable export, mapping problems, skipped
        answers without ``allow_missing``, answers already present, codebook
        differences, a replace removing answers of respondents the export
        lacks without ``remove_absent``, invalid result), nothing written then.

    Raises
    ------
    TargetError
        When ``out`` is not a safe place to write (project root, inside an
        input folder); checked before anything is read. Also (as
        :class:`~ogl_impact.write.target.FolderBusy`) when another import or
        collect holds ``out``.
    """
    files = structure_first(tool, files)
    same = out.resolve() == programme.resolve()
    inputs = [*files, mapping] + ([] if same else [programme])
    check_target(out, "import", inputs, owned=False)
    missing = [p for p in [*files, mapping] if not p.is_file()]
    if missing:
        _say(
            format_text(
                [
                    make_problem(p.name, "file_unreadable", detail="Datei fehlt / file missing")
                    for p in missing
                ],
                lang,
            )
        )
        return 1
    try:
        export = read_export(tool, files)
    except Exception as exc:  # any failure to read a hostile file is a refusal
        return _refuse_unreadable(files, exc, lang)
    checksum = export_checksum(export, tool)
    try:
        table = read_mapping(mapping)
        result = to_programme_tables(export, table, secret, tool, source=files[0].name)
    except MappingError as exc:
        _say(format_text(exc.problems, lang))
        _say("Import abgelehnt, nichts geschrieben / import refused, nothing written")
        return 1
    if result.warnings:
        print(format_text(result.warnings, lang))
    print("Antworten je Frage / answers per question:")
    for count in result.counts:
        print("  " + count.line())
    if result.skipped and not allow_missing:
        _say(
            f"{result.skipped} Antworten wurden übersprungen (siehe oben); nichts geschrieben. "
            f"Mit --allow-missing werden sie bewusst ausgelassen / {result.skipped} answers "
            f"skipped; nothing written (use --allow-missing to leave them out)"
        )
        return 1
    if not len(result.responses):
        _say(
            f"{files[0].name}: keine Antworten zu übernehmen; nichts geschrieben "
            f"/ no answers to import, nothing written"
        )
        return 1
    causes = functools.partial(
        _causes, settings=table.settings, mapping=mapping, programme=programme, same=same
    )
    # locked from reading the survey tables to writing them back; a killed import's
    # half-moved files are put back first, so the merge never reads a mixture
    with locked_for_update(out, "import"):
        return _merge_and_write(
            out,
            programme,
            result,
            files,
            tool,
            inputs,
            same,
            lang,
            replace_wave,
            checksum,
            causes,
            secret_check(secret),
            remove_absent,
        )


def _causes(
    errors: list[Problem],
    settings: dict[str, Setting],
    mapping: Path,
    programme: Path,
    same: bool,
) -> list[str]:
    """Name the causes outside the data folder of the merged tables' errors.

    The errors are told for the merged ``responses.csv`` and ``imports.csv``,
    not yet written: their lines do not exist in the folder. A unit, wave or
    actor group set in the mapping (``@wave;7``) is named there, and a
    missing table from a programme folder that does not exist (``data/raw``
    when run elsewhere) is told as that.

    Parameters
    ----------
    errors : list of Problem
        The errors of the merged folder.
    settings : dict
        The mapping's ``@`` settings.
    mapping : Path
        The mapping table.
    programme : Path
        The folder the missing programme tables come from.
    same : bool
        Whether ``programme`` is the data folder itself.

    Returns
    -------
    list of str
        One line per cause (German / English), empty when none is known.
    """
    out = []
    if not same and not programme.is_dir() and any(p.rule == "table_missing" for p in errors):
        out.append(
            f"{programme}: kein Ordner; fehlende Programmtabellen (labs, waves ...) kommen aus "
            f"--programme ORDNER / not a folder; missing programme tables come from "
            f"--programme FOLDER"
        )
    told = set()
    for problem in errors:
        setting = settings.get(f"@{problem.column}")
        if (
            setting is None
            or setting.values is not None
            or problem.value != setting.value
            or setting.name in told
        ):
            continue
        told.add(setting.name)
        out.append(
            f"{mapping.name}, Zeile {setting.line}: „{setting.value}“ kommt aus "
            f"{setting.name} der Zuordnung und steht in jeder importierten Zeile (die genannten "
            f"Zeilen sind die dieses Imports, noch nicht geschrieben) / set by {setting.name} "
            f"in the mapping for every imported row (the lines named are this import's, not "
            f"written)"
        )
    return out


def _merge_and_write(
    out: Path,
    programme: Path,
    result: Conversion,
    files: list[Path],
    tool: str,
    inputs: list[Path],
    same: bool,
    lang: str,
    replace_wave: str | None,
    checksum: str,
    causes: Callable[[list[Problem]], list[str]],
    secret_value: str = "",
    remove_absent: bool = False,
) -> int:
    """Merge the converted answers into ``out``, validate and write (caller holds the lock).

    The register of imported exports (``imports.csv``) is checked first and
    written with ``codebook.csv`` and ``responses.csv`` in one staged move.
    """
    shown = ", ".join(p.name for p in files)
    note = f"Import aus {tool}: {shown}; Befragten-Kennungen pseudonymisiert"
    with reading_once():  # responses.csv: read once for every step below
        try:
            register = read_register(out, lang)
            imported = groups(result.responses)
            stored = functools.partial(stored_answers, out, result.responses)
            where = functools.partial(stored_lines, out, result.rekey)
            check_secret(register, secret_value, shown)
            check_new(register, checksum, imported, shown, replace_wave, stored, where)
            check_overlap(register, checksum, result.taken, imported, shown, replace_wave, where)
            merged = merge_into(
                out, result.codebook, result.responses, note, replace_wave, result.rekey
            )
            if merged.dropped_rows and not remove_absent:
                raise ImportRefused(_absent(merged, replace_wave))
            # answers stored before this import, read once (responses.csv unchanged until written)
            held = HeldAnswers(out, result.respondents)
            day = pd.Timestamp.now().normalize()
            texts = register_text(
                register,
                checksum,
                imported,
                shown,
                tool,
                day,
                result.taken,
                replace_wave,
                secret_value,
                merged.replaced_rows,
                held.count,
                held.items,
                merged.left,
            )
        except ImportRefused as exc:
            _say(exc.lines)
            _say("Import abgelehnt, nichts geschrieben / import refused, nothing written")
            return 1
    merged = dataclasses.replace(
        merged,
        texts={**merged.texts, **texts},
        read={
            **merged.read,
            register.path: register.sha256,
            register.taken_path: register.taken_sha256,
        },
    )

    existing, _ = find_tables(out) if out.is_dir() else ({}, [])
    wanted = {} if same else _reference_files(programme, existing)
    with tempfile.TemporaryDirectory(prefix="ogl-impact-import-check-") as tmp:
        check = Path(tmp)
        for name, path in {**existing, **wanted}.items():
            if f"{name}.csv" not in merged.texts:
                (check / path.name).symlink_to(path.resolve())
        for name, text in merged.texts.items():
            (check / name).write_text(text, encoding="utf-8")
        checked = validate_folder(check)
    if not checked.ok:
        _say(format_text(checked.errors, lang))
        hints = causes(checked.errors)
        if hints:
            _say(hints)
        _say("Import ungültig, nichts geschrieben / import invalid, nothing written")
        return 1

    try:
        with update_files(out, "import", inputs) as staging:
            for name, text in merged.texts.items():
                with (staging / name).open("w", encoding="utf-8", newline="") as handle:
                    handle.write(text)
            for path in wanted.values():
                shutil.copyfile(path, staging / path.name)
            merged.check_unchanged()  # last look before the files are moved in
    except ImportRefused as exc:
        _say(exc.lines)
        return 1
    respondents = result.responses["respondent_id"].nunique()
    items = f"{merged.added_items} Item{'' if merged.added_items == 1 else 's'}"
    rows = f"{merged.added_rows} Antwort{'' if merged.added_rows == 1 else 'en'}"
    tables = f"{len(wanted)} Programmtabelle{'' if len(wanted) == 1 else 'n'}"
    print(
        f"{out}: {items} und {rows} von {respondents} Befragten hinzugefügt "
        f"/ items and answers added" + (f"; {tables} übernommen" if wanted else "")
    )
    bare = unrecorded(register, checksum)
    if bare:
        print(
            f"Hinweis: {len(bare)} frühere{'r' * (len(bare) == 1)} Import"
            f"{'e' * (len(bare) != 1)} in {register.path.name} (Zeile{'n' * (len(bare) != 1)} "
            f"{', '.join(map(str, bare))}) {'ist' if len(bare) == 1 else 'sind'} ohne "
            f"Antwortbögen verzeichnet (ältere Version): gegen "
            f"{'ihn' if len(bare) == 1 else 'sie'} wird derselbe Export erkannt, ein teilweise "
            f"überlappender nur an seinen Antworten in responses.csv (mit Panel-Schlüssel "
            f"nicht) / earlier imports recorded without their responses (older version): the "
            f"very same export is recognised, a partly overlapping one by its answers in "
            f"responses.csv (not with a panel key)"
        )
    if unchecked_secret(register):
        print(
            f"Hinweis: {register.path.name} hielt noch keinen Prüfwert des Schlüssels (Importe "
            f"einer älteren Version); ab jetzt wird der Schlüssel dieses Imports verglichen. War "
            f"er ein anderer als bei den früheren Importen, sind deren Antworten hier nicht als "
            f"schon importiert erkannt worden / {register.path.name} held no check value of the "
            f"secret yet (older version); this import's secret is compared from now on"
        )
    if merged.synthetic:
        _say(
            f"Warnung: als synthetische Demodaten markiert (erste Zeile): "
            f"{', '.join(merged.synthetic)}; die importierten Zeilen stehen jetzt darin "
            f"/ warning: marked as synthetic demo data, now holding the imported rows"
        )
    if replace_wave is not None:
        n = merged.replaced_rows
        units = sorted(set(result.responses["unit_id"]))
        if not n:  # the first import of the wave: --replace found nothing to replace
            print(
                f"--replace {replace_wave}: die Welle {replace_wave} hatte noch keine Antworten "
                f"zu den importierten Items, Einheiten und Gruppen; nichts ersetzt, nur "
                f"hinzugefügt / the wave held no answers of the imported items, units and "
                f"groups yet: nothing replaced, only added"
            )
        else:
            print(
                f"{out}: {n} vorhandene Antwort{'' if n == 1 else 'en'} der Welle {replace_wave} "
                f"ersetzt (Einheit{'' if len(units) == 1 else 'en'}: {', '.join(units)}; nur die "
                f"importierten Items und Gruppen, andere bleiben) / existing answers of the wave "
                f"replaced (only the imported items and groups)"
            )
        if merged.dropped_rows:
            k, m = merged.dropped_rows, merged.dropped_respondents
            _say(
                f"Achtung: davon {k} Antwort{'' if k == 1 else 'en'} von {m} "
                f"Befragten, die dieser Export nicht enthält (etwa aus einem anderen Export "
                f"dieser Welle oder inzwischen im Befragungswerkzeug gelöscht): entfernt, nicht "
                f"ersetzt (mit --remove-absent bestätigt) / of them {k} answers of {m} "
                f"respondents this export does not hold: removed, not replaced (confirmed)"
            )
            if merged.absent_kept:
                _say(_absent_kept(merged.absent_kept, "bleiben", "stay"))
        marked = _marked(register, texts)
        if marked:
            print(
                f"{register.path.name}: Zeile{'n' * (len(marked) != 1)} {', '.join(marked)} "
                f"früherer Importe als ersetzt am {day:%d.%m.%Y} vermerkt (Spalte replaced) "
                f"/ earlier imports marked as replaced"
            )
        unknown = _marked(register, texts, unnamed=True)
        if unknown:
            print(
                f"{register.path.name}: Zeile{'n' * (len(unknown) != 1)} {', '.join(unknown)} "
                f"(ohne items, ältere Version) als ersetzt am {day:%d.%m.%Y} vermerkt: jede "
                f"Antwort, die ihrer Gruppe bleibt, nennt eine andere Zeile; ob auch welche aus "
                f"{'diesem Import' if len(unknown) == 1 else 'diesen Importen'} darunter sind, "
                f"ist nicht bekannt / marked as replaced (no items: every answer left in the "
                f"group has another line; whether some are theirs is not known)"
            )
        for line, left, gone in _narrowed(register, texts):
            print(
                f"{register.path.name}: Zeile {line} nennt in items nur noch {', '.join(left)} "
                f"(die Antworten zu {', '.join(gone)} hat dieser Import ersetzt, die übrigen "
                f"bleiben) / line {line} now names only {', '.join(left)}: its answers to "
                f"{', '.join(gone)} were replaced, the others stay"
            )
        for line, extra in _carried(imported, checksum, texts):
            print(
                f"{register.path.name}: Zeile {line} nennt in items auch {', '.join(extra)}: "
                f"die Antworten des früheren Imports dieses Exports dazu bleiben / line {line} "
                f"also names {', '.join(extra)}: the earlier import's answers to them stay"
            )
    return 0


def _absent(merged: Merged, replace_wave: str | None) -> list[str]:
    """Say why a ``--replace`` removing answers of respondents the export lacks is refused."""
    k, m = merged.dropped_rows, merged.dropped_respondents
    out = [
        f"--replace {replace_wave} würde {k} Antwort{'' if k == 1 else 'en'} von {m} "
        f"Befragten entfernen, die dieser Export nicht enthält (responses.csv, "
        f"{merged.dropped_where()}): "
        f"sie wären weg, nicht ersetzt. Das geschieht etwa mit einem Export, der nur die neuen "
        f"Antworten enthält, mit dem Export eines anderen Teils der Welle oder wenn Antworten im "
        f"Befragungswerkzeug gelöscht wurden / --replace {replace_wave} would remove {k} answers "
        f"of {m} respondents this export does not hold: gone, not replaced",
    ]
    if merged.absent_kept:
        out.append(_absent_kept(merged.absent_kept, "blieben", "would stay"))
    out.append(
        f"Einen Export mit allen Antwortbögen der Welle wählen; oder, wenn sie wirklich "
        f"entfernt werden sollen, erneut mit --replace {replace_wave} --remove-absent "
        f"aufrufen / choose an export holding every response of the wave, or confirm the "
        f"removal with --remove-absent"
    )
    return out


def _absent_kept(n: int, de: str, en: str) -> str:
    """Say that the answers of absent respondents to items the mapping lacks stay."""
    return (
        f"Ihre {n} Antwort{'' if n == 1 else 'en'} zu Items, die diese Zuordnung nicht nennt, "
        f"{de} (ein --replace nimmt nur Antworten zu den Items der Zuordnung; imports.csv nennt "
        f"sie beim früheren Import) / their {n} answer{'' if n == 1 else 's'} to items this "
        f"mapping does not name {en} (a --replace takes the mapping's items only)"
    )


def _marked(register: Register, texts: dict[str, str], unnamed: bool = False) -> list[str]:
    """Name the lines of the new ``imports.csv`` newly marked as replaced.

    Those naming items, or with ``unnamed`` those naming none (an older
    version: whether some of their answers stay is not known).
    """
    before = set()
    if "replaced" in register.frame:
        kept = register.frame[register.frame["replaced"].notna()]
        before = set(zip(kept["sha256"].astype(str), kept["replaced"].astype(str), strict=True))
    rows = list(csv.reader(io.StringIO(texts[REGISTER_FILE]), delimiter=";"))
    header = rows[1]
    sha, when, items = header.index("sha256"), header.index("replaced"), header.index("items")
    return [
        str(n)
        for n, row in enumerate(rows[2:], start=3)
        if row[when] and (row[sha], row[when]) not in before and (not row[items]) == unnamed
    ]


def _lines(texts: dict[str, str]) -> list[tuple[int, dict[str, str]]]:
    """Return the rows of the new ``imports.csv`` with their line numbers, cells by column."""
    rows = list(csv.reader(io.StringIO(texts[REGISTER_FILE]), delimiter=";"))
    header = rows[1]
    return [(n, dict(zip(header, row, strict=True))) for n, row in enumerate(rows[2:], start=3)]


def _key(row: dict[str, str]) -> tuple[str, str, str, str]:
    return row["sha256"], wave_key(row["wave"]), row["unit_id"], row["actor_group"]


def _narrowed(register: Register, texts: dict[str, str]) -> list[tuple[int, list[str], list[str]]]:
    """Name the lines of the new ``imports.csv`` whose items this import narrowed.

    Each as its line, the items it still names and those it named before.
    """
    frame = register.frame
    if frame.empty or "items" not in frame:
        return []
    cells = frame[["sha256", "wave", "unit_id", "actor_group", "items"]]
    before = {  # a line of an older version names no items: never narrowed
        (str(sha), wave_key(wave), str(unit), str(actor)): set(items.split("|"))
        for sha, wave, unit, actor, items in cells.itertuples(index=False)
        if isinstance(items, str) and items
    }
    out = []
    for n, row in _lines(texts):
        had = before.get(_key(row))
        now = set(row["items"].split("|")) if row["items"] else set()
        if had and now and not row["replaced"] and now < had:
            out.append((n, sorted(now), sorted(had - now)))
    return out


def _carried(
    imported: pd.DataFrame, checksum: str, texts: dict[str, str]
) -> list[tuple[int, list[str]]]:
    """Name this import's lines that also name items of its export's earlier import."""
    mine = {
        (checksum, wave_key(wave), str(unit), str(actor)): set(str(items).split("|"))
        for wave, unit, actor, items in imported[
            ["wave", "unit_id", "actor_group", "items"]
        ].itertuples(index=False)
    }
    out = []
    for n, row in _lines(texts):
        own = mine.get(_key(row))
        extra = sorted(set(row["items"].split("|")) - own) if own is not None else []
        if extra:
            out.append((n, extra))
    return out


def _reference_files(programme: Path, existing: dict[str, Path]) -> dict[str, Path]:
    """Programme tables the target folder lacks, taken from ``programme``."""
    found, _ = find_tables(programme) if programme.is_dir() else ({}, [])
    return {n: found[n] for n in REFERENCE_TABLES if n in found and n not in existing}
