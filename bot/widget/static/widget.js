/* Community safety chat widget. Embed with one tag:
 *   <script src="https://SERVER/widget.js" defer></script>
 * Optional: data-exit-url="https://..." on the tag (where Quick exit goes).
 * Plain JavaScript, no framework; text is always set with textContent, never as HTML. */
(function () {
  "use strict";
  var CONFIG = /*WIDGET_CONFIG*/null;
  var script = document.currentScript;
  var base = new URL(script ? script.src : "/widget.js", window.location.href).origin;
  var exitUrl = (script && script.getAttribute("data-exit-url")) || CONFIG.exitUrl;
  var OPEN_KEY = "community-safety-chat-open";
  var root, launcher, panel, log, input, status, form, sendButton;
  var busy = false;

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) { node.setAttribute(name, attrs[name]); });
    if (text) { node.textContent = text; }
    return node;
  }

  function api(path, options) {
    options = options || {};
    options.credentials = "include";
    options.headers = { "Accept": "application/json" };
    if (options.body !== undefined) {
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(options.body);
    }
    return fetch(base + path, options).then(function (response) {
      return response.json().then(function (data) {
        if (!response.ok) { var error = new Error(data.error || "Request failed"); error.shown = data.error; throw error; }
        return data;
      });
    });
  }

  function build() {
    root = el("div", { "class": "csw" });
    launcher = el("button", { "type": "button", "class": "csw-launcher", "aria-expanded": "false",
                              "aria-controls": "csw-panel" }, "Chat with us: report or get help");
    panel = el("section", { "id": "csw-panel", "class": "csw-panel", "role": "dialog",
                            "aria-labelledby": "csw-title", "hidden": "" });
    var header = el("div", { "class": "csw-header" });
    header.appendChild(el("h2", { "id": "csw-title", "class": "csw-title" }, "Community safety chat"));
    var exit = el("button", { "type": "button", "class": "csw-exit" }, "Quick exit");
    var close = el("button", { "type": "button", "class": "csw-close", "aria-label": "Close chat" }, "Close");
    header.appendChild(exit);
    header.appendChild(close);
    panel.appendChild(header);
    panel.appendChild(el("p", { "class": "csw-danger" }, CONFIG.dangerLine));
    log = el("div", { "class": "csw-log", "role": "log", "aria-live": "polite", "aria-label": "Conversation",
                      "tabindex": "0" });
    panel.appendChild(log);
    status = el("p", { "class": "csw-status", "role": "status" });
    panel.appendChild(status);
    form = el("form", { "class": "csw-form" });
    form.appendChild(el("label", { "for": "csw-input", "class": "csw-label" }, "Your message"));
    var row = el("div", { "class": "csw-row" });
    input = el("textarea", { "id": "csw-input", "class": "csw-input", "rows": "2",
                             "maxlength": String(CONFIG.maxLength), "autocomplete": "off" });
    sendButton = el("button", { "type": "submit", "class": "csw-send" }, "Send");
    row.appendChild(input);
    row.appendChild(sendButton);
    form.appendChild(row);
    panel.appendChild(form);
    var end = el("button", { "type": "button", "class": "csw-end" }, "End chat and clear it from this browser");
    panel.appendChild(end);
    root.appendChild(launcher);
    root.appendChild(panel);
    document.body.appendChild(root);

    launcher.addEventListener("click", function () { panel.hidden ? open(true) : closePanel(); });
    close.addEventListener("click", closePanel);
    exit.addEventListener("click", quickExit);
    end.addEventListener("click", endChat);
    panel.addEventListener("keydown", function (event) {
      if (event.key === "Escape") { event.preventDefault(); closePanel(); }
    });
    form.addEventListener("submit", function (event) { event.preventDefault(); sendTyped(); });
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) { event.preventDefault(); sendTyped(); }
    });
  }

  // Bengali is marked lang="bn", so screen readers speak it as Bengali and the Bengali fonts in
  // widget.css draw it: a message whose letters are mostly in the Bengali block (U+0980-U+09FF).
  function languageOf(text) {
    var letters = (text || "").match(/[\p{L}\p{M}]/gu) || [];
    var bengali = letters.filter(function (ch) { return ch >= "\u0980" && ch <= "\u09FF"; }).length;
    return letters.length && bengali / letters.length >= 0.3 ? "bn" : null;
  }

  function marked(tag, attrs, text) {
    var node = el(tag, attrs, text);
    if (languageOf(text)) { node.setAttribute("lang", languageOf(text)); }
    return node;
  }

  function addMessage(from, text) {
    var item = el("div", { "class": "csw-msg csw-msg--" + from });
    item.appendChild(el("span", { "class": "csw-hidden" }, from === "bot" ? "Assistant: " : "You: "));
    item.appendChild(marked("span", {}, text));
    log.appendChild(item);
    return item;
  }

  function removeQuickReplies() {
    Array.prototype.forEach.call(log.querySelectorAll(".csw-replies"), function (group) { group.remove(); });
  }

  function addQuickReplies(buttons) {
    if (!buttons || !buttons.length) { return; }
    var group = el("div", { "class": "csw-replies", "role": "group", "aria-label": "Choose a reply" });
    buttons.forEach(function (button) {
      var choice = marked("button", { "type": "button", "class": "csw-reply" }, button.title || button.payload);
      choice.addEventListener("click", function () { send(button.payload, button.title || button.payload); });
      group.appendChild(choice);
    });
    log.appendChild(group);
  }

  function showReplies(replies) {
    replies.forEach(function (reply) {
      if (reply.text) { addMessage("bot", reply.text); }
      addQuickReplies(reply.buttons);
    });
    log.scrollTop = log.scrollHeight;
  }

  function send(message, shown) {
    if (busy) { return Promise.resolve(false); }
    busy = true;
    removeQuickReplies();
    if (shown) { addMessage("resident", shown); }
    status.textContent = "The assistant is replying…";
    root.classList.add("csw-busy");
    return api("/chat/messages", { method: "POST", body: { message: message } }).then(function (data) {
      showReplies(data.replies);
      return true;
    }, function (error) {
      addMessage("bot", error.shown || CONFIG.offline);
      return false;
    }).then(function (sent) {
      busy = false;
      status.textContent = "";
      root.classList.remove("csw-busy");
      log.scrollTop = log.scrollHeight;
      return sent;
    });
  }

  function sendTyped() {
    var text = input.value.trim();
    if (!text) { status.textContent = "Type a message first, or choose an option."; input.focus(); return; }
    send(text, text).then(function (sent) {
      // What the resident typed stays in the box until the server has it.
      if (sent) { input.value = ""; }
    });
  }

  function open(focusInput) {
    panel.hidden = false;
    launcher.setAttribute("aria-expanded", "true");
    sessionStorage.setItem(OPEN_KEY, "1");
    if (!log.hasChildNodes()) { load(); }
    if (focusInput) { input.focus(); }
  }

  function closePanel() {
    panel.hidden = true;
    launcher.setAttribute("aria-expanded", "false");
    sessionStorage.removeItem(OPEN_KEY);
    launcher.focus();
  }

  function load() {
    return api("/chat/messages", { method: "GET" }).then(function (data) {
      if (!data.messages.length) { return send("/start", null); }
      var last = data.messages[data.messages.length - 1];
      data.messages.forEach(function (message) { addMessage(message.from, message.text); });
      if (last.from === "bot") { addQuickReplies(last.buttons); }
      log.scrollTop = log.scrollHeight;
    }, function () { addMessage("bot", CONFIG.offline); });
  }

  function forget() {
    sessionStorage.removeItem(OPEN_KEY);
    log.textContent = "";
    input.value = "";
  }

  function endChat() {
    api("/chat/end", { method: "POST", body: {} }).catch(function () {}).then(function () {
      forget();
      load();
      input.focus();
    });
  }

  function quickExit() {
    root.hidden = true;
    forget();
    var ended = api("/chat/end", { method: "POST", body: {}, keepalive: true }).catch(function () {});
    var soon = new Promise(function (resolve) { setTimeout(resolve, 400); });
    Promise.race([ended, soon]).then(function () { window.location.replace(exitUrl); });
  }

  function start() {
    document.head.appendChild(el("link", { "rel": "stylesheet", "href": base + "/widget/static/widget.css" }));
    build();
    if (sessionStorage.getItem(OPEN_KEY)) { open(false); }
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
