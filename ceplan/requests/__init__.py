"""Planning inputs checked once, for one person and for a team.

``person`` (one tier), ``held`` (one or more tiers held, under catalogue schema 2's rules) and
``team``.

Below both planners: each turns what a caller gives (in the forms of :mod:`ceplan.inputs`) into
a checked request, and nothing above it checks an input again.
"""
