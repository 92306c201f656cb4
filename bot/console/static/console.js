// Shared helpers of the agent console. Every text from the server is set with textContent, never as HTML.
const Console = (() => {
  function cookie(name) {
    const hit = document.cookie.split("; ").find((c) => c.startsWith(name + "="));
    return hit ? decodeURIComponent(hit.slice(name.length + 1)) : "";
  }
  const csrf = () => cookie("concierge_csrf");

  async function api(path, options = {}) {
    const init = {credentials: "same-origin", method: options.method || "GET",
                  headers: {"Accept": "application/json"}};
    if (options.body !== undefined) {
      init.body = JSON.stringify(options.body);
      init.headers["Content-Type"] = "application/json";
    }
    if (init.method !== "GET") init.headers["X-CSRF-Token"] = csrf();
    const resp = await fetch(path, init);
    if (resp.status === 401) {
      location.href = "/login?next=" + encodeURIComponent(location.pathname);
      throw new Error("signed out");
    }
    const data = resp.status === 204 ? null : await resp.json();
    if (!resp.ok) throw new Error((data && data.message) || resp.statusText);
    return data;
  }

  function el(tag, attrs = {}, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) {
      if (v === null || v === undefined || v === false) continue;
      if (k === "text") node.textContent = v;
      else if (k === "href") node.setAttribute("href", safeUrl(v));
      else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
      else node.setAttribute(k, v === true ? "" : v);
    }
    for (const c of children) if (c !== null && c !== undefined) node.append(c);
    return node;
  }

  function safeUrl(url) {
    try {
      const u = new URL(url, location.origin);
      return ["http:", "https:"].includes(u.protocol) ? u.href : "#";
    } catch (e) {
      return "#";
    }
  }

  function when(seconds) {
    return seconds ? new Date(seconds * 1000).toLocaleString() : "";
  }

  function waited(seconds) {
    const m = Math.round(seconds / 60);
    return m < 1 ? "under a minute" : m < 60 ? `${m} min` : `${Math.floor(m / 60)} h ${m % 60} min`;
  }

  async function header(title) {
    const me = await api("/api/auth/me");
    const bar = document.getElementById("topbar");
    const logout = el("form", {method: "post", action: "/logout", class: "logout"},
      el("input", {type: "hidden", name: "csrf", value: csrf()}),
      el("button", {type: "submit", text: "Sign out"}));
    const links = [["/", "Queue"], ["/search", "Search"], ["/analytics", "Analytics"]];
    if (me.role === "admin") links.push(["/admin", "Agents"]);
    bar.replaceChildren(el("a", {href: "/", class: "brand", text: "Concierge"}),
      el("nav", {class: "pages", "aria-label": "Console pages"},
        ...links.map(([href, text]) => el("a", {href, text, "aria-current": location.pathname === href ? "page" : null}))),
      el("span", {class: "title", text: links.some(([href]) => href === location.pathname) ? "" : title}),
      el("span", {class: "me", text: `${me.display_name} (${me.role})`}), logout);
    return me;
  }

  function live(onEvent) {
    const source = new EventSource("/api/events");
    for (const kind of ["handoff_created", "customer_message", "claimed", "transferred", "agent_message",
                        "resolved", "contact_added"]) {
      source.addEventListener(kind, (e) => onEvent(kind, JSON.parse(e.data)));
    }
    return source;
  }

  function cardRow(h) {
    return el("tr", {"data-id": h.id, class: `status-${h.status}`},
      el("td", {}, el("a", {href: `/handoffs/${h.id}`, text: `#${h.id}`})),
      el("td", {text: h.priority.toFixed(2)}),
      el("td", {text: h.reason.replaceAll("_", " ") + (h.mode === "offline" ? " (e-mail)" : "")}),
      el("td", {text: h.status === "waiting" ? waited(h.waited_s) : h.status}),
      el("td", {class: "summary", text: h.summary}),
      el("td", {text: h.channel}),
      el("td", {text: h.agent || ""}));
  }

  // `act(fn)`: run an action, then `reload()`; a failure's message goes to the element `errorId`
  function actions(errorId, reload) {
    return async (fn) => {
      const box = document.getElementById(errorId);
      box.textContent = "";
      try {
        await fn();
        await reload();
      } catch (e) {
        box.textContent = e.message;
      }
    };
  }

  return {actions, api, cardRow, csrf, el, header, live, when, waited};
})();
