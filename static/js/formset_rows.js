// Add and remove a formset's rows in the page, without saving first. A table marked
// data-formset="<prefix>" gets a button that copies its <template id="<prefix>-template">
// (Django's empty_form, "__prefix__" replaced by the next index) and counts the row in
// TOTAL_FORMS, up to MAX_NUM_FORMS. A row added here can be removed again before saving (the
// formset ignores a missing index); a saved row is deleted with its own 删除 box, as before.
(function () {
  "use strict";
  document.documentElement.classList.add("scripted");  // hides the "save for more rows" notes
  document.querySelectorAll("table[data-formset]").forEach(function (table) {
    var prefix = table.dataset.formset;
    var template = document.getElementById(prefix + "-template");
    var total = document.getElementById("id_" + prefix + "-TOTAL_FORMS");
    var max = document.getElementById("id_" + prefix + "-MAX_NUM_FORMS");
    if (!template || !total) { return; }
    var add = document.createElement("button");
    add.type = "button";
    add.className = "add-row";
    add.textContent = "+ " + table.dataset.addLabel;
    (table.closest(".scroll") || table).after(add);
    var body = table.tBodies[0];
    // as many rows as the formset takes (a removed row leaves its index unused, not counted)
    function full() { return max && body.rows.length >= parseInt(max.value, 10); }
    add.disabled = full();
    add.addEventListener("click", function () {
      if (full()) { return; }
      var index = parseInt(total.value, 10);
      body.insertAdjacentHTML("beforeend", template.innerHTML.replace(/__prefix__/g, String(index)));
      total.value = String(index + 1);
      var row = body.lastElementChild;
      var remove = document.createElement("button");
      remove.type = "button";
      remove.className = "link danger remove-row";
      remove.textContent = table.dataset.removeLabel;
      remove.addEventListener("click", function () {
        row.remove();
        add.disabled = full();
        add.focus();
      });
      row.lastElementChild.appendChild(remove);
      add.disabled = full();
      var first = row.querySelector("input:not([type=hidden]), select, textarea");
      if (first) { first.focus(); }
    });
  });
})();
