// The network survey's answer table: a box that narrows the list of partners by name.
// Rows are only hidden, never removed, so everything ticked is still sent with the form.
(function () {
  "use strict";
  var box = document.getElementById("partner-filter");
  if (!box) return;
  box.parentElement.hidden = false;
  var rows = document.querySelectorAll(".answer-table tbody tr");
  box.addEventListener("input", function () {
    var text = box.value.trim().toLowerCase();
    rows.forEach(function (row) {
      row.hidden = text !== "" && row.dataset.partner.indexOf(text) === -1;
    });
  });
})();
