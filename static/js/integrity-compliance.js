// LHKPN/LHKASN compliance chart (Chart.js from static/vendor): one stacked horizontal bar per
// OPD. Progressive enhancement as on the dashboard: the numbers ship as an open table; with
// Chart.js the chart is shown and the table folds away under "show the numbers as a table".
(function () {
  "use strict";
  if (!window.Chart) return;
  const node = document.getElementById("filings-data");
  const canvas = document.getElementById("chart-filings");
  if (!node || !canvas) return;
  const rows = JSON.parse(node.textContent);
  if (!rows.length) return;

  const lang = document.documentElement.lang || "id";
  // Series names come translated from the page (data-label-* on the canvas).
  const text = {
    on_time: canvas.dataset.labelOnTime,
    late: canvas.dataset.labelLate,
    not_filed: canvas.dataset.labelNotFiled,
    pending: canvas.dataset.labelPending,
  };
  // The same colours as the legend dots of the stat cards above the chart.
  const series = [
    ["on_time", "#15803d"],
    ["late", "#d97706"],
    ["not_filed", "#b91c1c"],
    ["pending", "#94a3b8"],
  ];

  Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
  Chart.defaults.color = "#475467";
  Chart.defaults.locale = lang;
  if (window.matchMedia("(prefers-reduced-motion: reduce)").matches) Chart.defaults.animation = false;

  const box = canvas.closest(".chart-box");
  box.hidden = false;
  const table = box.parentElement.querySelector("details.chart-data");
  if (table) table.open = false;

  new Chart(canvas, {
    type: "bar",
    data: {
      labels: rows.map((r) => r.name),
      datasets: series.map(([key, colour]) => ({
        label: text[key],
        data: rows.map((r) => r[key]),
        backgroundColor: colour,
        maxBarThickness: 22,
      })),
    },
    options: {
      indexAxis: "y",
      maintainAspectRatio: false,
      plugins: { legend: { position: "bottom", labels: { usePointStyle: true, boxWidth: 8, padding: 14 } } },
      scales: {
        x: { stacked: true, beginAtZero: true, ticks: { precision: 0 }, grid: { color: "#eef1f5" } },
        y: {
          stacked: true,
          grid: { display: false },
          ticks: {
            autoSkip: false,
            callback: function (value) {
              const label = this.getLabelForValue(value);
              const room = this.chart.width < 500 ? 16 : 30; // characters that fit beside the bars
              return label.length > room ? label.slice(0, room - 1) + "…" : label;
            },
          },
        },
      },
    },
  });
})();
