/* Site-wide behaviour. No inline script anywhere: the CSP forbids it. */
(function () {
  "use strict";

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
