// Copy-to-clipboard for the share panel. Without it the "Copy link" control is a plain
// link to the page and the snippets stay selectable in their read-only fields.
(function () {
  "use strict";
  function copy(button) {
    var field = document.getElementById(button.getAttribute("data-copy"));
    if (!field) return;
    var text = field.value;
    var done = function () {
      var label = button.textContent;
      button.textContent = button.getAttribute("data-copied") || "Copied";
      window.setTimeout(function () { button.textContent = label; }, 1600);
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, function () {
        field.select();
      });
    } else {
      field.select();
      try {
        if (document.execCommand("copy")) done();
      } catch (e) {
        // Selected: the visitor copies it by hand.
      }
    }
  }
  document.querySelectorAll("[data-copy]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function (event) {
      event.preventDefault();
      copy(button);
    });
  });
})();
