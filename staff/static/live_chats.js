/* Live chats, for caseworkers. Without this script every page still works (forms and reloads);
 * with it the queue and the conversation update by themselves, and the page checks in so the
 * caseworker stays available only while it is open and used. Text arrives as server-rendered,
 * escaped HTML from the staff site itself. */
(function () {
  "use strict";
  var CHECK_IN_EVERY = 15000, QUEUE_EVERY = 2000, MESSAGES_EVERY = 1500;
  var token = document.querySelector('meta[name="csrf-token"]').getAttribute("content");
  var used = true;

  ["keydown", "click", "scroll", "pointermove", "focusin"].forEach(function (name) {
    document.addEventListener(name, function () { used = true; }, { passive: true });
  });

  function post(path, fields) {
    var body = new URLSearchParams(fields);
    body.append("csrf_token", token);
    return fetch(path, { method: "POST", body: body, credentials: "same-origin", headers: { "X-CSRFToken": token } });
  }

  function checkIn() {
    post(window.location.pathname.replace(/\/live-chats.*$/, "/live-chats/check-in"), { active: used ? "yes" : "no" })
      .catch(function () {});
    used = false;
  }

  function every(ms, work) {
    function again() { Promise.resolve(work()).catch(function () {}).then(function () { setTimeout(again, ms); }); }
    setTimeout(again, ms);
  }

  function refreshQueue(box) {
    return fetch(box.getAttribute("data-refresh"), { credentials: "same-origin" }).then(function (response) {
      if (!response.ok) { return; }
      return response.text().then(function (html) {
        // Not while the caseworker is in it (typing a note, about to press Take): it waits a turn.
        if (!box.contains(document.activeElement)) { box.innerHTML = html; }
      });
    });
  }

  function refreshMessages(rows) {
    var url = rows.getAttribute("data-refresh") + "?after=" + rows.getAttribute("data-last");
    return fetch(url, { credentials: "same-origin" }).then(function (response) {
      if (!response.ok) { return; }
      return response.json().then(function (data) {
        if (data.rows.trim()) { rows.insertAdjacentHTML("beforeend", data.rows); }
        rows.setAttribute("data-last", String(data.last));
        if (data.danger) {
          document.getElementById("live-chat-danger").textContent =
            "Warning: the resident used words that sound like danger. They were told at once to call 999.";
        }
        var state = document.getElementById("live-chat-state");
        if (state && state.getAttribute("data-state") !== data.state) { window.location.reload(); }
      });
    });
  }

  function start() {
    checkIn();
    setInterval(checkIn, CHECK_IN_EVERY);
    var queue = document.getElementById("live-chat-queue");
    if (queue) { every(QUEUE_EVERY, function () { return refreshQueue(queue); }); }
    var rows = document.getElementById("live-chat-transcript");
    if (rows) { every(MESSAGES_EVERY, function () { return refreshMessages(rows); }); }
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
