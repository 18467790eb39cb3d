"""A mixed-integer programme held as arrays: columns, and rows in compressed sparse form.

What :mod:`ceplan.model.claims` builds and :mod:`ceplan.solving.arrays` solves: no modelling
library in between, so that a model of thousands of columns is handed to the solver in one
call. Pure data, with the two questions a solver's answer is asked (:meth:`ArrayModel.broken`,
:meth:`ArrayModel.value`).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

__all__ = ["ArrayModel", "Linear", "plus"]

Linear = tuple[Mapping[int, float], float]
"""A linear expression: coefficients by column, and a constant."""


def plus(*expressions: Linear) -> tuple[dict[int, float], float]:
    """The sum of linear ``expressions``.

    Examples
    --------
    >>> plus(({0: 1.0}, 2.0), ({0: 1.0, 3: -1.0}, 0.5))
    ({0: 2.0, 3: -1.0}, 2.5)
    """
    terms: dict[int, float] = {}
    constant = 0.0
    for own, value in expressions:
        for column, coefficient in own.items():
            terms[column] = terms.get(column, 0.0) + coefficient
        constant += value
    return terms, constant


_INTEGRAL = 1e-5
_FEASIBLE = 1e-6


@dataclass(frozen=True, eq=False)
class ArrayModel:
    """Columns (bounds, integrality, names) and rows (``row_lower <= A x <= row_upper``).

    ``A`` is row-wise: row ``r``'s columns are ``index[starts[r]:starts[r + 1]]`` with the
    coefficients ``value[...]``. ``impossible`` names rows of constants only that no answer
    can keep: a model with any is infeasible before it is solved.
    """

    names: tuple[str, ...]
    lower: np.ndarray
    upper: np.ndarray
    integer: np.ndarray
    starts: np.ndarray
    index: np.ndarray
    value: np.ndarray
    row_lower: np.ndarray
    row_upper: np.ndarray
    row_names: tuple[str, ...]
    impossible: tuple[str, ...] = ()

    @classmethod
    def of(
        cls,
        names: Sequence[str],
        lower: Sequence[float],
        upper: Sequence[float],
        integer: Sequence[bool],
        rows: Sequence[tuple[Mapping[int, float], float, float, str]],
        impossible: Sequence[str] = (),
    ) -> ArrayModel:
        """A model from its columns and its rows (coefficients by column, bounds, name).

        Examples
        --------
        >>> model = ArrayModel.of(["x", "y"], [0, 0], [1, 1], [True, False],
        ...                       [({0: 1.0, 1: 2.0}, 1.0, math.inf, "cover")])
        >>> model.columns, model.rows, model.broken(np.array([1.0, 0.0]))
        (2, 1, [])
        """
        starts = [0]
        index: list[int] = []
        value: list[float] = []
        for terms, _, _, _ in rows:
            for column, coefficient in sorted(terms.items()):
                index.append(column)
                value.append(coefficient)
            starts.append(len(index))
        return cls(
            names=tuple(names),
            lower=np.asarray(lower, dtype=np.float64),
            upper=np.asarray(upper, dtype=np.float64),
            integer=np.asarray(integer, dtype=bool),
            starts=np.asarray(starts, dtype=np.int32),
            index=np.asarray(index, dtype=np.int32),
            value=np.asarray(value, dtype=np.float64),
            row_lower=np.asarray([low for _, low, _, _ in rows], dtype=np.float64),
            row_upper=np.asarray([high for _, _, high, _ in rows], dtype=np.float64),
            row_names=tuple(name for _, _, _, name in rows),
            impossible=tuple(impossible),
        )

    def fixed(self, values: Mapping[int, float]) -> ArrayModel:
        """The same model with the columns of ``values`` fixed at them.

        Examples
        --------
        >>> model = ArrayModel.of(["x"], [0], [1], [True], [])
        >>> model.fixed({0: 1.0}).lower.tolist()
        [1.0]
        """
        lower, upper = self.lower.copy(), self.upper.copy()
        for column, value in values.items():
            lower[column] = upper[column] = value
        return dataclasses.replace(self, lower=lower, upper=upper)

    @property
    def columns(self) -> int:
        """How many columns."""
        return len(self.names)

    @property
    def rows(self) -> int:
        """How many rows."""
        return len(self.row_names)

    def costs(self, expression: Linear) -> np.ndarray:
        """``expression``'s coefficients as a dense array over the columns (its constant aside)."""
        costs = np.zeros(self.columns)
        for column, coefficient in expression[0].items():
            costs[column] += coefficient
        return costs

    @staticmethod
    def value_of(expression: Linear, values: np.ndarray) -> float:
        """``expression`` at the columns' ``values``."""
        terms, constant = expression
        return constant + math.fsum(values[c] * v for c, v in terms.items())

    def activity(self, values: np.ndarray) -> np.ndarray:
        """Each row's ``A x`` at the columns' ``values``."""
        rows = np.repeat(np.arange(self.rows), np.diff(self.starts))
        products = self.value * values[self.index]
        return np.bincount(rows, weights=products, minlength=self.rows).astype(np.float64)

    def read(self, values: np.ndarray) -> np.ndarray:
        """A solver's ``values`` with its integer columns rounded to whole numbers."""
        return np.where(self.integer, np.round(values), values)

    def broken(self, values: np.ndarray) -> list[str]:
        """The bounds, integralities and rows that the columns' ``values`` break, by name.

        Within small tolerances: a solver's answer comes with its own (and some solvers write
        it to six decimals), so an integer column may be a hundred thousandth off, and a row by
        as much on each of its columns.
        """
        broken = [
            self.names[j]
            for j in np.flatnonzero(
                (values < self.lower - _FEASIBLE)
                | (values > self.upper + _FEASIBLE)
                | (self.integer & (np.abs(values - np.round(values)) > _INTEGRAL))
            )
        ]
        activity = self.activity(values)
        rows = np.repeat(np.arange(self.rows), np.diff(self.starts))
        size = np.bincount(rows, weights=np.abs(self.value), minlength=self.rows)
        slack = _FEASIBLE * np.maximum(1.0, np.abs(activity)) + _INTEGRAL * size
        bad = (activity < self.row_lower - slack) | (activity > self.row_upper + slack)
        broken.extend(self.row_names[r] for r in np.flatnonzero(bad))
        return broken
