"""The integer programme, built with no I/O and no solving.

``block`` (one person's variables and rows, alone or in a team), ``team`` (the team's blocks
and the rows they share) and ``schedule`` (the dates of a set of items).
"""
