// 掌上办 offline queue (no inline script: CSP). Registers the service worker; a field form (it carries an
// input[data-offline-kind], see mobile/_field_form.html) submitted without signal is kept in IndexedDB with
// a key made here (a UUID) and sent to /api/v1/mobile/sync when the phone is back online. The server keeps
// the key per user, so a sync repeated after a lost answer writes nothing twice.
(function () {
  "use strict";
  var DB = "minzheng-offline", STORE = "queue";
  var script = document.currentScript;
  var swUrl = script ? script.getAttribute("data-sw") : "";
  if (swUrl && "serviceWorker" in navigator) {
    navigator.serviceWorker.register(swUrl, {scope: "/"}).catch(function () { /* the page works without it */ });
  }
  if (!("indexedDB" in window)) { return; }

  function uuid() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }
  function open() {
    return new Promise(function (resolve, reject) {
      var req = indexedDB.open(DB, 1);
      req.onupgradeneeded = function () { req.result.createObjectStore(STORE, {keyPath: "key"}); };
      req.onsuccess = function () { resolve(req.result); };
      req.onerror = function () { reject(req.error); };
    });
  }
  function withStore(mode, work) {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(STORE, mode), result;
        var req = work(tx.objectStore(STORE));
        if (req) { req.onsuccess = function () { result = req.result; }; }
        tx.oncomplete = function () { db.close(); resolve(result); };
        tx.onerror = function () { db.close(); reject(tx.error); };
      });
    });
  }
  function bar() { return document.querySelector("[data-sync-user]"); }
  function currentUser() { var b = bar(); return b ? b.getAttribute("data-sync-user") : ""; }
  function text(name, n) {
    var b = bar(), t = b ? b.getAttribute("data-text-" + name) || "" : "";
    return t.replace("{n}", String(n));
  }
  function mine() {
    var user = currentUser();
    return withStore("readonly", function (s) { return s.getAll(); }).then(function (all) {
      return (all || []).filter(function (r) { return r.user === user; });
    });
  }
  function show(message) {
    var b = bar();
    if (b) { b.hidden = !message; }
    document.querySelectorAll("[data-sync-status]").forEach(function (el) { el.textContent = message; });
  }
  function failedList(failed) {
    // Each refused item: its message and two buttons, 修改后重新提交 (opens its form prefilled) / 放弃此条.
    var b = bar(), list = b ? b.querySelector("[data-sync-failed]") : null;
    if (!list) { return; }
    list.textContent = "";
    failed.forEach(function (r) {
      var li = document.createElement("li");
      li.setAttribute("data-sync-item", r.key);
      var msg = document.createElement("span");
      msg.textContent = (r.label ? r.label + "：" : "") + r.error;
      li.appendChild(msg);
      [["edit", "edit"], ["discard", "discard"]].forEach(function (pair) {
        var btn = document.createElement("button");
        btn.type = "button";
        btn.setAttribute("data-sync-action", pair[0]);
        btn.setAttribute("data-sync-key", r.key);
        btn.textContent = text(pair[1], 0);
        if (pair[0] === "edit" && !r.url) { btn.hidden = true; }
        li.appendChild(btn);
      });
      list.appendChild(li);
    });
  }
  function refresh(afterSync, first) {
    return mine().then(function (items) {
      var failed = items.filter(function (r) { return r.error; });
      var pending = items.length - failed.length;
      var parts = first ? [first] : [];
      if (pending) { parts.push(text("pending", pending)); }
      if (failed.length) { parts.push(text("failed", failed.length) + failed[0].error); }
      if (!pending && !failed.length && afterSync) { parts.push(text("done", 0)); }
      show(parts.join("；"));
      failedList(failed);
      return pending;
    });
  }
  function csrf() {
    var holder = document.body.getAttribute("hx-headers");
    try { return JSON.parse(holder)["X-CSRFToken"]; } catch (e) { return ""; }
  }

  function formRecord(form, marker) {
    var fields = {}, photo = null, photoName = "";
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.disabled || el.name === "csrfmiddlewaretoken" || el.name === "client_key") { return; }
      if (el.name.indexOf("geo_") === 0) { return; }
      if (el.type === "file") {
        if (el.files && el.files[0]) { photo = el.files[0]; photoName = el.files[0].name; }
        return;
      }
      if ((el.type === "checkbox" || el.type === "radio") && !el.checked) { return; }
      if (el.type === "submit" || el.type === "button") { return; }
      (fields[el.name] = fields[el.name] || []).push(el.value);
    });
    var lat = form.querySelector("[data-geo=latitude]"), lon = form.querySelector("[data-geo=longitude]");
    return {
      key: marker.value || uuid(),
      user: currentUser(),
      kind: marker.getAttribute("data-offline-kind"),
      subject: marker.getAttribute("data-offline-subject"),
      fields: fields,
      photo: photo,
      photoName: photoName,
      latitude: lat ? lat.value : "",
      longitude: lon ? lon.value : "",
      url: window.location.pathname,
      label: (document.querySelector("h1") || {}).textContent || "",
      savedAt: new Date().toISOString(),
      error: ""
    };
  }

  var syncing = null;
  function sendOne(r) {
    var body = new FormData();
    body.append("key", r.key);
    body.append("kind", r.kind);
    body.append("subject", r.subject);
    body.append("fields", JSON.stringify(r.fields));
    if (r.latitude && r.longitude) { body.append("latitude", r.latitude); body.append("longitude", r.longitude); }
    if (r.photo) { body.append("photo", r.photo, r.photoName || "photo.jpg"); }
    return fetch(bar().getAttribute("data-sync-url"), {
      method: "POST", body: body, credentials: "same-origin", headers: {"X-CSRFToken": csrf()}
    }).then(function (resp) {
      if (resp.ok) { return withStore("readwrite", function (s) { return s.delete(r.key); }); }
      if (resp.status >= 500 || resp.status === 401) {
        throw new Error("retry");  // the server or the session is not ready: try again later
      }
      return resp.json().catch(function () { return {}; }).then(function (answer) {
        r.error = answer.detail || String(resp.status);
        return withStore("readwrite", function (s) { return s.put(r); });
      });
    });
  }
  function sync() {
    if (syncing || !navigator.onLine || !bar()) { return syncing || Promise.resolve(); }
    syncing = mine().then(function (items) {
      var todo = items.filter(function (r) { return !r.error; });
      if (!todo.length) { return false; }
      return todo.reduce(function (p, r) { return p.then(function () { return sendOne(r); }); }, Promise.resolve())
        .then(function () { return true; });
    }).then(function (sent) { return refresh(sent); }, function () { return refresh(false); })
      .then(function () { syncing = null; }, function () { syncing = null; });
    return syncing;
  }
  function getOne(key) { return withStore("readonly", function (s) { return s.get(key); }); }
  function discard(key) {
    return withStore("readwrite", function (s) { return s.delete(key); }).then(function () { return refresh(false); });
  }
  window.minzhengOffline = {sync: sync, pending: mine, discard: discard};

  // A group of checkboxes (fieldset[data-required-group]) needs one ticked: the browser refuses the form
  // (online and offline alike) until it is, with the fieldset's own message.
  function checkGroups(root) {
    (root || document).querySelectorAll("fieldset[data-required-group]").forEach(function (fs) {
      var boxes = fs.querySelectorAll("input[type=checkbox]");
      if (!boxes.length) { return; }
      var ticked = Array.prototype.some.call(boxes, function (b) { return b.checked; });
      boxes[0].setCustomValidity(ticked ? "" : fs.getAttribute("data-required-group"));
    });
  }
  document.addEventListener("change", function (e) {
    if (e.target && e.target.form) { checkGroups(e.target.form); }
  });

  var saving = false;
  document.addEventListener("submit", function (e) {
    var form = e.target, marker = form.querySelector ? form.querySelector("[data-offline-kind]") : null;
    if (!marker) { return; }
    if (saving) { e.preventDefault(); return; }  // a second tap while the phone is still saving
    var editing = marker.getAttribute("data-offline-editing") || "";
    if (!marker.value) { marker.value = uuid(); }  // posted online too; the desk view ignores it
    if (navigator.onLine && !editing) { return; }
    e.preventDefault();
    checkGroups(form);
    if (!form.checkValidity()) { form.reportValidity(); return; }
    saving = true;
    var record = formRecord(form, marker);
    (editing ? getOne(editing) : Promise.resolve(null)).then(function (old) {
      if (old && !record.photo && old.photo) { record.photo = old.photo; record.photoName = old.photoName; }
      return withStore("readwrite", function (s) { return s.put(record); });
    }).then(function () {
      form.reset();
      marker.value = "";
      marker.removeAttribute("data-offline-editing");
      checkGroups(form);
      return refresh(false, navigator.onLine ? "" : text("saved", 0));
    }).then(function () {
      saving = false;
      if (navigator.onLine) { return sync(); }
    }, function () { saving = false; });
  }, true);

  // 修改后重新提交: the refused item's own page opens with its form filled in; saving it replaces the item in the
  // queue (same key) and sends it again. 放弃此条 removes it after a confirm.
  var EDIT = "minzheng-offline-edit";
  document.addEventListener("click", function (e) {
    var btn = e.target && e.target.closest ? e.target.closest("[data-sync-action]") : null;
    if (!btn) { return; }
    var key = btn.getAttribute("data-sync-key");
    if (btn.getAttribute("data-sync-action") === "discard") {
      if (window.confirm(text("confirm", 0))) { discard(key); }
      return;
    }
    getOne(key).then(function (r) {
      if (!r || !r.url) { return; }
      try { sessionStorage.setItem(EDIT, key); } catch (err) { return; }
      if (window.location.pathname === r.url) { prefill(); } else { window.location.assign(r.url); }
    });
  });
  function prefill() {
    var key = "";
    try { key = sessionStorage.getItem(EDIT) || ""; } catch (err) { return; }
    if (!key) { return; }
    getOne(key).then(function (r) {
      if (!r || r.user !== currentUser()) { return; }
      var marker = document.querySelector("[data-offline-kind='" + r.kind + "'][data-offline-subject='" + r.subject + "']");
      if (!marker) { return; }
      sessionStorage.removeItem(EDIT);
      var form = marker.form;
      Array.prototype.forEach.call(form.elements, function (el) {
        if (!el.name || !(el.name in r.fields) || el.type === "file" || el.type === "hidden") { return; }
        var values = r.fields[el.name];
        if (el.type === "checkbox" || el.type === "radio") { el.checked = values.indexOf(el.value) >= 0; }
        else if (el.type !== "submit" && el.type !== "button") { el.value = values[0]; }
      });
      marker.value = r.key;
      marker.setAttribute("data-offline-editing", r.key);
      checkGroups(form);
      var status = form.querySelector("[data-sync-status]");
      if (status) { status.textContent = text("editing", 0) + r.error; }
      form.scrollIntoView();
    });
  }
  window.addEventListener("online", function () { sync(); });
  document.addEventListener("DOMContentLoaded", function () { checkGroups(); prefill(); refresh(false).then(sync); });
})();
