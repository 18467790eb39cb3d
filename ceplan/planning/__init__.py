"""Planning: the entry points that take a request to a plan.

``person`` (:func:`~ceplan.planning.person.optimise` and the path comparison, with the reasons
when no plan exists) and ``team`` (:func:`~ceplan.planning.team.plan_team`, the at-risk reasons,
:func:`~ceplan.planning.team.what_if`).
"""
