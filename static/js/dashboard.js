// HR dashboard charts (Chart.js from static/vendor). Progressive enhancement: the page ships
// each chart's numbers as an open table; when Chart.js is available the chart is shown and the
// table folds away under "show the numbers as a table". Without JavaScript the tables stay.
(function () {
  "use strict";
  if (!window.Chart) return;

  const BRAND = "#1d4ed8";
  const PALETTE = ["#1d4ed8", "#0f766e", "#d97706", "#7c3aed", "#db2777", "#475467"];
  const numberFormat = new Intl.NumberFormat(document.documentElement.lang || "id");

  Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
  Chart.defaults.color = "#475467";
  Chart.defaults.locale = document.documentElement.lang || "id";
  if (window.matchMedia("(prefers-reduced-motion: reduce)").matches) Chart.defaults.animation = false;

  function readData(id) {
    const node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }

  function reveal(canvas) {
    const box = canvas.closest(".chart-box");
    box.hidden = false;
    const table = box.parentElement.querySelector("details.chart-data");
    if (table) table.open = false;
  }

  function barChart(canvas, labels, values, horizontal) {
    reveal(canvas);
    return new Chart(canvas, {
      type: "bar",
      data: {
        labels: labels,
        datasets: [{ data: values, backgroundColor: BRAND, hoverBackgroundColor: "#1e3a8a", borderRadius: 4, maxBarThickness: horizontal ? 22 : 36 }],
      },
      options: {
        indexAxis: horizontal ? "y" : "x",
        maintainAspectRatio: false,
        plugins: { legend: { display: false } },
        scales: {
          x: horizontal
            ? { beginAtZero: true, ticks: { precision: 0 }, grid: { color: "#eef1f5" } }
            : { grid: { display: false } },
          y: horizontal
            ? {
                grid: { display: false },
                ticks: {
                  autoSkip: false,
                  callback: function (value) {
                    const label = this.getLabelForValue(value);
                    const room = this.chart.width < 500 ? 16 : 28; // characters that fit beside the bars
                    return label.length > room ? label.slice(0, room - 1) + "…" : label;
                  },
                },
              }
            : { beginAtZero: true, ticks: { precision: 0 }, grid: { color: "#eef1f5" } },
        },
      },
    });
  }

  const rank = readData("rank-data");
  const rankCanvas = document.getElementById("chart-rank");
  if (rank && rankCanvas) {
    barChart(rankCanvas, rank.map((r) => r.code), rank.map((r) => r.count), false);
  }

  const types = readData("type-data");
  const typeCanvas = document.getElementById("chart-type");
  if (types && typeCanvas) {
    reveal(typeCanvas);
    new Chart(typeCanvas, {
      type: "doughnut",
      data: {
        labels: types.map((t) => t.label),
        datasets: [{ data: types.map((t) => t.count), backgroundColor: PALETTE, borderColor: "#fff", borderWidth: 2 }],
      },
      options: {
        maintainAspectRatio: false,
        cutout: "62%",
        plugins: {
          legend: { position: "bottom", labels: { usePointStyle: true, boxWidth: 8, padding: 14 } },
          tooltip: { callbacks: { label: (ctx) => " " + ctx.label + ": " + numberFormat.format(ctx.parsed) } },
        },
      },
    });
  }

  const opds = readData("opd-data");
  const opdCanvas = document.getElementById("chart-opd");
  if (opds && opdCanvas) {
    barChart(opdCanvas, opds.map((o) => o.name), opds.map((o) => o.count), true);
  }
})();
