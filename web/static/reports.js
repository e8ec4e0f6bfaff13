// Report pages: the print button (no inline handler: the pages' policy allows only script files).
(function () {
  "use strict";

  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-print]")) window.print();
  });
})();
