// The queue: handoffs of the chosen view, most urgent first, refreshed live from the event stream.
(() => {
  const {api, cardRow, header, live} = Console;
  let view = "waiting";

  async function load() {
    const rows = await api(`/api/handoffs?view=${view}`);
    const body = document.querySelector("#queue tbody");
    body.replaceChildren(...rows.map(cardRow));
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
