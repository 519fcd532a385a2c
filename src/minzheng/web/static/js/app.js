// No inline script anywhere (CSP): behaviour hangs off data attributes.
document.addEventListener("change", function (e) {
  if (e.target.classList && e.target.classList.contains("autosubmit")) { e.target.form.submit(); }
});
document.addEventListener("htmx:confirm", function (e) {
  var msg = e.target.getAttribute("data-confirm");
  if (msg) { e.preventDefault(); if (window.confirm(msg)) { e.detail.issueRequest(true); } }
});
// A button that must leave htmx out (a file download): submit its form natively to another URL.
document.addEventListener("click", function (e) {
  var btn = e.target.closest ? e.target.closest("[data-submit-to]") : null;
  if (!btn || !btn.form) { return; }
  e.preventDefault();
  var form = btn.form, action = form.getAttribute("action");
  form.setAttribute("action", btn.getAttribute("data-submit-to"));
  form.submit();  // submit() fires no submit event, so htmx does not swap the file into the page
  if (action === null) { form.removeAttribute("action"); } else { form.setAttribute("action", action); }
});
// Region cascade (county → township → village): choosing one level loads the next from region_children.
document.addEventListener("change", function (e) {
  var sel = e.target;
  if (!sel.matches || !sel.matches("select[data-cascade-next]")) { return; }
  var next = document.querySelector(sel.getAttribute("data-cascade-next"));
  for (var s = next; s; ) {
    s.innerHTML = '<option value="">—</option>';
    var n = s.getAttribute("data-cascade-next");
    s = n ? document.querySelector(n) : null;
  }
  if (!sel.value || !next) { return; }
  fetch(sel.getAttribute("data-cascade-url") + "?code=" + encodeURIComponent(sel.value), {
    credentials: "same-origin", headers: {"HX-Request": "true"}
  }).then(function (r) { return r.ok ? r.text() : ""; }).then(function (html) {
    if (html) { next.innerHTML = html; }
  });
});
// Programme-specific parts of a form: shown and enabled only for their programme (disabled fields are not
// posted, so a hidden section cannot carry stale input).
function minzhengProgramme(select) {
  var value = select.value;
  document.querySelectorAll("[data-programme]").forEach(function (part) {
    var on = part.getAttribute("data-programme").split(" ").indexOf(value) >= 0;
    part.hidden = !on;
    part.disabled = !on;
  });
}
document.addEventListener("change", function (e) {
  if (e.target.matches && e.target.matches("select[data-programme-switch]")) { minzhengProgramme(e.target); }
});
document.addEventListener("DOMContentLoaded", function () {
  var select = document.querySelector("select[data-programme-switch]");
  if (select) { minzhengProgramme(select); }
});
// 打印 buttons inside the desk pages (letters shown within the layout).
document.addEventListener("click", function (e) {
  if (e.target.closest && e.target.closest("[data-print]")) { e.preventDefault(); window.print(); }
});
// 菜单 on a phone: the header's navigation folds behind one button (CSS hides it below 640 px).
document.addEventListener("click", function (e) {
  var btn = e.target.closest ? e.target.closest("[data-menu-toggle]") : null;
  if (!btn) { return; }
  var header = btn.closest("header");
  var open = header.classList.toggle("open");
  btn.setAttribute("aria-expanded", open ? "true" : "false");
});
