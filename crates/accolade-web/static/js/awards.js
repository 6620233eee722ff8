// The awards list: a "select all on this page" box above the checkboxes. Without this
// script the boxes are ticked one by one; the box stays hidden.
(function () {
  "use strict";
  document.querySelectorAll("table.award-table").forEach(function (table) {
    var all = table.querySelector("input.select-all");
    if (!all) {
      return;
    }
    var boxes = table.querySelectorAll("tbody input[type=checkbox][name=id]");
    if (boxes.length === 0) {
      return;
    }
    all.hidden = false;
    var sync = function () {
      var checked = 0;
      boxes.forEach(function (b) {
        if (b.checked) {
          checked += 1;
        }
      });
      all.checked = checked === boxes.length;
      all.indeterminate = checked > 0 && checked < boxes.length;
    };
    all.addEventListener("change", function () {
      boxes.forEach(function (b) {
        b.checked = all.checked;
      });
    });
    boxes.forEach(function (b) {
      b.addEventListener("change", sync);
    });
    sync();
  });
})();
