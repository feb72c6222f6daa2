(function () {
  "use strict";
  // Every element standing for a unit, in the essay and in the map; ids are compared, never put in selectors.
  var units = Array.prototype.slice.call(document.querySelectorAll("[data-unit-id]"));
  var selected = null;

  function mark(id, cls, on) {
    units.forEach(function (el) {
      if (el.getAttribute("data-unit-id") === id) { el.classList.toggle(cls, on); }
    });
  }

  function reveal(from) {
    var id = from.getAttribute("data-unit-id");
    var pane = from.closest(".pane");
    for (var i = 0; i < units.length; i++) {
      var el = units[i];
      if (el.getAttribute("data-unit-id") === id && el.closest(".pane") !== pane) {
        el.scrollIntoView({ block: "nearest", inline: "nearest" });
        return;
      }
    }
  }

  function select(id) {
    if (selected !== null) { mark(selected, "selected", false); }
    selected = selected === id ? null : id;
    if (selected !== null) { mark(selected, "selected", true); }
    document.body.setAttribute("data-selected", selected === null ? "" : selected);
  }

  units.forEach(function (el) {
    var id = el.getAttribute("data-unit-id");
    el.addEventListener("mouseenter", function () { mark(id, "hover", true); });
    el.addEventListener("mouseleave", function () { mark(id, "hover", false); });
    el.addEventListener("focus", function () { mark(id, "hover", true); });
    el.addEventListener("blur", function () { mark(id, "hover", false); });
    el.addEventListener("click", function (event) {
      event.stopPropagation();
      select(id);
      reveal(el);
    });
    el.addEventListener("keydown", function (event) {
      if (event.key === "Enter" || event.key === " ") {
        event.preventDefault();
        select(id);
        reveal(el);
      }
    });
  });

  // A link ending in #unit=<id> opens the page with that unit selected.
  var wanted = /^#unit=(.+)$/.exec(window.location.hash);
  var wantedId = null;
  try { wantedId = wanted ? decodeURIComponent(wanted[1]) : null; } catch (e) { wantedId = null; }
  if (wantedId !== null && units.some(function (el) { return el.getAttribute("data-unit-id") === wantedId; })) {
    select(wantedId);
    ["essay", "map"].forEach(function (pane) {
      var first = units.filter(function (el) {
        return el.getAttribute("data-unit-id") === wantedId && el.closest(".pane").id === pane;
      })[0];
      if (first) { first.scrollIntoView({ block: "center", inline: "nearest" }); }
    });
  }
  document.body.setAttribute("data-ready", "true");
})();
