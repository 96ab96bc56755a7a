"""The one safe writer of every command that writes a folder.

Rules (checked before anything is written):

- A folder is built in a staging folder next to its final place and swapped
  in only when the whole run succeeded; a failed or interrupted run leaves the
  earlier output as it was (:func:`replace_folder`), except a run killed
  once its output was finished (marker written) and before it was in place,
  whose finished output the next run puts in place (:func:`recover`). The
  files a marker or journal vouches for are flushed to the disk before it is
  written (``fsync``, or one ``syncfs`` for many files), so that a power cut
  cannot leave empty files behind it.
- Only a folder carrying the marker file ``.ogl-impact-output`` of the same
  command is ever replaced. A non-empty folder without it is refused, and so
  is the project root (a folder with ``pyproject.toml`` or ``.git``), the
  input itself, a folder that contains the input and a folder inside it.
- Files added to a folder that belongs to the user (a raw data folder) are
  written in a staging folder first and moved in together at the end; an
  error before or while moving puts every earlier file back
  (:func:`update_files`; what cannot be put back is named, and the next run
  puts it back first). A staging folder of :func:`replace_folder` that belongs
  to those files (``collect``'s feedback) counts as finished only once they
  are committed.
- A command that reads a folder and writes back into it holds the folder's
  lock (:func:`folder_lock`, ``flock`` on the folder itself, no lock file):
  a second run on the same folder is refused at once (:class:`FolderBusy`).
  Under the lock, and before the folder is read, what a killed run of
  :func:`update_files` left half moved is undone (:func:`locked_for_update`).
- The final renames of a run that writes more than one place (data and
  feedback) form one critical section (:class:`CriticalSection`): Ctrl-C
  (SIGINT) or SIGTERM arriving in it takes effect only once all are done.

A refusal is a :class:`TargetError` whose message is one German sentence
followed by its English translation; the command line prints it and exits
with 2. What the writer did unasked (leftovers of an interrupted run
removed, a folder it could not remove) is not printed here but logged on
:data:`logger` (``ogl_impact.write.target``, level WARNING, one line each);
the command line prints those lines to stderr.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import logging
import os
import shutil
import stat
import sys
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

logger = logging.getLogger(__name__)
"""Lines on what the writer did unasked (German / English); the command line prints them."""

MARKER = ".ogl-impact-output"
AFTER = ".ogl-impact-after"
"""In a staging folder of :func:`replace_folder` that :func:`update_files` finishes together with
its files: the journal that must be gone (the files committed) before the folder counts as
finished."""
BEFORE = ".ogl-impact-before"
"""In a finished staging folder of :func:`replace_folder`: what its run was to replace (the
folder as it was when the staging folder was made, see :func:`_identity`). Written before the
marker, removed in the swap: no output ever carries it."""
STAGING_TAG = ".ogl-staging-"
PROJECT_FILES = ("pyproject.toml", ".git", "setup.py", "setup.cfg")


class TargetError(Exception):
    """OUT is not a safe place to write (the message says why, German / English)."""


class FolderBusy(TargetError):
    """Another run holds the folder's lock (the message says so, German / English)."""


class CommittedInterrupt(KeyboardInterrupt):
    """Ctrl-C that arrived in a critical section: it took effect after everything was written.

    A SIGTERM deferred the same way is raised by its own handler, with the
    attribute ``committed = True`` set on the exception.
    """

    committed = True


