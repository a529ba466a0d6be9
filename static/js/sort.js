// Sortable tables: every column of a table marked data-sortable sorts by click and by keyboard.
// The table is complete and ordered by rank without this script; it only adds buttons to the
// column headers. Cells carry their raw figure in data-sort, so sorting is numeric, and a cell
// without one ("not available") stays last whichever way the column is sorted.
(function () {
  "use strict";

  function key(cell, numeric) {
    if (!cell) return null;
    if (numeric) {
      var raw = cell.getAttribute("data-sort");
      if (raw === null || raw === "") return null;
      var value = Number(raw);
      return isNaN(value) ? null : value;
    }
    return cell.textContent.trim().toLowerCase();
  }

  function compare(a, b, numeric) {
    if (numeric) return a - b;
    return a.localeCompare(b);
  }

  function sortBy(table, index, direction) {
    var header = table.tHead.rows[0].cells[index];
    var numeric = header.getAttribute("data-type") === "number";
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows).map(function (row, position) {
      var cell = row.cells[index];
      return {
        row: row,
        position: position,
        key: key(cell, numeric),
        then: cell && cell.hasAttribute("data-sort-then") ? Number(cell.getAttribute("data-sort-then")) : null
      };
    });
    var sign = direction === "ascending" ? 1 : -1;
    rows.sort(function (a, b) {
      if (a.key === null || b.key === null) {
        if (a.key === b.key) return a.position - b.position;
        return a.key === null ? 1 : -1;
      }
      var order = compare(a.key, b.key, numeric);
      if (order === 0 && a.then !== null && b.then !== null) order = a.then - b.then;
      return order === 0 ? a.position - b.position : sign * order;
    });
    rows.forEach(function (r) { body.appendChild(r.row); });
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th) {
      if (th.hasAttribute("aria-sort")) th.removeAttribute("aria-sort");
    });
    header.setAttribute("aria-sort", direction);
    var section = table.closest("section");
    var status = section && section.querySelector("[data-sort-status]");
    if (status) {
      status.textContent = "Sorted by " + header.textContent.trim() + ", " + direction + ".";
    }
  }

  function enhance(table) {
    var headers = table.tHead.rows[0].cells;
    Array.prototype.forEach.call(headers, function (th, index) {
      if (th.hasAttribute("data-nosort")) return;
      var button = document.createElement("button");
      button.type = "button";
      button.className = "sort";
      while (th.firstChild) button.appendChild(th.firstChild);
      th.appendChild(button);
      button.addEventListener("click", function () {
        var current = th.getAttribute("aria-sort");
        var first = th.getAttribute("data-type") === "number" && th.getAttribute("data-better") !== "lower"
          ? "descending" : "ascending";
        var next = current === first ? (first === "ascending" ? "descending" : "ascending") : first;
        sortBy(table, index, next);
      });
    });
  }

  Array.prototype.forEach.call(document.querySelectorAll("table[data-sortable]"), enhance);
})();
