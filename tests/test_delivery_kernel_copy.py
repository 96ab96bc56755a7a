"""The stored bytes a grown table keeps are copied file to file, and only a proven copy counts.

``write_grown`` (values, milestones) and ``write_appended`` (the register)
write the stored file followed by the new rows. The stored part is copied
by the kernel (``os.copy_file_range``) and read back: a copy that is cut
short, refused by the file system or not the bytes loaded is thrown away
and the bytes are written from memory. The expected files are what the
same functions write where the platform has no such copy.
"""

from __future__ import annotations

import errno
import hashlib
import os

import pytest

from ogl_impact.delivery import csvout
from ogl_impact.delivery.collect import _as_text_frame
from ogl_impact.delivery.csvout import write_appended, write_grown
from ogl_impact.io import read_table
from ogl_impact.write.tables import table_csv_text
from tests.test_delivery_register_append import COMMENT as REGISTER_COMMENT
from tests.test_delivery_register_append import _register
from tests.test_delivery_values_append import COMMENT, _quote_file, _tables

REAL_COPY = getattr(os, "copy_file_range", None)
needs_copy = pytest.mark.skipif(REAL_COPY is None, reason="os.copy_file_range: Linux only")


def _grown(tmp_path, name: str = "out.csv") -> bytes:
    path, whole = _tables(tmp_path / "in", ";")
    _quote_file(path)  # stored bytes that differ from what write_tables would write
    raw = read_table(path, "indicator_values")
    target = tmp_path / name
    assert write_grown(
        target, whole, None, 40, path, raw.sha256, raw.header_line, COMMENT, ";", _as_text_frame
    )
    return target.read_bytes()


def _without_copy(tmp_path, monkeypatch) -> bytes:
    with monkeypatch.context() as m:
        m.delattr(os, "copy_file_range", raising=False)
        return _grown(tmp_path / "plain")


@needs_copy
def test_the_stored_part_is_copied_by_the_kernel_and_gives_the_same_file(tmp_path, monkeypatch):
    expected = _without_copy(tmp_path, monkeypatch)
    calls = []

    def spy(*args):
        calls.append(args)
        return REAL_COPY(*args)

    monkeypatch.setattr(os, "copy_file_range", spy)
    assert _grown(tmp_path / "copied") == expected
    assert calls  # the kernel's copy was used


