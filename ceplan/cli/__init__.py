"""The command line: parse, call the library, render, exit.

``main`` (the commands and their exit statuses) and ``signals`` (SIGTERM as an interrupt).
"""
