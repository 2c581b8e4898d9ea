/* The screening list: a "select all" box for the bulk actions. Without scripts
   it stays hidden and each entry is ticked by hand. */
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-select-all]").forEach(function (all) {
      var form = all.form;
      var name = all.dataset.selectAll;
      function boxes() {
        return Array.prototype.slice.call(form.querySelectorAll("input[type=checkbox][name='" + name + "']"));
      }
      function reflect() {
        var ticked = boxes().filter(function (b) { return b.checked; }).length;
        all.checked = ticked > 0 && ticked === boxes().length;
        all.indeterminate = ticked > 0 && ticked < boxes().length;
      }
      var wrap = all.closest("[hidden]");
      if (wrap) { wrap.hidden = false; }
      all.addEventListener("change", function () {
        boxes().forEach(function (b) { b.checked = all.checked; });
      });
      form.addEventListener("change", function (ev) { if (ev.target !== all) { reflect(); } });
      reflect();
    });
  });
})();
