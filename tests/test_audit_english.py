"""``ogl-impact audit --lang en`` says every finding in English (the quoted texts excepted)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ogl_impact.cli import main

SOURCE = "# Quelle: Befragung der Labore und Vergleichskommunen\n"
PAGE = """<html><body><p class="privacy" data-k="5">k</p>
<figure id="verdeckt"><img src="verdeckt.png" alt="Kehl (3,1) n = 3">
<figcaption><strong>Verdeckt</strong> Kehl (2,5); Welle 3: n = 2; alle: 3 Befragte</figcaption>
</figure>
<p>Welle 3: n = 4 Befragte</p>
</body></html>
"""
# German words of the audit's own that an English reader must not meet
GERMAN = re.compile(
    r"Welle|Befragte|Alternativtext|Bildunterschrift|Galeriezeile|Quelle|Werte|Spalte|"
    r"Rest von| mit |Dateien|selbst|gezeigt|Kommentar|Abbildung|Titel|Beschreibung|Seite|"
    r"Attribute|nicht|fehlt"
)


@pytest.fixture
def leaky(tmp_path: Path) -> Path:
    """A report folder with one finding of each kind the audit words itself."""
    folder = tmp_path / "bericht"
    folder.mkdir()
    tables = {
        "ohne_quelle": "wave;unit_id;score;n\n3;kehl;2,5;40\n",  # source told nowhere
        "labore": SOURCE + "wave;unit_id;score;n\n3;kehl;2,5;\n3;jena;3,0;60\n",
        "profil": SOURCE + "wave;lab_label;score;n\n3;Kehl;2,5;40\n",  # unit_id missing
        "alle": SOURCE + "score;n\n2,5;3\n",  # a group of no dimension
        "verdeckt": SOURCE + "lab_label;unit_id;score;n;suppressed\nKehl;kehl;;;true\n",
    }
    for name, text in tables.items():
        (folder / f"{name}.csv").write_text(text, encoding="utf-8")
    (folder / "index.html").write_text(PAGE, encoding="utf-8")
    (folder / "notiz.svg").write_text(
        "<svg><title>Welle 3: n = 2</title><text>Welle 3: n = 1</text></svg>", encoding="utf-8"
    )
    (folder / "anhang.pdf").write_bytes(b"%PDF-1.4")
    return folder


def _outside_quotes(line: str) -> str:
    """The line without the published text it quotes ("…" in English, „…“ in German)."""
    return re.sub(r'"[^"]*"|„[^“]*“', "", line)


def test_audit_in_english_has_no_german_of_its_own(leaky: Path, capsys):
    assert main(["audit", str(leaky), "--lang", "en"]) == 1
    captured = capsys.readouterr()
    lines = (captured.out + captured.err).splitlines()
    german = [x for x in lines if GERMAN.search(_outside_quotes(x))]
    assert german == [], german
    out = "\n".join(lines)
    for words in (
        "ohne_quelle.csv: source not given – not checkable",
        "labore.csv: values shown without n – not checkable",
        "profil.csv: column unit_id missing beside lab_label – not checkable",
        "alle.csv: all respondents – shown, n = 3",
        "index.html (alt text of verdeckt): Kehl – shown",
        "index.html (caption of verdeckt): Kehl – shown",
        'index.html: wave 3: "Welle 3: n = 4" – named with its count in a published text',
        'index.html (caption and gallery line of verdeckt): all respondents of figure verdeckt: "',
        'notiz.svg (title and description): wave 3: "Welle 3: n = 2"',
        'notiz.svg (text in the figure): wave 3: "Welle 3: n = 1"',
        "1 file (.pdf) not read",
    ):
        assert words in out, (words, out)


def test_audit_in_german_is_unchanged(leaky: Path, capsys):
    assert main(["audit", str(leaky)]) == 1
    out = capsys.readouterr().out
    assert "ohne_quelle.csv: Quelle nicht angegeben – nicht prüfbar" in out
    assert "index.html (Alternativtext zu verdeckt): Kehl – gezeigt" in out
    assert "index.html: Welle 3: „Welle 3: n = 4“" in out
    assert "notiz.svg (Titel und Beschreibung): Welle 3: „Welle 3: n = 2“" in out
    assert "1 Datei (.pdf) nicht gelesen" in out
