// Headcount by golongan as a bar chart (Chart.js, served from static/vendor).
(function () {
  const data = JSON.parse(document.getElementById("rank-data").textContent);
  const canvas = document.getElementById("chart-rank");
  if (!canvas || !window.Chart) return;
  new Chart(canvas, {
    type: "bar",
    data: {
      labels: data.map((row) => row.code),
      datasets: [{ data: data.map((row) => row.count), backgroundColor: "#0b5ed7", borderRadius: 4 }],
    },
    options: {
      maintainAspectRatio: false,
      plugins: { legend: { display: false } },
      scales: { y: { beginAtZero: true, ticks: { precision: 0 } } },
    },
  });
})();
