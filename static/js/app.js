/* Site-wide behaviour. No inline script anywhere: the CSP forbids it. */
(function () {
  "use strict";

  // Shared by the page scripts: the CSRF token and a JSON POST that answers
  // (status, parsed body or {}) whatever happens on the wire.
  function csrf() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.content : "";
  }

  function postJson(url, payload, done, headers) {
    var xhr = new XMLHttpRequest();
    xhr.open("POST", url);
    xhr.setRequestHeader("Content-Type", "application/json");
    xhr.setRequestHeader("Accept", "application/json");
    xhr.setRequestHeader("X-CSRFToken", csrf());
    Object.keys(headers || {}).forEach(function (name) { xhr.setRequestHeader(name, headers[name]); });
    xhr.onload = function () {
      var answer = {};
      try { answer = JSON.parse(xhr.responseText); } catch (e) { answer = {}; }
      done(xhr.status, answer);
    };
    xhr.onerror = function () { done(0, {}); };
    xhr.send(JSON.stringify(payload));
  }

  window.contest = { csrf: csrf, postJson: postJson };

  // Countdown to a deadline, on the server's clock: the page carries the
  // server's time, so a phone with a wrong clock still counts correctly.
  function startCountdown(box) {
    var deadline = Date.parse(box.dataset.deadline);
    var skew = Date.parse(box.dataset.now) - Date.now();
    var units = (box.dataset.units || "d|h|min|s").split("|");
    var out = box.querySelector(".countdown-value");
    function tick() {
      var left = Math.floor((deadline - (Date.now() + skew)) / 1000);
      if (left <= 0) {
        out.textContent = box.dataset.labelDone;
        box.classList.add("done");
        return;
      }
      var d = Math.floor(left / 86400), h = Math.floor(left % 86400 / 3600);
      var m = Math.floor(left % 3600 / 60), s = left % 60;
      out.textContent = d + " " + units[0] + " " + h + " " + units[1] + " " +
        m + " " + units[2] + " " + s + " " + units[3];
      setTimeout(tick, 1000);
    }
    tick();
  }

  // Buttons that need a second thought carry data-confirm.
  function guardConfirm(ev) {
    var el = ev.target.closest("[data-confirm]");
    if (el && !window.confirm(el.dataset.confirm)) { ev.preventDefault(); }
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".countdown[data-deadline]").forEach(startCountdown);
    document.addEventListener("click", guardConfirm);
  });
})();
