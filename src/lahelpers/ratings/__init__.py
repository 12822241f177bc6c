"""The CQC ratings table as a dataset this project maintains, and its refresh from CQC's pages.

    dataset.py   the table in ``data/cqc/assessments.csv``: columns, evidence vocabulary, reading
                 the history, seeding from a mirror, merging accepted rows (``apply``)
    parse.py     one CQC report page (HTML or its text) -> a checked row, or an error saying why
    client.py    the polite HTTP client: one request at a time, a pause, a User-Agent, an on-disk
                 cache with conditional requests, timeouts, bounded retries, 429 + Retry-After
    refresh.py   CQC's list of reports -> proposed table + change report (never writes the dataset)
    changes.py   what changed between two versions of the table, and between two runs

The build reads the dataset through :mod:`lahelpers.sources.cqc` (the latest assessment of each
authority); nothing here is imported by the build.
"""
