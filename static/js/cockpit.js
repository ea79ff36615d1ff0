// The cockpit's chart: each industry's headline indicator (亿元) as a horizontal bar, its
// year-on-year growth at the bar's end, the reader's own industries first: the same numbers as
// the table below it.
(function () {
  "use strict";
  var holder = document.getElementById("cockpit-chart");
  var source = document.getElementById("cockpit-data");
  if (!holder || !source || !window.echarts) { return; }
  var data = JSON.parse(source.textContent);
  var unit = holder.dataset.unit || "";
  var growth = holder.dataset.growth || "";
  function yoy(i) {
    var v = data.yoy[i];
    return v === null ? "" : growth + " " + (v > 0 ? "+" : "") + v + "%";
  }
  var chart = window.echarts.init(holder, null, { renderer: "canvas" });
  chart.setOption({
    tooltip: {
      trigger: "axis", axisPointer: { type: "shadow" },
      formatter: function (items) {
        var i = items[0].dataIndex;
        var text = window.echarts.format.encodeHTML;
        return text(data.names[i]) + "<br>" + text(data.indicators[i]) + " " + data.values[i] + " " + unit + "<br>" + yoy(i);
      }
    },
    grid: { left: 8, right: 110, top: 8, bottom: 24, containLabel: true },
    xAxis: { type: "value", name: unit },
    yAxis: { type: "category", inverse: true, data: data.names, axisLabel: { width: 96, overflow: "truncate" } },
    series: [{
      type: "bar",
      data: data.values.map(function (v, i) {
        var down = data.yoy[i] !== null && data.yoy[i] < 0;
        return { value: v, itemStyle: { color: down ? "#2e7d32" : "#b32424" } };
      }),
      label: { show: true, position: "right", formatter: function (p) { return p.value + " " + yoy(p.dataIndex); } }
    }]
  });
  window.addEventListener("resize", function () { chart.resize(); });
}());
