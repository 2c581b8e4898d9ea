/* Rich text for <textarea data-richtext>: a Quill editor replaces the field
   and writes its semantic HTML back into it on submit. The server sanitises
   whatever arrives (contest/sanitize.py); this is only the editing surface.
   Without JavaScript the plain textarea still works. */
(function () {
  "use strict";
  var TOOLBAR = [
    [{ header: [2, 3, false] }],
    ["bold", "italic", "underline"],
    [{ list: "ordered" }, { list: "bullet" }],
    ["blockquote", "link"],
    ["clean"]
  ];

  function attach(textarea) {
    var holder = document.createElement("div");
    holder.className = "richtext-editor";
    textarea.insertAdjacentElement("afterend", holder);
    textarea.hidden = true;
    var quill = new window.Quill(holder, {
      theme: "snow",
      modules: { toolbar: TOOLBAR },
      placeholder: textarea.getAttribute("placeholder") || ""
    });
    if (textarea.value.trim()) {
      quill.clipboard.dangerouslyPasteHTML(textarea.value);
    }
    var label = document.querySelector('label[for="' + textarea.id + '"]');
    if (label) {
      quill.root.setAttribute("aria-label", label.textContent.trim());
    }
    function sync() {
      textarea.value = quill.getText().trim() ? quill.getSemanticHTML() : "";
    }
    // Keep the field current, so autosave and counters see every change.
    quill.on("text-change", function () {
      sync();
      textarea.dispatchEvent(new Event("input", { bubbles: true }));
    });
    textarea.form.addEventListener("submit", sync);
    textarea.quill = quill;
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (!window.Quill) { return; }
    document.querySelectorAll("textarea[data-richtext]").forEach(attach);
  });
})();
