// Dashboard charts: coverage and activity trend, participants by segment (Chart.js, vendored).
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const dataNode = document.getElementById("chart-data");
  if (!dataNode || typeof Chart === "undefined") return;
  const data = JSON.parse(dataNode.textContent);
  const labels = JSON.parse(document.getElementById("chart-labels").textContent);
  const locale = labels.lang === "en" ? "en-GB" : "id-ID";
  const percent = (value) => `${Number(value).toLocaleString(locale, { maximumFractionDigits: 2 })} %`;
  const trend = document.getElementById("trend-chart");
  if (trend) {
    new Chart(trend, {
      type: "line",
      data: {
        labels: data.trend.map((row) => row.period),
        datasets: [
          { label: labels.coverage, data: data.trend.map((row) => row.coverage_pct), borderColor: "#1f6e43", backgroundColor: "#1f6e43" },
          { label: labels.active, data: data.trend.map((row) => row.active_pct), borderColor: "#d08700", backgroundColor: "#d08700" },
        ],
      },
      options: {
        animation: false,
        scales: { y: { ticks: { callback: percent } } },
        plugins: { tooltip: { callbacks: { label: (c) => `${c.dataset.label}: ${percent(c.parsed.y)}` } } },
      },
    });
  }
  const segments = document.getElementById("segment-chart");
  if (segments) {
    const name = (row) => row.label[labels.lang] || row.label.id;
    new Chart(segments, {
      type: "bar",
      data: {
        labels: data.segments.map(name),
        datasets: [
          { label: labels.activeParticipants, data: data.segments.map((row) => row.active), backgroundColor: "#1f6e43" },
          { label: labels.inactive, data: data.segments.map((row) => row.inactive), backgroundColor: "#e0a106" },
        ],
      },
      options: {
        animation: false,
        indexAxis: "y",
        scales: { x: { stacked: true, ticks: { callback: (v) => Number(v).toLocaleString(locale) } }, y: { stacked: true } },
      },
    });
  }
});
