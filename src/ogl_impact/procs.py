"""Worker processes that end with the process that started them.

A pool's workers wait for work on a pipe; when their parent is killed
(``kill -9``, the out-of-memory killer) nobody closes it for them, and they
would wait for ever. :func:`die_with_parent`, run at the start of a worker
(a pool's ``initializer``), asks Linux to send it SIGTERM when its parent
ends.
"""

from __future__ import annotations

import os
import signal
import sys


def die_with_parent(parent: int | None = None) -> None:
    """Let this process end when its parent ends (Linux; elsewhere nothing is done).

    SIGTERM gets its default action (end the process), then Linux is asked
    to send it when the parent ends.

    Parameters
    ----------
    parent : int, optional
        The parent's pid as the parent knew it before starting this process:
        where the parent has already gone by the time this runs, the process
        ends at once (the request would come too late).

    Examples
    --------
    >>> import signal
    >>> before = signal.getsignal(signal.SIGTERM)
    >>> die_with_parent(os.getppid())  # in a worker; here the test process itself
    >>> _ = signal.signal(signal.SIGTERM, before)
    """
    # the signal must end the process: a handler inherited from the parent (the command
    # line turns SIGTERM into an interrupt) would leave the worker waiting
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return
    if parent is not None and os.getppid() != parent:  # the parent ended before the request
        os._exit(1)


__all__ = ["die_with_parent"]
