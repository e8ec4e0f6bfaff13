// The plan page: follow a planning job running in the background, then show its outcome.
// An enhancement: without JS a meta refresh in <noscript> reloads the page until it is done.
(function () {
  "use strict";

  function follow(box) {
    var url = box.getAttribute("data-job-url");
    if (!url) return;
    var message = box.querySelector(".plan-job-message");
    var bar = box.querySelector("progress");

    function poll() {
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) { return response.json(); })
        .then(function (job) {
          if (job.state) box.setAttribute("data-plan-job-state", job.state);
          if (job.message && message) message.textContent = job.message;
          if (bar && typeof job.progress === "number") bar.value = job.progress;
          if (job.finished || job.error) {
            window.location.reload();
          } else {
            setTimeout(poll, 1000);
          }
        })
        .catch(function () { setTimeout(poll, 4000); });
    }
    setTimeout(poll, 700);
  }

  document.addEventListener("DOMContentLoaded", function () {
    var box = document.getElementById("plan-job");
    if (box && box.getAttribute("data-job-url")) follow(box);
  });
})();
