"""Hostile import inputs: every one is refused with a sentence naming the file, never a traceback.

The corpus is tests/fixtures/hostile/imports/ (small files, see its README.md)
plus files generated here (zip bombs, deep JSON, truncated archives). Each
runs through ``ogl-impact import`` with ``OGL_IMPACT_DEBUG=1``, so an
unexpected exception would fail the test instead of turning into the
command's "interner Fehler" message.
"""

from __future__ import annotations

import json
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from ogl_impact.cli import main
from ogl_impact.imports import limesurvey

FIX = Path(__file__).parent / "fixtures"
HOSTILE = FIX / "hostile" / "imports"
DEMO = Path(__file__).resolve().parents[1] / "data" / "raw"
LSS = FIX / "limesurvey" / "colors.lss"
SOSCI_R = FIX / "soscisurvey" / "Exp1_import.r"
SOSCI_DATA = FIX / "soscisurvey" / "Exp1_data.csv"
BOMB_BYTES = 64 * 1024**2  # inflated size of the generated bombs (compresses ~1000-fold)


def zip_bomb(path: Path, member: str, extra: dict[str, bytes] | None = None) -> Path:
    """A zip whose ``member`` inflates to BOMB_BYTES of zeros (written in chunks)."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
        with archive.open(member, "w", force_zip64=True) as handle:
            chunk = b"\0" * 1024**2
            for _ in range(BOMB_BYTES // len(chunk)):
                handle.write(chunk)
    return path


def many_members(path: Path) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for i in range(limesurvey.MAX_MEMBERS + 1):
            archive.writestr(f"teil{i}.txt", b"x")
        archive.writestr("survey.lss", LSS.read_bytes())
    return path


def xml_in_zip(path: Path) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("survey.lss", (HOSTILE / "billion_laughs.lss").read_bytes())
    return path


def no_structure(path: Path) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", b"kein Fragebogen")
    return path


def truncated(path: Path) -> Path:
    data = (FIX / "limesurvey" / "colors.lsa").read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


def lying_sizes(path: Path) -> Path:
    """A zip whose headers declare 1000 bytes for a member that inflates to 16 MiB."""
    import io
    import struct

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("survey.lss", b"\0" * 16 * 1024**2)
    data = bytearray(buf.getvalue())
    struct.pack_into("<I", data, 22, 1000)  # local file header: uncompressed size
    struct.pack_into("<I", data, data.find(b"PK\x01\x02") + 24, 1000)  # central directory
    path.write_bytes(bytes(data))
    return path


def deep_json(path: Path) -> Path:
    path.write_text('{"content": ' + "[" * 200_000 + "]" * 200_000 + "}", encoding="utf-8")
    return path


def duplicate_uuid(path: Path) -> Path:
    doc = json.loads((FIX / "kobo" / "grouped_translated_v1.json").read_text("utf-8"))
    doc["submissions"][1]["_uuid"] = doc["submissions"][0]["_uuid"]
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


Make = Callable[[Path], Path]
# (case, tool, inputs); an input is a file of the corpus, a real fixture, or a generator
CASES: list[tuple[str, str, list[Path | tuple[str, Make]]]] = [
    ("billion_laughs", "limesurvey", [HOSTILE / "billion_laughs.lss"]),
    ("external_entity", "limesurvey", [HOSTILE / "external_entity.lss"]),
    ("parameter_entity", "limesurvey", [HOSTILE / "parameter_entity.lss"]),
    ("external_dtd_responses", "limesurvey", [LSS, HOSTILE / "external_dtd.lsr"]),
    ("wrong_doctype", "limesurvey", [HOSTILE / "wrong_doctype.lss"]),
    ("broken_rows", "limesurvey", [HOSTILE / "broken_rows.lss"]),
    ("empty_lss", "limesurvey", [HOSTILE / "empty.lss"]),
    ("not_xml", "limesurvey", [HOSTILE / "not_xml.lss"]),
    ("responses_without_id", "limesurvey", [LSS, HOSTILE / "responses_without_id.csv"]),
    ("zip_bomb_lsa", "limesurvey", [("bombe.lsa", lambda p: zip_bomb(p, "survey.lss"))]),
    (
        "zip_bomb_lsr_member",
        "limesurvey",
        [("bombe2.lsa", lambda p: zip_bomb(p, "r.lsr", {"s.lss": LSS.read_bytes()}))],
    ),
    ("many_members", "limesurvey", [("viele.lsa", many_members)]),
    ("billion_laughs_in_lsa", "limesurvey", [("lachen.lsa", xml_in_zip)]),
    ("lsa_without_lss", "limesurvey", [("leer.lsa", no_structure)]),
    ("truncated_lsa", "limesurvey", [("halb.lsa", truncated)]),
    ("lying_sizes_lsa", "limesurvey", [("luege.lsa", lying_sizes)]),
    ("kobo_list", "kobo", [HOSTILE / "kobo_list.json"]),
    ("kobo_survey_text", "kobo", [HOSTILE / "kobo_survey_text.json"]),
    ("kobo_odd_types", "kobo", [HOSTILE / "kobo_odd_types.json"]),
    ("kobo_submissions_text", "kobo", [HOSTILE / "kobo_submissions_text.json"]),
    ("kobo_fake_xlsx", "kobo", [HOSTILE / "kobo_fake.xlsx"]),
    (
        "kobo_xlsx_bomb",
        "kobo",
        [("formular.xlsx", lambda p: zip_bomb(p, "xl/worksheets/sheet1.xml"))],
    ),
    ("kobo_deep_json", "kobo", [("tief.json", deep_json)]),
    ("kobo_duplicate_uuid", "kobo", [("doppelt.json", duplicate_uuid)]),
    ("sosci_unterminated", "sosci", [SOSCI_DATA, HOSTILE / "sosci_unterminated.r"]),
    ("sosci_duplicate_case", "sosci", [HOSTILE / "sosci_duplicate_case.csv", SOSCI_R]),
    ("sosci_foreign_script", "sosci", [SOSCI_R, HOSTILE / "sosci_foreign_script.csv"]),
    ("sosci_not_utf8", "sosci", [HOSTILE / "sosci_not_utf8.csv", SOSCI_R]),
    ("sosci_one_file", "sosci", [SOSCI_DATA]),
]


@pytest.fixture
def env(tmp_path, monkeypatch):
    monkeypatch.setenv("OGL_IMPACT_DEBUG", "1")  # an unexpected exception fails the test
    secret = tmp_path / "schluessel.txt"
    secret.write_text("ein-geheimer-schluessel-fuer-tests\n", encoding="utf-8")
    mapping = tmp_path / "zuordnung.csv"
    mapping.write_text(
        "code;item_id;construct\n@unit_id;brandis;\n@wave;1;\n@actor_group;citizens;\n"
        "@survey_id;feindlich;\nG02Q04;bild;satisfaction\n",
        encoding="utf-8",
    )
    return tmp_path, secret, mapping


@pytest.mark.parametrize(("case", "tool", "inputs"), CASES, ids=[c[0] for c in CASES])
def test_hostile_input_is_refused_cleanly(case, tool, inputs, env, capsys):
    tmp_path, secret, mapping = env
    files = [make(tmp_path / name) if isinstance(item, tuple) else item for item in inputs
             for name, make in [item if isinstance(item, tuple) else (None, None)]]  # fmt: skip
    out = tmp_path / "daten"
    args = ["import", tool, *map(str, files), "--mapping", str(mapping), "--out", str(out)]
    status = main([*args, "--programme", str(DEMO), "--secret-file", str(secret)])
    err = capsys.readouterr().err
    assert status in (1, 2), err
    named = [f for f in files if f.parent in (HOSTILE, tmp_path)] or files
    assert named[-1].name in err, err
    assert "Traceback" not in err and "interner Fehler" not in err
    assert not out.exists()


def test_zip_bomb_is_refused_before_inflating(tmp_path, monkeypatch):
    bomb = zip_bomb(tmp_path / "bombe.lsa", "survey.lss")
    assert bomb.stat().st_size < BOMB_BYTES / limesurvey.MAX_RATIO  # it is a bomb

    def never(*args, **kwargs):
        raise AssertionError("a member was opened")

    monkeypatch.setattr(zipfile.ZipFile, "open", never)
    with pytest.raises(limesurvey.LimeSurveyError, match=r"bombe\.lsa: survey\.lss ist .*-fach"):
        limesurvey.read_limesurvey(bomb)


def test_declared_size_limit(tmp_path, monkeypatch):
    monkeypatch.setattr(limesurvey, "MAX_FILE_BYTES", 1000)
    with pytest.raises(limesurvey.LimeSurveyError, match=r"colors\.lsa"):
        limesurvey.read_limesurvey(FIX / "limesurvey" / "colors.lsa")


def test_xml_attacks_name_the_rule(capsys):
    for name in ("billion_laughs.lss", "external_entity.lss"):
        with pytest.raises(limesurvey.LimeSurveyError, match=f"{name}: XML mit DTD"):
            limesurvey.read_limesurvey(HOSTILE / name)
