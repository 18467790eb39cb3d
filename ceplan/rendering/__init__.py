"""Plans written for people and for programs.

``text`` (tables and CSV), ``ics`` (calendars) and ``xlsx`` (the team workbook).
"""
