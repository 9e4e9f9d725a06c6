// APBD planner chart: cost to the year's end by start month, and the total with what the APBD
// already holds.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const node = document.getElementById("planner-data");
  const canvas = document.getElementById("planner-chart");
  if (!node || !canvas || typeof Chart === "undefined") return;
  const data = JSON.parse(node.textContent);
  const labels = JSON.parse(document.getElementById("planner-labels").textContent);
  const locale = labels.lang === "en" ? "en-GB" : "id-ID";
  new Chart(canvas, {
    type: "bar",
    data: {
      labels: data.labels.map((m) => labels.months[m - 1]),
      datasets: [
        { label: labels.cost, data: data.cost, backgroundColor: "#1f6e43" },
        { label: labels.total, data: data.total, backgroundColor: "#9cc7ae" },
      ],
    },
    options: {
      animation: false,
      scales: { y: { ticks: { callback: (v) => `Rp ${Number(v).toLocaleString(locale)}` } } },
    },
  });
});
