// Job page: poll the job's progress every second; reload when it has finished, so the
// accounting is rendered by the server.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const box = document.getElementById("job-progress");
  if (!box || box.dataset.finished === "1") return;
  const bar = document.getElementById("job-bar");
  const status = document.getElementById("job-status");
  const message = document.getElementById("job-message");
  const poll = () => {
    fetch(box.dataset.statusUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then((response) => response.json())
      .then((job) => {
        bar.value = job.percent;
        status.textContent = job.status_label;
        status.className = `badge ${job.status}`;
        message.textContent = job.message;
        if (job.finished) window.location.reload();
        else window.setTimeout(poll, 1000);
      })
      .catch(() => window.setTimeout(poll, 3000));
  };
  window.setTimeout(poll, 500);
});
