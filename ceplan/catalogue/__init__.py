"""The catalogue: what can be bought to renew, and the rules (SPEC 2).

``models`` (the validated :class:`~ceplan.catalogue.models.Catalog` and its items), ``table``
(activities held as columns), ``loading`` (files to catalogues, the cache), ``yamlread`` and
``fastyaml`` (YAML), ``tableread`` (CSV and Parquet files of activities), ``columns`` (the
header rules that table files and rosters share), ``programmes`` (the bundled programmes by name),
``combine`` (several programmes' catalogues as one). Each reader owns its limits.
"""
