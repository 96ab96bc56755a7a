"""A cache of the checked tables of a data folder, kept outside the folder.

``collect`` reads and checks the data folder's tables with the rules of
``validate`` on every run, although they rarely change between runs (for
the national roll-out that is 120 MB of CSV and seconds of work). This
module keeps what that check gave (the table as read, the typed table and
the problems found) in the user's cache directory, keyed by

- the sha256 of the file's bytes and the file's path,
- the package version and a fingerprint of the code that reads and checks
  tables (the source bytes of :mod:`ogl_impact.io`,
  :mod:`ogl_impact.validate`, :mod:`ogl_impact.parse`, :mod:`ogl_impact.vocab`,
  :mod:`ogl_impact.problems`, the schemas and the loader)
  and the versions of Python, pandas and numpy,

so an entry made from other bytes, by other rules or by another program
version is never used: its key differs. Where the cache lives:
``$OGL_IMPACT_CACHE`` when set (``off``, ``0``, ``no`` or ``false``
disable it), else ``$XDG_CACHE_HOME/ogl-impact`` or
``~/.cache/ogl-impact``; never inside the data folder (then the cache is
not used). Entries are pickles, so an entry is read only from a directory
and file owned by the user and writable by nobody else; they are written
atomically (a temporary file, then a rename). A missing, unreadable or
corrupt entry is a miss (and is replaced); a failure to write the cache
never fails a run. Per file path at most :data:`KEEP` entries are kept.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import pickle
import stat
import sys
import tempfile
from pathlib import Path

ENV = "OGL_IMPACT_CACHE"
"""Environment variable: the cache directory, or ``off`` to disable the cache."""
OFF = frozenset({"off", "0", "no", "false", "aus", "nein"})
"""Values of :data:`ENV` that disable the cache."""
KEEP = 2
"""Entries kept per file path (the most recently used ones)."""
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
    if value:
        base = Path(value).expanduser()
    else:
        xdg = os.environ.get("XDG_CACHE_HOME")
        base = (Path(xdg) if xdg else Path.home() / ".cache") / "ogl-impact"
    base = base / "tables"
    if data is not None:
        try:
            folder, where = Path(data).resolve(), base.resolve()
        except OSError:
            return None
        if where == folder or folder in where.parents:
            return None
    return base


@functools.cache
def fingerprint() -> str:
    """Return a hash of the program version and of the code that reads and checks tables."""
    import numpy
    import pandas

    import ogl_impact
    from ogl_impact import io, parse, problems, schemas, validate, vocab

    digest = hashlib.sha256()
    for part in (
        _MAGIC,
        ogl_impact.__version__,
        sys.version,
        pandas.__version__,
        numpy.__version__,
    ):
        digest.update(part.encode() + b"\0")
    files = [Path(m.__file__) for m in (io, parse, problems, validate, vocab) if m.__file__]
    files += sorted(Path(schemas.__file__).parent.glob("*.py")) if schemas.__file__ else []
    files += [Path(__file__), Path(__file__).with_name("tables.py")]
    for path in files:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def key(kind: str, path: Path, *parts: str) -> str:
    """Return the key of an entry: its kind, the file's path and what it was made from."""
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
    where = cache_dir(data)
    if where is None or not _trusted(where, directory=True):
        return None
    path = _entry(where, entry_key)
    if not _trusted(path, directory=False):
        return None
    try:
        with path.open("rb") as handle:
            stored_key, value = pickle.load(handle)
    except Exception:  # a corrupt entry is a miss (and gets replaced)
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
    where = cache_dir(data)
    if where is None:
        return
    try:
        where.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not _trusted(where, directory=True):
            return
        path = _entry(where, entry_key)
        fd, tmp = tempfile.mkstemp(dir=where, prefix=".tmp-", suffix=".pickle")
        try:
            with os.fdopen(fd, "wb") as handle:
                pickle.dump((entry_key, value), handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
        _prune(where, path)
    except Exception:  # the cache must never fail a run
        pass


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
    """Return the sha256 of a file's bytes (None when it cannot be read)."""
    try:
        with path.open("rb") as handle:
            return hashlib.file_digest(handle, "sha256").hexdigest()
    except OSError:
        return None


__all__ = ["ENV", "KEEP", "OFF", "cache_dir", "file_sha256", "fingerprint", "key", "load", "store"]
