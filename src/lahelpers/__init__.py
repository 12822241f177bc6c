"""lahelpers: join CQC local authority assessments of adult social care to context data.

The folders follow the data, one way::

    inputs/    the machinery every source shares: catalogue, fetch + checksums, raw reading,
               code and name mapping, join records, schemas
    sources/   where data enters: one reader per source (cqc, demographics, deprivation, rurality,
               workforce, care_market, geography), each with READS, tables() and VARIABLES
    build/     where it is joined: reads every source, joins onto the 153 authorities, validates,
               writes data/processed (and knows when it is up to date)
    (top)      what notebooks import: load, charts, maps, stats, residuals, measures, peers,
               narrative, profile, keypoints (each page's opening answer), framework (facts and
               labels), wording (the one place that decides "clear", "higher", "stands out" and
               how numbers read); plus cli, paths, errors, htmlsafe (escaping text from data for
               HTML and Markdown)
    publish/   where pages are made: the runner and the offline HTML report writer
    ratings/   the CQC ratings table this project maintains (data/cqc/assessments.csv): parse CQC's
               report pages, refresh politely from CQC's site, apply a reviewed proposal, say what
               changed (the build reads the table through sources/cqc.py, never through ratings/)

Flow: data/raw -> sources (+ inputs) -> build -> data/processed -> load -> notebooks -> publish
-> reports/. Nothing imports upward: ``inputs`` never imports ``sources`` or ``build``, and the
top-level analysis modules never import ``build`` or ``publish``.
"""

__version__ = "0.1.0"
