// The visit form's two helpers; the form works without them.
// "Centang semua" ticks every member present; "Tambahkan lokasi saya" asks the browser
// for its location only when pressed, and fills the hidden latitude/longitude/accuracy.
(function () {
  "use strict";

  document.querySelectorAll("[data-tick-all]").forEach(function (button) {
    var name = button.getAttribute("data-tick-all");
    button.classList.remove("d-none");
    button.addEventListener("click", function () {
      document.querySelectorAll('input[type=checkbox][name="' + name + '"]').forEach(function (box) {
        box.checked = true;
      });
    });
  });

  var button = document.querySelector("[data-location-button]");
  var status = document.querySelector("[data-location-status]");
  if (!button || !status || !("geolocation" in navigator)) {
    return;
  }
  button.classList.remove("d-none");

  function field(name) {
    return document.querySelector('[data-location="' + name + '"]');
  }

  button.addEventListener("click", function () {
    status.textContent = button.getAttribute("data-waiting") || "Mencari lokasi…";
    navigator.geolocation.getCurrentPosition(
      function (position) {
        field("latitude").value = position.coords.latitude.toFixed(6);
        field("longitude").value = position.coords.longitude.toFixed(6);
        field("accuracy").value = Math.round(position.coords.accuracy);
        status.textContent =
          (button.getAttribute("data-found") || "Lokasi ditambahkan, akurasi sekitar") +
          " " + Math.round(position.coords.accuracy) + " m.";
      },
      function () {
        status.textContent = button.getAttribute("data-failed") || "Lokasi tidak didapat; kunjungan tetap bisa disimpan.";
      },
      { enableHighAccuracy: true, timeout: 20000, maximumAge: 60000 }
    );
  });
})();