def _corrupting(src, dst, count, offset_src, offset_dst):
    """A copy that lands, but one byte of it is not the stored one."""
    done = REAL_COPY(src, dst, count, offset_src, offset_dst)
    os.pwrite(dst, b"#", offset_dst + done // 2)
    return done


def _cut_short(src, dst, count, offset_src, offset_dst):
    """Half of what was asked, then nothing (a file that shrank as it was copied)."""
    if offset_dst:
        return 0
    return REAL_COPY(src, dst, max(count // 2, 1), offset_src, offset_dst)


def _refused(*args):
    raise OSError(errno.EXDEV, "Invalid cross-device link")


@needs_copy
@pytest.mark.parametrize("copy", [_corrupting, _cut_short, _refused], ids=lambda f: f.__name__)
def test_a_copy_that_is_not_the_stored_bytes_is_thrown_away(tmp_path, monkeypatch, copy):
    expected = _without_copy(tmp_path, monkeypatch)
    monkeypatch.setattr(os, "copy_file_range", copy)
    assert _grown(tmp_path / "tried") == expected


@needs_copy
def test_a_stored_file_changed_after_it_was_loaded_is_not_copied(tmp_path):
    """Bytes of the same size but not those loaded: the loaded ones are written."""
    path, _ = _tables(tmp_path, ";")
    loaded = path.read_bytes()
    changed = loaded.replace(b"bad_belzig", b"bad_belzix", 1)
    assert len(changed) == len(loaded) and changed != loaded
    path.write_bytes(changed)
    target = tmp_path / "out.csv"
    with target.open("wb") as handle:
        sha = hashlib.sha256(loaded).hexdigest()
        assert not csvout._copy_proven(path, target, handle, len(loaded), sha)
    with target.open("wb") as handle:
        sha = hashlib.sha256(changed).hexdigest()
        assert csvout._copy_proven(path, target, handle, len(changed), sha)
        handle.write(b"tail\n")
    assert target.read_bytes() == changed + b"tail\n"


@needs_copy
def test_a_copy_is_proven_against_the_bytes_loaded_where_they_are_held(tmp_path):
    """The stored file changed after it was read: compared with the bytes read, not counted."""
    path, _ = _tables(tmp_path, ";")
    loaded = path.read_bytes()
    sha = hashlib.sha256(loaded).hexdigest()
    changed = loaded.replace(b"bad_belzig", b"bad_belzix", 1)
    longer = loaded + b"x;y\n"
    target = tmp_path / "out.csv"
    for now, held, proven in [
        (changed, loaded, False),  # same size, one byte other
        (longer, loaded, False),  # a row added since
        (changed, changed, True),  # the bytes held are those on disk
        (loaded, loaded, True),
    ]:
        path.write_bytes(now)
        with target.open("wb") as handle:
            size, sum_ = len(held), hashlib.sha256(held).hexdigest()
            assert csvout._copy_proven(path, target, handle, size, sum_, held) is proven
            if proven:
                handle.write(b"tail\n")
        if proven:
            assert target.read_bytes() == held + b"tail\n"
    path.write_bytes(loaded)
    with target.open("wb") as handle:  # held bytes of another length: hashed as before
        assert csvout._copy_proven(path, target, handle, len(loaded), sha, loaded[:-1])


@pytest.mark.parametrize("step", [1, 3, 7, 1 << 20])
def test_read_back_a_block_at_a_time_the_file_is_compared_whole(tmp_path, monkeypatch, step):
    monkeypatch.setattr(csvout, "_COMPARE_STEP", step)
    path = tmp_path / "f.csv"
    data = "a;b\nGrüße;1\n".encode() * 5
    path.write_bytes(data)
    assert csvout._same_as(path, data)
    for other in (b"", data[:-1], data + b"\n", b"x" + data[1:], data[:-1] + b"\r"):
        assert not csvout._same_as(path, other), other
    path.write_bytes(b"")
    assert csvout._same_as(path, b"")
    assert not csvout._same_as(path, b"a")


@pytest.mark.parametrize(
    "data", [b"", b"a", b"a\n", b"# c\na;b\n1;2\n", b"\n\n", b"x\r\ny\r\n", b"h\nno end"]
)
def test_a_line_of_a_stored_file_is_the_one_its_line_ends_give(tmp_path, data):
    stored = csvout.StoredLines(tmp_path / "t.csv", "", data)
    ends = [k for k, b in enumerate(data) if b == 10]
    starts = [0] + [e + 1 for e in ends[:-1]]
    for number in range(1, 6):
        expected = data[starts[number - 1] : ends[number - 1]] if number <= len(ends) else None
        assert stored.line(number) == expected, (data, number)
    assert stored.ends.tolist() == ends
    assert stored.starts.tolist() == (starts if ends else [0])


def test_a_table_that_only_grows_never_finds_its_line_ends(tmp_path):
    """The header line alone is looked for: two million line ends are not needed."""
    path, whole = _tables(tmp_path / "in", ";")
    raw = read_table(path, "indicator_values")
    prepared = csvout.read_stored(path, raw.sha256)
    target = tmp_path / "out.csv"
    assert write_grown(
        target, whole, None, 40, path, raw.sha256, raw.header_line, COMMENT, ";",
        _as_text_frame, prepared,
    )  # fmt: skip
    assert "ends" not in vars(prepared) and "starts" not in vars(prepared)
    plain = tmp_path / "plain.csv"
    assert write_grown(
        plain, whole, None, 40, path, raw.sha256, raw.header_line, COMMENT, ";", _as_text_frame
    )
    assert target.read_bytes() == plain.read_bytes()
    assert target.read_bytes().startswith(path.read_bytes())


@pytest.mark.parametrize("revision", [False, True])
def test_line_ends_are_found_beside_the_pool_only_where_stored_rows_are_replaced(
    tmp_path, revision
):
    from ogl_impact.delivery.collect import _StoredFiles
    from ogl_impact.delivery.tables import load_tables

    path, _ = _tables(tmp_path / "in", ";")
    loaded = load_tables(path.parent, cache=False)
    files = _StoredFiles(loaded)
    files.want_lines()  # before start: nothing to look at yet, and no error
    files.start()
    if revision:
        files.want_lines()
        files.want_lines()  # once
    stored = files.get("indicator_values")
    assert stored is not None and stored.data == path.read_bytes()
    assert ("ends" in vars(stored)) is revision and ("starts" in vars(stored)) is revision
    expected = [k for k, b in enumerate(stored.data) if b == 10]
    assert stored.ends.tolist() == expected


@needs_copy
@pytest.mark.parametrize("ending", ["\n", "\r\n", ""])
def test_the_register_keeps_its_stored_bytes_copied_or_not(tmp_path, monkeypatch, ending):
    """A register ending in a line break, in a Windows one, or in none (which gets one)."""
    whole = _register(12)
    text = table_csv_text(_as_text_frame(whole.iloc[:9]), REGISTER_COMMENT)
    data = text.encode("utf-8").replace(b"\n", (ending or "\n").encode())
    if not ending:
        data = data.rstrip(b"\n")
    stored = tmp_path / "stored.csv"
    stored.write_bytes(data)
    sha = hashlib.sha256(data).hexdigest()
    outs = []
    for use_copy in (False, True):
        target = tmp_path / f"out{use_copy}.csv"
        with monkeypatch.context() as m:
            if not use_copy:
                m.delattr(os, "copy_file_range")
            assert write_appended(
                target, whole, stored, sha, 9, 2, REGISTER_COMMENT, ";", _as_text_frame
            )
        outs.append(target.read_bytes())
    assert outs[0] == outs[1]
    assert outs[1].startswith(data + (b"" if ending else b"\n"))
    assert outs[1].count(b"\n") == 2 + 12


# --- the stored file looked at a block at a time ---------------------------------

SAMPLES = [
    b"",
    b"a\n",
    "Grüße\nÄrger;ß\n".encode(),  # two-byte characters, some across a block border
    "€uro\n".encode() * 5,  # a three-byte character
    "😀\n".encode() * 4,  # four bytes
    "Grüße".encode("cp1252") + b"\n",  # Windows-1252: not UTF-8
    "Grüße".encode()[:-1] + b"\xc3",  # a character cut off at the end
    b"ok\n\xc3\n",  # a lone lead byte before a line break
    b"\xed\xa0\x80\n",  # a surrogate: not UTF-8
    b"\n\n\r\n\n",
]


@pytest.mark.parametrize("block", [1, 2, 3, 5, 7, 1 << 22])
def test_blocks_give_what_the_whole_gives(monkeypatch, block):
    import numpy as np

    monkeypatch.setattr(csvout, "_BLOCK", block)
    rng = np.random.default_rng(block)
    randoms = [rng.integers(0, 256, int(n)).astype(np.uint8).tobytes() for n in (0, 1, 9, 64, 300)]
    texts = ["".join(rng.choice(list("aä€😀\n;"), 40)).encode() for _ in range(20)]
    for data in [*SAMPLES, *randoms, *texts]:
        try:
            data.decode("utf-8")
            whole = True
        except UnicodeDecodeError:
            whole = False
        assert csvout._is_utf8(data) is whole, data
        expected = [k for k, b in enumerate(data) if b == 10]
        assert csvout._line_ends(data).tolist() == expected, data
