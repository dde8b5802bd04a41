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

  // the outer rings of one parcel of the compact map payload ([宗地编号, category, 亩, geometry]): a one-ring
  // polygon comes as [lon0, lat0, [Δlon…], [Δlat…]] in 1/scale degree, any other shape as GeoJSON
  function rings(p, scale) {
    var g = p[3];
    if (Array.isArray(g)) {
      var x = g[0], y = g[1], ring = [[x / scale, y / scale]];
      for (var i = 0; i < g[2].length; i++) {
        x += g[2][i]; y += g[3][i];
        ring.push([x / scale, y / scale]);
      }
      return [ring];
    }
    if (g.type === "Polygon") return [g.coordinates[0]];
    if (g.type === "MultiPolygon") return g.coordinates.map(function (poly) { return poly[0]; });
    return [];
  }

  // the map option: every parcel a polygon of a custom series on lon/lat axes kept at the ground's aspect
  // (a degree of longitude is cos(latitude) of a degree of latitude) — twice as fast to draw as a map series
  // of 10k regions; zoom and pan with the wheel and drag (dataZoom inside, both axes)
  function mapOption(el, payload, labels) {
    var cats = payload.meta.categories, shapes = payload.parcels.map(function (p) { return rings(p, payload.scale); });
    var x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
    shapes.forEach(function (rs) {
      rs.forEach(function (r) {
        r.forEach(function (c) { x0 = Math.min(x0, c[0]); x1 = Math.max(x1, c[0]); y0 = Math.min(y0, c[1]); y1 = Math.max(y1, c[1]); });
      });
    });
    if (!isFinite(x0)) { x0 = 0; x1 = 1; y0 = 0; y1 = 1; }
    var pad = Math.max(x1 - x0, y1 - y0) * 0.03 || 0.001;
    x0 -= pad; x1 += pad; y0 -= pad; y1 += pad;
    var w = el.clientWidth || 800, h = el.clientHeight || 560, kx = Math.cos(((y0 + y1) / 2) * Math.PI / 180);
    var s = Math.min(w / ((x1 - x0) * kx), h / (y1 - y0)), gw = (x1 - x0) * kx * s, gh = (y1 - y0) * s;
    var big = payload.parcels.length > 3000;
    return {
      animation: false,
      grid: { left: (w - gw) / 2, top: (h - gh) / 2, width: gw, height: gh },
      xAxis: { type: "value", min: x0, max: x1, show: false },
      yAxis: { type: "value", min: y0, max: y1, show: false },
      dataZoom: [{ type: "inside", xAxisIndex: 0, filterMode: "none" }, { type: "inside", yAxisIndex: 0, filterMode: "none" }],
      tooltip: {
        trigger: "item",
        formatter: function (p) {
          var q = payload.parcels[p.dataIndex];
          return q[0] + "<br>" + (q[2] == null ? "" : q[2] + " " + (labels.area || "")) + "<br>" + (cats[q[1]] ? cats[q[1]].title : "");
        }
      },
      series: [{
        type: "custom", coordinateSystem: "cartesian2d", clip: true,
        data: payload.parcels.map(function (p, i) { return [i]; }),
        renderItem: function (params, api) {
          var i = api.value(0), fill = cats[payload.parcels[i][1]].color;
          var children = shapes[i].map(function (r) {
            return {
              type: "polygon", shape: { points: r.map(function (c) { return api.coord(c); }) },
              style: { fill: fill, stroke: "#333", lineWidth: 0.5 },
              emphasis: big ? undefined : { style: { stroke: "#000", lineWidth: 1.5 } }
            };
          });
          return children.length === 1 ? children[0] : { type: "group", children: children };
        }
      }]
    };
  }

  window.gaoxinMapOption = mapOption; // bench/land_bench.py times the page's own drawing

  // the parcel map: the compact payload fetched from data-geo-src (no online base map), each parcel filled by its
  // category; a click opens the parcel's page (data-map-link + 宗地编号)
  function renderMaps(root) {
    if (!window.echarts) return;
    (root || document).querySelectorAll("[data-geo-src]").forEach(function (el) {
      if (el.getAttribute("data-rendered")) return;
      el.setAttribute("data-rendered", "loading");
      var labels = JSON.parse(el.getAttribute("data-map-labels") || "{}");
      fetch(el.getAttribute("data-geo-src"), { credentials: "same-origin" })
        .then(function (r) { return r.json(); })
        .then(function (payload) {
          var chart = window.echarts.init(el, null, { renderer: "canvas" });
          chart.setOption(mapOption(el, payload, labels));
          var link = el.getAttribute("data-map-link");
          chart.on("click", function (p) {
            var q = payload.parcels[p.dataIndex];
            if (link && q) window.location.href = link + encodeURIComponent(q[0]);
          });
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
