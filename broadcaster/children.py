"""Child processes that die with their parent, even when it is killed with SIGKILL.

A player left running after the playout daemon died would put a second item on
air beside the restarted daemon's; a render worker left running after its
command died would go on for nothing. Linux lets a child ask the kernel for a
signal when its parent dies (prctl PR_SET_PDEATHSIG); elsewhere this does nothing.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys

_PR_SET_PDEATHSIG = 1
_libc = ctypes.CDLL(None, use_errno=True) if sys.platform == "linux" else None


def die_with_parent(parent_pid: int | None = None) -> None:
    """Run in the child (a ``preexec_fn`` or a pool's initializer).

    The signal comes when the thread that started the child ends, so start
    children from a thread that lives as long as they should. With
    ``parent_pid``, a child whose parent died before this call ends at once.
    """
    if _libc is None:
        return
    _libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if parent_pid is not None and os.getppid() != parent_pid:
        os.kill(os.getpid(), signal.SIGKILL)
