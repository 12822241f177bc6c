"""Where data enters: one module per source, each reading its raw files and returning tables keyed
by the 153 April 2023 authority codes.

Every source module has the same small face:

* ``READS``: the catalogue ids (``data/catalogue.yaml``) of the raw files it reads;
* ``tables()``: a list of ``(table, SourceJoin)`` pairs, one per raw file, each table indexed (or
  keyed) by the 2023 code and each join record saying what matched, what did not and why;
* context sources also document every column they return in ``VARIABLES``
  (label, unit, source_id, vintage, note), which becomes ``load.variables()``.

The build (:mod:`lahelpers.build`) iterates :data:`CONTEXT` in order. Adding a source is one module
here, its entry in :data:`CONTEXT`, its catalogue entries and its tests.
"""

from __future__ import annotations

from types import ModuleType

from lahelpers.sources import (
    care_market,
    cqc,
    demographics,
    deprivation,
    geography,
    rurality,
    workforce,
)

#: The CQC assessments (ratings, % scores, quality statement scores).
ASSESSMENTS: ModuleType = cqc
#: Authority and region boundaries.
BOUNDARIES: ModuleType = geography
#: Context sources, in the order the build joins them onto the 153 authorities.
CONTEXT: tuple[ModuleType, ...] = (demographics, deprivation, rurality, workforce, care_market)
#: Every source.
ALL: tuple[ModuleType, ...] = (ASSESSMENTS, BOUNDARIES, *CONTEXT)
