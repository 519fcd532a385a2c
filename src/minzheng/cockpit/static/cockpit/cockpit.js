/* 民政驾驶舱: draws each panel's chart from the JSON the page carries (the same rows as the table under it),
   and the counties' map from the vendored GeoJSON. A click on a county opens that county's cockpit. */
(function () {
  "use strict";
  // a chart without a single non-zero figure says so (暂无数据) instead of a blank box or a flat line
  function isEmpty(s) {
    var last = s.kind === "bars" ? 3 : s.header.length;
    return !s.rows.some(function (r) {
      for (var i = 1; i < last; i++) { if (Number(r[i])) { return true; } }
      return false;
    });
  }
  function showEmpty(chart, el) {
    el.classList.add("cockpit-empty");
    el.setAttribute("data-empty-shown", "1");
    chart.setOption({
      graphic: [{ type: "text", left: "center", top: "middle",
                  style: { text: el.getAttribute("data-empty") || "", fontSize: 18, fill: "#888" } }]
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }
  function draw() {
    var node = document.getElementById("cockpit-data");
    if (!node || !window.echarts) { return; }
    var data = JSON.parse(node.textContent);
    data.sections.forEach(function (s) {
      var el = document.querySelector('[data-chart="' + s.id + '"]');
      if (!el) { return; }
      var chart = window.echarts.init(el);
      if (isEmpty(s)) { showEmpty(chart, el); return; }
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
        if (!values.some(function (v) { return Number(v); })) {
          mapEl.classList.add("cockpit-empty");
          mapEl.setAttribute("data-empty-shown", "1");
        }
        chart.setOption({
          tooltip: { trigger: "item" },
          visualMap: { min: Math.min.apply(null, values.concat([0])), max: Math.max.apply(null, values.concat([1])),
                       text: [data.map.measure, ""], calculable: true, left: 8, bottom: 8 },
          series: [{ type: "map", map: "jining", name: data.map.measure, label: { show: true }, data: data.map.data }],
          graphic: mapEl.getAttribute("data-empty-shown") ? [{ type: "text", right: 16, top: 16,
            style: { text: mapEl.getAttribute("data-empty") || "", fontSize: 18, fill: "#888" } }] : []
        });
        chart.on("click", function (p) { if (p.data && p.data.url) { window.location.href = p.data.url; } });
        window.addEventListener("resize", function () { chart.resize(); });
      });
    }
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", draw); } else { draw(); }
})();
