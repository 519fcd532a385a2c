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
