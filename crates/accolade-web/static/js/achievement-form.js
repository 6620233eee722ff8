// The achievement form: an "Add a row" button under each group of repeated rows
// (alignments, custom fields, translations). It copies the last row, empties it and gives
// its inputs the next index. Without this script, saving the form adds empty rows.
"use strict";
(function () {
  function renumber(row, index) {
    row.querySelectorAll("[name], [id], label[for]").forEach(function (el) {
      ["name", "id", "for"].forEach(function (attr) {
        var v = el.getAttribute(attr);
        if (v) {
          el.setAttribute(attr, v.replace(/^(al|cf|tr)-\d+-/, "$1-" + index + "-"));
        }
      });
      if (el.matches("input[type=checkbox], input[type=radio]")) {
        el.checked = false;
      } else if (el.matches("input, textarea")) {
        el.value = "";
      }
    });
  }

  document.querySelectorAll("fieldset[data-rows]").forEach(function (group) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "button button-small row-add";
    button.textContent = "Add a row";
    button.addEventListener("click", function () {
      var rows = group.querySelectorAll("[data-row]");
      var last = rows[rows.length - 1];
      if (!last) {
        return;
      }
      var copy = last.cloneNode(true);
      renumber(copy, rows.length);
      last.after(copy);
      var first = copy.querySelector("input, textarea");
      if (first) {
        first.focus();
      }
    });
    var rows = group.querySelectorAll("[data-row]");
    var last = rows[rows.length - 1];
    if (last) {
      last.after(button);
    }
  });
})();
