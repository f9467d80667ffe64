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
  var LANGUAGE_KEY = "community-safety-chat-language";
  var root, launcher, panel, log, input, status, form, sendButton, fileInput, progress;
  var busy = false;
  // A live chat with a person: the widget asks for their words every POLL_EVERY ms while it is open.
  var POLL_EVERY = 1500;
  var liveAfter = 0, polling = null, liveState = null, livePlace = null;
  // The widget's own words follow the language the bot last answered in ("en" or "bn").
  var language = sessionStorage.getItem(LANGUAGE_KEY) === "bn" ? "bn" : "en";
  var labelled = [];

  function word(key) { return CONFIG.words[language][key]; }

  // A label that changes with the language: its text, or an attribute, marked lang="bn" in Bengali.
  function label(node, key, attribute) {
    labelled.push({ node: node, key: key, attribute: attribute });
    showLabel(node, key, attribute);
    return node;
  }

  function showLabel(node, key, attribute) {
    if (attribute) { node.setAttribute(attribute, word(key)); } else { node.textContent = word(key); }
    if (language === "bn") { node.setAttribute("lang", "bn"); } else { node.removeAttribute("lang"); }
  }

  function setLanguage(chosen) {
    if (chosen === language) { return; }
    language = chosen;
    sessionStorage.setItem(LANGUAGE_KEY, chosen);
    labelled.forEach(function (item) { showLabel(item.node, item.key, item.attribute); });
  }

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
    // In both languages before anyone has written: a Bengali speaker must see it is for them too.
    launcher = el("button", { "type": "button", "class": "csw-launcher", "aria-expanded": "false",
                              "aria-controls": "csw-panel" });
    launcher.appendChild(el("span", {}, CONFIG.words.en.launcher));
    launcher.appendChild(el("span", { "class": "csw-launcher-bn", "lang": "bn" }, CONFIG.words.bn.launcher));
    panel = el("section", { "id": "csw-panel", "class": "csw-panel", "role": "dialog",
                            "aria-labelledby": "csw-title", "hidden": "" });
    var header = el("div", { "class": "csw-header" });
    header.appendChild(label(el("h2", { "id": "csw-title", "class": "csw-title" }), "title"));
    var exit = label(el("button", { "type": "button", "class": "csw-exit" }), "quickExit");
    var close = label(el("button", { "type": "button", "class": "csw-close" }), "close");
    label(close, "closeLabel", "aria-label");
    header.appendChild(exit);
    header.appendChild(close);
    panel.appendChild(header);
    panel.appendChild(label(el("p", { "class": "csw-danger" }), "dangerLine"));
    log = el("div", { "class": "csw-log", "role": "log", "aria-live": "polite", "tabindex": "0" });
    label(log, "conversation", "aria-label");
    panel.appendChild(log);
    status = el("p", { "class": "csw-status", "role": "status" });
    panel.appendChild(status);
    form = el("form", { "class": "csw-form" });
    form.appendChild(label(el("label", { "for": "csw-input", "class": "csw-label" }), "yourMessage"));
    var row = el("div", { "class": "csw-row" });
    input = el("textarea", { "id": "csw-input", "class": "csw-input", "rows": "2",
                             "maxlength": String(CONFIG.maxLength), "autocomplete": "off" });
    sendButton = label(el("button", { "type": "submit", "class": "csw-send" }), "send");
    row.appendChild(input);
    row.appendChild(sendButton);
    form.appendChild(row);
    // Evidence: a real file input (keyboard and screen readers know it) behind a plain button.
    fileInput = el("input", { "type": "file", "id": "csw-file", "class": "csw-file", "tabindex": "-1",
                              "accept": "image/*,video/*,audio/*,application/pdf", "aria-hidden": "true" });
    var attach = label(el("button", { "type": "button", "class": "csw-attach" }), "attach");
    progress = el("progress", { "class": "csw-progress", "max": "100", "value": "0", "hidden": "" });
    label(progress, "sending", "aria-label");
    form.appendChild(fileInput);
    form.appendChild(attach);
    form.appendChild(progress);
    panel.appendChild(form);
    var end = label(el("button", { "type": "button", "class": "csw-end" }), "end");
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
    attach.addEventListener("click", function () { fileInput.click(); });
    fileInput.addEventListener("change", function () {
      if (fileInput.files && fileInput.files[0]) { sendFile(fileInput.files[0]); }
      fileInput.value = "";
    });
    panel.addEventListener("dragover", function (event) {
      if (!event.dataTransfer || Array.prototype.indexOf.call(event.dataTransfer.types, "Files") < 0) { return; }
      event.preventDefault();
      panel.classList.add("csw-dropping");
      status.textContent = word("dropHere");
    });
    panel.addEventListener("dragleave", function (event) {
      if (!panel.contains(event.relatedTarget)) { panel.classList.remove("csw-dropping"); status.textContent = liveStatus(); }
    });
    panel.addEventListener("drop", function (event) {
      panel.classList.remove("csw-dropping");
      var files = event.dataTransfer && event.dataTransfer.files;
      if (!files || !files.length) { return; }
      event.preventDefault();
      sendFile(files[0]);
    });
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

  var SPEAKERS = { bot: "assistant", resident: "you", person: "person", chat: "notice" };

  function addMessage(from, text) {
    var item = el("div", { "class": "csw-msg csw-msg--" + from });
    item.appendChild(marked("span", { "class": "csw-hidden" }, word(SPEAKERS[from] || "assistant") + " "));
    item.appendChild(marked("span", {}, text));
    log.appendChild(item);
    return item;
  }

  function removeQuickReplies() {
    Array.prototype.forEach.call(log.querySelectorAll(".csw-replies"), function (group) { group.remove(); });
  }

  function addQuickReplies(buttons) {
    if (!buttons || !buttons.length) { return; }
    var group = el("div", { "class": "csw-replies", "role": "group", "aria-label": word("chooseReply") });
    buttons.forEach(function (button) {
      var choice = marked("button", { "type": "button", "class": "csw-reply" }, button.title || button.payload);
      choice.addEventListener("click", function () { send(button.payload, button.title || button.payload); });
      group.appendChild(choice);
    });
    log.appendChild(group);
  }

  // The language of the bot's first words in an answer (the 999 answer in Bengali then English
  // is a Bengali one); an answer with no words leaves it as it was.
  function followLanguage(texts) {
    var first = texts.filter(function (text) { return /[\p{L}]/u.test(text || ""); })[0];
    if (first) { setLanguage(languageOf(first) || "en"); }
  }

  function showReplies(replies) {
    followLanguage(replies.map(function (reply) { return reply.text; }));
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
    status.textContent = word("replying");
    root.classList.add("csw-busy");
    var body = { message: message, language: language };
    return api("/chat/messages", { method: "POST", body: body }).then(function (data) {
      showReplies(data.replies);
      follow(data.live);
      return true;
    }, function (error) {
      addMessage("bot", error.shown || word("offline"));
      return false;
    }).then(function (sent) {
      busy = false;
      status.textContent = liveStatus();
      root.classList.remove("csw-busy");
      log.scrollTop = log.scrollHeight;
      return sent;
    });
  }

  // A file: sent with its progress shown (and said at each quarter, not every percent), then the
  // bot's answer; refused here when it is over the limit, before anything is sent.
  function sendFile(file) {
    if (busy) { return; }
    if (file.size > CONFIG.maxFileBytes) {
      addMessage("bot", word("tooBig").replace("{megabytes}", CONFIG.maxFileMegabytes));
      log.scrollTop = log.scrollHeight;
      return;
    }
    busy = true;
    removeQuickReplies();
    addMessage("resident", word("sentFile").replace("{name}", file.name || ""));
    root.classList.add("csw-busy");
    progress.value = 0;
    progress.hidden = false;
    var said = -1;
    status.textContent = word("sending").replace("{percent}", "0");
    var request = new XMLHttpRequest();
    request.open("POST", base + "/chat/evidence?language=" + language);
    request.withCredentials = true;
    request.setRequestHeader("Accept", "application/json");
    request.upload.addEventListener("progress", function (event) {
      if (!event.lengthComputable) { return; }
      var percent = Math.floor(100 * event.loaded / event.total);
      progress.value = percent;
      if (Math.floor(percent / 25) !== said) {
        said = Math.floor(percent / 25);
        status.textContent = word("sending").replace("{percent}", String(percent));
      }
    });
    function done() {
      busy = false;
      progress.hidden = true;
      status.textContent = liveStatus();
      root.classList.remove("csw-busy");
      log.scrollTop = log.scrollHeight;
    }
    request.addEventListener("load", function () {
      var data = null;
      try { data = JSON.parse(request.responseText); } catch (ignored) { data = null; }
      if (request.status >= 200 && request.status < 300 && data) {
        showReplies(data.replies);
        follow(data.live);
      } else {
        addMessage("bot", (data && data.error) || word("offline"));
      }
      done();
    });
    request.addEventListener("error", function () { addMessage("bot", word("offline")); done(); });
    var body = new FormData();
    body.append("file", file);
    request.send(body);
  }

  function sendTyped() {
    var text = input.value.trim();
    if (!text) { status.textContent = word("typeFirst"); input.focus(); return; }
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
      followLanguage(data.messages.filter(function (m) { return m.from === "bot"; }).slice(-1).map(function (m) {
        return m.text;
      }));
      data.messages.forEach(function (message) { addMessage(message.from, message.text); });
      if (last.from === "bot" || last.from === "chat") { addQuickReplies(last.buttons); }
      log.scrollTop = log.scrollHeight;
      liveAfter = data.last || 0;
      follow(data.live);
    }, function () { addMessage("bot", word("offline")); });
  }

  // While a person has the conversation (or the resident waits for one), their words arrive by
  // asking the server every POLL_EVERY ms; the log (role="log") reads each out as it arrives.
  function liveStatus() {
    if (liveState === "waiting") { return word("waiting").replace("{place}", String(livePlace || 1)); }
    return liveState === "active" ? word("withPerson") : "";
  }

  function follow(live) {
    var state = live ? live.state : null;
    var changed = state !== liveState || (live && live.place !== livePlace);
    liveState = state;
    livePlace = live ? live.place : null;
    if (changed && !busy) { status.textContent = liveStatus(); }
    if (state && !polling) { polling = setTimeout(poll, POLL_EVERY); }
  }

  function poll() {
    api("/chat/live?after=" + liveAfter, { method: "GET" }).then(function (data) {
      data.messages.forEach(function (message) {
        liveAfter = Math.max(liveAfter, message.id);
        if (message.from === "resident") { return; }
        if (message.buttons && message.buttons.length) { removeQuickReplies(); }
        addMessage(message.from, message.text);
        addQuickReplies(message.buttons);
      });
      if (data.messages.length) { log.scrollTop = log.scrollHeight; }
      polling = null;
      follow(data.live);
    }, function () {
      polling = null;
      if (liveState) { follow({ state: liveState, place: livePlace }); }  // a moment's outage loses nothing
    });
  }

  function forget() {
    if (polling) { clearTimeout(polling); polling = null; }
    liveState = null;
    liveAfter = 0;
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
