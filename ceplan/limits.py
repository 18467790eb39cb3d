"""The ranges of numbers ceplan plans with, in one place.

Every entry point (a catalogue, a roster, a call to :func:`ceplan.optimise` or
:func:`ceplan.plan_team`, the command line) refuses a number outside its range with one line
naming the field and the range, rather than handing a solver coefficients it cannot count with.
The ranges are far beyond any real programme's figures, and small enough that costs in cents,
hours in their whole steps and priorities summed over an organisation stay exact in a float
(below 2**53) and well inside what an integer-programming solver can tell apart.
"""

from __future__ import annotations

__all__ = [
    "HORIZON_YEARS",
    "MAX_CREDITS",
    "MAX_EXPANDED_NODES",
    "MAX_HOURS",
    "MAX_HOURS_PER_WEEK",
    "MAX_MONEY",
    "MAX_PRIORITY",
    "MAX_PROCESSING_DAYS",
    "MAX_SLACK_DAYS",
    "MAX_TEAM_VARIABLES",
    "MAX_WORKERS",
    "MIN_CREDIT_STEP",
    "describe",
]

MAX_MONEY = 10**13
"""The largest price, budget or fund, in any currency and after conversion (10**15 cents)."""

MAX_CREDITS = 1_000_000
"""The most credits an activity may earn, a path may ask for, or a person may have earned."""

MIN_CREDIT_STEP = 1e-6
"""The finest ``credit_step`` a schema 2 catalogue may give: credits are written to six
decimal places (:data:`ceplan.units.DECIMALS`), and a million credits in such steps, 10**12,
are still counted exactly."""

MAX_HOURS = 100_000
"""The most hours one activity or exam may take (over eleven years, day and night)."""

MAX_HOURS_PER_WEEK = 168
"""The most study hours a person can spare in a week: every hour of it."""

MAX_PRIORITY = 1_000_000
"""A person's priority in a team is a whole number from 1 to this (SPEC 7)."""

MAX_PROCESSING_DAYS = 3650
"""The most days before expiry by which everything must be complete (ten years)."""

MAX_SLACK_DAYS = 3650
"""The most days of slack a plan may keep before its do-by date (ten years)."""

HORIZON_YEARS = 50
"""An expiry more than this many years after today is refused as a typing mistake."""

MAX_TEAM_VARIABLES = 1_500_000
"""The most variables a team model may have; a roster beyond it is refused before anything is
built, in about the time it takes to count them (see :func:`ceplan.solving.team.build_team`).

Built with PuLP, a team model takes about 4 KiB of memory a variable with its rows (the
1,000-person benchmark: 1,214,830 variables and 736,733 rows, 4.3 GiB at its peak), so the
largest allowed takes about 6 GiB. Larger organisations are planned by columns
(``plan_team(method="columns")``), whose memory grows with the columns kept."""


MAX_WORKERS = 256
"""The most processes a team's plan may use side by side (``workers``, ``--workers``)."""

MAX_EXPANDED_NODES = 2_000_000
"""The most YAML nodes that aliases may add to a catalogue.

Each alias adds the nodes of what it stands for, its own aliases followed: a catalogue of
100,000 activities that share their dates through aliases adds about 100,000; an alias bomb adds
billions. Both readers count the same way.
"""


def describe(number: float) -> str:
    """A limit as the messages write it.

    Examples
    --------
    >>> describe(MAX_MONEY), describe(MAX_HOURS_PER_WEEK)
    ('10,000,000,000,000', '168')
    """
    return f"{number:,}"
