// The operator's day page: keep the untouched "time aired" fields at the present time.
// "Now" in the fields is the time the page was loaded; an operator often opens the page
// before the session and confirms after it. Count from the server's clock (in the
// stations' zone, given on .station-page), not from the phone's.
(function () {
  "use strict";

  document.addEventListener("DOMContentLoaded", function () {
    var page = document.querySelector(".station-page[data-server-now]");
    if (!page) return;
    var serverNow = Number(page.getAttribute("data-server-now"));
    var offset = Number(page.getAttribute("data-zone-offset"));
    var loaded = Date.now();

    function pad(n) { return (n < 10 ? "0" : "") + n; }
    // data-now="time" holds 06:31 (24-hour), data-now="date" holds 30/11/2026.
    function present(kind) {
      var t = new Date(serverNow + (Date.now() - loaded) + offset);
      if (kind === "date") {
        return pad(t.getUTCDate()) + "/" + pad(t.getUTCMonth() + 1) + "/" + t.getUTCFullYear();
      }
      return pad(t.getUTCHours()) + ":" + pad(t.getUTCMinutes());
    }
    function refresh() {
      document.querySelectorAll("input[data-now]").forEach(function (input) {
        input.value = present(input.getAttribute("data-now"));
      });
    }

    // Touching the time or the date keeps both as they are (they are one moment).
    document.addEventListener("input", function (event) {
      var group = event.target.closest("fieldset") || event.target;
      group.querySelectorAll("[data-now]").forEach(function (input) { input.removeAttribute("data-now"); });
      event.target.removeAttribute("data-now");
    });
    document.addEventListener("visibilitychange", function () { if (!document.hidden) refresh(); });
    document.addEventListener("submit", refresh, true);
    setInterval(refresh, 30000);
  });
})();
