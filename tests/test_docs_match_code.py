"""The documents name only commands, flags and modules that exist, and every module.

A researcher who meets the package follows README.md, docs/*.md and
notebooks/README.md as written: a command line there must parse, a module named
in docs/architecture.md must exist, every module must be named there, and the
data flow it draws (a row imports only from rows above it) must be the one the
code imports, and its section "Tables" must list the registry's tables with
their keys and whether the embedded file is synthetic.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import pytest

import ogl_impact
from ogl_impact.cli import build_parser

from .conftest import package_imports

ROOT = Path(__file__).resolve().parents[1]
SRC = Path(ogl_impact.__file__).parent
DOCS = [
    ROOT / "README.md",
    ROOT / "docs" / "architecture.md",
    ROOT / "docs" / "lab-coordinators.md",
    ROOT / "docs" / "datenschutz.md",
    ROOT / "notebooks" / "README.md",
]
ARCHITECTURE = ROOT / "docs" / "architecture.md"

_FENCE = re.compile(r"^```.*?$(.*?)^```", re.S | re.M)
_INLINE = re.compile(r"`([^`\n]+)`")
_COMMAND = re.compile(r"ogl-impact\s+([a-z][a-z-]*)")
_FLAG = re.compile(r"(?<![\w-])(--[a-z][a-z0-9-]*)(?:[ =]([A-Za-z0-9_.]+))?")


def subcommands() -> dict[str, argparse.ArgumentParser]:
    """The subparsers of ``ogl-impact`` by name."""
    parser = build_parser()
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


def options(parser: argparse.ArgumentParser) -> dict[str, argparse.Action]:
    """Every option string of a parser and its action."""
    return {s: a for a in parser._actions for s in a.option_strings}


def code_spans(text: str) -> list[str]:
    """Each line of a fenced block and each inline code span."""
    spans = []
    for block in _FENCE.findall(text):
        spans += [line.split("  #")[0] for line in block.splitlines()]
    rest = _FENCE.sub("", text)
    return spans + _INLINE.findall(rest)


def command_problems(text: str) -> list[str]:
    """What in ``ogl-impact`` command lines of ``text`` the parser does not know.

    A span ``ogl-impact CMD ...`` must name a subcommand, each ``--flag`` after
    it must be one of that subcommand's options and a flag's value must be one
    of its choices where it has any (``--lang en``, ``--format json``).
    """
    commands = subcommands()
    problems = []
    for span in code_spans(text):
        for match in _COMMAND.finditer(span):
            name = match.group(1)
            if name not in commands:
                problems.append(f"{span!r}: no subcommand {name!r}")
                continue
            known = options(commands[name])
            tail = _COMMAND.split(span[match.end() :])[0]
            for flag, value in _FLAG.findall(tail):
                action = known.get(flag)
                if action is None:
                    problems.append(f"{span!r}: ogl-impact {name} has no {flag}")
                elif action.choices and value and value.islower() and value not in action.choices:
                    problems.append(f"{span!r}: {flag} {value} is none of {list(action.choices)}")
    return problems


def flag_problems(text: str) -> list[str]:
    """Flags in code spans of ``text`` that no subcommand has (``--perod``)."""
    known = {"--help", "--version"}
    for parser in subcommands().values():
        known |= set(options(parser))
    return [
        f"{span!r}: {flag}"
        for span in code_spans(text)
        if "ogl-impact" not in span and "make_screenshots" not in span
        for flag, _ in _FLAG.findall(span)
        if flag not in known
    ]


def diagram_rows(text: str) -> list[tuple[str, str]]:
    """The rows of the package map: (first name, the row's text), top to bottom."""
    block = next(b for b in _FENCE.findall(text) if "├─" in b)
    rows: list[tuple[str, str]] = []
    for line in block.splitlines():
        head = re.match(r"^\s*[│ ]*[├└]─ (\S+)", line)
        if head:
            rows.append((head.group(1), line))
        elif rows:
            rows[-1] = (rows[-1][0], rows[-1][1] + "\n" + line)
    return rows


def row_modules(text: str) -> dict[str, int]:
    """Module path (relative to src/ogl_impact, e.g. ``stats/did.py``) -> row number.

    A row headed by a package (``stats/``) holds that package's modules, named
    by file name; a row headed by a module holds the top-level modules named in it.
    """
    where: dict[str, int] = {}
    for number, (head, body) in enumerate(diagram_rows(text)):
        names = set(re.findall(r"(?<![\w/.])([a-z][a-z_]*\.py)\b", body))
        if head.endswith("/"):
            package = SRC / head.rstrip("/")
            for name in names:
                for path in package.rglob(name):
                    where[path.relative_to(SRC).as_posix()] = number
            where.setdefault(head, number)
        else:
            for name in names:
                if (SRC / name).exists():
                    where[name] = number
    return where


def named_files_missing(text: str) -> list[str]:
    """Files ``x.py`` named in a row of the map that do not exist where the row says."""
    missing = []
    for head, body in diagram_rows(text):
        names = set(re.findall(r"(?<![\w/.])([a-z][a-z_]*\.py)\b", body))
        base = SRC / head.rstrip("/") if head.endswith("/") else SRC
        for name in sorted(names):
            found = list(base.rglob(name)) if head.endswith("/") else [base / name]
            if not any(p.exists() for p in found):
                missing.append(f"{head}: {name}")
    return missing


def modules(*, packages: bool = False) -> list[str]:
    """Every module file of the package, relative to src/ogl_impact.

    With ``packages=True`` also the ``__init__.py`` files of the sub-packages.
    """
    return sorted(
        p.relative_to(SRC).as_posix()
        for p in SRC.rglob("*.py")
        if "__pycache__" not in p.parts
        and (p.name != "__init__.py" or (packages and p.parent != SRC))
    )


def row_of(module: str, where: dict[str, int]) -> int | None:
    """The row of a module file, or of the package row it belongs to."""
    if module in where:
        return where[module]
    top = module.split("/")[0] + "/"
    return where.get(top) if "/" in module else None


def imported_files(path: Path) -> set[str]:
    """The package's module files that ``path`` imports (relative to src/ogl_impact)."""
    found = set()
    for name in package_imports(path):
        parts = name.split(".")[1:]
        if not parts:
            continue
        target = SRC.joinpath(*parts)
        if target.with_suffix(".py").exists():
            found.add(target.with_suffix(".py").relative_to(SRC).as_posix())
        elif (target / "__init__.py").exists():
            found.add(parts[0] + "/")
    return found


def flow_problems(text: str) -> list[str]:
    """Imports that go up the map: a module importing from a row below its own."""
    where = row_modules(text)
    problems = []
    for module in modules(packages=True):
        own = row_of(module, where)
        if own is None:
            continue
        for target in sorted(imported_files(SRC / module)):
            other = row_of(target, where)
            if other is not None and other > own:
                problems.append(f"{module} (row {own}) imports {target} (row {other})")
    return problems


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.name)
def test_command_lines_in_docs_parse(doc: Path):
    assert command_problems(doc.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.name)
