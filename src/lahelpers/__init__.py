"""lahelpers: join CQC local authority assessments of adult social care to context data.

Modules, one concern each: ``catalogue`` and ``fetch`` (raw inputs), ``codes`` and ``joins``
(mapping every source to the 153 April 2023 authorities), the source readers (``cqc``,
``demographics``, ``deprivation``, ``rurality``, ``workforce``, ``care_market``, ``geography``),
``build`` and ``validate`` (raw -> processed), ``load`` (processed -> notebooks), and the analysis
helpers used by the notebooks.
"""

__version__ = "0.1.0"
