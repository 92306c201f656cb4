// One handoff: the story so far, why it came to a person, and what the agent does with it.
(() => {
  const {actions, api, el, header, live, when} = Console;
  const id = Number(location.pathname.split("/").pop());
  const CANNED = [
    "Thanks for your patience. I'm looking into this now.",
    "I'm sorry about the trouble. Could you confirm your order number?",
    "I've passed this to our warehouse team; you'll get an e-mail update within one business day.",
    "Is there anything else I can help you with today?",
  ];
  let me = null;

  function mood(score) {
    if (score === null || score === undefined) return null;
    const label = score <= -0.3 ? "negative" : score >= 0.3 ? "positive" : "neutral";
    return el("span", {class: `mood mood-${label}`, title: `sentiment ${score.toFixed(2)}`, text: label});
  }

  function render(h) {
    document.getElementById("title").textContent = `#${h.id} · ${h.reason.replaceAll("_", " ")}`;
    document.getElementById("state").textContent =
      `${h.status}${h.agent ? " · " + h.agent : ""} · ${h.channel} · opened ${when(h.created_at)}` +
      (h.customer_email ? ` · ${h.customer_email}` : "");
    const s = h.summary;
    document.getElementById("summary").replaceChildren(
      el("h3", {text: "Summary"}), el("p", {text: s.text}),
      el("dl", {},
        el("dt", {text: "Wants"}), el("dd", {text: (s.wants || []).join(", ") || "—"}),
        el("dt", {text: "Assistant tried"}), el("dd", {text: (s.tried || []).join("; ") || "—"}),
        el("dt", {text: "Orders"}), el("dd", {text: (s.order_numbers || []).join(", ") || "—"}),
        el("dt", {text: "Products"}), el("dd", {text: (s.products || []).join(", ") || "—"})));
    document.getElementById("why").replaceChildren(el("h3", {text: "Why a person"}),
      el("p", {text: `Reason: ${h.reason.replaceAll("_", " ")} · frustration ${h.frustration.toFixed(2)}`}),
      el("ul", {}, ...Object.entries(h.signals || {}).map(([k, v]) =>
        el("li", {text: v === true ? k.replaceAll("_", " ") : `${k.replaceAll("_", " ")}: ${v}`}))));
    document.getElementById("sources").replaceChildren(el("h3", {text: "Sources the assistant used"}),
      h.sources.length ? el("ul", {}, ...h.sources.map((src) => el("li", {},
        el("a", {href: src.url, target: "_blank", rel: "noopener", text: src.title}),
        src.section ? ` › ${src.section}` : ""))) : el("p", {class: "muted", text: "None."}));
    const lines = [...h.transcript.map((t) => ({...t, text: t.text, who: t.sender})),
                   ...h.messages.map((m) => ({at: m.at, text: m.text, who: m.sender, agent: m.agent,
                                              sentiment: m.sentiment}))];
    document.getElementById("transcript").replaceChildren(...lines.map((t) => el("li", {class: `from-${t.who}`},
      el("span", {class: "who", text: t.who === "agent" ? (t.agent || "agent") : t.who}),
      el("span", {class: "text", text: t.text}), mood(t.sentiment))));
    const mine = me && h.agent === me.display_name && h.status !== "resolved";
    document.getElementById("claim").disabled = h.status !== "waiting";
    document.getElementById("send").disabled = !mine;
    document.getElementById("resolve").disabled = h.status === "resolved";
  }

  async function load() {
    render(await api(`/api/handoffs/${id}`));
  }

  async function loadContext() {
    const c = await api(`/api/handoffs/${id}/context`);
    const orders = c.orders.map((o) => el("li", {},
      el("strong", {text: `Order ${o.id}`}), ` · ${o.status.replaceAll("_", " ")} · ${o.total.toFixed(2)} ${o.currency}`,
      ` · placed ${o.placed_at.slice(0, 10)}`,
      o.tracking_number ? ` · ${o.carrier || ""} ${o.tracking_number}` : "",
      el("ul", {}, ...o.items.map((it) => el("li", {text: `${it.quantity} × ${it.title} (${it.size}, ${it.colour})`})))));
    document.getElementById("context").replaceChildren(el("h3", {text: "Customer and orders"}),
      el("p", {text: c.customer_email ? `E-mail: ${c.customer_email}` : "E-mail: not given"}),
      orders.length ? el("ul", {class: "orders"}, ...orders) : el("p", {class: "muted", text: "No order in this conversation."}));
  }

  const act = actions("reply-error", () => load());

  const canned = document.getElementById("canned");
  CANNED.forEach((text) => canned.append(el("option", {value: text, text})));
  canned.addEventListener("change", () => {
    if (canned.value) document.getElementById("reply").value = canned.value;
    canned.value = "";
  });
  document.getElementById("draft").addEventListener("click", () => act(async () => {
    const draft = await api(`/api/handoffs/${id}/draft`, {method: "POST"});
    if (!draft.found) throw new Error("The help pages don't answer the customer's last message; please write your own reply.");
    document.getElementById("reply").value = draft.text;
    document.getElementById("reply").focus();
  }));
  document.getElementById("claim").addEventListener("click", () =>
    act(() => api(`/api/handoffs/${id}/claim`, {method: "POST"})));
  document.getElementById("transfer").addEventListener("click", () =>
    act(() => api(`/api/handoffs/${id}/transfer`, {method: "POST",
                                                   body: {to: document.getElementById("transfer-to").value}})));
  document.getElementById("reply-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const box = document.getElementById("reply");
    act(async () => {
      await api(`/api/handoffs/${id}/reply`, {method: "POST", body: {text: box.value}});
      box.value = "";
    });
  });
  document.getElementById("resolve-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const tags = document.getElementById("tags").value.split(",").map((t) => t.trim()).filter(Boolean);
    act(() => api(`/api/handoffs/${id}/resolve`, {method: "POST", body: {
      disposition: document.getElementById("disposition").value, tags,
      note: document.getElementById("note").value}}));
  });
  header("Conversation").then((agent) => { me = agent; return Promise.all([load(), loadContext()]); });
  live((kind, event) => { if (event.handoff_id === id) load(); });
})();
