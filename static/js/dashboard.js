/* Supervision dashboard charts (ECharts, vendored under static/vendor/echarts/).
 * The numbers are also in the tables next to each chart: if ECharts fails to load
 * or throws, the page stays fully readable and every figure is still a link. The
 * tables are the charts' text alternative (aria-describedby / aria-details in
 * templates/dashboard/dashboard.html); ECharts' own "aria" option stays off, since it
 * would replace that accessible name with a generated one. */
(function () {
  "use strict";

  function draw() {
    var source = document.getElementById("dashboard-data");
    if (!source || typeof window.echarts === "undefined") return;
    var data;
    try {
      data = JSON.parse(source.textContent);
    } catch (e) {
      return;
    }
    var L = data.labels;
    var charts = [];

    function go(url) {
      if (url) window.location.href = url;
    }

    function breakdown(el, d) {
      var keys = ["rectifying_in_time", "overdue", "pending_review"];
      var colors = { rectifying_in_time: "#0b5cad", overdue: "#c92a2a", pending_review: "#f59f00" };
      // Horizontal bars: long Chinese names stay readable on a 375-px screen.
      el.style.height = Math.max(180, 36 * d.names.length + 70) + "px";
      var chart = window.echarts.init(el, null, { renderer: "canvas" });
      chart.setOption({
        animation: false,
        tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
        legend: { top: 0, data: keys.map(function (k) { return L[k]; }) },
        grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
        xAxis: { type: "value", minInterval: 1 },
        yAxis: { type: "category", data: d.names, inverse: true,
                 axisLabel: { width: 110, overflow: "truncate" } },
        series: keys.map(function (k) {
          return { name: L[k], type: "bar", stack: "open", data: d[k],
                   itemStyle: { color: colors[k] }, cursor: "pointer" };
        })
      });
      chart.on("click", function (p) { go(d.links[keys[p.seriesIndex]][p.dataIndex]); });
      return chart;
    }

    function trend(el, d) {
      el.style.height = "300px";
      var chart = window.echarts.init(el, null, { renderer: "canvas" });
      chart.setOption({
        animation: false,
        tooltip: { trigger: "axis" },
        legend: { top: 0 },
        grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
        xAxis: { type: "category", data: d.months },
        yAxis: { type: "value", minInterval: 1 },
        series: [
          { name: L.found, type: "bar", data: d.found, itemStyle: { color: "#0b5cad" }, cursor: "pointer" },
          { name: L.closed_in_month, type: "line", data: d.closed, itemStyle: { color: "#237a36" } },
          { name: L.overdue_at_month_end, type: "line", data: d.overdue_at_month_end,
            itemStyle: { color: "#c92a2a" } }
        ]
      });
      chart.on("click", function (p) { if (p.seriesIndex === 0) go(d.links[p.dataIndex]); });
      return chart;
    }

    var nodes = document.querySelectorAll("[data-chart]");
    for (var i = 0; i < nodes.length; i++) {
      var el = nodes[i];
      var name = el.getAttribute("data-chart");
      try {
        if (name === "trend") charts.push(trend(el, data.trend));
        else if (data[name]) charts.push(breakdown(el, data[name]));
        el.classList.add("chart-ready");
      } catch (e) {
        el.classList.remove("chart-ready");
        if (window.console) window.console.warn("dashboard chart failed", name, e);
      }
    }
    window.addEventListener("resize", function () {
      charts.forEach(function (c) { c.resize(); });
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
})();
