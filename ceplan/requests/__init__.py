"""Planning inputs checked once, for one person (``person``) and for a team (``team``).

Below both planners: each turns what a caller gives (in the forms of :mod:`ceplan.inputs`) into
a checked request, and nothing above it checks an input again.
"""
