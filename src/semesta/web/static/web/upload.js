// Upload page: send the files with a progress bar (XHR upload events), then go to the job page,
// which follows the processing. Without JavaScript the form posts normally.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("upload-form");
  if (!form) return;
  const bar = document.getElementById("upload-progress");
  const message = document.getElementById("upload-message");
  const list = document.getElementById("upload-files");
  const input = form.querySelector("input[type=file]");
  input.addEventListener("change", () => {
    list.replaceChildren(...Array.from(input.files).map((file) => {
      const item = document.createElement("li");
      item.textContent = `${file.name} (${(file.size / 1048576).toFixed(1)} MB)`;
      return item;
    }));
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const request = new XMLHttpRequest();
    request.open("POST", form.action || window.location.href);
    request.setRequestHeader("Accept", "application/json");
    request.upload.addEventListener("progress", (e) => {
      if (!e.lengthComputable) return;
      bar.hidden = false;
      bar.value = Math.round((100 * e.loaded) / e.total);
      message.textContent = `${form.dataset.statusLabel} ${bar.value} %`;
    });
    request.addEventListener("load", () => {
      let body = {};
      try { body = JSON.parse(request.responseText); } catch (_) { body = {}; }
      if (request.status === 202 && body.url) {
        window.location.assign(body.url);
      } else if (body.errors) {
        message.textContent = Object.values(body.errors).flat().map((e) => e.message).join(" ");
      } else {
        message.textContent = `HTTP ${request.status}`;
      }
    });
    request.addEventListener("error", () => { message.textContent = "HTTP error"; });
    form.querySelector("button[type=submit]").disabled = true;
    request.send(new FormData(form));
  });
});
