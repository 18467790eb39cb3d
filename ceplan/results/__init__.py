"""Plans as typed, frozen objects with pandas tables and JSON.

``plan`` (one person's :class:`~ceplan.results.plan.Plan`) and ``team``
(:class:`~ceplan.results.team.TeamPlan`).
"""
