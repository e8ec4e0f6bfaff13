// Content pages: live preview of the spoken form, a character counter, and render-job polling.
// Everything here is an enhancement: without JS the "Xem trước" button and a meta refresh do the same.
(function () {
  "use strict";

  function csrfToken() {
    var field = document.querySelector('input[name="csrf_token"]');
    return field ? field.value : "";
  }

  function setupPreview(form) {
    var body = form.querySelector('textarea[name="body"]');
    var out = document.getElementById("spoken");
    var counter = form.querySelector(".char-count");
    var url = form.getAttribute("data-preview-url");
    if (!body || !out || !url) return;
    var max = parseInt(body.getAttribute("data-max") || "0", 10);
    var timer = null;
    var latest = 0;

    function count() {
      if (!counter) return;
      counter.textContent = String(body.value.length);
      counter.classList.toggle("over", max > 0 && body.value.length > max);
    }

    function refresh() {
      var ticket = ++latest;
      out.classList.add("pending");
      fetch(url, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
        body: JSON.stringify({ body: body.value })
      })
        .then(function (response) { return response.json(); })
        .then(function (data) {
          if (ticket !== latest) return; // an older answer arriving late
          out.textContent = data.spoken !== undefined ? data.spoken : (data.error || "");
        })
        .catch(function () { /* keep the last preview; the button still works */ })
        .then(function () { if (ticket === latest) out.classList.remove("pending"); });
    }

    body.addEventListener("input", function () {
      count();
      clearTimeout(timer);
      timer = setTimeout(refresh, 400);
    });
    count();
  }

  function setupJob(box) {
    var url = box.getAttribute("data-job-url");
    var state = box.getAttribute("data-state");
    if (!url || state === "done" || state === "failed" || state === "interrupted") return;
    var message = box.querySelector(".job-message");

    function poll() {
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) { return response.json(); })
        .then(function (job) {
          if (job.message && message) message.textContent = job.message;
          if (job.finished || job.error) {
            window.location.reload();
          } else {
            setTimeout(poll, 1500);
          }
        })
        .catch(function () { setTimeout(poll, 4000); });
    }
    setTimeout(poll, 1000);
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.querySelector("form.edit");
    if (form) setupPreview(form);
    var job = document.getElementById("job");
    if (job) setupJob(job);
  });
})();