def test_flags_in_docs_exist(doc: Path):
    assert flag_problems(doc.read_text(encoding="utf-8")) == []


def test_a_wrong_command_line_is_caught():
    text = (
        "```\nogl-impact status --perod sb5\nogl-impact publish x\n```\n"
        "Run `ogl-impact validate --format csv`, then `--allow-k-below-4`.\n"
    )
    problems = command_problems(text)
    assert any("--perod" in p for p in problems)
    assert any("'publish'" in p for p in problems)
    assert any("--format csv" in p for p in problems)
    assert any("--allow-k-below-4" in p for p in flag_problems(text))
    assert command_problems("`ogl-impact figures --report sb3 --format svg --k 4`") == []


_PLACEHOLDER = re.compile(r"(?<![\w-])[A-ZÄÖÜ][A-ZÄÖÜ_]+\b")
_FLAG_PLACEHOLDER = re.compile(r"(--[a-z][a-z0-9-]*)[ =]([A-ZÄÖÜ][A-ZÄÖÜ_]+)\b")


def placeholder_problems(text: str) -> list[str]:
    """Placeholders of the README's command synopsis that ``--help`` does not name so.

    In the fenced block after "## On the command line" every word in capitals
    on a command's lines (its comment lines too) must be a placeholder of that
    subcommand's usage line, and ``--flag PLACEHOLDER`` must be written as the
    usage line writes it (``--out ORDNER``, not ``--out DIR``).
    """
    commands = subcommands()
    section = text.split("## On the command line", 1)[1]
    block = _FENCE.search(section)
    assert block is not None, "no command synopsis"
    problems = []
    current = None
    for line in block.group(1).splitlines():
        found = _COMMAND.search(line.split("  #")[0])
        if found:
            current = found.group(1)
        if current not in commands:
            continue
        usage = " ".join(commands[current].format_usage().split())
        named = set(_PLACEHOLDER.findall(usage))
        problems += [
            f"ogl-impact {current}: {word} (--help: {sorted(named)})"
            for word in _PLACEHOLDER.findall(line)
            if word not in named
        ]
        problems += [
            f"ogl-impact {current}: {flag} {word} is not in {usage!r}"
            for flag, word in _FLAG_PLACEHOLDER.findall(line)
            if f"{flag} {word}" not in usage
        ]
    return problems


def test_the_readme_names_the_placeholders_as_the_help_does():
    assert placeholder_problems((ROOT / "README.md").read_text(encoding="utf-8")) == []


