// Charts drawn by Apache ECharts (served from the npm package): each element with
// data-chart holds its option as JSON. Drawn on load and after every htmx swap.
(function () {
  function draw(root) {
    if (!window.echarts) return;
    root.querySelectorAll("[data-chart]").forEach(function (el) {
      if (el.dataset.drawn) return;
      el.dataset.drawn = "1";
      if (el.dataset.height) el.style.height = el.dataset.height + "px";  // CSSOM: allowed where a style attribute is not
      var chart = echarts.init(el, null, { renderer: "svg" });
      chart.setOption(JSON.parse(el.dataset.chart));
      window.addEventListener("resize", function () { chart.resize(); });
    });
  }
  document.addEventListener("DOMContentLoaded", function () { draw(document); });
  document.addEventListener("htmx:afterSwap", function (e) { draw(e.target); });
})();
