// The badge designer's live preview. On every change (after a short pause) the form, without
// its file, is posted to the preview route; the server draws the badge exactly as a save
// would and answers with the SVG, shown here from a blob: URL. Without this script the
// form's Preview button does the same with a page load.
(function () {
  "use strict";
  var form = document.getElementById("designer-form");
  var img = document.getElementById("designer-preview");
  var status = document.getElementById("designer-status");
  if (!form || !img || !status || !window.fetch || !window.URL) {
    return;
  }
  var url = form.getAttribute("data-preview-url");
  var empty = document.getElementById("designer-preview-empty");
  var box = img.closest(".designer-preview");
  var timer = null;
  var current = null;
  var sequence = 0;

  function fields() {
    var data = new FormData(form);
    data.delete("logo_file");
    var body = new URLSearchParams();
    data.forEach(function (value, key) {
      if (typeof value === "string") {
        body.append(key, value);
      }
    });
    return body;
  }

  function label() {
    var title = form.elements.namedItem("title");
    var subtitle = form.elements.namedItem("subtitle");
    var parts = [title ? title.value.trim() : "", subtitle ? subtitle.value.trim() : ""];
    return "Preview: " + parts.filter(function (p) { return p; }).join(": ");
  }

  function show(blob) {
    var next = URL.createObjectURL(blob);
    img.src = next;
    img.alt = label();
    img.hidden = false;
    if (empty) {
      empty.hidden = true;
    }
    if (current) {
      URL.revokeObjectURL(current);
    }
    current = next;
  }

  function refresh() {
    var mine = ++sequence;
    if (box) {
      box.classList.add("is-busy");
    }
    fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: fields().toString()
    })
      .then(function (res) {
        if (res.ok) {
          return res.blob().then(function (blob) {
            if (mine === sequence) {
              show(blob);
              status.textContent = "";
            }
          });
        }
        return res.text().then(function (text) {
          if (mine === sequence) {
            status.textContent = text || "The preview could not be drawn.";
          }
        });
      })
      .catch(function () {
        if (mine === sequence) {
          status.textContent = "The preview could not be fetched; press Preview to try again.";
        }
      })
      .then(function () {
        if (mine === sequence && box) {
          box.classList.remove("is-busy");
        }
      });
  }

  function schedule(event) {
    if (event && event.target && event.target.name === "logo_file") {
      var file = event.target.files && event.target.files[0];
      var max = parseInt(form.getAttribute("data-max-upload"), 10);
      status.textContent = file && max && file.size > max
        ? "That file is larger than the upload limit."
        : file ? "The logo is checked and added when you press Preview or Save." : "";
      return;
    }
    if (timer) {
      clearTimeout(timer);
    }
    timer = setTimeout(refresh, 150);
  }

  form.addEventListener("input", schedule);
  form.addEventListener("change", schedule);
  refresh();
})();
