/* The scoring page, keyboard first: J / K go to the next / previous entry from
   the moment the page opens (no box takes the focus on arrival), digits fill the
   focused criterion (or the first empty one), Enter moves to the next criterion
   and submits at the last, Esc leaves a box; drafts autosave with a version check. */
(function () {
  "use strict";
  // Where letters are words (the comment, the recusal reason), J and K are typed,
  // not obeyed; a score box takes only numbers, so J / K still navigate from it.
  var TYPING = "textarea, select, input:not([type=number]):not([type=checkbox]):not([type=radio])";

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("score-form");
    if (!form) { return; }
    var inputs = Array.prototype.slice.call(form.querySelectorAll(".criterion input"));
    var status = document.getElementById("score-status");
    var version = form.elements.version;
    var dirty = false, busy = false, stopped = false, after = null;

    function leave(href) {
      // Unsaved figures are saved first; if that fails the judge stays and reads why.
      save(function () { window.location.href = href; });
    }

    document.addEventListener("keydown", function (ev) {
      if (ev.ctrlKey || ev.metaKey || ev.altKey || ev.isComposing) { return; }
      var el = ev.target;
      var inField = el.matches("input, textarea, select");
      if (ev.key === "Escape" && inField) {
        el.blur();
        return;
      }
      var key = ev.key.toLowerCase();
      if ((key === "j" || key === "k") && !el.matches(TYPING)) {
        var link = document.getElementById(key === "j" ? "next-link" : "prev-link");
        if (link) {
          ev.preventDefault();
          leave(link.href);
        }
        return;
      }
      if (!inField && /^[0-9]$/.test(ev.key) && inputs.length && !inputs[0].disabled) {
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

    function finish(ok) {
      var then = after;
      after = null;
      if (ok && then) { then(); }
    }

    function save(then) {
      if (then) { after = then; }
      if (busy) { return; }
      if (!dirty || stopped) { finish(true); return; }
      busy = true;
      dirty = false;
      var values = {};
      inputs.forEach(function (input) { if (input.value !== "") { values[input.name.slice(1)] = input.value; } });
      var payload = { values: values, comment: form.elements.comment.value, version: version.value, final: false };
      window.contest.postJson(form.dataset.autosaveUrl, payload, function (code, answer) {
        busy = false;
        if (code === 0) { dirty = true; finish(false); return; }   // no connection: try again later
        if (code === 200 && answer.ok) {
          version.value = answer.version;
          status.textContent = form.dataset.msgSaved.replace("{time}", answer.saved_at);
          status.className = "autosave saved";
          finish(true);
        } else {
          if (code === 409 || code === 403) { stopped = true; }
          status.textContent = answer.message || "";
          status.className = "autosave conflict";
          finish(false);
        }
      });
    }
    setInterval(function () { save(); }, 4000);
  });
})();
