"""The integer programme, built with no I/O and no solving.

``block`` (one person's variables and rows, alone or in a team), ``team`` (the team's blocks
and the rows they share), ``schedule`` (the dates of a set of items), ``claims`` (one person's
model under catalogue schema 2, several certifications held) and ``arrays`` (a model held as
arrays).
"""
