"""The input machinery every source shares: the catalogue (``catalogue``), fetching and checksums
(``fetch``), reading raw files with clear errors (``rawio``), mapping codes and names to the 153
authorities (``codes``, ``names``), join records (``joins``), schemas (``validate``) and the checks of text
where it enters (``textcheck``: names and codes of the reference shape, no control characters, markup
reported).

Nothing here imports a source reader or the build: the sources use this, never the reverse.
"""
