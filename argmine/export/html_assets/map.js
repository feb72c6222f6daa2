(function () {
  "use strict";
  // Every element standing for a unit, in the essay and in the map; ids are compared, never put in selectors.
  var units = Array.prototype.slice.call(document.querySelectorAll("[data-unit-id]"));
  var nodes = units.filter(function (el) { return el.classList.contains("node"); });
  var mapPane = document.getElementById("map");
  var canvas = document.getElementById("canvas");
  var body = document.body;
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
      if (el.getAttribute("data-unit-id") === id && el.closest(".pane") !== pane && el.offsetParent !== null) {
        el.scrollIntoView({ block: "nearest", inline: "nearest" });
        return;
      }
    }
  }

  function select(id) {
    if (selected !== null) { mark(selected, "selected", false); }
    selected = selected === id ? null : id;
    if (selected !== null) { mark(selected, "selected", true); }
    nodes.forEach(function (el) {
      el.setAttribute("aria-pressed", el.getAttribute("data-unit-id") === selected ? "true" : "false");
    });
    body.setAttribute("data-selected", selected === null ? "" : selected);
  }

  units.forEach(function (el) {
    var id = el.getAttribute("data-unit-id");
    el.addEventListener("mouseenter", function () { mark(id, "hover", true); });
    el.addEventListener("mouseleave", function () { mark(id, "hover", false); });
    el.addEventListener("focus", function () { mark(id, "hover", true); });
    el.addEventListener("blur", function () { mark(id, "hover", false); });
    el.addEventListener("click", function (event) {
      event.stopPropagation();
      if (event.target.closest && event.target.closest("button")) { return; }
      select(id);
      reveal(el);
    });
    el.addEventListener("keydown", function (event) {
      if (event.target !== el) { return; }
      if (event.key === "Enter" || event.key === " ") {
        event.preventDefault();
        select(id);
        reveal(el);
      }
    });
  });

  // Collapse and expand: a unit's button hides or shows what supports or attacks it.
  function setCollapsed(button, collapsed) {
    var item = button.closest("li");
    item.classList.toggle("collapsed", collapsed);
    button.setAttribute("aria-expanded", collapsed ? "false" : "true");
    button.textContent = collapsed ? "▸" : "▾";
    var hidden = item.querySelectorAll("ul .node:not(.repeat)").length;
    button.setAttribute("data-hidden", collapsed ? String(hidden) : "");
    var id = button.closest(".node").getAttribute("data-unit-id");
    button.setAttribute("aria-label", (collapsed ? "expand " + hidden + " units under " : "collapse what supports or attacks ") + id);
  }
  var toggles = Array.prototype.slice.call(document.querySelectorAll("#map .toggle"));
  toggles.forEach(function (button) {
    button.addEventListener("click", function (event) {
      event.stopPropagation();
      setCollapsed(button, button.getAttribute("aria-expanded") === "true");
      update();
    });
  });
  function all(collapsed) {
    // Collapsing every subtree but the thesis's keeps its claims in view.
    toggles.forEach(function (b) { setCollapsed(b, collapsed && !b.closest(".node").classList.contains("thesis")); });
    update();
  }
  document.getElementById("collapse-all").addEventListener("click", function () { all(true); });
  document.getElementById("expand-all").addEventListener("click", function () { all(false); });

  // Filters: kind, evidence type (evidence only), stance, and the score threshold.
  var threshold = document.getElementById("threshold");
  var thresholdValue = document.getElementById("threshold-value");
  function allowed(name) {
    var out = {};
    document.querySelectorAll('input[name="' + name + '"]').forEach(function (box) { out[box.value] = box.checked; });
    return out;
  }
  function update() {
    var kinds = allowed("kind"), etypes = allowed("etype"), stances = allowed("stance");
    var min = parseFloat(threshold.value);
    thresholdValue.textContent = min.toFixed(2);
    threshold.setAttribute("aria-valuetext", "units scored under " + min.toFixed(2) + " hidden");
    var shown = {};
    units.forEach(function (el) {
      var kind = el.getAttribute("data-kind");
      var ok = kinds[kind] !== false;
      if (el.hasAttribute("data-score")) {
        ok = ok && (kind !== "evidence" || etypes[el.getAttribute("data-etype")] !== false);
        ok = ok && stances[el.getAttribute("data-stance")] !== false;
        ok = ok && parseFloat(el.getAttribute("data-score")) >= min - 1e-9;
        shown[el.getAttribute("data-unit-id")] = ok;
      }
    });
    var total = 0, visible = 0;
    units.forEach(function (el) {
      var ok = shown[el.getAttribute("data-unit-id")] !== false;
      el.classList.toggle("filtered", !ok);
      if (el.classList.contains("node") && !el.classList.contains("repeat")) {
        total += 1;
        if (ok && el.offsetParent !== null) { visible += 1; }
      }
    });
    document.getElementById("status").textContent = visible + " of " + total + " units shown";
    body.setAttribute("data-shown", String(visible));
  }
  document.querySelectorAll("#controls input").forEach(function (input) {
    input.addEventListener("input", update);
    input.addEventListener("change", update);
  });
  var showUnmapped = document.getElementById("show-unmapped");
  showUnmapped.addEventListener("change", function () { body.classList.toggle("hide-unmapped", !showUnmapped.checked); });

  // Zoom (CSS zoom keeps the pane's scrolling, so panning is just scrolling) and drag to pan.
  var zoom = 1;
  function setZoom(z) {
    zoom = Math.min(3, Math.max(0.25, Math.round(z * 100) / 100));
    canvas.style.zoom = String(zoom);
    document.getElementById("zoom-reset").textContent = Math.round(zoom * 100) + "%";
    body.setAttribute("data-zoom", String(zoom));
  }
  document.getElementById("zoom-in").addEventListener("click", function () { setZoom(zoom * 1.25); });
  document.getElementById("zoom-out").addEventListener("click", function () { setZoom(zoom / 1.25); });
  document.getElementById("zoom-reset").addEventListener("click", function () { setZoom(1); });
  mapPane.addEventListener("wheel", function (event) {
    if (event.ctrlKey) { event.preventDefault(); setZoom(zoom * (event.deltaY < 0 ? 1.1 : 1 / 1.1)); }
  }, { passive: false });
  mapPane.addEventListener("keydown", function (event) {
    if (event.target !== mapPane) { return; }
    if (event.key === "+" || event.key === "=") { setZoom(zoom * 1.25); }
    else if (event.key === "-") { setZoom(zoom / 1.25); }
    else if (event.key === "0") { setZoom(1); }
  });
  var drag = null;
  mapPane.addEventListener("pointerdown", function (event) {
    if (event.button !== 0 || event.target.closest(".node")) { return; }
    drag = { x: event.clientX, y: event.clientY, left: mapPane.scrollLeft, top: mapPane.scrollTop };
    mapPane.classList.add("panning");
  });
  window.addEventListener("pointermove", function (event) {
    if (drag === null) { return; }
    mapPane.scrollLeft = drag.left - (event.clientX - drag.x);
    mapPane.scrollTop = drag.top - (event.clientY - drag.y);
  });
  window.addEventListener("pointerup", function () { drag = null; mapPane.classList.remove("panning"); });

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
  setZoom(1);
  update();
  body.setAttribute("data-ready", "true");
})();
