// Search of past and open handoffs.
(() => {
  const {api, cardRow, header} = Console;
  async function run(q) {
    const status = document.getElementById("status");
    try {
      const rows = await api(`/api/handoffs/search?q=${encodeURIComponent(q)}`);
      document.querySelector("#results tbody").replaceChildren(...rows.map(cardRow));
      status.textContent = `${rows.length} handoff(s) mention "${q}"`;
    } catch (e) {
      status.textContent = e.message;
    }
  }
  document.getElementById("search-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const q = document.getElementById("q").value.trim();
    history.replaceState(null, "", `?q=${encodeURIComponent(q)}`);
    run(q);
  });
  header("Search").then(() => {
    const q = new URLSearchParams(location.search).get("q");
    if (q) { document.getElementById("q").value = q; run(q); }
  });
})();
