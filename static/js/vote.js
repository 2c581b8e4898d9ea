// The vote button: one XHR per vote, with an Idempotency-Key so that a retry
// after a dropped connection is counted once; the answer's message and the
// votes left today are shown in place. A busy network is asked for a captcha.
(function () {
  "use strict";

  function newKey() {
    if (window.crypto && window.crypto.randomUUID) { return window.crypto.randomUUID(); }
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  function showRemaining(n) {
    if (typeof n !== "number") { return; }
    document.querySelectorAll("[data-remaining]").forEach(function (el) { el.textContent = n; });
  }

  function askCaptcha(answer, resend, giveUp) {
    var dialog = document.getElementById("vote-captcha");
    if (!dialog || !dialog.showModal) { giveUp(); return; }
    dialog.querySelector(".captcha-prompt").textContent = answer.message || "";
    dialog.querySelector("img").src = answer.captcha;
    var input = dialog.querySelector("input");
    input.value = "";
    dialog.onclose = function () {
      if (dialog.returnValue === "ok" && input.value) { resend(input.value); } else { giveUp(); }
    };
    dialog.showModal();
  }

  function vote(box, button) {
    var message = box.querySelector(".vote-message");
    var key = newKey();
    var tries = 0;
    button.disabled = true;
    function send(captcha) {
      tries += 1;
      window.contest.postJson(box.dataset.voteUrl, captcha ? { captcha: captcha } : {}, function (status, answer) {
        if (status === 0 && tries < 3) { setTimeout(function () { send(captcha); }, 1000 * tries); return; }
        if (status === 428 && answer.captcha) {
          askCaptcha(answer, send, function () { button.disabled = false; });
          return;
        }
        message.textContent = answer.message || (status === 0 ? "网络连接中断，请稍后重试。" : "");
        message.className = "vote-message " + (answer.ok ? "ok" : "refused");
        showRemaining(answer.remaining_today);
        if (status === 200) {
          button.textContent = button.dataset.done;
          var card = box.closest(".vote-card, .vote-entry");
          var count = card && card.querySelector("[data-count]");
          if (count && !answer.replayed) { count.textContent = parseInt(count.textContent, 10) + 1; }
        } else if (status === 409) {
          button.textContent = button.dataset.done;
        } else if (answer.login) {
          window.location.href = answer.login;
        } else {
          button.disabled = status === 429;
        }
      }, { "Idempotency-Key": key });
    }
    send(null);
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest(".vote-button");
    if (!button || button.tagName !== "BUTTON" || button.disabled) { return; }
    vote(button.closest(".vote-box"), button);
  });
})();
