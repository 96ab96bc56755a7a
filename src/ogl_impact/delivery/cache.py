"""A cache of the checked tables of a data folder, kept outside the folder.

``collect`` reads and checks the data folder's tables with the rules of
``validate`` on every run, although they rarely change between runs (for
the national roll-out that is 120 MB of CSV and seconds of work). This
module keeps what that check gave (the table as read, the typed table and
the problems found) in the user's cache directory, keyed by

- the sha256 of the file's bytes and the file's path (resolved and as given),
- the package version and a fingerprint of the code that reads and checks
  tables (the source bytes of :mod:`ogl_impact.io`,
  :mod:`ogl_impact.validate`, :mod:`ogl_impact.parse`, :mod:`ogl_impact.vocab`,
  :mod:`ogl_impact.problems`, :mod:`ogl_impact.spelling`, the schemas and the
  loader)
  and the versions of Python, pandas, numpy, pandera and pyarrow,

so an entry made from other bytes, by other rules or by another program
version is never used: its key differs. Where the cache lives:
``$OGL_IMPACT_CACHE`` when set to a folder (``off``, ``0``, ``no`` or
``false`` disable it; ``on``, ``1``, ``yes`` or ``true`` keep it where it
would be without the variable), else ``$XDG_CACHE_HOME/ogl-impact`` or
``~/.cache/ogl-impact``; never inside the data folder (then the cache is
not used). Entries are pickles, so an entry is read only from a directory
and file owned by the user and writable by nobody else; they are written
atomically (a temporary file, then a rename). A missing, unreadable or
corrupt entry is a miss (and is replaced); a cache location that cannot
be found or resolved (no home directory, a symlink loop) turns the cache
off, and a failure to write the cache never fails a run. Per file path at
most :data:`KEEP` entries are kept, and the whole cache holds at most
:data:`LIMIT` bytes (the least recently used entries go first). An entry is
only kept while the disk it is on has :data:`RESERVE` bytes (or 10 % of its
size, whichever is more) left free after it: the cache never takes the
space a run needs to write its tables.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import pickle
import shutil
import stat
import sys
import tempfile
from pathlib import Path

ENV = "OGL_IMPACT_CACHE"
"""Environment variable: the cache directory, or ``off`` to disable the cache."""
OFF = frozenset({"off", "0", "no", "false", "aus", "nein"})
"""Values of :data:`ENV` that disable the cache."""
ON = frozenset({"on", "1", "yes", "true", "an", "ein", "ja"})
"""Values of :data:`ENV` that keep the cache where it would be without it (not a folder "on")."""
KEEP = 2
"""Entries kept per file path (the most recently used ones)."""
LIMIT = 2 * 1024**3
"""Bytes the whole cache may hold (least recently used entries are removed first)."""
RESERVE = 1024**3
"""Bytes left free on the cache's disk after an entry is written (else it is not kept)."""
_MAGIC = "ogl-impact-table-cache-1"


def cache_dir(data: Path | None = None) -> Path | None:
    """Return the cache directory, or None when the cache is off.

    Parameters
    ----------
    data : Path, optional
        The data folder: a cache directory inside it (or equal to it) is
        not used.

    Returns
    -------
    Path or None
    """
    value = os.environ.get(ENV)
    if value is not None and value.strip().lower() in OFF:
        return None
    try:  # no home directory, a symlink loop: no cache (never a failed run)
        if value and value.strip().lower() not in ON:
            base = Path(value).expanduser()
        else:
            xdg = os.environ.get("XDG_CACHE_HOME")
            base = (Path(xdg) if xdg else Path.home() / ".cache") / "ogl-impact"
        base = base / "tables"
        if data is not None:
            folder, where = Path(data).resolve(), base.resolve()
            if where == folder or folder in where.parents:
                return None
    except (OSError, RuntimeError, ValueError):
        return None
    return base


@functools.cache
def fingerprint() -> str:
    """Return a hash of the program version and of the code that reads and checks tables.

    Returns
    -------
    str
        Hex digest over the package, Python, pandas, numpy, pandera and
        pyarrow versions and the source bytes of the modules that read and
        check tables (:func:`checking_code`; where a source cannot be read,
        a random part: no entry will ever match).
    """
    import numpy
    import pandas

    import ogl_impact

    digest = hashlib.sha256()
    import pandera
    import pyarrow

    for part in (
        _MAGIC,
        ogl_impact.__version__,
        sys.version,
        pandas.__version__,
        numpy.__version__,
        pandera.__version__,
        pyarrow.__version__,
    ):
        digest.update(part.encode() + b"\0")
    for path in checking_code():
        try:
            source = path.read_bytes()
        except OSError:  # no source to hash (an install without .py files): never a match
            source = os.urandom(32)
        digest.update(path.name.encode() + b"\0" + source + b"\0")
    return digest.hexdigest()


def checking_code() -> list[Path]:
    """Return the source files whose code decides what a cache entry holds.

    The readers, the typing, the rules and their messages (with the
    spelling suggestions they make), the schemas and the loader.

    Returns
    -------
    list of Path
    """
    from ogl_impact import io, parse, problems, schemas, spelling, validate, vocab

    modules = (io, parse, problems, spelling, validate, vocab)
    files = [Path(m.__file__) for m in modules if m.__file__]
    files += sorted(Path(schemas.__file__).parent.glob("*.py")) if schemas.__file__ else []
    return [*files, Path(__file__), Path(__file__).with_name("tables.py")]


