"""Numbers as ceplan compares, rounds and writes them: one rule each, used by every entry point.

- Money is exact: costs are whole cents of the catalogue currency (see
:mod:`ceplan.catalogue.models`),
  shown as ``2,737.00 GBP`` everywhere people read it (:func:`format_money`) and as a number
  rounded to cents in JSON and CSV (:func:`money_value`).
- Credits and hours are real numbers: sums of credits are compared with
  :data:`CREDIT_TOLERANCE`, hours are counted to :data:`DECIMALS` places, and both are written
  rounded to :data:`DECIMALS` places, whole numbers without a fraction (:func:`plain_number`),
  so ``0.1 + 0.2`` hours print as ``0.3``.
- A schema 2 catalogue's ``credit_step`` says credits come in whole steps: :func:`on_step` says
  whether an amount is a whole number of steps, :func:`whole_steps` counts them and
  :func:`steps_down` rounds an amount down to them (the one rule for each).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

__all__ = [
    "CREDIT_TOLERANCE",
    "DECIMALS",
    "format_money",
    "format_number",
    "hours_scale",
    "money_value",
    "on_step",
    "plain_number",
    "quantity",
    "steps_down",
    "whole_steps",
]

CREDIT_TOLERANCE = 1e-6
"""Credits are compared with this slack, so that 0.1 + 0.2 credits meet a 0.3 credit path."""

DECIMALS = 6
"""Credits and hours are written rounded to this many decimal places; hours are also counted
to this many (an item's hours are rounded so when it becomes a candidate), so two plans take
equally long exactly when their hours, rounded so, are equal."""

_EXACT_INTEGERS = 2**53
_HUGE_MONEY = 1e15  # no catalogue price is this large: such amounts are shown in short


def plain_number(value: float) -> int | float:
    """``value`` rounded to :data:`DECIMALS` places; whole numbers as ``int``.

    Examples
    --------
    >>> plain_number(48.0), plain_number(12.5), plain_number(0.1 + 0.2)
    (48, 12.5, 0.3)
    >>> plain_number(1e300), plain_number(1e-9)
    (1e+300, 1e-09)
    """
    number = float(value)
    if not math.isfinite(number):
        return number
    rounded = round(number, DECIMALS)
    if rounded == 0 and number != 0:  # too small for the places: keep what it is
        return number
    if rounded.is_integer() and abs(rounded) < _EXACT_INTEGERS:
        return int(rounded)
    return rounded


STEP_TOLERANCE = 1e-9
"""An amount is a whole number of steps when it is within this fraction of a step (relative to
the count of steps, past one) of one: ``0.3`` is three steps of ``0.1`` although
``0.3 / 0.1`` is ``2.9999999999999996`` in floating point."""


def whole_steps(value: float, step: float) -> int:
    """How many whole steps of ``step`` there are in ``value`` (``value >= 0``), rounded down.

    An amount within :data:`STEP_TOLERANCE` of a whole number of steps is that number.

    Examples
    --------
    >>> whole_steps(0.3, 0.1), whole_steps(10.6, 0.25), whole_steps(2, 0.25)
    (3, 42, 8)
    """
    count = value / step
    nearest = round(count)
    if abs(count - nearest) <= STEP_TOLERANCE * max(1.0, abs(count)):
        return int(nearest)
    return math.floor(count)


def on_step(value: Any, step: float) -> Any:
    """Whether ``value`` is a whole number of steps of ``step`` (within :data:`STEP_TOLERANCE`).

    ``value`` may be a number or a numpy array of them (then an array of booleans).

    Examples
    --------
    >>> on_step(0.3, 0.1), on_step(10.75, 0.25), on_step(10.6, 0.25), on_step(120, 0.25)
    (True, True, False, True)
    """
    count = value / step
    nearest = (count + 0.5) // 1.0  # round() for numbers and arrays alike
    return abs(count - nearest) <= STEP_TOLERANCE * (abs(count) + 1.0)


def steps_down(value: float, step: float | None) -> float:
    """``value`` rounded down to a whole number of steps of ``step`` (as it is for no step).

    For credits given in another way than a catalogue's figures (credits earned, say).

    Examples
    --------
    >>> steps_down(10.6, 0.25), steps_down(0.3, 0.1), steps_down(7.5, None)
    (10.5, 0.3, 7.5)
    """
    if step is None:
        return value
    return plain_number(whole_steps(value, step) * step) + 0.0


def format_number(value: float) -> str:
    """:func:`plain_number` as text, e.g. ``'48'`` or ``'12.5'``."""
    return str(plain_number(value))


def quantity(amount: float, unit: str) -> str:
    """An amount and its unit, singular for exactly one: ``'1 credit'``, ``'2.5 credits'``.

    Examples
    --------
    >>> quantity(1, "credit"), quantity(40, "credit"), quantity(0.5, "hour")
    ('1 credit', '40 credits', '0.5 hours')
    """
    return f"{format_number(amount)} {unit}{'' if plain_number(amount) == 1 else 's'}"


def hours_scale(hours: Iterable[float]) -> int:
    """The smallest power of ten that makes every item's hours whole.

    At most ``10**DECIMALS``: items' hours are rounded to that many places. Total hours times
    the scale are then an exact integer: the models count hours in those whole steps.

    Examples
    --------
    >>> hours_scale([2, 1.5, 0.25]), hours_scale([3, 4]), hours_scale([1 / 3])
    (100, 1, 1000000)
    """
    values = set(hours)
    for places in range(DECIMALS + 1):
        scale: int = 10**places
        if all(abs(h * scale - round(h * scale)) < 1e-6 for h in values):
            return scale
    return int(10**DECIMALS)


def money_value(cents: float) -> float:
    """Cents as an amount rounded to cents, e.g. ``1500067 -> 15000.67`` (never ``-0.0``)."""
    return round(cents / 100, 2) + 0.0


def format_money(amount: float, currency: str) -> str:
    """An amount as people read it: thousands separated, two decimals, then the currency.

    Examples
    --------
    >>> format_money(2737, "GBP")
    '2,737.00 GBP'
    >>> format_money(1e307, "GBP")
    '1e+307 GBP'
    """
    if abs(amount) >= _HUGE_MONEY:
        return f"{amount:.6g} {currency}"
    return f"{amount:,.2f} {currency}"
