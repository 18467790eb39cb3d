"""Progress for a person watching a long planning call: what is being done, in few lines.

A team plan reports every phase as it begins and ends (each line said at once), and work that
repeats inside a phase (rounds of pricing, branches, people settled, people whose reasons are
worked out) only now and then (:meth:`Progress.tick`): at least :data:`LEAST_SECONDS` after
the line before, and a fifth of the time the phase has run so far, up to
:data:`MOST_SECONDS`. A phase of a quarter of an hour is about twenty such lines, one of a
few seconds none or one.

Progress never changes a plan: the clock decides only which lines are said, never what is
planned.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from ceplan.objective import TEAM

__all__ = ["LEAST_SECONDS", "MOST_SECONDS", "Progress", "stage_label"]

LEAST_SECONDS = 5.0
"""The least time between a line of repeated work and the line before it."""

MOST_SECONDS = 60.0
"""The most time between lines of repeated work, however long the phase has run."""


@dataclass
class _Said:
    """When the last line was said, and when the phase now running began (clock seconds)."""

    last: float
    phase: float


class Progress:
    """Lines of progress, said to ``say`` (``None``: nothing is said, nothing is timed).

    Parts of a planning call share one reporter: :meth:`part` gives one whose lines begin
    with a name, timed with the rest.

    Examples
    --------
    >>> times = iter([0.0, 0.0, 1.0, 6.0])
    >>> progress = Progress(print, clock=lambda: next(times))
    >>> stage = progress.part("stage 1")
    >>> stage("begins")
    stage 1: begins
    >>> stage.tick("round 2")  # a second later: not yet
    >>> stage.tick("round 9")
    stage 1: round 9
    """

    def __init__(
        self,
        say: Callable[[str], None] | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
        prefix: str = "",
        said: _Said | None = None,
    ) -> None:
        self._say = say
        self._clock = clock
        self._prefix = prefix
        if said is None and say is not None:
            now = clock()
            said = _Said(now, now)
        self._said = said

    @classmethod
    def of(cls, value: Callable[[str], None] | None) -> Progress:
        """``value`` if it is a :class:`Progress`, else one saying its lines to it."""
        return value if isinstance(value, Progress) else cls(value)

    @property
    def shown(self) -> bool:
        """Whether lines are said at all (work done only to say it can be skipped)."""
        return self._say is not None

    def part(self, name: str) -> Progress:
        """The same reporter, its lines beginning with ``name`` and a colon."""
        prefix = f"{self._prefix}{name}: "
        return Progress(self._say, clock=self._clock, prefix=prefix, said=self._said)

    def __call__(self, line: str) -> None:
        """Say ``line`` now: a phase begins or ends (and the next phase is timed from here)."""
        if self._say is None or self._said is None:
            return
        self._say(self._prefix + line)
        now = self._clock()
        self._said.last = self._said.phase = now

    def tick(self, line: str | Callable[[], str]) -> None:
        """Say ``line`` if it is time for a line of repeated work (see the module).

        ``line`` may be a function giving it, called only when it is said.
        """
        if self._say is None or self._said is None:
            return
        now = self._clock()
        wait = min(MOST_SECONDS, max(LEAST_SECONDS, (now - self._said.phase) / 5))
        if now - self._said.last >= wait:
            self._say(self._prefix + (line if isinstance(line, str) else line()))
            self._said.last = now


def stage_label(name: str) -> str:
    """How progress names a stage of the team's order (:data:`~ceplan.objective.TEAM`).

    Examples
    --------
    >>> stage_label("out_of_pocket")
    'stage 2 of 5 (out of pocket)'
    """
    number = [stage.name for stage in TEAM].index(name) + 1
    return f"stage {number} of {len(TEAM)} ({name.replace('_', ' ')})"
