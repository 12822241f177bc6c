"""Text from data is shown, never run: escaping for HTML and Markdown, and links limited to https.

Names, notes and sources come from files we do not write (and, soon, from CQC's web pages). Every
helper that puts such text into HTML or Markdown passes it through one of these functions:

* :func:`html_text` for HTML (element text and attribute values);
* :func:`md_text` for Markdown (IPython ``Markdown`` objects, which nbconvert renders with raw
  HTML passed through): HTML-escaped, and Markdown's own syntax (emphasis, links, code) backslash-
  escaped so a name cannot become a link or a heading;
* :func:`https_url` for links built from data: only ``https:`` addresses are kept (never
  ``javascript:``, ``data:`` or ``file:``).

Tables rendered with pandas' Styler are escaped by the Styler itself (``escape="html"``, see
:func:`lahelpers.narrative.table`); chart text is safe because Vega draws it as text.
"""

from __future__ import annotations

import html
import re
from urllib.parse import urlsplit

#: Punctuation Markdown may read as inline syntax (emphasis, links, code, HTML); backslash-escaped.
#: ``.``, ``-`` and ``+`` matter only at the start of a line, where data text never stands.
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#!|~])")
#: Characters never allowed in a link from data (controls, spaces, quotes, angle brackets).
_BAD_URL_CHARS = re.compile(r"[\x00-\x20\x7f-\x9f\"'<>\\`]")


def html_text(value: object) -> str:
    """``value`` as text safe inside an HTML element or a quoted attribute (``&<>"'`` escaped)."""
    return html.escape("" if value is None else str(value), quote=True)


def md_text(value: object) -> str:
    """``value`` as literal text inside Markdown: HTML-escaped, Markdown syntax backslash-escaped.

    >>> md_text("<b>*Hull*</b>")
    '&lt;b&gt;\\\\*Hull\\\\*&lt;/b&gt;'
    """
    escaped = html_text(value)
    # Escape Markdown punctuation, but not inside the entities html_text just wrote.
    parts = re.split(r"(&(?:lt|gt|amp|quot|#x27);)", escaped)
    return "".join(p if p.startswith("&") and p.endswith(";") else _MD_SPECIAL.sub(r"\\\1", p)
                   for p in parts)


def https_url(value: object) -> str | None:
    """``value`` if it is a plain ``https://host/...`` address, else None (the link is dropped).

    Anything else (``javascript:``, ``data:``, ``http:``, ``file:``, relative or protocol-relative
    addresses, or text with spaces, quotes or control characters) is refused.
    """
    if value is None:
        return None
    text = str(value).strip()
    if not text or _BAD_URL_CHARS.search(text):
        return None
    try:
        parts = urlsplit(text)
    except ValueError:
        return None
    if parts.scheme.lower() != "https" or not parts.hostname:
        return None
    return text
