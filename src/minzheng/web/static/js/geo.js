// 掌上办: a field form's position from the browser, where it gives one (no inline script: CSP). Fills the
// form's input[data-geo] fields and says in Chinese (the include's data attributes) whether it worked;
// without a position the form is saved all the same.
(function () {
  "use strict";
  function locate(form) {
    var lat = form.querySelector("[data-geo=latitude]"), lon = form.querySelector("[data-geo=longitude]");
    var status = form.querySelector("[data-geo-status]");
    if (!lat || !lon || lat.value) { return; }
    function say(name) { if (status) { status.textContent = status.getAttribute("data-text-" + name) || ""; } }
    if (!navigator.geolocation) { say("denied"); return; }
    navigator.geolocation.getCurrentPosition(function (p) {
      lat.value = p.coords.latitude.toFixed(6);
      lon.value = p.coords.longitude.toFixed(6);
      say("located");
    }, function () { say("denied"); }, {timeout: 10000, maximumAge: 60000, enableHighAccuracy: true});
  }
  function all() {
    document.querySelectorAll("form").forEach(function (form) {
      if (form.querySelector("[data-geo]")) { locate(form); }
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", all); } else { all(); }
})();
