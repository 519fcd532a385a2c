// No inline script anywhere (CSP): behaviour hangs off data attributes.
document.addEventListener("change", function (e) {
  if (e.target.classList && e.target.classList.contains("autosubmit")) { e.target.form.submit(); }
});
document.addEventListener("htmx:confirm", function (e) {
  var msg = e.target.getAttribute("data-confirm");
  if (msg) { e.preventDefault(); if (window.confirm(msg)) { e.detail.issueRequest(true); } }
});
