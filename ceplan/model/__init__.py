"""The integer programme, built with no I/O and no solving.

``block`` (one person's variables and rows, alone or in a team), ``team`` (the team's blocks
and the rows they share), ``schedule`` (the dates of a set of items), ``claims`` (one person's
model under catalogue schema 2, several certifications held), ``hours`` (the weekly hours rows
of a ``claims`` model, for a plan over time), ``team_held`` (a team's model
under catalogue schema 2: each person's ``claims`` model, switched on by renewing, and the
rows they share) and ``arrays`` (a model held as arrays).
"""
