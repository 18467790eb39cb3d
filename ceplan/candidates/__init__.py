"""The items a person can use, and those that can be in a best plan.

``items`` (each rule, with its proof, on one item at a time), ``arrays`` (the same rules on
numpy arrays, for large catalogues) and ``held`` (the tiers held, the items and the ways to
renew under catalogue schema 2).
"""
