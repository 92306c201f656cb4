// The queue: handoffs of the chosen view, most urgent first, refreshed live from the event stream.
(() => {
  const {api, el, header, live, waited} = Console;
  let view = "waiting";

  async function load() {
    const rows = await api(`/api/handoffs?view=${view}`);
    const body = document.querySelector("#queue tbody");
    body.replaceChildren(...rows.map((h) => el("tr", {"data-id": h.id, class: `status-${h.status}`},
      el("td", {}, el("a", {href: `/handoffs/${h.id}`, text: `#${h.id}`})),
      el("td", {text: h.priority.toFixed(2)}),
      el("td", {text: h.reason.replaceAll("_", " ") + (h.mode === "offline" ? " (e-mail)" : "")}),
      el("td", {text: h.status === "waiting" ? waited(h.waited_s) : h.status}),
      el("td", {class: "summary", text: h.summary}),
      el("td", {text: h.channel}),
      el("td", {text: h.agent || ""}))));
    document.getElementById("status").textContent = rows.length ? `${rows.length} handoff(s)` : "Nothing here.";
  }

  document.querySelectorAll("[data-view]").forEach((tab) => tab.addEventListener("click", () => {
    view = tab.dataset.view;
    document.querySelectorAll("[data-view]").forEach((t) => t.setAttribute("aria-selected", t === tab));
    load();
  }));
  header("Queue").then(load);
  live(() => load());
})();
