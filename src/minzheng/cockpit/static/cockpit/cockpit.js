/* 民政驾驶舱: draws each panel's chart from the JSON the page carries (the same rows as the table under it),
   and the counties' map from the vendored GeoJSON. A click on a county opens that county's cockpit. */
(function () {
  "use strict";
  function draw() {
    var node = document.getElementById("cockpit-data");
    if (!node || !window.echarts) { return; }
    var data = JSON.parse(node.textContent);
    data.sections.forEach(function (s) {
      var el = document.querySelector('[data-chart="' + s.id + '"]');
      if (!el || !s.rows.length) { return; }
      var chart = window.echarts.init(el);
      var cats = s.rows.map(function (r) { return r[0]; });
      var series = [];
      var last = s.kind === "bars" ? 3 : s.header.length;
      for (var i = 1; i < last; i++) {
        series.push({
          name: s.header[i], type: s.kind === "bars" ? "bar" : "line",
          data: s.rows.map(function (r) { return Number(r[i]) || 0; }),
          yAxisIndex: (s.right || []).indexOf(i) >= 0 ? 1 : 0
        });
      }
      var yAxis = [{ type: "value" }];
      if ((s.right || []).length) { yAxis.push({ type: "value", splitLine: { show: false } }); }
      chart.setOption({
        tooltip: { trigger: "axis" }, legend: { type: "scroll" }, grid: { containLabel: true, left: 8, right: 8 },
        xAxis: { type: "category", data: cats }, yAxis: yAxis, series: series
      });
      window.addEventListener("resize", function () { chart.resize(); });
    });
    var mapEl = document.getElementById("cockpit-map");
    if (mapEl && data.map) {
      fetch(mapEl.getAttribute("data-geojson")).then(function (r) { return r.json(); }).then(function (geo) {
        window.echarts.registerMap("jining", geo);
        var values = data.map.data.map(function (d) { return d.value; });
        var chart = window.echarts.init(mapEl);
        chart.setOption({
          tooltip: { trigger: "item" },
          visualMap: { min: Math.min.apply(null, values.concat([0])), max: Math.max.apply(null, values.concat([1])),
                       text: [data.map.measure, ""], calculable: true, left: 8, bottom: 8 },
          series: [{ type: "map", map: "jining", name: data.map.measure, label: { show: true }, data: data.map.data }]
        });
        chart.on("click", function (p) { if (p.data && p.data.url) { window.location.href = p.data.url; } });
        window.addEventListener("resize", function () { chart.resize(); });
      });
    }
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", draw); } else { draw(); }
})();
