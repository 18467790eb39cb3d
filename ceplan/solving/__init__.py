"""Solving: the solvers, the one solve loop, and the stages of the order walked in turn.

``backends`` (the MILP solvers: HiGHS, CBC, a PuLP solver), ``loop`` (solve, add the weekly-hours
rows an answer breaks, solve again; the solvers' known faults guarded), ``stages`` (one
person's stages), ``exact`` (the exact dynamic programme), ``team`` (the team's stages) and
``columns`` (a team's first stages by column generation); ``progress`` (the lines a person
watching a long team plan is told); ``arrays`` (a model held as arrays, walked through the
stages in HiGHS or through PuLP).
"""
