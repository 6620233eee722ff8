// The progress bar of a running import: polls the import's progress (JSON) every half
// second, moves the bar and the counts, and reloads the page once the import is done.
// Without JavaScript the page refreshes itself (see its <noscript> meta refresh).
(function () {
  "use strict";
  var box = document.querySelector("[data-progress-url]");
  if (!box) {
    return;
  }
  var url = box.getAttribute("data-progress-url");
  var bar = box.querySelector("progress");
  var fields = box.querySelectorAll("[data-progress-field]");
  var failures = 0;

  function show(p) {
    if (bar) {
      bar.max = Math.max(p.total, 1);
      bar.value = p.done;
      bar.textContent = p.percent + "%";
    }
    for (var i = 0; i < fields.length; i++) {
      var name = fields[i].getAttribute("data-progress-field");
      if (Object.prototype.hasOwnProperty.call(p, name)) {
        fields[i].textContent = String(p[name]);
      }
    }
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (res) {
        if (!res.ok) {
          throw new Error("HTTP " + res.status);
        }
        return res.json();
      })
      .then(function (p) {
        failures = 0;
        show(p);
        if (p.state === "done") {
          window.location.reload();
        } else {
          window.setTimeout(poll, 500);
        }
      })
      .catch(function () {
        failures += 1;
        window.setTimeout(poll, Math.min(500 * Math.pow(2, failures), 10000));
      });
  }

  window.setTimeout(poll, 500);
})();
