// The Concierge chat widget. The server serves it as /widget.js, bundled with socket.io-client and the
// strings, so a store embeds it with one tag (see README, "The chat widget and the demo storefront"):
//
//   <script>window.ConciergeConfig = { serverUrl: "https://chat.example.com", language: "en" };</script>
//   <script src="https://chat.example.com/widget.js" async></script>
//
// Server text is never put into the page as HTML: a small Markdown subset (links, lists, bold, italics,
// paragraphs) is turned into DOM nodes, and only http(s) and mailto links are made.
(function () {
  "use strict";
  if (window.Concierge && window.Concierge.started) return;

  const script = document.currentScript;
  const scriptOrigin = script && script.src ? new URL(script.src, location.href).origin : location.origin;
  const defaults = {
    serverUrl: scriptOrigin, // where /widget.js, the history and the ratings are served
    title: null, subtitle: null, greeting: null, language: null,
    position: "right", // or "left"
    colors: { primary: "#2f5d3a", onPrimary: "#ffffff", background: "#ffffff", text: "#1d2a1f" },
    open: false, // start opened
    container: null, // an element to render into inline (a full-page chat) instead of a floating button
  };
  const userConfig = window.ConciergeConfig || {};
  const config = Object.assign({}, defaults, userConfig,
    { colors: Object.assign({}, defaults.colors, userConfig.colors || {}) });
  const server = String(config.serverUrl).replace(/\/+$/, "");
  const bundles = window.ConciergeStrings || {};
  const lang = pickLanguage(config.language || document.documentElement.lang || navigator.language || "en");
  const storage = safeStorage();
  const SESSION_KEY = "concierge.session";
  const ACK_TIMEOUT_MS = 120000; // a turn may take a while (retrieval, a generated answer)

  function pickLanguage(tag) {
    const base = String(tag).toLowerCase().split(/[-_]/)[0];
    return bundles[base] ? base : "en";
  }

  function t(key, vars) {
    const text = (bundles[lang] && bundles[lang][key]) || (bundles.en && bundles.en[key]) || key;
    return text.replace(/\{(\w+)\}/g, (m, name) => (vars && name in vars ? String(vars[name]) : m));
  }

  function safeStorage() {
    try {
      const probe = "concierge.probe";
      window.localStorage.setItem(probe, "1");
      window.localStorage.removeItem(probe);
      return window.localStorage;
    } catch (err) { // private mode or blocked storage: the conversation lasts as long as the page
      const mem = {};
      return { getItem: (k) => (k in mem ? mem[k] : null), setItem: (k, v) => { mem[k] = String(v); },
               removeItem: (k) => { delete mem[k]; } };
    }
  }

  function newId(prefix) {
    const bytes = new Uint8Array(12);
    (window.crypto || window.msCrypto).getRandomValues(bytes);
    return prefix + Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }

  let sessionId = storage.getItem(SESSION_KEY);
  if (!sessionId || !/^[A-Za-z0-9_-]{8,128}$/.test(sessionId)) {
    sessionId = newId("web-");
    storage.setItem(SESSION_KEY, sessionId);
  }
  const OUTBOX_KEY = "concierge.outbox." + sessionId;

  // --- DOM helpers ----------------------------------------------------------------------------------
  function el(tag, attrs, children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k === "class") node.className = v;
      else if (k === "text") node.textContent = v;
      else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
      else node.setAttribute(k, v === true ? "" : String(v));
    }
    for (const child of [].concat(children || [])) {
      if (child !== null && child !== undefined) node.append(child);
    }
    return node;
  }

  function safeUrl(href, base) {
    try {
      const url = new URL(href, base || server + "/");
      return ["http:", "https:", "mailto:"].includes(url.protocol) ? url.href : null;
    } catch (err) {
      return null;
    }
  }

  function link(text, href) {
    const url = safeUrl(href);
    if (!url) return document.createTextNode(text);
    return el("a", { href: url, target: "_blank", rel: "noopener noreferrer", text });
  }

  // Inline Markdown: [text](url), **bold**, *italic* / _italic_, bare https:// links.
  const INLINE = /\[([^\]\n]+)\]\(([^)\s]+)\)|\*\*([^*\n]+)\*\*|(?:^|(?<=\s))[*_]([^*_\n]+)[*_](?=\s|$|[.,;:!?])|(https?:\/\/[^\s<>()]+[^\s<>().,;:!?'"])/g;

  function inline(text) {
    const frag = document.createDocumentFragment();
    let last = 0;
    let m;
    INLINE.lastIndex = 0;
    while ((m = INLINE.exec(text)) !== null) {
      frag.append(text.slice(last, m.index));
      if (m[1] !== undefined) frag.append(link(m[1], m[2]));
      else if (m[3] !== undefined) frag.append(el("strong", { text: m[3] }));
      else if (m[4] !== undefined) frag.append(el("em", { text: m[4] }));
      else frag.append(link(m[5], m[5]));
      last = INLINE.lastIndex;
    }
    frag.append(text.slice(last));
    return frag;
  }

  function markdown(text) {
    const frag = document.createDocumentFragment();
    const blocks = String(text).replace(/\r\n?/g, "\n").split(/\n{2,}/);
    for (const block of blocks) {
      const lines = block.split("\n").filter((l) => l.trim());
      if (!lines.length) continue;
      const bullets = lines.every((l) => /^\s*[-*•]\s+/.test(l));
      const numbers = lines.every((l) => /^\s*\d+[.)]\s+/.test(l));
      if (bullets || numbers) {
        const list = el(numbers ? "ol" : "ul");
        for (const l of lines) list.append(el("li", {}, inline(l.replace(/^\s*(?:[-*•]|\d+[.)])\s+/, ""))));
        frag.append(list);
      } else {
        const p = el("p");
        lines.forEach((l, i) => {
          if (i) p.append(el("br"));
          p.append(inline(l));
        });
        frag.append(p);
      }
    }
    return frag;
  }

  // --- the widget's DOM (in a shadow root, so the store's styles and ours don't mix) ----------------
  const host = el("div", { id: "concierge-widget", "data-position": config.position === "left" ? "left" : "right" });
  const root = host.attachShadow({ mode: "open" });
  const css = el("link", { rel: "stylesheet", href: server + "/static/widget/concierge.css" });
  const c = config.colors;
  const theme = el("style", {
    text: `:host{--c-primary:${cssColor(c.primary)};--c-on-primary:${cssColor(c.onPrimary)};` +
          `--c-bg:${cssColor(c.background)};--c-text:${cssColor(c.text)};}`,
  });
  const inlineMode = !!config.container;

  function cssColor(value) {
    return /^#[0-9a-f]{3,8}$|^[a-z]+$|^rgba?\([\d\s.,%]+\)$/i.test(String(value)) ? value : "inherit";
  }

  const launcher = el("button", {
    class: "launcher", type: "button", "aria-expanded": "false", "aria-controls": "concierge-panel",
    "aria-label": t("open"),
  }, [el("span", { class: "launcher-icon", "aria-hidden": "true", text: "💬" }), el("span", { text: t("open") })]);
  const status = el("p", { class: "status", role: "status", text: t("connecting") });
  const closeButton = el("button", { class: "close", type: "button", "aria-label": t("close"), text: "×" });
  const titleId = "concierge-title";
  const banner = el("div", { class: "banner", role: "status", hidden: true });
  const log = el("ol", { class: "log", role: "log", "aria-live": "polite", "aria-relevant": "additions",
                         "aria-label": config.title || t("title"), tabindex: "0" });
  const typing = el("div", { class: "typing", hidden: true, role: "status" },
    [el("span", { class: "dots", "aria-hidden": "true" }, [el("i"), el("i"), el("i")]),
     el("span", { class: "visually-hidden", text: t("typing") })]);
  const input = el("textarea", { id: "concierge-input", rows: "1", maxlength: "4000", placeholder: t("placeholder"),
                                 autocomplete: "off", "aria-label": t("input") });
  const sendButton = el("button", { type: "submit", class: "send", text: t("send") });
  const form = el("form", { class: "composer" }, [input, sendButton]);
  const panel = el("section", {
    id: "concierge-panel", class: "panel", role: inlineMode ? "region" : "dialog", "aria-labelledby": titleId,
    hidden: inlineMode ? null : true, lang,
  }, [
    el("header", {}, [
      el("div", {}, [el("h2", { id: titleId, text: config.title || t("title") }),
                     el("p", { class: "subtitle", text: config.subtitle || t("subtitle") }), status]),
      inlineMode ? null : closeButton,
    ]),
    banner, log, typing, form,
  ]);
  root.append(css, theme, panel);
  if (!inlineMode) root.append(launcher);

  function isOpen() {
    return inlineMode || !panel.hidden;
  }

  function open() {
    panel.hidden = false;
    launcher.setAttribute("aria-expanded", "true");
    launcher.hidden = true;
    input.focus();
    scrollDown();
  }

  function close() {
    panel.hidden = true;
    launcher.hidden = false;
    launcher.setAttribute("aria-expanded", "false");
    launcher.focus();
  }

  launcher.addEventListener("click", open);
  closeButton.addEventListener("click", close);
  panel.addEventListener("keydown", (ev) => {
    if (ev.key === "Escape" && !inlineMode) {
      ev.preventDefault();
      close();
    }
  });
  input.addEventListener("keydown", (ev) => {
    if (ev.key === "Enter" && !ev.shiftKey && !ev.isComposing) { // Shift+Enter: a new line; IME: not a send
      ev.preventDefault();
      form.requestSubmit();
    }
  });
  input.addEventListener("input", () => {
    input.style.height = "auto";
    input.style.height = Math.min(input.scrollHeight, 120) + "px";
  });

  function scrollDown() {
    log.scrollTop = log.scrollHeight;
  }

  // --- rendering messages ---------------------------------------------------------------------------
  const SOURCES_LINE = /\n*\s*Sources?:\s.*$/s;

  function sourcesBlock(sources) {
    const list = el("ul", { class: "sources" });
    for (const s of sources) {
      const label = s.section ? `${s.title} › ${s.section}` : s.title;
      list.append(el("li", {}, s.url ? link(label, s.url) : document.createTextNode(label)));
    }
    return el("div", { class: "citations", role: "group", "aria-label": t(sources.length > 1 ? "sources" : "source") },
      [el("span", { class: "citations-label", text: t(sources.length > 1 ? "sources" : "source") + ":" }), list]);
  }

  function price(amount, currency) {
    try {
      return new Intl.NumberFormat(lang === "zh" ? "zh-CN" : "en-US",
        { style: "currency", currency: currency || "USD" }).format(amount);
    } catch (err) {
      return `${amount} ${currency || ""}`.trim();
    }
  }

  function carousel(items) {
    const list = el("ul", { class: "carousel", role: "list", "aria-label": t("products") });
    for (const item of items) {
      const image = item.image_url && safeUrl(item.image_url);
      const rating = typeof item.rating === "number"
        ? el("p", { class: "rating", "aria-label": t("rating", { rating: item.rating, count: item.review_count || 0 }) },
          [el("span", { "aria-hidden": "true", text: `★ ${item.rating.toFixed(1)} (${item.review_count || 0})` })])
        : null;
      const buttons = (item.buttons || []).map((b) => el("button", {
        type: "button", class: "card-button", text: b.title,
        onclick: () => sendMessage(b.payload, b.title),
      }));
      const card = el("li", { class: "card" }, [
        image ? el("img", { src: image, alt: item.title, loading: "lazy", width: "160", height: "110" }) : null,
        el("h3", { class: "card-title" }, item.url ? link(item.title, item.url) : document.createTextNode(item.title)),
        item.brand ? el("p", { class: "brand", text: item.brand }) : null,
        typeof item.price === "number" ? el("p", { class: "price", text: price(item.price, item.currency) }) : null,
        rating,
        item.reason ? el("p", { class: "reason", text: item.reason }) : null,
        item.unmet && item.unmet.length ? el("p", { class: "unmet", text: "≠ " + item.unmet.join(", ") }) : null,
        el("div", { class: "card-actions" }, [
          item.url ? el("a", { class: "card-link", href: safeUrl(item.url), target: "_blank", rel: "noopener noreferrer",
                               text: t("view") }) : null,
        ].concat(buttons)),
      ]);
      list.append(card);
    }
    return list;
  }

  function quickReplies(buttons) {
    const group = el("div", { class: "quick-replies", role: "group" });
    for (const b of buttons) {
      group.append(el("button", {
        type: "button", class: "quick-reply", text: b.title,
        onclick: () => sendMessage(b.payload || b.title, b.title), // sending clears the buttons
      }));
    }
    return group;
  }

  function ratingPrompt() {
    const box = el("li", { class: "msg system csat" });
    const group = el("div", { class: "stars", role: "group", "aria-label": t("ratePrompt") });
    for (let n = 1; n <= 5; n += 1) {
      group.append(el("button", {
        type: "button", class: "star", "aria-label": t("rateStar", { n }), text: "★",
        onclick: () => rate(n, box),
      }));
    }
    box.append(el("p", { text: t("ratePrompt") }), group);
    return box;
  }

  async function rate(n, box) {
    box.querySelectorAll("button").forEach((b) => { b.disabled = true; });
    try {
      const resp = await fetch(`${server}/api/conversations/${encodeURIComponent(sessionId)}/rating`, {
        method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ rating: n }),
      });
      if (!resp.ok) throw new Error("HTTP " + resp.status);
      box.replaceChildren(el("p", { class: "thanks", text: t("rateThanks") }));
    } catch (err) {
      box.querySelectorAll("button").forEach((b) => { b.disabled = false; });
      box.append(el("p", { class: "error", role: "alert", text: t("rateFailed") }));
    }
    scrollDown();
  }

  function setAgent(name) {
    if (name) {
      banner.textContent = t("banner", { name });
      banner.hidden = false;
      panel.classList.add("with-person");
    } else {
      banner.hidden = true;
      banner.textContent = "";
      panel.classList.remove("with-person");
    }
  }

  function clearQuickReplies() {
    log.querySelectorAll(".msg.controls").forEach((li) => li.remove());
  }

  function addUser(text, state, id) {
    const li = el("li", { class: "msg user" + (state === "pending" ? " pending" : ""), "data-id": id || null },
      [el("span", { class: "visually-hidden", text: t("you") + ": " }), el("div", { class: "body" }, markdown(text))]);
    if (state === "pending") li.append(el("span", { class: "state", text: t("pending") }));
    log.append(li);
    scrollDown();
    return li;
  }

  // One server message: {text, quick_replies|buttons, custom, image, from, agent_name}.
  function addBot(message, live, rated) {
    const custom = message.custom && typeof message.custom === "object" ? message.custom : {};
    if (custom.type === "handoff") setAgent(custom.state === "joined" ? custom.agent_name : null);
    const person = message.from === "agent";
    if (person) setAgent(message.agent_name || "Support");
    let text = message.text || "";
    const sources = Array.isArray(custom.sources) ? custom.sources.filter((s) => s && s.title) : [];
    if (sources.length) text = text.replace(SOURCES_LINE, "");
    const items = custom.type === "carousel" && Array.isArray(custom.items) ? custom.items : [];
    const li = el("li", { class: "msg " + (person ? "agent" : "bot") });
    li.append(el("span", { class: person ? "author" : "visually-hidden",
                           text: (person ? t("person", { name: message.agent_name || "Support" }) : t("assistant")) +
                                 (person ? "" : ": ") }));
    if (text && !items.length) li.append(el("div", { class: "body" }, markdown(text)));
    if (items.length) li.append(carousel(items));
    if (sources.length) li.append(sourcesBlock(sources));
    if (message.image && safeUrl(message.image)) {
      li.append(el("img", { class: "image", src: safeUrl(message.image), alt: t("image") }));
    }
    if (li.childNodes.length > 1) log.append(li);
    const buttons = message.quick_replies || message.buttons;
    if (live && Array.isArray(buttons) && buttons.length) {
      clearQuickReplies();
      log.append(el("li", { class: "msg controls" }, quickReplies(buttons)));
    }
    if (live && !rated && (custom.type === "csat" || custom.rate === true)) log.append(ratingPrompt());
    scrollDown();
  }

  // --- history from the server ------------------------------------------------------------------------
  let historyLoaded = false;

  async function loadHistory() {
    try {
      const resp = await fetch(`${server}/api/conversations/${encodeURIComponent(sessionId)}/history`);
      if (!resp.ok) throw new Error("HTTP " + resp.status);
      const data = await resp.json();
      log.replaceChildren();
      if (config.greeting) addBot({ text: config.greeting }, false); // the store's, shown above every conversation
      data.messages.forEach((m, i) => {
        if (m.role === "user") addUser(m.text);
        else addBot(m, i === data.messages.length - 1, data.rated);
      });
      setAgent(data.agent_name || null);
      // a message the server took whose acknowledgement was lost is in the history already
      const taken = new Set(data.messages.map((m) => m.id).filter(Boolean));
      saveOutbox(outbox().filter((item) => !taken.has(item.id)));
    } catch (err) {
      if (!historyLoaded) log.append(el("li", { class: "msg system error", text: t("historyFailed") }));
    }
    historyLoaded = true;
    for (const item of outbox()) addUser(item.display || item.text, "pending", item.id);
  }

  // --- outbox: what the customer typed, kept until the server acknowledges it ----------------------------
  function outbox() {
    try {
      const items = JSON.parse(storage.getItem(OUTBOX_KEY) || "[]");
      return Array.isArray(items) ? items : [];
    } catch (err) {
      return [];
    }
  }

  function saveOutbox(items) {
    storage.setItem(OUTBOX_KEY, JSON.stringify(items));
  }

  // `context`: what the page tells the assistant about this message, e.g. { product_id } for "Ask about this"
  function sendMessage(text, display, context) {
    text = String(text || "").trim();
    if (!text) return;
    clearQuickReplies();
    const item = { id: newId("m-"), text, display: display && display !== text ? display : null, at: Date.now() };
    if (context && typeof context.product_id === "string") item.product_id = context.product_id.slice(0, 64);
    saveOutbox(outbox().concat([item]));
    addUser(display || text, "pending", item.id);
    flush();
  }

  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const text = input.value;
    input.value = "";
    input.style.height = "auto";
    sendMessage(text);
    input.focus();
  });

  // --- socket.io connection to Rasa -------------------------------------------------------------------
  let socket = null;
  let confirmed = false; // the server has put this connection in the conversation's room
  let flushing = false;
  let inFlight = null; // the outbox message the server is working on

  function setStatus(key) {
    status.textContent = t(key);
    panel.dataset.connection = key;
  }

  function markDelivered(id, error) {
    const li = log.querySelector(`.msg.user[data-id="${id}"]`);
    if (!li) return;
    li.classList.remove("pending");
    const state = li.querySelector(".state");
    if (state) state.remove();
    if (error) li.after(el("li", { class: "msg system error", role: "alert", text: error }));
  }

  // Messages go one at a time, in order; each stays in the outbox until the server acknowledges it. A
  // message whose acknowledgement was lost is sent again with the same id, and the server drops the copy.
  async function flush() {
    if (flushing || !socket || !socket.connected || !confirmed) return;
    flushing = true;
    try {
      for (;;) {
        const next = outbox()[0];
        if (!next || !socket.connected) break;
        typing.hidden = false;
        scrollDown();
        inFlight = next.id;
        let ack;
        try {
          ack = await socket.timeout(ACK_TIMEOUT_MS).emitWithAck("user_uttered", {
            message: next.text, session_id: sessionId,
            metadata: { message_id: next.id, display: next.display || undefined, language: lang,
                        product_id: next.product_id || undefined },
          });
        } catch (err) {
          break; // no acknowledgement (disconnected or timed out): retried after the next connect
        }
        if (ack && ack.ok === false && ack.retry) break;
        saveOutbox(outbox().filter((i) => i.id !== next.id));
        markDelivered(next.id, ack && ack.ok === false ? ack.error : null);
      }
    } finally {
      flushing = false;
      inFlight = null;
      typing.hidden = true;
    }
  }

  function connect(endpoint) {
    socket = io(endpoint.socketUrl, { path: endpoint.socketPath || "/socket.io/", transports: ["websocket", "polling"],
                                    reconnection: true, reconnectionDelay: 500, reconnectionDelayMax: 5000 });
    socket.on("connect", () => {
      confirmed = false;
      setStatus("connecting");
      socket.emit("session_request", { session_id: sessionId });
    });
    socket.on("session_confirm", () => {
      confirmed = true;
      setStatus("online");
      flush();
    });
    socket.on("disconnect", () => {
      confirmed = false;
      setStatus(navigator.onLine === false ? "offline" : "connecting");
    });
    socket.on("bot_uttered", (message) => {
      typing.hidden = !flushing;
      if (inFlight) markDelivered(inFlight); // it was answered: received (it leaves the outbox on the ack)
      addBot(message || {}, true);
    });
  }

  window.addEventListener("offline", () => {
    setStatus("offline");
    if (socket) socket.disconnect(); // don't wait for a timeout to notice
  });
  window.addEventListener("online", () => {
    if (socket && !socket.connected) socket.connect();
  });
  document.addEventListener("visibilitychange", () => {
    // another tab may have added to the conversation: show the server's version
    if (document.visibilityState === "visible" && historyLoaded && !flushing) loadHistory();
  });

  async function connectWhenReachable() {
    try {
      const resp = await fetch(server + "/api/widget/config");
      if (!resp.ok) throw new Error("HTTP " + resp.status);
      connect(await resp.json());
    } catch (err) {
      setStatus("offline");
      setTimeout(connectWhenReachable, 5000);
    }
  }

  async function start() {
    const target = inlineMode ? (typeof config.container === "string" ? document.querySelector(config.container)
      : config.container) : document.body;
    (target || document.body).append(host);
    if (config.open && !inlineMode) open();
    await loadHistory();
    await connectWhenReachable();
  }

  window.Concierge = { started: true, open, close, send: sendMessage, sessionId: () => sessionId, isOpen };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
