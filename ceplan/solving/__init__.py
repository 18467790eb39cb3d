"""Solving: the solvers, and the stages of the order walked one after another.

``stages`` (the solvers and the one-person stages), ``exact`` (the exact dynamic programme)
and ``team`` (the team's stages).
"""
