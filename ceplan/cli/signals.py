"""SIGTERM as an interrupt, so that a run ended by it still cleans up after itself.

Python's default action on SIGTERM ends the process at once: no ``finally`` block runs, so a
solve in progress would leave its temporary folder and its CBC process behind. Within
:func:`terminate_as_interrupt`, SIGTERM raises :class:`Terminated` (a kind of
:class:`KeyboardInterrupt`) in the main thread instead, and everything that cleans up after
Ctrl-C cleans up after it too.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator
from types import FrameType

__all__ = ["Terminated", "terminate_as_interrupt"]


class Terminated(KeyboardInterrupt):
    """Raised in the main thread for a SIGTERM received within :func:`terminate_as_interrupt`.

    A :class:`KeyboardInterrupt`, so that whatever handles an interrupt handles it; a command
    line that tells them apart may end with ``exit_status``, what a shell reports for a
    process ended by SIGTERM.
    """

    exit_status = 128 + signal.SIGTERM


@contextlib.contextmanager
def terminate_as_interrupt() -> Iterator[None]:
    """Within the block, SIGTERM raises :class:`Terminated` in the main thread.

    Call this from the CLI's ``main()``, around the whole run. The handler is installed only
    in the main thread (the only one that may set one) and only where SIGTERM would end the
    process at once (its default action): SIGTERM ignored, or handled by the program, is left
    as it is, and elsewhere the block runs unchanged. The first SIGTERM raises; a second one,
    while that is handled, gets the default action again, so that it still ends a process
    whose cleanup hangs. The default is back in place when the block ends.

    Examples
    --------
    >>> with terminate_as_interrupt():
    ...     signal.getsignal(signal.SIGTERM) is signal.SIG_DFL
    False
    >>> signal.getsignal(signal.SIGTERM) is signal.SIG_DFL
    True
    """
    if (
        threading.current_thread() is not threading.main_thread()
        or signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL
    ):
        yield
        return
    signal.signal(signal.SIGTERM, _raise_terminated)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _raise_terminated(signum: int, frame: FrameType | None) -> None:
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    raise Terminated