def test_a_placeholder_the_help_does_not_know_is_caught():
    def synopsis(*lines: str) -> str:
        return "## On the command line\n\n```text\n" + "\n".join(lines) + "\n```\n"

    assert placeholder_problems(synopsis("ogl-impact process [RAW] [OUT]"))
    assert placeholder_problems(synopsis("ogl-impact template --period sb6 --out DIR"))
    # a placeholder of another option of the same command is still wrong after this flag
    assert placeholder_problems(synopsis("ogl-impact collect PFAD... --received ORDNER"))
    assert placeholder_problems(
        synopsis("ogl-impact demo-data [ORDNER]", "             # (also as --raw RAW)")
    )
    assert not placeholder_problems(synopsis("ogl-impact process [EINGABEORDNER] [AUSGABEORDNER]"))


def test_every_subcommand_is_in_the_readme():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    named = {m.group(1) for span in code_spans(text) for m in _COMMAND.finditer(span)}
    assert set(subcommands()) - named == set()


@pytest.mark.parametrize("command", sorted(subcommands()))
def test_every_subcommand_has_help(command: str, capsys):
    with pytest.raises(SystemExit) as info:
        build_parser().parse_args([command, "--help"])
    assert info.value.code == 0
    assert "Aufruf: ogl-impact " + command in capsys.readouterr().out


def test_architecture_names_every_module():
    where = row_modules(ARCHITECTURE.read_text(encoding="utf-8"))
    unnamed = [m for m in modules() if m not in where and m != "__main__.py"]
    assert unnamed == [], "add them to the map in docs/architecture.md"
    assert "__main__.py" in ARCHITECTURE.read_text(encoding="utf-8")


def test_architecture_names_no_missing_module():
    assert named_files_missing(ARCHITECTURE.read_text(encoding="utf-8")) == []


def test_data_flows_down_the_map():
    assert flow_problems(ARCHITECTURE.read_text(encoding="utf-8")) == []


def test_a_stale_map_is_caught():
    text = ARCHITECTURE.read_text(encoding="utf-8")
    # a module dropped from the map, a removed one still named, and two rows swapped
    dropped = text.replace("keep.py:", "kept.py:", 1)
    assert "delivery/keep.py" not in row_modules(dropped)
    assert "delivery/: kept.py" in named_files_missing(dropped)
    rows = diagram_rows(text)
    io_row = next(body for head, body in rows if head == "io.py")
    parse_row = next(body for head, body in rows if head == "parse.py")
    swapped = text.replace(io_row, "\0").replace(parse_row, io_row).replace("\0", parse_row)
    assert any(p.startswith("io.py") or "imports io.py" in p for p in flow_problems(swapped))


def table_rows(text: str) -> dict[str, tuple[tuple[str, ...], str]]:
    """The section "Tables" of the map: table -> (key columns, "real ..." or "synthetic ...")."""
    section = text.split("\n## Tables\n", 1)[1].split("\n## ", 1)[0]
    rows = {}
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 3 and cells[0] not in ("table", "") and not cells[0].startswith("-"):
            rows[cells[0]] = (tuple(k.strip() for k in cells[1].split(",")), cells[2])
    return rows


def table_problems(text: str) -> list[str]:
    """Tables of the registry missing from the map, or named with another key or kind."""
    from ogl_impact.io import is_synthetic
    from ogl_impact.schemas import TABLES

    rows = table_rows(text)
    problems = [f"{name}: not in the registry" for name in sorted(set(rows) - set(TABLES))]
    for name, spec in TABLES.items():
        if name not in rows:
            problems.append(f"{name}: not in the section Tables")
            continue
        key, kind = rows[name]
        if key != tuple(spec.key):
            problems.append(f"{name}: key {key}, the registry says {tuple(spec.key)}")
        path = ROOT / "data" / "raw" / f"{name}.csv"
        if not path.exists():  # a register only a command writes (imports.csv)
            if kind.split()[0] != "none":
                problems.append(f"{name}: {kind!r}, but data/raw has no {name}.csv")
            continue
        synthetic = is_synthetic(path)
        if kind.split()[0] != ("synthetic" if synthetic else "real"):
            problems.append(f"{name}: {kind!r}, but data/raw/{name}.csv says {synthetic=}")
    return problems


def test_tables_section_matches_the_registry():
    assert table_problems(ARCHITECTURE.read_text(encoding="utf-8")) == []


def test_a_stale_tables_section_is_caught():
    text = ARCHITECTURE.read_text(encoding="utf-8")
    broken = text.replace("| waves | wave | synthetic |", "| waves | wave_id | real |")
    broken = broken.replace("| dac_ratings | lab_id, criterion | synthetic |\n", "")
    problems = table_problems(broken)
    assert any(p.startswith("waves: key") for p in problems)
    assert any(p.startswith("waves: 'real'") for p in problems)
    assert "dac_ratings: not in the section Tables" in problems
    # a table the embedded data lack must be said to be missing there
    none_row = next(line for line in text.splitlines() if "| none in data/raw" in line)
    name = none_row.strip("| ").split(" |")[0]
    claimed = text.replace(none_row, none_row.replace("| none in data/raw", "| synthetic"))
    assert f"{name}: 'synthetic (written by `import`)', but data/raw has no {name}.csv" in (
        table_problems(claimed)
    )
