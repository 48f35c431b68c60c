/* chatdeck widget loader: <script src="https://HOST/widget.js" data-chatbot-id="…" defer></script>
 * Draws the launcher at once (in a shadow root: the page's CSS cannot reach it, its own cannot
 * leak out; the host element's own position is set inline and important) and loads nothing
 * else until the visitor comes near it: hovering or focusing the launcher prefetches the chat,
 * opening it shows the chat in a frame served by chatdeck.
 * Styles go through constructed style sheets and the CSSOM, so a page whose CSP allows only
 * chatdeck's origin (no inline styles) still shows the widget. */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || !script.dataset.chatbotId || window.__chatdeckWidget) return;
  window.__chatdeckWidget = true;
  var data = script.dataset;
  var origin = new URL(script.src).origin;
  // #rgb or #rrggbb, as the panel takes it; the launcher works in #rrggbb.
  var color = /^#([0-9a-fA-F]{3}){1,2}$/.test(data.primaryColor || "") ? data.primaryColor : "#4F46E5";
  if (color.length === 4) color = color.replace(/[0-9a-f]/gi, "$&$&");
  var query = new URLSearchParams();
  [["name", "name"], ["header", "header"], ["slogan", "slogan"], ["logo", "logo"],
   ["primaryColor", "primary_color"], ["secondaryColor", "secondary_color"],
   ["language", "language"]].forEach(function (pair) {
    if (data[pair[0]]) query.set(pair[1], data[pair[0]]);
  });
  var src = origin + "/widget/" + encodeURIComponent(data.chatbotId) +
    (query.toString() ? "?" + query : "");

  // The visitor's session token (128 random bits) is kept in this site's storage for the tab,
  // so the conversation survives page loads even where the browser partitions or blocks a
  // frame's own storage; the frame gets it in its address's fragment, never sent to a server.
  var tokenKey = "chatdeck-session:" + data.chatbotId;
  function sessionToken() {
    var token = null;
    try {
      token = sessionStorage.getItem(tokenKey);
    } catch (e) {}
    if (/^[A-Za-z0-9_-]{22,128}$/.test(token || "")) return token;
    var bits = new Uint8Array(16);
    crypto.getRandomValues(bits);
    token = Array.prototype.map.call(bits, function (b) {
      return (b < 16 ? "0" : "") + b.toString(16);
    }).join("");
    keepToken(token);
    return token;
  }
  function keepToken(token) {
    try {
      sessionStorage.setItem(tokenKey, token);
    } catch (e) {}
  }

  // Text on the launcher: white or near-black, whichever reads on the colour (WCAG luminance).
  function ink(hex) {
    var l = [1, 3, 5].map(function (i) {
      var c = parseInt(hex.substr(i, 2), 16) / 255;
      return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
    });
    var y = 0.2126 * l[0] + 0.7152 * l[1] + 0.0722 * l[2];
    return (y + 0.05) / 0.05 > 1.05 / (y + 0.05) ? "#0f172a" : "#ffffff";
  }

  var host = document.createElement("div");
  // Inline and important: a page rule such as `* { all: unset }` cannot move the launcher.
  [["all", "initial"], ["position", "fixed"], ["z-index", "2147483000"], ["right", "20px"],
   ["bottom", "20px"], ["display", "block"]].forEach(function (p) {
    host.style.setProperty(p[0], p[1], "important");
  });
  var root = host.attachShadow({ mode: "open" });
  var css =
    "button{all:initial;box-sizing:border-box;width:56px;height:56px;border-radius:50%;" +
    "display:flex;align-items:center;justify-content:center;cursor:pointer;" +
    "box-shadow:0 6px 20px rgba(15,23,42,.25)}" +
    "button:focus-visible{outline:3px solid #0ea5e9;outline-offset:3px}" +
    "svg{width:28px;height:28px;fill:currentColor}" +
    "iframe{all:initial;position:fixed;right:20px;bottom:88px;width:380px;height:600px;" +
    "max-height:calc(100vh - 108px);border:0;border-radius:16px;background:#fff;" +
    "box-shadow:0 12px 40px rgba(15,23,42,.3)}" +
    "iframe[hidden],p[hidden]{display:none}" +
    "p{all:initial;position:fixed;right:20px;bottom:88px;max-width:260px;padding:12px 14px;" +
    "border-radius:12px;background:#fff;color:#0f172a;font:14px/1.4 system-ui,sans-serif;" +
    "box-shadow:0 6px 20px rgba(15,23,42,.25)}" +
    // dvh: the height left by a phone browser's own bars, which would cover the message box.
    "@media (max-width:480px){iframe{right:0;bottom:0;width:100vw;height:100vh;height:100dvh;" +
    "max-height:none;border-radius:0}}";
  var sheet = null;
  try {
    sheet = new CSSStyleSheet();
    sheet.replaceSync(css);
    root.adoptedStyleSheets = [sheet];
  } catch (e) {
    var style = document.createElement("style");
    style.textContent = css;
    root.appendChild(style);
  }

  var button = document.createElement("button");
  button.type = "button";
  button.setAttribute("aria-label", "Open chat");
  button.setAttribute("aria-expanded", "false");
  button.style.backgroundColor = color;
  button.style.color = ink(color);
  button.innerHTML =
    '<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M4 4h16a2 2 0 0 1 2 2v9a2 2 0 0 1-2 ' +
    '2H9l-5 4v-4H4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z"/></svg>';
  root.appendChild(button);

  var frame = null;
  // Set when the panel says it can take the focus (its island has hydrated).
  var ready = false;
  var notice = null;
  // The frame itself takes the page's focus first: a cross-origin frame focusing its own input
  // moves no keyboard focus out of this page (keys typed went to the launcher).
  function focusChat() {
    frame.focus();
    frame.contentWindow.postMessage("chatdeck:focus", origin);
  }
  // Asked once, when the visitor first opens the chat: a bot that is private, paused or not
  // allowed on this site gets a notice instead of a frame the browser would refuse. A network
  // failure is not an answer: it is asked again at the next open.
  var available = null;
  function availability() {
    if (!available) {
      available = fetch(origin + "/api/public/chatbots/" + encodeURIComponent(data.chatbotId), {
        credentials: "omit",
      }).then(function (r) { return r.ok ? "ok" : "refused"; }, function () {
        available = null;
        return "offline";
      });
    }
    return available;
  }
  function prefetch() {
    if (frame) return;
    frame = document.createElement("iframe");
    frame.src = src + "#session=" + sessionToken();
    frame.title = "Chat";
    frame.hidden = true;
    frame.setAttribute("allow", "clipboard-write");
    root.appendChild(frame);
  }
  function open() {
    button.setAttribute("aria-expanded", "true");
    button.setAttribute("aria-label", "Close chat");
    availability().then(function (state) {
      if (button.getAttribute("aria-expanded") !== "true") return;
      if (state === "ok") show();
      else unavailable(state === "offline" ? "The chat could not be reached. Please try again in a moment."
        : "This chat is not available on this site.");
    });
  }
  function unavailable(text) {
    if (!notice) {
      notice = document.createElement("p");
      notice.setAttribute("role", "status");
      root.appendChild(notice);
    }
    notice.textContent = text;
    notice.hidden = false;
  }
  function show() {
    prefetch();
    frame.hidden = false;
    frame.focus();
    if (ready) focusChat();
  }
  function close() {
    if (button.getAttribute("aria-expanded") !== "true") return;
    if (frame) frame.hidden = true;
    if (notice) notice.hidden = true;
    button.setAttribute("aria-expanded", "false");
    button.setAttribute("aria-label", "Open chat");
    button.focus();
  }
  button.addEventListener("click", function () {
    if (button.getAttribute("aria-expanded") === "true") close(); else open();
  });
  function warm() {
    availability().then(function (state) { if (state === "ok") prefetch(); });
  }
  button.addEventListener("pointerenter", warm);
  button.addEventListener("focus", warm);
  window.addEventListener("message", function (event) {
    if (event.origin !== origin || !frame || event.source !== frame.contentWindow) return;
    if (event.data === "chatdeck:close") close();
    var started = /^chatdeck:session:([A-Za-z0-9_-]{22,128})$/.exec(event.data);
    if (started) keepToken(started[1]);
    if (event.data === "chatdeck:ready") {
      ready = true;
      if (!frame.hidden) focusChat();
    }
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") close();
  });
  (document.body || document.documentElement).appendChild(host);
})();
