/* gaoxin web: charts from JSON blocks, CSRF header on htmx requests. No inline scripts (CSP script-src 'self'). */
(function () {
  "use strict";
  var charts = [];

  function renderCharts(root) {
    if (!window.echarts) return;
    (root || document).querySelectorAll("[data-chart]").forEach(function (el) {
      if (el.getAttribute("data-rendered")) return;
      var src = document.getElementById(el.getAttribute("data-chart"));
      if (!src) return;
      var chart = window.echarts.init(el, null, { renderer: "canvas" });
      chart.setOption(JSON.parse(src.textContent));
      if (el.hasAttribute("data-chart-anchor")) chart.on("click", goToAnchor);
      el.setAttribute("data-rendered", "1");
      charts.push(chart);
    });
  }

  // a chart item carrying `anchor` (a chain node) jumps to the element with that id (its table row)
  function goToAnchor(params) {
    var id = params && params.data && params.data.anchor;
    var target = id && document.getElementById(id);
    if (!target) return;
    document.querySelectorAll("[data-anchored]").forEach(function (x) {
      x.removeAttribute("data-anchored");
      x.style.outline = "";
    });
    target.setAttribute("data-anchored", "1");
    target.style.outline = "2px solid #1f5fa8";
    target.scrollIntoView({ block: "center" });
  }

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  document.addEventListener("DOMContentLoaded", function () { renderCharts(document); });
  document.addEventListener("htmx:after:swap", function () { renderCharts(document); });
  document.addEventListener("htmx:config:request", function (evt) {
    var ctx = evt.detail && evt.detail.ctx;
    if (ctx && ctx.request && ctx.request.headers) ctx.request.headers["X-CSRF-Token"] = csrfToken();
  });
  window.addEventListener("resize", function () {
    charts.forEach(function (c) { if (!c.isDisposed()) c.resize(); });
  });
  // filter selects submit their form at once (the button stays for browsers without JavaScript)
  document.addEventListener("change", function (evt) {
    var el = evt.target;
    if (el && el.matches && el.matches("select[data-autosubmit]") && el.form && !el.form.hasAttribute("hx-get")) {
      el.form.submit();
    }
  });
})();
