// JP compliance chart (Chart.js from static/vendor): one horizontal bar per OPD with the share
// of employees at or above their JP target. Progressive enhancement as on the integrity
// compliance page: the numbers ship as an open table; with Chart.js the chart is shown and the
// table folds away under "show the numbers as a table".
(function () {
  "use strict";
  if (!window.Chart) return;
  const node = document.getElementById("jp-data");
  const canvas = document.getElementById("chart-jp");
  if (!node || !canvas) return;
  const rows = JSON.parse(node.textContent);
  if (!rows.length) return;

  Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
  Chart.defaults.color = "#475467";
  Chart.defaults.locale = document.documentElement.lang || "id";
  if (window.matchMedia("(prefers-reduced-motion: reduce)").matches) Chart.defaults.animation = false;

  const box = canvas.closest(".chart-box");
  box.hidden = false;
  const table = box.parentElement.querySelector("details.chart-data");
  if (table) table.open = false;

  // Green when most employees are on target, amber in between, red when few are.
  function colour(share) {
    if (share >= 80) return "#15803d";
    if (share >= 50) return "#d97706";
    return "#b91c1c";
  }

  new Chart(canvas, {
    type: "bar",
    data: {
      labels: rows.map((r) => r.name),
      datasets: [
        {
          label: canvas.dataset.labelShare,
          data: rows.map((r) => r.share),
          backgroundColor: rows.map((r) => colour(r.share)),
          maxBarThickness: 22,
          minBarLength: 3, // an OPD at 0 % still shows a sliver of red
        },
      ],
    },
    options: {
      indexAxis: "y",
      maintainAspectRatio: false,
      plugins: {
        legend: { display: false },
        tooltip: {
          callbacks: {
            label: (item) => {
              const row = rows[item.dataIndex];
              return `${item.formattedValue}% (${row.met} / ${row.met + row.below})`;
            },
          },
        },
      },
      scales: {
        x: { beginAtZero: true, max: 100, ticks: { callback: (value) => value + "%" }, grid: { color: "#eef1f5" } },
        y: {
          grid: { display: false },
          ticks: {
            autoSkip: false,
            callback: function (value) {
              const label = this.getLabelForValue(value);
              const room = this.chart.width < 500 ? 16 : 30;
              return label.length > room ? label.slice(0, room - 1) + "…" : label;
            },
          },
        },
      },
    },
  });
})();
