// The console's only script (no CDN, no inline script: the Content-Security-Policy allows neither).
// Live countdowns, the board's refresh every 30 seconds, confirmations before ending a case.
"use strict";

function timeLeft(due, now) {
  // As yuqing.vocabulary.time_left words it: 剩余3小时20分钟, or 已超时1小时5分钟.
  const minutes = Math.floor((due - now) / 60000);
  if (minutes < 0) {
    const late = -minutes;
    return "已超时" + Math.floor(late / 60) + "小时" + (late % 60) + "分钟";
  }
  return "剩余" + Math.floor(minutes / 60) + "小时" + (minutes % 60) + "分钟";
}

function tick() {
  const now = Date.now();
  document.querySelectorAll(".countdown[data-due]").forEach(function (node) {
    node.textContent = timeLeft(Date.parse(node.dataset.due), now);
  });
}

function refreshBoard() {
  const table = document.querySelector("table.board[data-refresh]");
  if (!table) return;
  fetch(table.dataset.refresh, { credentials: "same-origin", headers: { Accept: "text/html" } })
    .then(function (response) {
      if (response.redirected || !response.ok) throw new Error("board refresh: " + response.status);
      return response.text();
    })
    .then(function (html) {
      const rows = new DOMParser().parseFromString("<table>" + html + "</table>", "text/html").querySelector("tbody");
      const current = document.getElementById("board-rows");
      if (rows && current) current.replaceWith(rows);
      tick();
    })
    .catch(function () { /* the next refresh tries again; the page keeps the last rows */ });
}

document.addEventListener("DOMContentLoaded", function () {
  tick();
  setInterval(tick, 1000);
  setInterval(refreshBoard, 30000);
  document.querySelectorAll("[data-confirm]").forEach(function (button) {
    button.addEventListener("click", function (event) {
      if (!window.confirm(button.dataset.confirm)) event.preventDefault();
    });
  });
  // A milestone's time defaults to now, in the browser's local time (the office's), editable to when it happened.
  const local = new Date(Date.now() - new Date().getTimezoneOffset() * 60000).toISOString().slice(0, 16);
  document.querySelectorAll("input[type=datetime-local][name=at]").forEach(function (input) {
    if (!input.value) input.value = local;
  });
});
