(function () {
  // Click-to-sort table headers. Each cell's data-sort holds its key (a number written in full,
  // a rating's rank, an ISO date, or text); an empty key (missing, not rated) sorts last.
  var numeric = function (th) {
    return th.classList.contains("num") || th.classList.contains("rating");
  };
  var compare = function (a, b, isNumber) {
    if (isNumber) { return parseFloat(a) - parseFloat(b); }
    return a.localeCompare(b, undefined, { numeric: true, sensitivity: "base" });
  };
  document.querySelectorAll("table.sortable").forEach(function (table) {
    var heads = Array.prototype.slice.call(table.querySelectorAll("thead th"));
    var body = table.tBodies[0];
    if (!body) { return; }
    Array.prototype.forEach.call(body.rows, function (row, i) { row.dataset.order = i; });
    heads.forEach(function (th, col) {
      var button = th.querySelector("button.sort");
      if (!button) { return; }
      button.addEventListener("click", function () {
        var isNumber = numeric(th);
        var current = th.getAttribute("aria-sort");
        var first = isNumber ? "descending" : "ascending";
        var dir = current === first ? (first === "ascending" ? "descending" : "ascending") : first;
        var sign = dir === "ascending" ? 1 : -1;
        var rows = Array.prototype.slice.call(body.rows);
        var key = function (row) {
          var cell = row.cells[col];
          if (!cell) { return ""; }
          return cell.hasAttribute("data-sort") ? cell.getAttribute("data-sort") : cell.textContent.trim();
        };
        rows.sort(function (r1, r2) {
          var a = key(r1), b = key(r2);
          if (a === "" || b === "") {
            if (a === b) { return r1.dataset.order - r2.dataset.order; }
            return a === "" ? 1 : -1;
          }
          return sign * compare(a, b, isNumber) || r1.dataset.order - r2.dataset.order;
        });
        rows.forEach(function (row) { body.appendChild(row); });
        heads.forEach(function (other) { other.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", dir);
      });
    });
  });
})();
