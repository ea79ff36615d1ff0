// Every page: the header's menu folds behind the 菜单 button on narrow screens, and a table wider
// than its box says that it scrolls sideways. Loaded right after the header, so the menu is
// folded before the page is drawn; without script the menu simply stays open.
(function () {
  "use strict";
  const header = document.getElementById("topbar");
  const toggle = header && header.querySelector(".menu-toggle");
  if (toggle) {
    header.classList.add("folding");
    toggle.hidden = false;
    toggle.addEventListener("click", function () {
      const open = header.classList.toggle("open");
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && header.classList.contains("open")) {
        header.classList.remove("open");
        toggle.setAttribute("aria-expanded", "false");
        toggle.focus();
      }
    });
  }

  // <div class="scroll"> holds a wide table: when it overflows, a line above it says so; one
  // marked data-scroll-end (months, oldest first) starts scrolled to its latest column.
  function hint(box) {
    let note = box.previousElementSibling;
    if (!note || !note.classList.contains("scroll-hint")) {
      note = document.createElement("p");
      note.className = "scroll-hint";
      note.textContent = document.body.dataset.scrollHint || "";
      box.before(note);
    }
    const wide = box.scrollWidth > box.clientWidth + 1;
    note.hidden = !wide;
    box.classList.toggle("overflowing", wide);
    // a box that scrolls is reached by the keyboard too (WCAG 2.1.1)
    if (wide) box.tabIndex = 0;
    else box.removeAttribute("tabindex");
    if (wide && box.hasAttribute("data-scroll-end") && !box.dataset.scrolled) {
      box.scrollLeft = box.scrollWidth;
      box.dataset.scrolled = "1";
    }
  }
  function hints() {
    document.querySelectorAll(".scroll").forEach(hint);
  }
  document.addEventListener("DOMContentLoaded", hints);
  let pending = null;
  window.addEventListener("resize", function () {
    clearTimeout(pending);
    pending = setTimeout(hints, 150);
  });
})();
