"""Plans written for people and for programs.

``text`` (tables and CSV), ``ics`` (calendars), ``sheets`` (what the team workbook holds) and
``xlsx`` (the team workbook written).
"""
