"""The index page's "find your authority" box and the sortable table of all 153 authorities.

:func:`section` returns the HTML and the one inline script it needs; the index page adds the
script's hash to its Content-Security-Policy (:func:`lahelpers.publish.report.content_security_policy`).

- Without JavaScript the section is a plain table listing every authority (name linking to its
  profile when this run has one, region, rating, overall %), so nothing depends on the script.
- With it, a labelled search box appears above the table: typing part of a name or an ONS code
  lists the matching authorities (links, with their rating) and a live region announces how many
  match; Enter opens the first match. The index page makes the table sortable with the pages'
  own sorter (:func:`lahelpers.publish.report.prepare_tables` and ``templates/sort.js``: ratings
  in rating order, % as numbers, missing values last, ``aria-sort`` kept current).

Matching is done in the page on each row's search key: the name normalised as
:func:`lahelpers.inputs.names.normalise_name` does (lower case, ``&`` -> ``and``, punctuation to
spaces), the ONS code, and the short names in :data:`lahelpers.inputs.names.ALIASES` ("hull").
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from typing import Any

import pandas as pd

from lahelpers import framework
from lahelpers.inputs.codes import UNSPLITTABLE
from lahelpers.inputs.names import ALIASES, normalise_name
from lahelpers.narrative import RATING_RANK

#: The authority parameter of the profile notebook (see :mod:`lahelpers.publish.run`).
AUTHORITY_PARAMETER = "authority"
#: Most matches listed under the box (the table below lists all).
MAX_RESULTS = 12

#: The section's script (hashed into the index page's policy; no network, no eval).
SCRIPT = """(function () {
  var box = document.getElementById("finder-box");
  var input = document.getElementById("finder-q");
  var status = document.getElementById("finder-status");
  var list = document.getElementById("finder-results");
  var table = document.getElementById("authority-table");
  if (!box || !input || !table) { return; }
  box.hidden = false;
  var rows = Array.prototype.slice.call(table.tBodies[0].rows);
  var norm = function (s) {
    return s.toLowerCase().replace(/&/g, " and ").replace(/['\\u2019`]/g, "")
      .replace(/[^a-z0-9]+/g, " ").trim();
  };
  var show = function () {
    var q = norm(input.value);
    list.textContent = "";
    if (!q) { status.textContent = ""; return; }
    var hits = rows.filter(function (r) { return r.dataset.keys.indexOf(q) !== -1; });
    hits.sort(function (a, b) {
      var ra = a.dataset.keys.indexOf(q) === 0 ? 0 : 1, rb = b.dataset.keys.indexOf(q) === 0 ? 0 : 1;
      return ra - rb || a.dataset.name.localeCompare(b.dataset.name);
    });
    hits.slice(0, $max).forEach(function (r) {
      var li = document.createElement("li");
      var label = r.dataset.name;
      if (r.dataset.href) {
        var a = document.createElement("a");
        a.href = r.dataset.href;
        a.textContent = label;
        li.appendChild(a);
      } else {
        li.appendChild(document.createTextNode(label + " (no profile in this run)"));
      }
      li.appendChild(document.createTextNode(": " + r.dataset.rating +
        (r.dataset.pct ? ", " + r.dataset.pct + "%" : "") + " (" + r.dataset.region + ")" +
        (r.dataset.was && norm(label).indexOf(q) === -1 ? "; " + r.dataset.was : "")));
      list.appendChild(li);
    });
    var n = hits.length;
    status.textContent = n === 0 ? "No authority matches \\u201c" + input.value + "\\u201d." :
      n + (n === 1 ? " authority matches" : " authorities match") + " \\u201c" + input.value + "\\u201d" +
      (n > $max ? "; the first $max are listed, the table below has them all." : ".");
  };
  input.addEventListener("input", show);
  input.addEventListener("keydown", function (e) {
    if (e.key === "Enter") {
      var first = list.querySelector("a");
      if (first) { e.preventDefault(); window.location.href = first.getAttribute("href"); }
    }
  });
  show();
})();
""".replace("$max", str(MAX_RESULTS))

_STYLE = (
    "<style>.finder label{font-weight:bold;display:block}"
    ".finder input{font-size:1.1rem;padding:.35rem .5rem;width:100%;max-width:28rem;box-sizing:border-box;"
    "border:2px solid #0b0c0c}.finder input:focus{outline:3px solid #fd0;outline-offset:0}"
    ".finder ul{padding-left:1.25rem}</style>"
)


def former_areas(code: str) -> list[tuple[str, str]]:
    """The abolished counties an authority was carved from, as (name, when split), e.g.
    ``[("Cumbria", "April 2023")]`` for Cumberland: from the code rules' unsplittable
    predecessors (:data:`lahelpers.inputs.codes.UNSPLITTABLE`) that have a name in
    :data:`lahelpers.inputs.names.ALIASES`. Why: a reader looking for "Cumbria" or
    "Northamptonshire" finds no authority of that name and should learn where it went."""
    out = []
    for old, (successors, why) in UNSPLITTABLE.items():
        names = [k for k, c in ALIASES.items() if c == old]
        when = re.search(r"split in (\w+ \d{4})", why)
        if code in successors and names and when:
            out += [(n.title(), when.group(1)) for n in names]
    return out


def search_keys(name: str, code: str) -> str:
    """What the box matches a query against: the normalised name, the raw name in lower case,
    the ONS code, any alias of the authority (``hull`` for Kingston upon Hull) and the county it
    was split from (``cumbria`` for Cumberland, :func:`former_areas`)."""
    aliases = [k for k, c in ALIASES.items() if c == code]
    former = [normalise_name(n) for n, _ in former_areas(code)]
    parts = [normalise_name(name), _plain(name), code.lower(), *aliases, *former]
    return " | ".join(dict.fromkeys(p for p in parts if p))


def _plain(text: str) -> str:
    """The page script's normalisation (lower case, & -> and, punctuation -> spaces)."""
    t = str(text).lower().replace("&", " and ")
    t = re.sub(r"['\u2019`]", "", t)
    return re.sub(r"[^a-z0-9]+", " ", t).strip()


def _was(code: str) -> str:
    """The finder's note for an authority split from a county: "part of Cumbria until April 2023"."""
    return "; ".join(f"part of {n} until {when}" for n, when in former_areas(code))


def profile_pages(manifest: Mapping[str, Any]) -> dict[str, str]:
    """Authority name -> its profile page in this run (successful profiles only)."""
    out = {}
    for r in manifest.get("notebooks", []):
        name = (r.get("parameters") or {}).get(AUTHORITY_PARAMETER)
        if name and r.get("status") == "ok" and r.get("html"):
            out[str(name)] = str(r["html"])
    return out


def _row(r: Any, pages: Mapping[str, str]) -> str:
    name, code, region = str(r.name), str(r.code), str(r.region)
    rating = str(r.rating_label) if isinstance(r.rating_label, str) else framework.NOT_RATED
    pct = "" if pd.isna(r.overall_pct) else f"{r.overall_pct:.0f}"
    href = pages.get(name, "")
    esc = html.escape
    cell = (f'<a href="{esc(href, quote=True)}">{esc(name)}</a>' if href else esc(name))
    attrs = (f'data-name="{esc(name, quote=True)}" data-code="{esc(code, quote=True)}" '
             f'data-keys="{esc(search_keys(name, code), quote=True)}" '
             f'data-region="{esc(region, quote=True)}" data-rating="{esc(rating, quote=True)}" '
             f'data-pct="{pct}" data-href="{esc(href, quote=True)}" '
             f'data-was="{esc(_was(code), quote=True)}"')
    return (f"<tr {attrs}><td data-sort=\"{esc(name.casefold(), quote=True)}\">{cell}</td>"
            f'<td data-sort="{esc(code, quote=True)}">{esc(code)}</td>'
            f'<td data-sort="{esc(region, quote=True)}">{esc(region)}</td>'
            f'<td class="rating" data-sort="{RATING_RANK.get(rating, "")}">{esc(rating)}</td>'
            f'<td class="num" data-sort="{pct}">{pct or "–"}</td></tr>')


def _authorities(pages: Mapping[str, str]) -> pd.DataFrame:
    """The processed authorities table; when it is not there (an index rewritten elsewhere),
    only the run's profiles, with nothing known about them. Never builds the data."""
    from lahelpers import load, paths

    if (paths.processed_dir() / "authorities.parquet").is_file():
        return load.authorities()
    return pd.DataFrame({"code": "", "name": sorted(pages), "region": "", "rating_label": None,
                         "overall_pct": float("nan")})


def section(manifest: Mapping[str, Any], table: pd.DataFrame | None = None) -> tuple[str, list[str]]:
    """The find-your-authority section of the index page and the inline scripts it needs.

    ``table``: the authorities (code, name, region, rating_label, overall_pct); default the
    processed data. Returns ``("", [])`` when the run has no authority profiles, so an index of
    a run without them is unchanged.
    """
    pages = profile_pages(manifest)
    if not pages:
        return "", []
    if table is None:
        table = _authorities(pages)
    t = table.assign(rating_label=framework.rating_labels(table)).sort_values("name")
    rows = "".join(_row(r, pages) for r in t.itertuples())
    n = sum(framework.REGION_COUNTS.values())  # England's upper-tier authorities
    # Plain headers with the pages' cell classes: the index makes the table sortable with the
    # pages' own sorter (report.prepare_tables + sort.js), ratings in rating order.
    head = ('<th scope="col">Authority</th><th scope="col">ONS code</th><th scope="col">Region</th>'
            '<th scope="col" class="rating">CQC rating</th><th scope="col" class="num">Overall %</th>')
    body = (
        f'<section class="finder" aria-labelledby="find-authority">{_STYLE}'
        '<h2 id="find-authority">Find your authority</h2>'
        f"<p>A profile for each of England's {n} upper-tier authorities: its CQC rating and scores "
        "against England, its region and similar authorities, and its context."
        f" This run has {len(pages)} of them.</p>"
        '<div id="finder-box" hidden>'
        '<label for="finder-q">Authority name or ONS code</label>'
        '<p id="finder-help" class="hint">Type part of a council\'s name (for example '
        '"York" or "Hull"), a county split since 2021 ("Cumbria", "Northamptonshire") or an ONS '
        'code (for example E06000014); press Enter to open the first match.</p>'
        '<input id="finder-q" type="search" autocomplete="off" spellcheck="false" '
        'aria-describedby="finder-help" aria-controls="finder-results">'
        '<p id="finder-status" role="status" aria-live="polite"></p>'
        '<ul id="finder-results" aria-label="Matching authorities"></ul></div>'
        '<table id="authority-table" class="data-table"><caption>All authorities: rating and overall score. Select a '
        "column heading to sort by it.</caption>"
        f"<thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"
        f"<script>{SCRIPT}</script></section>"
    )
    return body, [SCRIPT]
