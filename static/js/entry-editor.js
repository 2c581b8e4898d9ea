/* The entry editor: autosave over XHR (with the CSRF header), a copy on the
   device while offline, a live character counter, and uploads with a real
   progress bar and a retry. No inline script: the CSP forbids it. */
(function () {
  "use strict";
  var FIELDS = ["title", "summary", "body", "h5_url", "nominee_name", "nominee_kind", "nominee_phone",
                "nominee_post", "author_phone", "author_minor", "guardian_name", "guardian_phone"];
  var INTERVAL_MS = 4000;

  var csrf = window.contest.csrf;

  function visibleChars(html) {
    var doc = new DOMParser().parseFromString(html || "", "text/html");
    return (doc.body.textContent || "").replace(/\s+/g, "").length;
  }

  function fieldValue(form, name) {
    var box = form.elements[name];
    if (box && box.type === "checkbox") { return box.checked ? box.value : ""; }
    var checked = form.querySelector('input[name="' + name + '"]:checked');
    if (checked) { return checked.value; }
    var el = form.elements[name];
    if (!el || el.length !== undefined && !el.tagName) { return null; }
    return el.value;
  }

  function setField(form, name, value) {
    var radios = form.querySelectorAll('input[type=radio][name="' + name + '"]');
    if (radios.length) {
      radios.forEach(function (r) { r.checked = r.value === value; });
      return;
    }
    var el = form.elements[name];
    if (!el || value === null || value === undefined) { return; }
    if (el.type === "checkbox") { el.checked = !!value; return; }
    el.value = value;
    if (el.quill) { el.quill.clipboard.dangerouslyPasteHTML(value); }
  }

  function collect(form) {
    var out = {};
    FIELDS.forEach(function (name) {
      var v = fieldValue(form, name);
      if (v !== null) { out[name] = v; }
    });
    return out;
  }

  function setupCounter(form) {
    var counter = document.getElementById("char-counter");
    var body = form.elements.body;
    if (!counter || !body) { return; }
    var min = parseInt(counter.dataset.min, 10) || 0;
    var max = parseInt(counter.dataset.max, 10) || 0;
    function update() {
      var n = visibleChars(body.value);
      counter.textContent = counter.dataset.template.replace("{n}", n);
      counter.classList.toggle("over", max > 0 && n > max);
      counter.classList.toggle("under", min > 0 && n < min);
    }
    body.addEventListener("input", update);
    update();
  }

  function setupAutosave(form) {
    var status = document.getElementById("autosave-status");
    var key = form.dataset.storageKey;
    var version = form.elements.version;
    var dirty = false, busy = false, stopped = false;

    function say(text, cls) {
      status.textContent = text;
      status.className = "autosave " + (cls || "");
    }
    function keepLocal() {
      try {
        localStorage.setItem(key, JSON.stringify({ version: version.value, fields: collect(form) }));
      } catch (e) { /* storage full or disabled: the server copy still counts */ }
    }
    function dropLocal() {
      try { localStorage.removeItem(key); } catch (e) { /* ignore */ }
    }

    // A copy left from a visit whose changes never reached the server.
    try {
      var kept = JSON.parse(localStorage.getItem(key) || "null");
      if (kept && kept.version === version.value) {
        var now = collect(form), differs = false;
        Object.keys(kept.fields).forEach(function (name) {
          if (kept.fields[name] !== now[name]) { differs = true; setField(form, name, kept.fields[name]); }
        });
        if (differs) { dirty = true; say(form.dataset.msgRestored, "restored"); }
        else { dropLocal(); }
      } else if (kept) {
        dropLocal();
      }
    } catch (e) { dropLocal(); }

    form.addEventListener("input", function () { dirty = true; keepLocal(); });
    form.addEventListener("change", function () { dirty = true; keepLocal(); });

    function save() {
      if (!dirty || busy || stopped) { return; }
      busy = true;
      dirty = false;
      var payload = collect(form);
      payload.version = version.value;
      say(form.dataset.msgSaving, "saving");
      window.contest.postJson(form.dataset.autosaveUrl, payload, function (status, answer) {
        busy = false;
        if (status === 200 && answer.ok) {
          version.value = answer.version;
          if (!dirty) { dropLocal(); } else { keepLocal(); }
          say(form.dataset.msgSaved.replace("{time}", answer.saved_at), "saved");
        } else if (status === 409 || status === 403) {
          stopped = true;
          say(answer.message || "", "conflict");
        } else {
          dirty = true;
          say(answer.message || form.dataset.msgOffline, "offline");
        }
      });
    }
    setInterval(save, INTERVAL_MS);
    window.addEventListener("online", save);
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "hidden") { save(); }
    });
    form.addEventListener("submit", function () { stopped = true; keepLocal(); });
  }

  function sizeText(bytes) {
    return (bytes / 1048576).toFixed(1) + " MB";
  }

  function assetItem(asset, section) {
    var li = document.createElement("li");
    li.className = "asset";
    li.dataset.assetId = asset.id;
    if (asset.thumb) {
      var img = document.createElement("img");
      img.src = asset.thumb;
      img.alt = "";
      li.appendChild(img);
    }
    var name = document.createElement("span");
    name.className = "asset-name";
    var a = document.createElement("a");
    a.href = asset.url;
    a.textContent = asset.name || asset.role;
    var small = document.createElement("small");
    small.className = "meta";
    small.textContent = " " + sizeText(asset.size);
    name.appendChild(a);
    name.appendChild(small);
    li.appendChild(name);
    var template = section.querySelector("form.js-remove-file");
    var form = document.createElement("form");
    form.method = "post";
    form.action = asset.delete;
    form.className = "inline js-remove-file";
    var token = document.createElement("input");
    token.type = "hidden";
    token.name = "csrf_token";
    token.value = csrf();
    var button = document.createElement("button");
    button.type = "submit";
    button.className = "link danger";
    button.textContent = template ? template.querySelector("button").textContent : "×";
    if (template) { button.dataset.confirm = template.querySelector("button").dataset.confirm; }
    form.appendChild(token);
    form.appendChild(button);
    li.appendChild(form);
    return li;
  }

  function setupUploads(section) {
    var input = document.getElementById("file-input");
    var queue = document.getElementById("upload-queue");
    var list = document.getElementById("asset-list");
    var maxBytes = parseInt(section.dataset.maxBytes, 10) || 0;

    function send(file, row) {
      var bar = row.querySelector("progress");
      var note = row.querySelector(".upload-note");
      var retry = row.querySelector("button");
      retry.hidden = true;
      note.textContent = "";
      bar.value = 0;
      var data = new FormData();
      data.append("file", file);
      var xhr = new XMLHttpRequest();
      xhr.open("POST", section.dataset.uploadUrl);
      xhr.setRequestHeader("X-CSRFToken", csrf());
      xhr.setRequestHeader("Accept", "application/json");
      xhr.upload.onprogress = function (ev) {
        if (ev.lengthComputable) { bar.value = Math.round(ev.loaded / ev.total * 100); }
      };
      xhr.onload = function () {
        var answer = {};
        try { answer = JSON.parse(xhr.responseText); } catch (e) { answer = {}; }
        if (xhr.status === 201 && answer.ok) {
          row.remove();
          list.appendChild(assetItem(answer.asset, section));
        } else {
          row.classList.add("failed");
          note.textContent = answer.message || section.dataset.msgFailed;
          // A refused file stays refused; a server or network hiccup may pass.
          retry.hidden = !(xhr.status >= 500 || xhr.status === 429 || xhr.status === 0);
        }
      };
      xhr.onerror = function () {
        row.classList.add("failed");
        note.textContent = section.dataset.msgFailed;
        retry.hidden = false;
      };
      xhr.send(data);
    }

    input.addEventListener("change", function () {
      Array.prototype.forEach.call(input.files, function (file) {
        var row = document.createElement("div");
        row.className = "upload-row";
        var label = document.createElement("span");
        label.textContent = file.name + " · " + sizeText(file.size);
        var bar = document.createElement("progress");
        bar.max = 100;
        bar.value = 0;
        var note = document.createElement("span");
        note.className = "upload-note error";
        var retry = document.createElement("button");
        retry.type = "button";
        retry.className = "secondary";
        retry.textContent = section.dataset.msgRetry;
        retry.hidden = true;
        retry.addEventListener("click", function () { row.classList.remove("failed"); send(file, row); });
        row.appendChild(label);
        row.appendChild(bar);
        row.appendChild(note);
        row.appendChild(retry);
        queue.appendChild(row);
        if (maxBytes && file.size > maxBytes) {
          row.classList.add("failed");
          note.textContent = section.dataset.msgTooBig;
          bar.remove();
          return;
        }
        send(file, row);
      });
      input.value = "";
    });

    section.addEventListener("submit", function (ev) {
      var form = ev.target.closest("form.js-remove-file");
      if (!form || ev.defaultPrevented) { return; }
      ev.preventDefault();
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.action);
      xhr.setRequestHeader("X-CSRFToken", csrf());
      xhr.setRequestHeader("Accept", "application/json");
      xhr.onload = function () {
        if (xhr.status === 200) { form.closest("li").remove(); }
      };
      xhr.send(new FormData(form));
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("entry-form");
    if (form) {
      setupCounter(form);
      setupAutosave(form);
    }
    var uploads = document.getElementById("uploads");
    if (uploads) { setupUploads(uploads); }
  });
})();
