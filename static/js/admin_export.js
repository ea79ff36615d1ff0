// The admin export page's 「全选」 box (templates/admin/import_export/export.html), bound here
// because the portal's Content Security Policy refuses django-import-export's inline onchange:
// it ticks or unticks every column of its own resource (one box per resource).
(function () {
  "use strict";
  document.querySelectorAll("input.select-toggle").forEach(function (toggle) {
    var resource = toggle.closest("[resource-index]").getAttribute("resource-index");
    var boxes = '.selectable-field-export-row[resource-index="' + resource + '"] input[type="checkbox"]';
    toggle.addEventListener("change", function () {
      document.querySelectorAll(boxes).forEach(function (box) {
        box.checked = toggle.checked;
      });
    });
  });
}());
