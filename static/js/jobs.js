// A job's page: its progress bar follows the job (jobs:progress, every 1.5 s) and the page
// reloads itself when the job ends, to show the preview, the file or why it failed.
// Without JavaScript the page's "Muat ulang" link does the same by hand.
(function () {
  "use strict";

  var EVERY_MS = 1500;
  var box = document.querySelector("[data-job-progress]");
  if (!box) {
    return;
  }
  var url = box.getAttribute("data-job-progress");
  var bar = box.querySelector("progress");
  var text = box.querySelector("[data-job-text]");

  function show(state) {
    if (state.percent === null) {
      bar.removeAttribute("value"); // indeterminate: the total is not known (an export)
      bar.textContent = "";
    } else {
      bar.value = state.percent;
      bar.textContent = state.percent + "%";
    }
    if (text.textContent !== state.text) {
      text.textContent = state.text;
    }
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(response.status);
        }
        return response.json();
      })
      .then(function (state) {
        show(state);
        if (state.is_finished || state.is_interrupted) {
          window.location.reload();
        } else {
          window.setTimeout(poll, EVERY_MS);
        }
      })
      .catch(function () {
        window.setTimeout(poll, EVERY_MS * 2); // the server restarting, a dropped connection: try again
      });
  }

  window.setTimeout(poll, EVERY_MS);
})();
