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

  // one parcel of the compact map payload as a GeoJSON feature: [宗地编号, category, 亩, geometry], where a
  // one-ring polygon is [lon0, lat0, [Δlon…], [Δlat…]] in 1/scale degree and anything else is GeoJSON already
  function feature(p, scale) {
    var g = p[3];
    if (Array.isArray(g)) {
      var x = g[0], y = g[1], ring = [[x / scale, y / scale]];
      for (var i = 0; i < g[2].length; i++) {
        x += g[2][i]; y += g[3][i];
        ring.push([x / scale, y / scale]);
      }
      g = { type: "Polygon", coordinates: [ring] };
    }
    return { type: "Feature", properties: { name: p[0] }, geometry: g };
  }

  // the parcel map: the compact payload fetched from data-geo-src, registered as an ECharts map (no online base map),
  // each parcel filled by its category; a click opens the parcel's page (data-map-link + 宗地编号)
  function renderMaps(root) {
    if (!window.echarts) return;
    (root || document).querySelectorAll("[data-geo-src]").forEach(function (el) {
      if (el.getAttribute("data-rendered")) return;
      el.setAttribute("data-rendered", "loading");
      var labels = JSON.parse(el.getAttribute("data-map-labels") || "{}");
      fetch(el.getAttribute("data-geo-src"), { credentials: "same-origin" })
        .then(function (r) { return r.json(); })
        .then(function (payload) {
          var cats = payload.meta.categories;
          var name = "parcels-" + Date.now();
          var geo = { type: "FeatureCollection", features: payload.parcels.map(function (p) { return feature(p, payload.scale); }) };
          window.echarts.registerMap(name, geo);
          var data = payload.parcels.map(function (p) {
            return { name: p[0], value: p[2], cat: p[1], itemStyle: { areaColor: cats[p[1]].color } };
          });
          var chart = window.echarts.init(el, null, { renderer: "canvas" });
          chart.setOption({
            animation: false,
            tooltip: {
              trigger: "item",
              formatter: function (p) {
                var d = p.data || {};
                return p.name + "<br>" + (d.value == null ? "" : d.value + " " + (labels.area || "")) + "<br>" +
                  (cats[d.cat] ? cats[d.cat].title : "");
              }
            },
            series: [{
              type: "map", map: name, roam: true, selectedMode: false, nameProperty: "name",
              itemStyle: { borderColor: "#333", borderWidth: 0.5 },
              emphasis: { label: { show: false }, itemStyle: { borderColor: "#000", borderWidth: 1.5 } },
              label: { show: false },
              data: data
            }]
          });
          var link = el.getAttribute("data-map-link");
          chart.on("click", function (p) { if (link && p.name) window.location.href = link + encodeURIComponent(p.name); });
          Object.keys(payload.meta.counts).forEach(function (k) {
            var c = document.querySelector('[data-count="' + k + '"]');
            if (c) c.textContent = payload.meta.counts[k];
          });
          var note = document.getElementById("map-note");
          if (note && payload.meta.unmapped) note.textContent += " " + payload.meta.unmapped + " " + (labels.unmapped || "");
          el.setAttribute("data-rendered", "1");
          el.setAttribute("data-drawn", String(payload.meta.drawn));
          charts.push(chart);
        })
        .catch(function (e) { el.setAttribute("data-rendered", "error"); if (window.console) console.error("map: " + e); });
    });
  }

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  document.addEventListener("DOMContentLoaded", function () { renderCharts(document); renderMaps(document); });
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