def _marker_data(folder: Path) -> dict | None:
    try:
        data = json.loads((folder / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("written_by") != "ogl-impact":
        return None
    if not isinstance(data.get("command"), str):
        return None
    return data


def read_marker(folder: Path) -> str | None:
    """Return the command named by ``folder``'s marker file, or None.

    Parameters
    ----------
    folder : Path
        A folder.

    Returns
    -------
    str or None
        The command (``"process"``, ``"figures"``, ...) that wrote the folder,
        or None when it carries no readable marker.

    Examples
    --------
    >>> import tempfile
    >>> read_marker(Path(tempfile.mkdtemp())) is None
    True
    """
    data = _marker_data(folder)
    return None if data is None else data["command"]


def _files(folder: Path) -> list[str]:
    return sorted(
        p.relative_to(folder).as_posix()
        for p in folder.rglob("*")
        if (p.is_file() or p.is_symlink()) and p.name not in (MARKER, AFTER, BEFORE)
    )


def _fsync(path: Path) -> None:
    """Flush a file or folder to the disk (POSIX; skipped where the system does not support it).

    A folder's own entry list (what was renamed or created in it) is flushed
    through a descriptor of the folder. Links are not followed.
    """
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(path, flags)
    except OSError:  # a link, or a folder that cannot be opened (Windows)
        return
    try:
        os.fsync(fd)
    except OSError:  # a file system without fsync for this kind of file
        pass
    finally:
        os.close(fd)


_ONE_BY_ONE = 16
"""Up to this many files are flushed one by one; more with one ``syncfs`` of their file system."""


@functools.cache
def _syncfs_call() -> Callable[[int], int] | None:
    """Return Linux's ``syncfs`` (through ctypes), or None where there is none."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        import ctypes

        return ctypes.CDLL(None, use_errno=True).syncfs
    except (ImportError, OSError, AttributeError):
        return None


def _syncfs(folder: Path) -> bool:
    """Flush the whole file system that holds ``folder`` in one call; False where not possible."""
    call = _syncfs_call()
    if call is None:
        return False
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return False
    try:
        return call(fd) == 0
    finally:
        os.close(fd)


def _fsync_tree(folder: Path, files: Sequence[str]) -> None:
    """Flush the listed files of ``folder`` and every folder that holds them (and ``folder``).

    Thousands of files (collect's feedback pages) are flushed with one
    ``syncfs`` of their file system (Linux), which writes them all out in one
    go: on a collect of 2,000 workbooks with feedback (3,987 files), ``fsync``
    on each took 1.1 to 6.3 s in all, one ``syncfs`` 0.15 s. Elsewhere, and for
    a few files, each file and folder gets its own ``fsync``.
    """
    if len(files) > _ONE_BY_ONE and _syncfs(folder):
        return
    folders = {folder}
    for rel in files:
        path = folder / rel
        if not path.is_symlink():
            _fsync(path)
        folders.update(parent for parent in path.parents if parent.is_relative_to(folder))
    for place in sorted(folders, key=lambda f: len(f.parts), reverse=True):
        _fsync(place)


def write_marker(folder: Path, command: str, *, manifest: bool = True) -> Path:
    """Write the marker file that lets ``command`` replace ``folder`` later.

    Parameters
    ----------
    folder : Path
        The folder (must exist).
    command : str
        The command that owns it.
    manifest : bool, default True
        List every file of the folder in the marker, so that a later run
        refuses to replace the folder when somebody has put other files in
        it. False for a folder whose parts are replaced one by one
        (:func:`claim_folder`).

    Returns
    -------
    Path
        The marker file. Its content has no date, so re-runs stay byte-identical.

    Notes
    -----
    The marker vouches for the files it lists: a folder carrying it may be
    put in place by a later run (:func:`recover`). So the files and their
    folders are flushed to the disk first (``fsync``), then the marker
    itself, so that a power cut cannot leave empty files behind a written
    marker.
    """
    path = folder / MARKER
    data: dict[str, object] = {
        "written_by": "ogl-impact",
        "command": command,
        "note": "Von ogl-impact angelegt; darf von diesem Befehl ersetzt werden. "
        "/ Written by ogl-impact; this command may replace the folder.",
    }
    files: list[str] = []
    if manifest:
        files = _files(folder)
        data["files"] = files
    _fsync_tree(folder, files)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    _fsync(path)
    _fsync(folder)
    return path


def is_project_root(folder: Path) -> bool:
    """Whether ``folder`` is the root of a project (source tree or repository).

    Parameters
    ----------
    folder : Path
        A folder.

    Returns
    -------
    bool
        True when it holds ``pyproject.toml``, ``.git``, ``setup.py`` or ``setup.cfg``.
    """
    return any((folder / name).exists() for name in PROJECT_FILES)


def check_target(
    out: str | Path, command: str, inputs: Sequence[str | Path] = (), *, owned: bool = True
) -> Path:
    """Refuse an OUT that writing ``command``'s output could destroy.

    Parameters
    ----------
    out : str or Path
        The target folder.
    command : str
        The command that will write (``"process"``, ``"figures"``, ...).
    inputs : sequence of str or Path
        Files or folders the command reads; OUT may not be, contain or lie in
        one of the input folders.
    owned : bool, default True
        True when the command replaces OUT as a whole (then a non-empty OUT
        must carry the command's marker); False when it only adds files to a
        folder of the user's (then OUT may not carry the marker of a command
        other than ``demo-data``: that command's next run would replace it with
        what was added).

    Returns
    -------
    Path
        OUT, resolved.

    Raises
    ------
    TargetError
        With a sentence saying why OUT is refused.
    """
    out_p = Path(out)
    out_r = out_p.resolve()
    if out_r.exists() and not out_r.is_dir():
        raise TargetError(f"{out} ist eine Datei, kein Ordner / is a file, not a folder")
    if (out_r.exists() and is_project_root(out_r)) or out_r == Path(out_r.anchor):
        raise TargetError(
            f"{out} ist das Projekt- oder Wurzelverzeichnis; bitte einen eigenen Ausgabeordner "
            f"angeben / is the project root; choose an output folder of its own"
        )
    home = Path.home().resolve()
    if out_r == home:
        raise TargetError(
            f"{out} ist das Home-Verzeichnis; bitte einen eigenen Ausgabeordner angeben "
            "/ is the home folder; choose an output folder of its own"
        )
    for item in inputs:
        in_r = Path(item).resolve()
        in_dir = in_r if in_r.is_dir() else None
        if in_dir is not None and out_r == in_dir:
            same = "" if str(out) == str(item) else f" {item}"  # one folder named once
            raise TargetError(
                f"{out} ist zugleich der Eingabeordner{same}; Eingaben werden nie überschrieben "
                f"/ is the input folder too; inputs are never overwritten"
            )
        if out_r in in_r.parents and (owned or in_dir is not None):
            raise TargetError(
                f"{out} enthält die Eingabe {item}; bitte einen Ordner außerhalb wählen "
                f"/ contains the input; choose a folder outside it"
            )
        if in_dir is not None and in_dir in out_r.parents:
            raise TargetError(
                f"{out} liegt im Eingabeordner {item}; Eingaben werden nie verändert "
                f"/ lies inside the input folder; inputs are never changed"
            )
    if not owned and out_r.is_dir():
        # a folder another command builds and replaces as a whole (data/processed,
        # reports/figures, ...): what is added here would go with its next run. A
        # national demo-data folder is a data folder (demo-data refuses to replace
        # it once files were added or changed)
        found = read_marker(out_r)
        if found is not None and found != "demo-data":
            raise TargetError(
                f"{out} ist der Ausgabeordner von 'ogl-impact {found}' (Datei {MARKER}) und "
                f"wird bei dessen nächstem Lauf ganz ersetzt; 'ogl-impact {command}' ergänzt "
                f"den Datenordner, aus dem er entsteht (z. B. data/raw) / is the output folder "
                f"of 'ogl-impact {found}', replaced as a whole by its next run; give the data "
                f"folder it is built from (e.g. data/raw)"
            )
    if owned and out_r.is_dir() and _has_content(out_r):
        found = read_marker(out_r)
        if found is None:
            raise TargetError(
                f"{out} ist nicht leer und wurde nicht von ogl-impact angelegt (keine Datei "
                f"{MARKER}); er wird nicht ersetzt. Bitte einen neuen oder leeren Ordner angeben "
                f"/ is not empty and was not written by ogl-impact; it is not replaced"
            )
        if found != command:
            raise TargetError(
                f"{out} wurde von 'ogl-impact {found}' angelegt, nicht von 'ogl-impact {command}'; "
                f"er wird nicht ersetzt / was written by another command; it is not replaced"
            )
        listed = (_marker_data(out_r) or {}).get("files")
        if isinstance(listed, list):
            foreign = sorted(set(_files(out_r)) - set(listed))
            if foreign:
                shown = ", ".join(foreign[:5]) + (
                    f" (+{len(foreign) - 5})" if len(foreign) > 5 else ""
                )
                raise TargetError(
                    f"{out} enthält Dateien, die nicht von 'ogl-impact {command}' stammen: "
                    f"{shown}; der Ordner wird nicht ersetzt. Bitte diese Dateien "
                    f"woanders hin verschieben "
                    f"/ holds files ogl-impact did not write; the folder is not replaced"
                )
    return out_r


def claim_folder(out: str | Path, command: str, inputs: Sequence[str | Path] = ()) -> Path:
    """Check OUT, create it and mark it as ``command``'s (for folders of sub-folders).

    A command that replaces parts of its folder one by one (``figures``
    replaces one report folder at a time) claims the folder first and then
    replaces each part with :func:`replace_folder`.

    Parameters
    ----------
    out : str or Path
        The folder.
    command : str
        The command that owns it.
    inputs : sequence of str or Path
        What the command reads.

    Returns
    -------
    Path
        OUT, resolved, existing and marked.

    Raises
    ------
    TargetError
        When OUT is refused (nothing is written).
    """
    out_r = check_target(out, command, inputs, owned=True)
    data = _marker_data(out_r)
    if data is not None and data["command"] == command and "files" in data:
        # a part the command replaces as a whole (figures' report folder), not a folder of
        # parts: the parts would be put into it and the next run beside it refused
        raise TargetError(
            f"{out} ist ein Teilordner einer Ausgabe von 'ogl-impact {command}' (etwa ein "
            f"Berichtsordner); bitte den Ordner darüber angeben, z. B. {Path(out).parent} / is "
            f"a part of an output of 'ogl-impact {command}' (e.g. a report folder); give the "
            f"folder above it"
        )
    out_r.mkdir(parents=True, exist_ok=True)
    if data is None or data["command"] != command:  # the marker read above
        write_marker(out_r, command, manifest=False)
    return out_r


def replace_file(path: str | Path, text: str) -> Path:
    """Write a text file so that a reader sees the old or the new file, never half of one.

    Parameters
    ----------
    path : str or Path
        The file (its folder must exist).
    text : str
        The new content (UTF-8).

    Returns
    -------
    Path
        The file.
    """
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}{STAGING_TAG}", dir=path.parent)
    try:
        os.chmod(tmp, _mode_for(path, 0o666))
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def _has_content(folder: Path) -> bool:
    return any(True for _ in folder.iterdir())


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _mode_for(existing: Path, default: int) -> int:
    """Return the mode for a new file or folder in ``existing``'s place (its own, or umask's)."""
    try:
        return stat.S_IMODE(existing.stat().st_mode)
    except OSError:
        return default & ~_umask()


def _staging_dir(target: Path, kind: str) -> Path:
    """Make a staging folder beside ``target``, named ``.<name>.ogl-staging-<kind>-<owner>-<tag>``.

    ``<owner>`` is this process's pid and, where the system shows it, its start
    time (:func:`_owner`): a later run counts the folder's run as still going
    only while that very process lives, not another that got the pid since.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    for line in recover(target):  # said, not silently done: the user may wonder where they went
        logger.warning(line)
    prefix = f".{target.name}{STAGING_TAG}{kind}-{_owner()}-"
    path = Path(tempfile.mkdtemp(prefix=prefix, dir=target.parent))
    _OWN.add(path.name)
    os.chmod(path, _mode_for(target, 0o777))  # mkdtemp makes 0700; keep what OUT had
    return path


def _start_time(pid: int) -> int | None:
    """Return when process ``pid`` started (clock ticks since boot), or None where not shown.

    Field 22 of Linux's ``/proc/<pid>/stat``; it does not follow the clock (a
    clock set back or forward leaves it as it is), and two processes that had
    the same pid one after the other have different ones. None where there is
    no ``/proc`` (not Linux), the process does not exist, or it is hidden
    (``/proc`` mounted with ``hidepid``).
    """
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat_file:
            data = stat_file.read()
        return int(data[data.rindex(b")") + 2 :].split()[19])  # the name may hold blanks, ")"
    except (OSError, ValueError, IndexError):
        return None


@functools.lru_cache(maxsize=8)
def _start_of(pid: int) -> int | None:
    """:func:`_start_time` of this process (cached by pid: a forked child asks anew)."""
    return _start_time(pid)


def _owner() -> str:
    """Return this process's part of a staging folder's name: ``<pid>-<start>``, or ``<pid>``."""
    pid = os.getpid()
    start = _start_of(pid)
    return str(pid) if start is None else f"{pid}-{start}"


def _running(pid: int, start: int | None) -> bool:
    """Whether the process that made a staging folder still runs (another one's is not ours).

    With the start time in the folder's name, the process with that pid must
    have started at that very time: a pid that was given to another process
    since (pids wrap; in a container they repeat) no longer counts. Where the
    start time is not known (a folder of an earlier version of ogl-impact, a
    system without ``/proc``) or cannot be read for that pid, a living pid
    counts as the owner (never removing a folder that may still be written).
    """
    if start is not None:
        now = _start_time(pid)
        if now is not None:
            return now == start
    return _alive(pid)


_OWN: set[str] = set()
"""Names of the staging folders this process made. Another folder with this process's pid
is a leftover of an earlier process that had the same pid (in a container every command
may run as the same pid), not one of ours."""


def _digits(text: str) -> bool:
    """Whether ``text`` is a number as this module writes it (``"²"`` is a digit, no number)."""
    return text.isascii() and text.isdigit()


def _stale_staging(target: Path) -> list[tuple[str, str, str, Path]]:
    """Staging folders beside ``target`` of processes that have ended, sorted by name.

    Each as (kind, owner, tag, path) from
    ``.<name>.ogl-staging-<kind>-<pid>-<start>-<tag>`` (``owner`` is
    ``<pid>-<start>``), or from ``.<name>.ogl-staging-<kind>-<pid>-<tag>``
    (an earlier version's name, or a system that does not show start times;
    ``owner`` is the pid). A folder counts as its process's while a process
    with that pid and start time runs (:func:`_running`); one with this
    process's pid that this process did not make is a leftover of an earlier
    process. The names are compared as text (a folder named ``Lab?`` or
    ``Bericht[12]`` is no pattern that could match another folder's leftovers).
    """
    prefix = f".{target.name}{STAGING_TAG}"
    try:
        names = sorted(p.name for p in target.parent.iterdir() if p.name.startswith(prefix))
    except OSError:
        return []
    stale = []
    for name in names:
        parts = name[len(prefix) :].split("-")
        if len(parts) == 3 and _digits(parts[1]):
            start = None
        elif len(parts) == 4 and _digits(parts[1]) and _digits(parts[2]):
            start = int(parts[2])
        else:
            continue
        pid = int(parts[1])
        if name in _OWN or (pid != os.getpid() and _running(pid, start)):
            continue
        stale.append((parts[0], "-".join(parts[1:-1]), parts[-1], target.parent / name))
    return stale


def recover(target: str | Path) -> list[str]:
    """Undo what runs killed in the middle of writing ``target`` left behind.

    A run of :func:`replace_folder` whose new output was finished (marker
    written: all its work was done and checked) but not yet in place when it
    was killed leaves it in a hidden ``new`` folder: it is put in place, as
    the run would have done (for ``collect``, whose tables were already in
    place, the feedback that belongs to them). That holds whether the old
    output was still in place, or already in the hidden ``old`` folder (killed
    between the two renames of the swap; an empty folder made in its place
    since counts as none); it is never done over a folder of
    another command, one holding files its marker does not list, or one that
    is no longer the folder the run was to replace (a later run replaced it;
    told by what the run recorded when it began, not by clocks, see
    :func:`_meant_for`). Without a finished new output, a retired old one is
    put back. A run of :func:`update_files` killed while moving files leaves
    a journal: every file it replaced is put back and every file it added is
    removed (and a staging folder it was to finish together with them no
    longer counts as finished). Staging folders of dead runs are then
    removed, and counted in one line: as leftovers of a completed run where
    the run had finished (its old output retired, or its files committed),
    otherwise as those of an interrupted one. One that cannot be removed (a
    write-protected file or folder in it) is named with what blocks it, not
    counted as removed. Folders of running processes are left alone; one
    whose pid now belongs to another process (started at another time) is a
    leftover (:func:`_stale_staging`). A run that stages into a folder's
    place first calls this and logs the lines on :data:`logger`.

    Parameters
    ----------
    target : str or Path
        The output folder (a relative path is taken from the current folder
        and resolved, as the commands resolve theirs).

    Returns
    -------
    list of str
        What was done, one line each (empty when nothing was left behind).

    Raises
    ------
    TargetError
        When a killed run's files could not all be put back (a permission
        error): the message says which were and which were not; the journal
        and the earlier files stay beside the folder for the next run.
    """
    # resolved as every command resolves its folders: journals and the names of the
    # pages' journals hold full paths, which a relative one would never match
    target = Path(target).resolve()
    done: list[str] = []
    stale = _stale_staging(target)
    finished = {  # the work of these runs was done and checked: the output may go in place
        (pid, tag): path for kind, pid, tag, path in stale if kind == "new" and _finished(path)
    }
    kept: set[Path] = set()
    for kind, pid, tag, path in stale:  # killed between the two renames of its swap
        # (an empty folder made since, e.g. by a script's `mkdir -p`, counts as none)
        if kind == "old" and (not target.exists() or _empty_folder(target)):
            ready = finished.pop((pid, tag), None)  # the very staging folder this swap retired for
            if ready is not None and read_marker(ready) == read_marker(path):
                _unlink(ready / AFTER)
                _unlink(ready / BEFORE)
                _fsync(ready)  # never an output that holds them again after a crash
                os.replace(ready, target)
                _fsync(target.parent)
                done.append(_put_in_place_line(target))
            else:
                os.replace(path, target)
                _fsync(target.parent)
                done.append(
                    f"{target}: frühere Ausgabe wiederhergestellt / earlier output restored"
                )
    old_names = {(pid, tag) for kind, pid, tag, _ in stale if kind == "old"}
    ready = [  # killed before its swap began: the old output (if any) is still in place
        path
        for key, path in finished.items()
        if key not in old_names and path.exists() and not done  # not over what was just put back
    ]
    verdicts = {path: _why_not_in_place(path, target) for path in ready}
    meant = [path for path in ready if verdicts[path] != ""]  # meant to replace what is there
    if meant:  # more than one (runs started side by side): the last marker written, as a guess
        newest = max(meant, key=_marker_time)
        why = verdicts[newest]
        if why is None:
            _roll_forward(newest, target)
            done.append(_put_in_place_line(target))
        else:
            kept.add(newest)
            done.append(why)
    completed = {pid for kind, pid, _, path in stale if kind == "backup" and _committed(path)}
    for kind, _, _, path in stale:
        if kind == "backup" and _committed(path):  # killed before it told its companions
            _release(_companions(path / DONE), path / JOURNAL)
        if kind == "backup":
            try:
                done += _roll_back(path, target)
            except TargetError:
                for line in done:  # what was done before is said, then the refusal
                    logger.warning(line)
                raise
    removed = {True: 0, False: 0}  # of a completed run, of an interrupted one
    for kind, pid, _, path in stale:
        if not path.exists() or path in kept:
            continue
        whole = (kind == "old" and target.exists()) or (
            kind in ("backup", "files") and pid in completed and not _has_files(path, kind)
        )
        blocked = _remove(path)
        if blocked is None:
            removed[whole] += 1
        else:
            done.append(_left_line(path, blocked))
    if removed[True]:
        done.append(
            f"{target}: Reste eines abgeschlossenen Laufs entfernt ({removed[True]} "
            f"Zwischenordner neben dem Ordner; der Lauf war fertig, sein Ergebnis bleibt) / "
            f"leftovers of a completed run removed ({removed[True]} staging folder(s) beside "
            f"the folder; the run had finished, its output stays)"
        )
    if removed[False]:
        done.append(
            f"{target}: {removed[False]} Zwischenordner eines abgebrochenen Laufs (neben dem "
            f"Ordner) entfernt / {removed[False]} staging folder(s) of an interrupted run removed"
        )
    return done


def _put_in_place_line(target: Path) -> str:
    return (
        f"{target}: fertige Ausgabe eines abgebrochenen Laufs eingesetzt / the finished output "
        f"of an interrupted run put in place"
    )


def _unlink(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink(missing_ok=True)


def _finished(path: Path) -> bool:
    """Whether a ``new`` staging folder holds a finished output (marker written, files committed).

    A staging folder that :func:`update_files` finishes together with its
    files names that run's journal (file :data:`AFTER`): it counts only once
    the commit is seen (the journal renamed to :data:`DONE` beside it), or
    once the committing run (or :func:`recover` of its folder) has removed
    :data:`AFTER`. A journal that is merely missing (deleted by hand, the
    folder moved) proves nothing: such a folder does not count.
    """
    if path.is_symlink() or not path.is_dir() or read_marker(path) is None:
        return False
    try:
        journal = (path / AFTER).read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return True
    except OSError:
        return False
    # only a commit seen (the journal renamed, beside it) counts: a journal that is merely
    # missing (its folder deleted by hand, or the data folder moved) proves nothing
    return (
        bool(journal) and not os.path.lexists(journal) and (Path(journal).parent / DONE).is_file()
    )


def _marker_time(folder: Path) -> int:
    try:
        return (folder / MARKER).stat().st_mtime_ns
    except OSError:
        return 0


def _why_not_in_place(ready: Path, target: Path) -> str | None:
    """Return None when ``ready`` may replace ``target``; else "" (stale) or a line saying why not.

    ``target`` must be missing or an empty folder (nothing is overwritten; for
    ``collect`` the pages belong to tables already taken in, also where the
    feedback folder was made by hand before the first run), or carry the same command's
    marker, still be the folder ``ready``'s run was to replace (file
    :data:`BEFORE`, see :func:`_meant_for`; else a later run has replaced it
    since) and hold no file its marker does not list. Clocks are not
    compared: a clock set back, or a copy with new times, would make a
    finished output look older than it is. Only a folder of an earlier
    version, without :data:`BEFORE`, is judged by the times of the markers as
    before (``target`` no newer than ``ready``; equal times count as not
    newer, as file systems keep times in steps of up to 2 s).
    """
    if not target.exists() or _empty_folder(target):  # nothing is overwritten
        return None
    if target.is_symlink() or not target.is_dir() or read_marker(target) != read_marker(ready):
        return ""
    meant = _meant_for(ready, target)
    if meant is False:
        return ""
    if meant is None and _marker_time(target) > _marker_time(ready):  # an earlier version's
        return ""
    listed = (_marker_data(target) or {}).get("files")
    foreign = sorted(set(_files(target)) - set(listed)) if isinstance(listed, list) else []
    if not foreign:
        return None
    return (
        f"{target}: die fertige Ausgabe eines abgebrochenen Laufs wurde nicht eingesetzt, denn "
        f"der Ordner enthält Dateien, die nicht von ogl-impact stammen ({', '.join(foreign[:5])}"
        f"); sie bleibt in {ready}. Bitte diese Dateien woanders hin verschieben und den Lauf "
        f"wiederholen / the finished output of an interrupted run was not put in place: the "
        f"folder holds files ogl-impact did not write; it stays in {ready}"
    )


def _empty_folder(path: Path) -> bool:
    """Whether ``path`` is a folder (not a link to one) with nothing in it, not even a marker."""
    if path.is_symlink() or not path.is_dir():
        return False
    try:
        with os.scandir(path) as entries:
            return next(entries, None) is None
    except OSError:
        return False


def _roll_forward(ready: Path, target: Path) -> None:
    """Put the finished ``ready`` in ``target``'s place, as its run's swap would have."""
    _unlink(ready / AFTER)
    if not target.exists():
        _unlink(ready / BEFORE)
        _fsync(ready)  # never an output that holds them again after a crash
        os.replace(ready, target)
        _fsync(target.parent)
        return
    # not _swap: the retired folder keeps the killed run's owner and tag, so that a kill in the
    # middle of this leaves a pair the next recover() completes
    retired = _retired(ready, target)
    os.replace(target, retired)
    before = _take(ready / BEFORE)  # from here on the pair says what to do
    try:
        os.replace(ready, target)
    except BaseException:
        os.replace(retired, target)
        _give_back(ready / BEFORE, before)
        raise
    _fsync(target.parent)
    blocked = _remove(retired)
    if blocked is not None:
        logger.warning(_left_line(retired, blocked))


def _retired(staging: Path, target: Path) -> Path:
    """Return the name a swap gives the folder it retires: the staging folder's, kind ``old``.

    So :func:`recover` pairs exactly these two (same owner, same tag).
    """
    prefix = f".{target.name}{STAGING_TAG}"
    rest = staging.name[len(prefix) :].split("-", 1)[1]  # <owner>-<tag>
    return target.parent / f"{prefix}old-{rest}"


def _take(path: Path) -> bytes | None:
    """Remove a small file and return its bytes (None when it was not there or unreadable).

    The removal is flushed (its folder's entry list): a folder renamed into
    place afterwards never holds the file again after a crash.
    """
    try:
        data = path.read_bytes()
    except OSError:
        return None
    _unlink(path)
    _fsync(path.parent)
    return data


def _give_back(path: Path, data: bytes | None) -> None:
    """Write back what :func:`_take` took (a swap that failed: the folder stays staged)."""
    if data is not None:
        with contextlib.suppress(OSError):
            path.write_bytes(data)
            _fsync(path)


def _identity(target: Path, staging: Path) -> dict:
    """Return what ``staging`` is made to replace: the folder ``target`` as it is now.

    ``{"staging": [dev, ino], "target": None}`` when ``target`` does not
    exist; else ``"target"`` holds the device and inode of the folder and of
    its marker file and the SHA-256 of the marker's bytes. Times are not kept:
    they follow the clock, and a copy gets new ones. The staging folder's own
    device and inode tell later whether the folders were copied since (then
    only the marker's bytes can be compared). Nothing of it goes into an
    output, so outputs stay byte-identical between runs.
    """
    here = os.lstat(staging)
    record: dict[str, object] = {"staging": [here.st_dev, here.st_ino], "target": None}
    try:
        folder = os.lstat(target)
    except FileNotFoundError:
        return record
    try:
        marker = os.lstat(target / MARKER)
        sha = hashlib.sha256((target / MARKER).read_bytes()).hexdigest()
        mark: list[int] | None = [marker.st_ino]
    except OSError:  # an empty folder without a marker
        mark, sha = None, ""
    record["target"] = {"folder": [folder.st_dev, folder.st_ino], "marker": mark, "sha256": sha}
    return record


_MEANT: dict[str, str] = {}
"""What each staging folder of :func:`replace_folder` this process made is to replace (by
name; :func:`_identity` as JSON), written into it as :data:`BEFORE` before its marker."""


def _write_before(staging: Path) -> None:
    """Write :data:`BEFORE` into a staging folder of this process and flush it (marker after)."""
    record = _MEANT.get(staging.name)
    if record is None or (staging / BEFORE).is_file():
        return
    (staging / BEFORE).write_text(record, encoding="utf-8")
    _fsync(staging / BEFORE)


def _meant_for(ready: Path, target: Path) -> bool | None:
    """Whether the finished ``ready`` was made to replace the existing folder ``target``.

    True when :data:`BEFORE` names this very folder: same device and inode of
    the folder and of its marker, and the marker's bytes unchanged. When
    ``ready`` itself is no longer the folder it was made as (its device or
    inode differ: the folders were copied since, e.g. with ``cp -r``, and
    every inode is new), the marker's bytes alone decide. False when it named
    another folder or none (a later run, or someone, has put a folder there
    since; a later run with equal files has other inodes), or cannot be read.
    None when there is no :data:`BEFORE` (a folder of an earlier version).
    """
    try:
        record = json.loads((ready / BEFORE).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError):
        return False
    if not isinstance(record, dict):
        return False
    was = record.get("target")
    if not isinstance(was, dict):
        return False
    try:
        here, folder = os.lstat(ready), os.lstat(target)
        marker = os.lstat(target / MARKER)
        sha = hashlib.sha256((target / MARKER).read_bytes()).hexdigest()
    except OSError:
        return False
    if sha != was.get("sha256"):
        return False
    if record.get("staging") != [here.st_dev, here.st_ino]:  # copied since: the bytes decide
        return True
    return was.get("folder") == [folder.st_dev, folder.st_ino] and was.get("marker") == [
        marker.st_ino
    ]


def _committed(backup: Path) -> bool:
    """Whether a backup folder of :func:`update_files` is of a run whose files were committed."""
    return not backup.is_symlink() and (backup / DONE).is_file() and not (backup / JOURNAL).exists()


def _has_files(path: Path, kind: str) -> bool:
    """Whether a ``files`` staging folder still holds a file (a backup's files are its old ones)."""
    if kind != "files":
        return False
    return any(p.is_file() or p.is_symlink() for p in path.rglob("*"))


def _remove(path: Path) -> Path | None:
    """Remove a folder of the writer's; return None, or the first path left in it.

    Nothing is made writable to force it: what cannot be removed (a file or
    folder made immutable, ``chattr +i``, or a folder without write or read
    permission for this process) stays, and the first such path is returned
    so that it can be named. The marker goes first: a folder killed half
    removed never counts as a finished output (with its file :data:`AFTER`
    gone first, a staging folder of uncommitted files would).
    """
    if not path.is_symlink():
        _unlink(path / MARKER)
    shutil.rmtree(path, ignore_errors=True)
    if not os.path.lexists(path):
        return None
    left = path
    for here, dirs, files in os.walk(path):  # a folder it cannot list is where it stops
        if (files or dirs) and (
            not os.access(here, os.W_OK | os.X_OK) or _attribute_locked(here)
        ):  # its entries cannot be removed: the folder itself is what blocks, not a file in it
            return Path(here)
        for name in sorted(files):
            return Path(here) / name
        dirs.sort()
        left = Path(here)
    return left


def _left_line(path: Path, blocked: Path) -> str:
    """Return the line for a staging folder that could not be removed, naming what blocks it."""
    return (
        f"{path}: Zwischenordner nicht entfernt, denn {blocked} ist schreibgeschützt oder "
        f"gesperrt (z. B. chattr +i, oder ohne Rechte); bitte den Schreibschutz aufheben und den "
        f"Ordner löschen / staging folder "
        f"not removed: {blocked} is write-protected or locked; please lift the protection and "
        f"delete the folder"
    )


JOURNAL = "journal.json"
DONE = "committed.json"
"""The journal's name once every file is in: the run was committed, nothing to undo."""


def interrupted(target: str | Path) -> str | None:
    """Say whether a killed run left ``target`` half moved (without changing anything).

    For commands that only read a folder (``validate``, ``status``): they
    never undo anything themselves, but must not present a mixture of old and
    new tables as the folder's state. The undo is :func:`recover`, which the
    next ``collect`` or ``import`` into the folder runs first.

    Parameters
    ----------
    target : str or Path
        The folder.

    Returns
    -------
    str or None
        One line (German / English) saying what happened and what to do, or
        None when no killed run's journal lies beside the folder.

    Examples
    --------
    >>> import tempfile
    >>> interrupted(tempfile.mkdtemp()) is None
    True
    """
    target = Path(target).resolve()  # "." has no name; update_files stages beside the real one
    for kind, _, _, path in _stale_staging(target):
        journal = path / JOURNAL
        if kind == "backup" and not path.is_symlink() and journal.is_file():
            return (
                f"{target}: ein abgebrochener Lauf (collect oder import) hat seine Tabellen "
                f"womöglich nur zum Teil hineingelegt (teils alt, teils neu); der nächste "
                f"collect oder import in diesen Ordner macht ihn zuerst rückgängig (den Lauf "
                f"einfach noch einmal starten) / an interrupted run (collect or import) may "
                f"have moved only part of its tables in; the next collect or import into this "
                f"folder undoes it first (just start the run again)"
            )
    return None


def _roll_back(backup: Path, folder: Path) -> list[str]:
    journal = backup / JOURNAL
    try:
        content = json.loads(journal.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []  # moving had not begun (or the run was committed): nothing to undo
    if isinstance(content, dict):
        entries, companions = content.get("files"), content.get("companions")
    else:  # a journal of an earlier version: the list of files
        entries, companions = content, []
    if not isinstance(entries, list):
        return []  # not a journal this writer wrote
    _unmark(companions if isinstance(companions, list) else [], journal)
    undone = _undo(entries, folder, backup)
    if undone.failed:
        raise TargetError(_partly_undone(folder, backup, undone))
    _forget(journal)  # undone: a kill while tidying up must not make it look unmoved later
    if not (undone.put_back or undone.removed):
        return [
            f"{folder}: Reste eines abgebrochenen Laufs entfernt; er hatte noch keine Datei "
            f"verschoben, im Ordner war nichts rückgängig zu machen / leftovers of an "
            f"interrupted run removed; it had not moved any file yet, nothing in the folder "
            f"needed undoing"
        ]
    return [
        f"{folder}: abgebrochener Lauf rückgängig gemacht ({undone.put_back} frühere "
        f"Datei(en) zurückgelegt, {undone.removed} neue entfernt) / interrupted run rolled "
        f"back ({undone.put_back} earlier file(s) put back, {undone.removed} new removed)"
    ]


def _companions(record: Path) -> list:
    """Return the staging folders a journal (or its committed record) names; [] when unreadable."""
    try:
        content = json.loads(record.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    companions = content.get("companions") if isinstance(content, dict) else None
    return companions if isinstance(companions, list) else []


def _release(companions: list, journal: Path) -> None:
    """Tell the staging folders a journal was to finish that its files are committed.

    Their file :data:`AFTER` (naming this very journal) is removed: from then on
    they count as finished without the committed record beside the journal, which
    is removed with the backup folder.
    """
    for folder in _waiting_on(companions, journal):
        _unlink(folder / AFTER)
        _fsync(folder)


def _waiting_on(companions: list, journal: Path) -> list[Path]:
    """Return the ``new`` staging folders of ``companions`` whose :data:`AFTER` names ``journal``.

    A journal lies where others may write: it cannot point anywhere else.
    """
    found = []
    for name in companions:
        if not isinstance(name, str) or f"{STAGING_TAG}new-" not in Path(name).name:
            continue
        folder = Path(name)
        try:
            names = (folder / AFTER).read_text(encoding="utf-8").strip()
        except OSError:
            continue
        if names == str(journal) and not folder.is_symlink():
            found.append(folder)
    return found


def _forget(journal: Path) -> None:
    """Remove a journal whose run is fully undone, and flush its folder (nothing left to undo)."""
    _unlink(journal)
    _fsync(journal.parent)


def _unmark(companions: list, journal: Path) -> None:
    """Take the marker from the staging folders a journal was to finish (they are not finished).

    Only a ``new`` staging folder that names this very journal is touched
    (a journal lies where others may write: it cannot point anywhere else).
    """
    for folder in _waiting_on(companions, journal):
        _unlink(folder / MARKER)


def _partly_undone(folder: Path, backup: Path, undone: _Undone) -> str:
    """Return the refusal after a roll-back that could not put every file back."""
    back = ", ".join(undone.back_names[:5]) or "keine / none"
    failed = ", ".join(undone.failed[:5]) + (
        f" (+{len(undone.failed) - 5})" if len(undone.failed) > 5 else ""
    )
    return (
        f"{folder}: ein abgebrochener Lauf ließ sich nur zum Teil rückgängig machen. "
        f"Zurückgelegt bzw. entfernt: {back}; nicht zurückgelegt: {failed} (keine Rechte; die "
        f"früheren Fassungen liegen in {backup}). Der Ordner ist teils alt, teils neu: bitte "
        f"die Rechte prüfen und den Lauf wiederholen, er macht den Rest zuerst rückgängig / "
        f"an interrupted run could only partly be rolled back. Put back or removed: {back}; "
        f"not put back: {failed} (no permission; the earlier versions are in {backup}). The "
        f"folder is part old, part new: please check the permissions and run again, which "
        f"undoes the rest first"
    )


def _inside(rel: object) -> bool:
    """Whether a journal's path names a file inside the folder (relative, no ``..``).

    A journal is read from beside the folder, where others may write: a path
    leading elsewhere is never followed.
    """
    if not isinstance(rel, str) or not rel or "\\" in rel or "\0" in rel:
        return False
    parts = rel.split("/")
    return not rel.startswith("/") and all(part not in ("", ".", "..") for part in parts)


class _Undone:
    """What :func:`_undo` did: files put back, new files removed, and what failed."""

    def __init__(self) -> None:
        self.put_back = 0
        self.removed = 0
        self.back_names: list[str] = []
        self.failed: list[str] = []


def _undo(entries: list[dict], folder: Path, backup: Path) -> _Undone:
    """Put back every replaced file and remove every added one (in reverse order).

    Entries whose path leads outside ``folder`` (see :func:`_inside`) are
    skipped. A file that cannot be put back or removed (a permission error)
    does not stop the others; it is listed in the result.
    """
    undone = _Undone()
    for entry in reversed(entries):
        if not isinstance(entry, dict) or not _inside(entry.get("rel")):
            continue
        final, aside = folder / entry["rel"], backup / "files" / entry["rel"]
        try:
            if not final.parent.resolve().is_relative_to(folder.resolve()):  # through a symlink
                continue
            if entry.get("kept") and aside.exists():
                os.replace(aside, final)
                undone.put_back += 1
            elif not entry.get("kept") and os.path.lexists(final):
                final.unlink()
                undone.removed += 1
            else:
                continue
        except OSError:
            undone.failed.append(entry["rel"])
            continue
        undone.back_names.append(entry["rel"])
    return undone


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except (ProcessLookupError, OverflowError):  # no such process; no pid is that large
        return False
    except PermissionError:
        return True
    return True


@contextmanager
def replace_folder(
    out: str | Path, command: str, inputs: Sequence[str | Path] = ()
) -> Iterator[Path]:
    """Build a folder in staging and put it in OUT's place only on success.

    Parameters
    ----------
    out : str or Path
        The folder to (re)place; checked with :func:`check_target` first.
    command : str
        The command that writes it (named in the marker file).
    inputs : sequence of str or Path
        What the command reads (OUT may not be, contain or lie in it).

    Yields
    ------
    Path
        The staging folder to write into (empty). When the block ends without
        an exception the marker is added and the folder swapped in with two
        renames; otherwise the staging folder is removed and OUT is untouched.

    Raises
    ------
    TargetError
        When OUT is refused (nothing is written).

    Examples
    --------
    >>> import tempfile
    >>> out = Path(tempfile.mkdtemp()) / "ergebnis"
    >>> with replace_folder(out, "process") as staging:
    ...     _ = (staging / "a.txt").write_text("1")
    >>> sorted(p.name for p in out.iterdir())
    ['.ogl-impact-output', 'a.txt']
    """
    out_r = check_target(out, command, inputs, owned=True)
    check_replaceable(out_r)  # before any work: what could not be removed later is named now
    staging = _staging_dir(out_r, "new")
    try:
        _MEANT[staging.name] = json.dumps(_identity(out_r, staging))  # what this run replaces
        yield staging
        check_target(out, command, inputs, owned=True)  # nothing changed meanwhile
        marker = _marker_data(staging)  # finished already, with the files of update_files?
        if not marker or marker["command"] != command or marker.get("files") != _files(staging):
            _write_before(staging)  # before the marker: a finished folder always names it
            write_marker(staging, command)
        _unlink(staging / AFTER)  # the files it waited for are committed (or there were none)
        _swap(staging, out_r)
    except BaseException as exc:
        if staging.name in _COMMITTED and _finished(staging):  # its files are in: keep it
            _OWN.discard(staging.name)  # a leftover now: the next run puts it in place
            if isinstance(exc, Exception):
                raise TargetError(_kept_line(out_r, staging, exc)) from None
            raise
        shutil.rmtree(staging, ignore_errors=True)
        raise
    finally:
        _MEANT.pop(staging.name, None)


_COMMITTED: set[str] = set()
"""Names of staging folders of :func:`replace_folder` whose :func:`update_files` companion
files this process committed: such a folder is never thrown away (its output belongs to
files already in place)."""


def _kept_line(out: Path, staging: Path, exc: Exception) -> str:
    """Return the refusal of a companion output that could not be put in place after its files."""
    why = str(exc) if isinstance(exc, TargetError) else f"{exc.filename or ''} {exc}".strip()
    return (
        f"{out}: die Dateien, zu denen diese Ausgabe gehört, sind übernommen, aber die "
        f"fertige Ausgabe wurde nicht eingesetzt ({why}); sie bleibt in {staging}, und der "
        f"nächste Lauf in diesen Ordner setzt sie ein, sobald der Grund behoben ist / the "
        f"files this output belongs to were taken in, but the finished output was not put in "
        f"place; it stays in {staging}, and the next run into this folder puts it in place "
        f"once the cause is removed"
    )


def _swap(staging: Path, out: Path) -> None:
    """Put ``staging`` in the place of ``out`` with two renames (:data:`BEFORE` taken out)."""
    if not out.exists():
        before = _take(staging / BEFORE)
        try:
            os.replace(staging, out)
        except BaseException:
            _give_back(staging / BEFORE, before)
            raise
        _fsync(out.parent)
        return
    # named after its staging folder, so that recover() pairs exactly these two
    retired = _retired(staging, out)
    _OWN.add(retired.name)
    os.replace(out, retired)
    before = _take(staging / BEFORE)  # from here on the pair says what to do
    try:
        os.replace(staging, out)
    except BaseException:
        os.replace(retired, out)
        _give_back(staging / BEFORE, before)
        raise
    _fsync(out.parent)
    blocked = _remove(retired)  # checked before (check_replaceable); locked meanwhile: said
    if blocked is not None:
        logger.warning(
            f"{out}: neu geschrieben, aber die frühere Fassung blieb liegen ({retired}), denn "
            f"{blocked} ist schreibgeschützt oder gesperrt (z. B. chattr +i, oder ohne Rechte); "
            f"bitte den Schreibschutz aufheben "
            f"und den Ordner löschen / written, but the earlier version was left ({retired}): "
            f"{blocked} is write-protected or locked; please lift the protection and delete "
            f"the folder"
        )


def _no_permission(path: Path, inner: Path | None = None) -> TargetError:
    why = (
        ""
        if inner is None
        else f" (dort entstehen die Zwischenordner für {inner.name} / staging folders for "
        f"{inner.name} are made there)"
    )
    return TargetError(
        f"{path}{why} ist schreibgeschützt (keine Schreibrechte); nichts geändert. Bitte "
        f"Schreibrechte dafür geben (z. B. chmod u+w, oder bei der Verwaltung des Laufwerks "
        f"anfragen) oder einen beschreibbaren Ordner angeben / is read-only (no write "
        f"permission); nothing changed. Please grant write permission or choose a writable "
        f"folder"
    )


def check_writable(folder: str | Path) -> Path:
    """Refuse a folder that cannot be written (or, when missing, created) before any work.

    Parameters
    ----------
    folder : str or Path
        A folder that will receive files, or be created or replaced.

    Returns
    -------
    Path
        The folder, resolved.

    Raises
    ------
    TargetError
        Naming the folder (or the existing folder it would be created in,
        or the folder beside which its staging folders are made) that this
        process may not write, and what to do.

    Examples
    --------
    >>> import tempfile
    >>> check_writable(tempfile.mkdtemp()).is_dir()
    True
    """
    folder_r = Path(folder).resolve()
    place = folder_r
    while not place.exists() and place != place.parent:
        place = place.parent
    if not os.access(place, os.W_OK | os.X_OK):
        raise _no_permission(place)
    beside = folder_r.parent  # the staging folders are made beside the folder
    if place == folder_r and beside != folder_r and not os.access(beside, os.W_OK | os.X_OK):
        raise _no_permission(beside, folder_r)
    return folder_r


def check_replaceable(folder: str | Path) -> Path:
    """Refuse a folder to be replaced whose old content could not be removed, before any work.

    :func:`replace_folder` moves the old folder aside and removes it once
    the new one is in place; nothing is made writable to force that. A
    folder inside it that this process may not list, write or enter, or a
    file or folder no one may remove (``chattr +i`` or ``+a``, read from its
    attributes where the system shows them; as root, whom file modes do not
    stop, also a file that cannot be written), would stay behind in a hidden
    staging folder; such a folder is refused instead, naming what blocks it.
    (What this process cannot open is not seen; it is then named when it
    stays behind.) Called by :func:`replace_folder` before the work begins
    (and by ``collect`` for its feedback folder before it reads anything).

    Parameters
    ----------
    folder : str or Path
        The folder that will be replaced (a missing one is fine).

    Returns
    -------
    Path
        The folder, resolved.

    Raises
    ------
    TargetError
        Naming the first sub-folder or file that blocks the removal.

    Examples
    --------
    >>> import tempfile
    >>> check_replaceable(tempfile.mkdtemp()).is_dir()
    True
    """
    folder_r = Path(folder).resolve()
    if not folder_r.is_dir():
        return folder_r
    root = os.geteuid() == 0 if hasattr(os, "geteuid") else False

    def unreadable(error: OSError) -> None:  # a folder it cannot list could not be emptied
        raise _locked(Path(error.filename or folder_r), folder_r)

    for here, dirs, files in os.walk(folder_r, onerror=unreadable):
        if here != str(folder_r) and (
            not os.access(here, os.R_OK | os.X_OK)  # cannot be listed or entered
            or ((dirs or files) and not os.access(here, os.W_OK))  # its entries cannot go
        ):  # (an empty folder without write permission is removed like any other)
            raise _locked(Path(here), folder_r)
        if _attribute_locked(here):  # chattr +a/+i on a folder: its entries cannot be removed
            raise _locked(Path(here), folder_r)
        dirs.sort()
        for name in sorted(files):
            path = os.path.join(here, name)
            if os.path.islink(path):
                continue
            if (root and not os.access(path, os.W_OK)) or _attribute_locked(path):
                raise _locked(Path(path), folder_r)
    return folder_r


_FS_LOCKED = 0x10 | 0x20
"""FS_IMMUTABLE_FL (``chattr +i``) and FS_APPEND_FL (``chattr +a``): no deletion, no rename."""


def _attribute_locked(path: str) -> bool:
    """Whether ``path`` carries ``chattr +i`` or ``+a`` (False where this cannot be read).

    Only regular files and folders are opened (never a device or a pipe). On
    Linux the attributes come from the ``FS_IOC_GETFLAGS`` ioctl (``lsattr``),
    elsewhere from ``st_flags`` (BSD/macOS ``chflags uchg``/``uappnd``).
    """
    try:
        info = os.lstat(path)
    except OSError:
        return False
    if not (stat.S_ISREG(info.st_mode) or stat.S_ISDIR(info.st_mode)):
        return False
    flags = getattr(info, "st_flags", None)
    if flags is not None:  # BSD, macOS
        locked = stat.UF_IMMUTABLE | stat.UF_APPEND | stat.SF_IMMUTABLE | stat.SF_APPEND
        return bool(flags & locked)
    try:
        import array
        import fcntl
        import struct
    except ImportError:  # not a Unix system: no such attributes
        return False
    # _IOR('f', 1, long): the size of a long is part of the request number
    request = 0x80006601 | (struct.calcsize("l") << 16)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return False
    try:
        value = array.array("i", [0])  # the kernel writes an int
        fcntl.ioctl(fd, request, value, True)
        return bool(value[0] & _FS_LOCKED)
    except OSError:  # a file system without attributes, or not Linux
        return False
    finally:
        os.close(fd)


def _locked(path: Path, folder: Path) -> TargetError:
    return TargetError(
        f"{path} ist schreibgeschützt (z. B. chattr +i oder +a, oder ein Ordner ohne "
        f"Schreibrechte) "
        f"und ließe sich beim Ersetzen von {folder} nicht löschen; nichts geändert. Bitte den "
        f"Schreibschutz aufheben und den Lauf wiederholen / is write-protected and could not "
        f"be deleted when {folder} is replaced; nothing changed. Please lift the protection "
        f"and run again"
    )


@contextmanager
def update_files(
    folder: str | Path,
    command: str,
    inputs: Sequence[str | Path] = (),
    *,
    companions: Sequence[Path] = (),
) -> Iterator[Path]:
    """Add or replace files in a folder of the user's, all of them or none.

    Parameters
    ----------
    folder : str or Path
        The folder that receives the files (created when missing). It is never
        emptied; only the files written into the staging folder are changed.
    command : str
        The command that writes (for messages).
    inputs : sequence of str or Path
        What the command reads (``folder`` may not lie in an input folder).
    companions : sequence of Path
        Staging folders of :func:`replace_folder` (of the same command) whose
        output belongs to these files, as ``collect``'s feedback belongs to
        its tables. They are finished (marker written) before the first file
        is moved, naming this run's journal: until the files are committed
        they do not count as finished, and a roll-back of the files takes
        their marker. So a run killed at any moment leaves both or neither:
        once the files are in, :func:`recover` puts the finished companion
        in place. A companion whose files are in is never thrown away: when
        it cannot be put in place (a file dropped into its folder meanwhile),
        :func:`replace_folder` keeps it for the next run and says so.

    Yields
    ------
    Path
        A staging folder; every file written there (also in sub-folders) is
        moved to the same relative place in ``folder`` when the block ends
        without an exception. A file it replaces is kept aside until all files
        are in place and put back if moving fails. The files are flushed to
        the disk before they are moved, the folder after.

    Raises
    ------
    TargetError
        When ``folder`` is refused (nothing is written), or when moving
        failed and not every file could be put back (the message says which
        were and which were not; the earlier files and the journal stay
        beside the folder, and the next run puts the rest back first).

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / "eigene.csv").write_text("bleibt")
    >>> with update_files(folder, "import") as staging:
    ...     _ = (staging / "neu.csv").write_text("1")
    >>> sorted(p.name for p in folder.iterdir())
    ['eigene.csv', 'neu.csv']
    """
    folder_r = check_target(folder, command, inputs, owned=False)
    check_writable(folder_r)
    folder_r.mkdir(parents=True, exist_ok=True)
    staging = _staging_dir(folder_r, "files")
    backup = _staging_dir(folder_r, "backup")
    journal = backup / JOURNAL
    committed = keep_backup = False
    try:
        yield staging
        news = sorted(p for p in staging.rglob("*") if p.is_file())
        plan = [
            {
                "rel": p.relative_to(staging).as_posix(),
                "kept": (folder_r / p.relative_to(staging)).exists(),
            }
            for p in news
        ]
        _fsync_tree(staging, [entry["rel"] for entry in plan])  # the bytes, before they count
        # the journal lets a later run undo this one if it is killed while moving
        content = {"files": plan, "companions": [str(c) for c in companions]}
        journal.write_text(json.dumps(content), encoding="utf-8")
        _fsync(journal)
        _fsync(backup)
        for companion in companions:  # finished now; counts once the files are committed
            (companion / AFTER).write_text(str(journal), encoding="utf-8")
            _fsync(companion / AFTER)
            _write_before(companion)
            write_marker(companion, command)
        moved: list[dict] = []
        try:
            for new, entry in zip(news, plan, strict=True):
                final = folder_r / entry["rel"]
                final.parent.mkdir(parents=True, exist_ok=True)
                if entry["kept"]:
                    aside = backup / "files" / entry["rel"]
                    aside.parent.mkdir(parents=True, exist_ok=True)
                    os.replace(final, aside)
                moved.append(entry)
                os.replace(new, final)
            _fsync_tree(folder_r, [entry["rel"] for entry in plan if "/" in entry["rel"]])
            os.replace(journal, backup / DONE)  # the commit: from here on nothing is undone
            committed = True
            _fsync(backup)
        except BaseException as exc:
            _unmark([str(c) for c in companions], journal)
            undone = _undo(moved, folder_r, backup)
            if not undone.failed:
                _forget(journal)  # undone (before the folders go; see _roll_back)
            if undone.failed:  # the earlier files stay with the journal for the next run
                keep_backup = True
                _OWN.discard(backup.name)  # a leftover now, also for a later run of this process
                raise TargetError(_partly_undone(folder_r, backup, undone)) from None
            if isinstance(exc, PermissionError):  # a file or the folder made read-only meanwhile
                raise _no_permission(Path(exc.filename or folder_r)) from None
            raise
        _COMMITTED.update(c.name for c in companions)
        _release([str(c) for c in companions], journal)  # finished for good (said after commit)
    finally:
        if not committed and not keep_backup:
            _unmark([str(c) for c in companions], journal)
        # the journal goes first: a backup folder left half-removed must never make a later
        # run roll back what this run finished (or undid already)
        if not keep_backup:
            _unlink(journal)
        shutil.rmtree(staging, ignore_errors=True)
        if not keep_backup:
            shutil.rmtree(backup, ignore_errors=True)


@contextmanager
def folder_lock(folder: str | Path, command: str) -> Iterator[bool]:
    """Hold an exclusive lock on ``folder`` for as long as the block runs.

    The lock is ``flock`` on a descriptor of the folder itself, so no lock
    file is left behind, and the system releases it when the process ends,
    however it ends. It is not waited for: a folder another process holds is
    refused at once.

    Parameters
    ----------
    folder : str or Path
        The folder (must exist).
    command : str
        The command that wants it (for the message).

    Yields
    ------
    bool
        True when the lock is held; False where the platform has no
        ``fcntl`` or the file system refuses locks (the run goes on unlocked).

    Raises
    ------
    FolderBusy
        When another process holds the lock (nothing has been done).

    Examples
    --------
    >>> import tempfile
    >>> folder = tempfile.mkdtemp()
    >>> with folder_lock(folder, "collect") as held:
    ...     held
    True
    """
    try:
        import fcntl
    except ImportError:  # Windows: no flock; the run goes on as before
        yield False
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        yield False
        return
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            held = True
        except BlockingIOError:
            raise FolderBusy(
                f"{folder} wird gerade von einem anderen Lauf von ogl-impact (collect oder "
                f"import) bearbeitet; bitte warten, bis er fertig ist, und dann 'ogl-impact "
                f"{command}' noch einmal starten. Nichts geändert / {folder} is being worked on "
                f"by another run of ogl-impact (collect or import); wait until it has finished "
                f"and start 'ogl-impact {command}' again. Nothing changed"
            ) from None
        except OSError:  # a file system without locks (some network shares)
            held = False
        yield held
    finally:
        os.close(fd)  # releases the lock


@contextmanager
def locked_for_update(folder: str | Path, command: str) -> Iterator[bool]:
    """Lock ``folder`` and undo a killed run's half-moved files before it is read.

    What a command that reads a folder of the user's and writes back into
    it (``collect``, ``import``) does first: :func:`folder_lock`, then
    :func:`recover` (a run of :func:`update_files` killed while moving its
    files leaves some files new, some old or missing; its journal puts the
    earlier files back). The lines of what was undone are logged on
    :data:`logger`. Reading the folder before that would see a mixture that
    never existed (and refuse it as broken, or merge into it).

    Parameters
    ----------
    folder : str or Path
        The folder. One that does not exist yet has nothing to undo; the
        nearest existing folder above it is locked instead (two runs into the
        same new folder would otherwise both create and fill it).
    command : str
        The command that wants it (for the message).

    Yields
    ------
    bool
        As :func:`folder_lock`.

    Raises
    ------
    FolderBusy
        When another process holds the lock (nothing has been done).

    Examples
    --------
    >>> import tempfile
    >>> folder = tempfile.mkdtemp()
    >>> with locked_for_update(folder, "import") as held:
    ...     held
    True
    """
    place = Path(folder).resolve()
    while not place.is_dir() and place != place.parent:  # a new folder: lock where it will be
        place = place.parent  # made, so that two runs cannot both create and fill it
    with folder_lock(place, command) as held:
        if Path(folder).is_dir():  # resolved, as update_files names its staging folders
            for line in recover(Path(folder).resolve()):  # said, not silently done
                logger.warning(line)
        yield held


class CriticalSection:
    """Defer Ctrl-C (SIGINT) and SIGTERM from :meth:`begin` to the end of the ``with`` block.

    Used around the final renames of a run, so that an interrupt cannot
    leave one place written and the other not. Before :meth:`begin`, an
    interrupt acts at once (and the staging folders are removed as usual).
    A signal that arrived after :meth:`begin` is delivered when the block
    ends without an error: Ctrl-C as :class:`CommittedInterrupt` (a
    ``KeyboardInterrupt``), SIGTERM through the handler that was in place.
    Outside the main thread, signals cannot be caught and nothing is deferred.

    Examples
    --------
    >>> with CriticalSection() as section:
    ...     section.begin()
    ...     section.pending
    []
    """

    _SIGNALS = ("SIGINT", "SIGTERM")

    def __init__(self) -> None:
        self.pending: list[int] = []
        self._old: dict[int, object] = {}

    def __enter__(self) -> CriticalSection:
        return self

    def begin(self) -> None:
        """Start deferring the interrupts (from here to the end of the block)."""
        import signal
        import threading

        if threading.current_thread() is not threading.main_thread() or self._old:
            return

        def hold(signum: int, frame: object) -> None:
            self.pending.append(signum)

        for name in self._SIGNALS:
            number = getattr(signal, name, None)
            if number is not None:
                self._old[number] = signal.signal(number, hold)

    def __exit__(self, kind: object, exc: object, tb: object) -> None:
        import signal

        for number, handler in self._old.items():
            signal.signal(number, handler)  # type: ignore[arg-type]
        self._old = {}
        if kind is not None or not self.pending:
            return
        first = self.pending[0]
        if first == signal.SIGINT:
            raise CommittedInterrupt
        handler = signal.getsignal(first)
        if not callable(handler):  # the default action of SIGTERM: end the process
            os.kill(os.getpid(), first)
            return
        try:
            handler(first, None)
        except BaseException as exc:  # e.g. SIGTERM raised as an interrupt: mark it
            exc.committed = True  # type: ignore[attr-defined]
            raise


__all__ = [
    "MARKER",
    "CommittedInterrupt",
    "CriticalSection",
    "FolderBusy",
    "TargetError",
    "check_replaceable",
    "check_target",
    "check_writable",
    "claim_folder",
    "folder_lock",
    "interrupted",
    "is_project_root",
    "locked_for_update",
    "read_marker",
    "recover",
    "replace_file",
    "replace_folder",
    "update_files",
    "write_marker",
]
