/* The scoring page, keyboard first: digits fill the focused criterion (or the
   first empty one), Enter moves to the next criterion and submits at the last,
   J / K go to the next / previous entry; drafts autosave with a version check. */
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("score-form");
    if (!form) { return; }
    var inputs = Array.prototype.slice.call(form.querySelectorAll(".criterion input"));
    var status = document.getElementById("score-status");
    var version = form.elements.version;
    var dirty = false, busy = false, stopped = false;

    if (inputs.length && !inputs[0].disabled) {
      var firstEmpty = inputs.filter(function (i) { return i.value === ""; })[0] || inputs[0];
      firstEmpty.focus();
    }

    document.addEventListener("keydown", function (ev) {
      var inField = ev.target.matches("input, textarea, select");
      if (!inField && (ev.key === "j" || ev.key === "k")) {
        var link = document.getElementById(ev.key === "j" ? "next-link" : "prev-link");
        if (link) { window.location.href = link.href; }
        return;
      }
      if (!inField && /^[0-9]$/.test(ev.key) && inputs.length) {
        var target = inputs.filter(function (i) { return i.value === ""; })[0] || inputs[0];
        target.focus();
        target.value = ev.key;
        target.dispatchEvent(new Event("input", { bubbles: true }));
        ev.preventDefault();
      }
    });

    inputs.forEach(function (input, i) {
      input.addEventListener("keydown", function (ev) {
        if (ev.key !== "Enter") { return; }
        if (i + 1 < inputs.length) {
          ev.preventDefault();
          inputs[i + 1].focus();
          inputs[i + 1].select();
        } else {
          stopped = true;  // the form posts the final score
        }
      });
    });

    form.addEventListener("input", function () { dirty = true; });
    form.addEventListener("submit", function () { stopped = true; });

    function save() {
      if (!dirty || busy || stopped) { return; }
      busy = true;
      dirty = false;
      var values = {};
      inputs.forEach(function (input) { if (input.value !== "") { values[input.name.slice(1)] = input.value; } });
      var payload = { values: values, comment: form.elements.comment.value, version: version.value, final: false };
      window.contest.postJson(form.dataset.autosaveUrl, payload, function (code, answer) {
        busy = false;
        if (code === 0) { dirty = true; return; }   // no connection: try again later
        if (code === 200 && answer.ok) {
          version.value = answer.version;
          status.textContent = form.dataset.msgSaved.replace("{time}", answer.saved_at);
          status.className = "autosave saved";
        } else {
          if (code === 409 || code === 403) { stopped = true; }
          status.textContent = answer.message || "";
          status.className = "autosave conflict";
        }
      });
    }
    setInterval(save, 4000);
  });
})();
