"""``ogl-impact import``: survey-tool exports plus a mapping into validated programme tables."""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

from ogl_impact.imports.convert import MappingError, read_mapping, to_programme_tables
from ogl_impact.imports.export import SurveyExport
from ogl_impact.imports.kobo import KoboError, read_kobo
from ogl_impact.imports.limesurvey import LimeSurveyError, read_limesurvey
from ogl_impact.imports.sosci import SosciError, read_sosci
from ogl_impact.problems import Problem, format_text, make_problem
from ogl_impact.validate import validate_folder
from ogl_impact.write import write_tables

REFERENCE_TABLES = ("sources", "perspectives", "labs", "comparison_communes", "waves")
TOOLS = ("limesurvey", "sosci", "kobo")


def read_export(tool: str, files: list[Path]) -> SurveyExport:
    """Read the export of ``tool`` from ``files`` (see ``ogl-impact import --help``)."""
    if tool == "limesurvey":
        return read_limesurvey(files[0], files[1] if len(files) > 1 else None)
    if tool == "sosci":
        if len(files) != 2:
            raise SosciError(
                "sosci: zwei Dateien nötig, Datenexport und R-Skript / two files needed"
            )
        data, script = sorted(files, key=lambda p: p.suffix.lower() == ".r")
        return read_sosci(data, script)
    if tool == "kobo":
        return read_kobo(files[0], files[1] if len(files) > 1 else None)
    raise ValueError(f"unknown tool {tool!r}; allowed: {', '.join(TOOLS)}")


def run(
    tool: str,
    files: list[Path],
    mapping: Path,
    out: Path,
    programme: Path,
    secret: bytes,
    lang: str = "de",
) -> int:
    """Import, validate and write; return the exit status (0 ok, 1 problems)."""
    problems: list[Problem] = []
    for path in files:
        if not path.is_file():
            problems.append(
                make_problem(path.name, "file_unreadable", detail="Datei fehlt / file missing")
            )
    if problems:
        print(format_text(problems, lang), file=sys.stderr)
        return 1
    try:
        export = read_export(tool, files)
    except (LimeSurveyError, SosciError, KoboError, OSError) as exc:
        file, _, detail = str(exc).partition(": ")
        print(
            format_text([make_problem(file, "import_unreadable", detail=detail or exc)], lang),
            file=sys.stderr,
        )
        return 1
    try:
        table = read_mapping(mapping)
    except MappingError as exc:
        print(format_text(exc.problems, lang), file=sys.stderr)
        return 1
    codebook, responses, report = to_programme_tables(
        export, table, secret, tool, source=files[0].name
    )

    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.import-", dir=out.parent))
    try:
        for name in REFERENCE_TABLES:
            for path in programme.glob(f"{name}.*"):
                if path.suffix.lower() in (".csv", ".xlsx"):
                    shutil.copy(path, staging / path.name)
        names = ", ".join(p.name for p in files)
        note = f"Import aus {tool}: {names}; Befragten-Kennungen pseudonymisiert"
        write_tables({"codebook": codebook, "responses": responses}, staging, note)
        checked = validate_folder(staging)
        if not checked.ok:
            print(format_text(checked.errors, lang), file=sys.stderr)
            print(
                "Import ungültig, nichts geschrieben / import invalid, nothing written",
                file=sys.stderr,
            )
            return 1
        out.mkdir(parents=True, exist_ok=True)
        for path in sorted(staging.iterdir()):
            os.replace(path, out / path.name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    if report:
        print(format_text(report, lang))
    print(
        f"{out}: {len(codebook)} Items, {responses['respondent_id'].nunique()} Befragte, "
        f"{len(responses)} Antworten / items, respondents, answers"
    )
    return 0
