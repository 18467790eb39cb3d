"""What the library says about :func:`ceplan.optimise`'s arguments, in the options' words.

The library names its Python arguments (``earned_by_category['cissp']: ...``); a person at the
shell typed options (``--earned-in``). :func:`in_option_words` rewrites the argument a message
starts with, and nothing else, so the rule of what is wrong stays the library's.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from types import MappingProxyType

__all__ = ["OPTION_OF", "in_option_words"]

OPTION_OF: Mapping[str, str] = MappingProxyType(
    {
        "earned_by_category": "--earned-in",
        "earned_per_year": "--earned-in-year",
        "earned": "--earned",
        "expires": "--expires",
        "passed": "--passed",
        "completed": "--completed",
        "exclude": "--exclude",
        "budget": "--budget",
        "hours_per_week": "--hours-per-week",
        "processing_days": "--processing-days",
        "slack_days": "--slack-days",
        "unavailable": "--unavailable",
        "time_limit": "--time-limit",
    }
)
"""Each argument of :func:`ceplan.optimise` that an option of ``ceplan optimise`` gives."""

_ARGUMENT = re.compile(r"(?P<name>[a-z_]+)(?:\['(?P<tier>[^']*)'\])?(?:\[(?P<key>[^\]]*)\])?")


def in_option_words(message: str, tiers: int) -> str:
    """``message`` with the argument it starts with named as the option that gives it.

    The tier an argument is indexed by is said only when ``tiers`` (how many ``--tier`` were
    given) is more than one; a key after it (a category, a year) is kept.

    Examples
    --------
    >>> in_option_words("earned_by_category['cissp']: 'x' is not a category", 1)
    "--earned-in: 'x' is not a category"
    >>> in_option_words("earned_per_year['cisa'][4]: too many", 2)
    '--earned-in-year cisa:4: too many'
    >>> in_option_words("slack_days must be at most 365", 1)
    '--slack-days must be at most 365'
    >>> in_option_words("unknown exam kind 'x'", 1)
    "unknown exam kind 'x'"
    """
    match = _ARGUMENT.match(message)
    if match is None or match["name"] not in OPTION_OF:
        return message
    words = OPTION_OF[match["name"]]
    tier = match["tier"] if tiers > 1 else None
    key = (match["key"] or "").strip("'") or None
    if tier is not None or key is not None:
        words += " " + ":".join(part for part in (tier, key) if part is not None)
    return words + message[match.end() :]
