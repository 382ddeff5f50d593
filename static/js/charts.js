/* Draws every figure on the page: <div data-figure="ID"> reads the JSON of
   <script id="ID" type="application/json"> (written by Django's json_script).
   Without JavaScript the table beside each chart carries the same numbers. */
(function () {
  "use strict";
  function draw() {
    if (!window.Plotly) { return; }
    document.querySelectorAll("[data-figure]").forEach(function (target) {
      var source = document.getElementById(target.getAttribute("data-figure"));
      if (!source) { return; }
      var figure = JSON.parse(source.textContent);
      target.classList.remove("chart-placeholder");
      // No mode bar: its buttons would be focusable controls, hidden until hover, inside
      // the chart's role="img" (WCAG 4.1.2); the numbers are in the table beside it.
      window.Plotly.newPlot(target, figure.data, figure.layout, {
        responsive: true,
        displayModeBar: false
      });
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