def key(kind: str, path: Path, *parts: str) -> str:
    """Return the key of an entry: its kind, the file's path and what it was made from.

    Parameters
    ----------
    kind : str
        ``"table"`` or ``"cross"``.
    path : Path
        The file (or folder) the entry is of; resolved, so that one file
        reached by two names shares its entries' place.
    *parts : str
        What else the entry depends on (sha256 of the bytes, the path as given).

    Returns
    -------
    str
    """
    return "\0".join((kind, str(Path(path).resolve()), fingerprint(), *parts))


def _entry(where: Path, entry_key: str) -> Path:
    path = entry_key.split("\0")[1]
    prefix = hashlib.sha256(path.encode()).hexdigest()[:16]
    return where / f"{prefix}-{hashlib.sha256(entry_key.encode()).hexdigest()[:32]}.pickle"


def _trusted(path: Path, directory: bool) -> bool:
    """Whether a path is the user's own and writable by nobody else (then its pickle is ours)."""
    try:
        info = path.lstat()
    except OSError:
        return False
    kind_ok = stat.S_ISDIR(info.st_mode) if directory else stat.S_ISREG(info.st_mode)
    own = not hasattr(os, "getuid") or info.st_uid == os.getuid()
    return kind_ok and own and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def load(data: Path, entry_key: str) -> object | None:
    """Return the value stored under a key, or None (no cache, no entry, or not trusted).

    Parameters
    ----------
    data : Path
        The data folder (see :func:`cache_dir`).
    entry_key : str
        From :func:`key`.

    Returns
    -------
    object or None
    """
    try:
        where = cache_dir(data)
        if where is None or not _trusted(where, directory=True):
            return None
        path = _entry(where, entry_key)
        if not _trusted(path, directory=False):
            return None
        with path.open("rb") as handle:
            stored_key, value = pickle.load(handle)
    except Exception:  # a corrupt entry (or an unusable place) is a miss
        return None
    if stored_key != entry_key:
        return None
    with contextlib.suppress(OSError):
        os.utime(path)  # recently used: kept by the pruning
    return value


def store(data: Path, entry_key: str, value: object) -> None:
    """Store a value under a key (atomically); never raises.

    Parameters
    ----------
    data : Path
        The data folder (see :func:`cache_dir`).
    entry_key : str
        From :func:`key`.
    value : object
        Anything pickle can store.
    """
    try:
        where = cache_dir(data)
        if where is None:
            return
        where.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not _trusted(where, directory=True):
            return
        path = _entry(where, entry_key)
        fd, tmp = tempfile.mkstemp(dir=where, prefix=".tmp-", suffix=".pickle")
        try:
            with os.fdopen(fd, "wb") as handle:
                pickle.dump((entry_key, value), handle, protocol=pickle.HIGHEST_PROTOCOL)
            if not _room_left(where):  # the disk is the run's before it is the cache's
                os.unlink(tmp)
                return
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
        _prune(where, path)
        _limit(where, path)
    except Exception:  # the cache must never fail a run
        pass


def _room_left(where: Path) -> bool:
    """Whether the cache's disk keeps :data:`RESERVE` bytes (or 10 % of it) free."""
    usage = shutil.disk_usage(where)
    return usage.free >= max(RESERVE, usage.total // 10)


def _limit(where: Path, newest: Path) -> None:
    """Remove the least recently used entries until the cache holds at most :data:`LIMIT` bytes."""
    entries = []
    for p in where.glob("*.pickle"):
        if p != newest:
            with contextlib.suppress(OSError):
                info = p.stat()
                entries.append((info.st_mtime, info.st_size, p))
    total = sum(size for _, size, _ in entries) + newest.stat().st_size
    for _, size, p in sorted(entries, key=lambda e: e[0]):
        if total <= LIMIT:
            break
        with contextlib.suppress(OSError):
            p.unlink()
            total -= size


def _prune(where: Path, newest: Path) -> None:
    """Keep the :data:`KEEP` most recently used entries of one file path (``newest`` among them)."""
    entries = []
    for p in where.glob(f"{newest.name.split('-')[0]}-*.pickle"):
        if p != newest:
            with contextlib.suppress(OSError):
                entries.append((p.stat().st_mtime, p))
    for _, p in sorted(entries, reverse=True)[KEEP - 1 :]:
        with contextlib.suppress(OSError):
            p.unlink()


def file_sha256(path: Path) -> str | None:
    """Return the sha256 of a file's bytes (None when it cannot be read).

    Parameters
    ----------
    path : Path
        The file.

    Returns
    -------
    str or None
    """
    try:
        with Path(path).open("rb") as handle:
            return hashlib.file_digest(handle, "sha256").hexdigest()
    except OSError:
        return None


__all__ = [
    "ENV",
    "KEEP",
    "LIMIT",
    "OFF",
    "RESERVE",
    "cache_dir",
    "file_sha256",
    "fingerprint",
    "key",
    "load",
    "store",
]
