"""Processing: Parquet + datapackage.json, reproducible, atomic, raw untouched."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pandas as pd
import pytest

from ogl_impact.cli import main
from ogl_impact.dataset import DataValidationError, load
from ogl_impact.process import ProcessError, process

from .conftest import edit


def tree_hashes(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_process_writes_every_table(mini: Path, tmp_path: Path):
    out = tmp_path / "processed"
    written = process(mini, out)
    names = {p.name for p in written}
    assert "datapackage.json" in names
    package = json.loads((out / "datapackage.json").read_text(encoding="utf-8"))
    assert package["profile"] == "tabular-data-package" and package["synthetic"] is True
    resources = {r["name"]: r for r in package["resources"]}
    assert len(resources) == 16  # 14 programme tables + the register and its revisions
    ds = load(mini)
    for name, resource in resources.items():
        frame = pd.read_parquet(out / resource["path"])
        assert resource["rows"] == len(frame) == len(ds[name])
        raw_file = mini / resource["raw"]["path"]
        assert (
            resource["raw"]["hash"] == "sha256:" + hashlib.sha256(raw_file.read_bytes()).hexdigest()
        )
        assert (
            resource["hash"]
            == "sha256:" + hashlib.sha256((out / resource["path"]).read_bytes()).hexdigest()
        )
        assert [f["name"] for f in resource["schema"]["fields"]] == list(frame.columns)
    assert resources["labs"]["synthetic"] is False and resources["responses"]["synthetic"] is True
    labs = resources["labs"]["schema"]
    assert labs["primaryKey"] == ["lab_id"]
    land = next(f for f in labs["fields"] if f["name"] == "land")
    assert land["title"] == "Land" and land["type"] == "string" and "pattern" in land["constraints"]
    assert {
        "fields": ["lab_id"],
        "reference": {"resource": "labs", "fields": ["lab_id"]},
    } in resources["partners"]["schema"]["foreignKeys"]
    pd.testing.assert_frame_equal(pd.read_parquet(out / "labs.parquet"), ds.labs, check_dtype=False)


def test_process_is_byte_identical_and_leaves_raw_untouched(mini: Path, tmp_path: Path):
    before = tree_hashes(mini)
    process(mini, tmp_path / "a")
    process(mini, tmp_path / "b")
    process(mini, tmp_path / "a")  # replacing an earlier output gives the same bytes again
    assert tree_hashes(tmp_path / "a") == tree_hashes(tmp_path / "b")
    assert tree_hashes(mini) == before


def test_failed_run_keeps_previous_output(mini: Path, tmp_path: Path):
    out = tmp_path / "processed"
    process(mini, out)
    before = tree_hashes(out)
    edit(mini, "labs", 3, "land", "DE-XX")
    with pytest.raises(DataValidationError) as info:
        process(mini, out)
    assert any(p.rule == "str_matches" for p in info.value.problems)
    assert tree_hashes(out) == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".processed")]  # no staging left


def test_cli_process_exit_codes(mini: Path, tmp_path: Path, capsys):
    out = tmp_path / "processed"
    assert main(["process", str(mini), str(out)]) == 0
    edit(mini, "labs", 3, "land", "DE-XX")
    assert main(["process", str(mini), str(out)]) == 1
    assert "labs.csv, Zeile 3" in capsys.readouterr().err


def test_out_inside_raw_is_refused(mini: Path):
    before = tree_hashes(mini)
    with pytest.raises(ProcessError):
        process(mini, mini / "processed")
    with pytest.raises(ProcessError):
        process(mini, mini)
    assert tree_hashes(mini) == before


def test_cli_process_takes_data_and_out_as_the_other_commands_do(
    mini: Path, tmp_path: Path, capsys
):
    """``--data``/``--out`` as in figures, collect and import; both ways give the same files."""
    a, b = tmp_path / "a", tmp_path / "b"
    assert main(["process", str(mini), str(a)]) == 0
    assert main(["process", "--data", str(mini), "--out", str(b)]) == 0
    assert tree_hashes(a) == tree_hashes(b)
    capsys.readouterr()
    # the same place said twice is fine, two different places are refused before anything runs
    assert main(["process", str(mini), "--out", str(b)]) == 0
    c = tmp_path / "c"
    assert main(["process", str(mini), str(c), "--out", str(b)]) == 2
    err = capsys.readouterr().err
    assert "zwei Ausgabeordner" in err and str(c) in err and str(b) in err
    assert not c.exists()


def test_cli_process_one_folder_said_relative_and_absolute_is_one_folder(
    mini: Path, tmp_path: Path, monkeypatch, capsys
):
    """``process raw --data /abs/raw``: one folder spelt two ways is not two folders."""
    monkeypatch.chdir(mini.parent)
    out = tmp_path / "out"
    assert main(["process", mini.name, "--data", str(mini.resolve()), "--out", str(out)]) == 0
    assert main(["process", mini.name, str(out), "--out", str(out.resolve())]) == 0
    assert "zwei" not in capsys.readouterr().err
    assert any(out.iterdir())


def test_cli_process_data_option_and_one_folder_writes_there(mini: Path, tmp_path: Path):
    """``process --data RAW OUT``: the folder beside --data is the output, not a second input."""
    out = tmp_path / "out5"
    assert main(["process", "--data", str(mini), str(out)]) == 0
    assert (out / "datapackage.json").exists()


def test_a_folder_of_an_older_version_gets_a_datapackage_of_its_own_columns(
    mini: Path, tmp_path: Path
):
    # indicators.csv written before scale_min/scale_max existed: the Parquet file has no
    # such columns, and datapackage.json declared them all the same
    path = mini / "indicators.csv"
    lines = path.read_text(encoding="utf-8").split("\n")
    header = next(i for i, line in enumerate(lines) if not line.startswith("#"))
    names = lines[header].split(";")
    assert names[-2:] == ["scale_min", "scale_max"]
    kept = [";".join(line.split(";")[:-2]) if i >= header and line else line
            for i, line in enumerate(lines)]  # fmt: skip
    path.write_text("\n".join(kept), encoding="utf-8")
    out = tmp_path / "processed"
    process(mini, out)
    package = json.loads((out / "datapackage.json").read_text(encoding="utf-8"))
    resource = next(r for r in package["resources"] if r["name"] == "indicators")
    frame = pd.read_parquet(out / resource["path"])
    assert "scale_min" not in frame.columns
    assert [f["name"] for f in resource["schema"]["fields"]] == list(frame.columns)
