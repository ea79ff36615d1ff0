// The report job page: polls the job's state every second, moves the progress bar, and shows
// the links to the draft and its PDF when done, or the reason when it failed.
(function () {
  "use strict";
  var box = document.getElementById("report-job");
  if (!box) { return; }
  var bar = document.getElementById("job-progress");
  var message = document.getElementById("job-message");
  var done = document.getElementById("job-done");
  var open = document.getElementById("job-open");
  var pdf = document.getElementById("job-pdf");
  var failures = 0;

  function show(state) {
    if (state.retry_url) {  // its worker died and the job was queued again: follow the retry
      window.location.assign(state.retry_url);
      return true;
    }
    bar.value = state.progress;
    bar.textContent = state.progress + "%";
    box.dataset.status = state.status;
    message.textContent = state.message;
    if (state.status === "done") {
      open.href = state.report_url;
      pdf.href = state.pdf_url;
      done.hidden = false;
      return true;
    }
    return state.status === "failed";
  }

  function poll() {
    fetch(box.dataset.statusUrl, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) { throw new Error(response.status); }
        return response.json();
      })
      .then(function (state) {
        failures = 0;
        if (!show(state)) { window.setTimeout(poll, 1000); }
      })
      .catch(function () {
        failures += 1;
        message.textContent = box.dataset.offline;
        window.setTimeout(poll, Math.min(10000, 1000 * failures));
      });
  }

  if (box.dataset.status !== "done" && box.dataset.status !== "failed") { poll(); }
}());
