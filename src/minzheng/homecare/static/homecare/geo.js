// Check-in/out: fill the form's position from the browser's geolocation; when it is denied or missing,
// say so (the Chinese text comes from the form's data attributes) and the carer writes a reason instead.
document.querySelectorAll("form.geo-form").forEach(function (form) {
  var status = form.querySelector(".geo-status");
  var denied = form.dataset.denied;
  if (!navigator.geolocation) { status.textContent = denied; return; }
  navigator.geolocation.getCurrentPosition(function (p) {
    form.elements.latitude.value = p.coords.latitude.toFixed(6);
    form.elements.longitude.value = p.coords.longitude.toFixed(6);
    status.textContent = form.dataset.located;
  }, function () { status.textContent = denied; }, {timeout: 8000, maximumAge: 0});
});
