// The dashboard's trend chart, drawn by the vendored Apache ECharts from the numbers the page
// also shows in the table beside it.
(function () {
  "use strict";
  var holder = document.getElementById("trend-chart");
  var source = document.getElementById("trend-data");
  if (!holder || !source || !window.echarts) { return; }
  var data = JSON.parse(source.textContent);
  var chart = window.echarts.init(holder, null, { renderer: "canvas" });
  chart.setOption({
    tooltip: { trigger: "axis" },
    legend: { top: 0 },
    grid: { left: 60, right: 20, top: 40, bottom: 30 },
    xAxis: { type: "category", data: data.labels },
    yAxis: { type: "value", name: "万元" },
    series: data.series.map(function (s) { return { name: s.name, type: "line", smooth: true, data: s.data }; })
  });
  window.addEventListener("resize", function () { chart.resize(); });
}());

// The selected industry's month by district, as bars beside the same numbers in a table.
(function () {
  "use strict";
  var holder = document.getElementById("district-chart");
  var source = document.getElementById("district-data");
  if (!holder || !source || !window.echarts) { return; }
  var data = JSON.parse(source.textContent);
  var chart = window.echarts.init(holder, null, { renderer: "canvas" });
  chart.setOption({
    tooltip: { trigger: "axis" },
    grid: { left: 60, right: 20, top: 20, bottom: 30 },
    xAxis: { type: "category", data: data.map(function (d) { return d.name; }) },
    yAxis: { type: "value", name: "万元" },
    series: [{ type: "bar", data: data.map(function (d) { return d.value; }) }]
  });
  window.addEventListener("resize", function () { chart.resize(); });
}());
