"""``ogl-impact demo-data``: write the synthetic demo tables (or the national-scale set)."""

from __future__ import annotations

import sys
from pathlib import Path

from ogl_impact.demo.simulate import SEED, SYNTHETIC_NOTE, read_real_tables, simulate
from ogl_impact.io import TableReadError, is_synthetic
from ogl_impact.write import write_tables
from ogl_impact.write.target import TargetError, check_target, replace_folder, update_files


def run(
    out: Path,
    raw: Path | None = None,
    seed: int | None = None,
    scale: str = "demo",
    respondents: int = 1_000_000,
    municipalities: int = 10_800,
) -> int:
    """Write demo data; return the exit status.

    Parameters
    ----------
    out : Path
        Target folder. For ``scale="demo"`` it usually is ``data/raw`` (only
        synthetic files are written or replaced there).
    raw : Path, optional
        Folder holding the real ``labs.csv`` and ``periods.csv``; defaults to ``out``.
    seed : int, optional
        Random seed (default :data:`ogl_impact.demo.simulate.SEED`).
    scale : {"demo", "national"}
        The embedded demo data, or a national-scale set for benchmarks.
    respondents, municipalities : int
        Size of the national-scale set.

    Returns
    -------
    int
        0 on success, 1 when a real (non-synthetic) file would be overwritten,
        when survey exports were imported into ``out`` (``imports.csv``: their
        answers stand in the synthetic tables) or ``labs.csv``/``periods.csv``
        cannot be parsed, 2 when OUT is refused
        (the project root, a folder inside RAW, or for the national set a
        folder inside the project or a non-empty folder not written by
        ``demo-data``) or when ``labs.csv``/``periods.csv`` cannot be read.
    """
    seed = SEED if seed is None else seed
    if scale == "national":
        from ogl_impact.demo.national import write_national

        root = Path(__file__).resolve().parents[3]
        if (root / "pyproject.toml").exists() and root in [out.resolve(), *out.resolve().parents]:
            print(
                f"ogl-impact demo-data: {out} liegt im Projekt; der nationale Datensatz gehört "
                "nach außerhalb (z. B. /tmp) / belongs outside the project",
                file=sys.stderr,
            )
            return 2
        with replace_folder(out, "demo-data") as staging:
            paths = write_national(
                staging, seed=seed, respondents=respondents, municipalities=municipalities
            )
        print(f"{out}: {len(paths)} Dateien (national) geschrieben / files written")
        return 0
    inputs = [raw] if raw and raw.resolve() != out.resolve() else []
    try:
        check_target(out, "demo-data", inputs, owned=False)
    except TargetError as exc:
        print(f"ogl-impact demo-data: {exc}", file=sys.stderr)
        return 2
    source = raw or out
    try:
        real = read_real_tables(source)
    except TableReadError as exc:
        print(
            f"ogl-impact demo-data: {exc.problem.file}: {exc.problem.message('de')} – die "
            "Simulation braucht "
            f"labs.csv und periods.csv in {source} (anderer Ordner: --raw, z. B. --raw data/raw) "
            "/ the simulation needs labs.csv and periods.csv (another folder: --raw)",
            file=sys.stderr,
        )
        return 2
    except ValueError as exc:  # a table that does not parse
        print(f"ogl-impact demo-data: {source}: {exc}", file=sys.stderr)
        return 1
    imported = [out / n for n in ("imports.csv", "imported_responses.csv") if (out / n).exists()]
    if imported:  # answers imported into the demo tables: they would go, the register stay
        print(
            f"ogl-impact demo-data: {imported[0]}: in {out} wurden Befragungsexporte importiert "
            "(ogl-impact import); ihre Antworten stehen in den synthetischen Tabellen und "
            "gingen verloren; nichts geschrieben. Demodaten bitte in einen anderen Ordner "
            f"schreiben (ogl-impact demo-data ORDNER --raw {source}) / survey exports were "
            "imported into this folder; their answers would be lost; write the demo data "
            "elsewhere",
            file=sys.stderr,
        )
        return 1
    data = simulate(real["labs"], real["periods"], seed=seed)
    targets = [out / f"{name}.csv" for name in data.tables]
    targets += [out / "truth" / f"{name}.csv" for name in data.truth]
    for target in targets:
        if target.exists() and not is_synthetic(target):
            print(
                f"ogl-impact demo-data: {target} ist keine synthetische Datei, "
                "wird nicht überschrieben "
                "/ is not synthetic, not overwritten",
                file=sys.stderr,
            )
            return 1
    note = SYNTHETIC_NOTE.format(seed=seed)
    with update_files(out, "demo-data", inputs) as staging:
        written = write_tables(data.tables, staging, note)
        written += write_tables(
            data.truth, staging / "truth", note + "; wahre Werte der Simulation", sep=","
        )
    written = [out / p.relative_to(staging) for p in written]
    print(f"{out}: {len(written)} synthetische Dateien geschrieben / synthetic files written")
    return 0
