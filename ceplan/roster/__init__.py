"""A team's roster: people, budget periods and funds (SPEC 7).

``models`` (the validated :class:`~ceplan.roster.models.Roster` and its rules) and ``read``
(YAML and CSV files to rosters, every problem placed in its file).
"""
