"""Planning: the entry points that take a request to a plan.

``person`` (:func:`~ceplan.planning.person.optimise` and the path comparison: the search),
``report`` (what a plan says: the plan found, or why there is none, in words and numbers),
``held`` (a plan under catalogue schema 2, one or more certifications held) and
``shortfalls`` (why such a plan does not exist, in words),
``team`` (:func:`~ceplan.planning.team.plan_team`, the at-risk reasons,
:func:`~ceplan.planning.team.what_if`), ``columns`` (a team planned by columns, then each
person alone) and ``team_held`` (a team on a catalogue of schema 2).
"""
