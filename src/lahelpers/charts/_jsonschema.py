"""Import jsonschema (for altair) without building an IRI grammar that altair never uses.

Why: when ``rfc3987_syntax`` is installed (it comes with ``jsonschema[format-nongpl]``, which
``jupyter-events`` requires, so with JupyterLab in the dev tools), importing jsonschema imports it
to register the ``iri`` and ``iri-reference`` format checks, and that import compiles an Earley
parser for the whole RFC 3987 grammar with ``lark``: about 1.4 s, most of ``import altair``.
Altair validates charts against the Vega-Lite schema, whose formats are only ``uri``,
``uri-reference`` (checked by ``rfc3986_validator``) and ``color-hex``: no ``iri``. So nothing
altair checks depends on that grammar.

How: jsonschema registers a format check only when its optional library imports, and skips it
otherwise ("formats for which the dependency is not installed are not checked", its docs on
format validation); a ``None`` entry in :data:`sys.modules` makes ``import`` raise ImportError
(Python's import system reference). Blocking the one module for the duration of importing
jsonschema, then removing the block, makes jsonschema leave out exactly the two IRI checks, in
this process only; other formats and every other import are unaffected. If jsonschema is already
imported (the IRI checks already built), nothing is done. Upstream has no switch for this
(jsonschema 4.26, rfc3987-syntax 1.1.0).
"""

from __future__ import annotations

import sys

#: The module whose import builds the grammar.
IRI_GRAMMAR_MODULE = "rfc3987_syntax"


def import_jsonschema_without_iri_checks() -> None:
    """Import jsonschema with ``rfc3987_syntax`` blocked (see the module docstring); a no-op
    when jsonschema or the grammar module is already imported."""
    if "jsonschema" in sys.modules or IRI_GRAMMAR_MODULE in sys.modules:
        return
    sys.modules[IRI_GRAMMAR_MODULE] = None  # type: ignore[assignment]
    try:
        import jsonschema  # noqa: F401
    finally:
        del sys.modules[IRI_GRAMMAR_MODULE]


import_jsonschema_without_iri_checks()
