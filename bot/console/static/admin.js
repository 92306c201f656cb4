// Admins add agents and disable or enable them (disabling ends their sessions).
(() => {
  const {actions, api, el, header, when} = Console;
  let me = null;

  async function load() {
    const agents = await api("/api/agents");
    document.querySelector("#agents tbody").replaceChildren(...agents.map((a) => el("tr", {"data-username": a.username},
      el("td", {text: a.username}), el("td", {text: a.display_name}), el("td", {text: a.role}),
      el("td", {text: a.active ? "yes" : "no"}), el("td", {text: when(a.last_seen_at)}),
      el("td", {}, a.username === me.username ? "" : el("button", {type: "button", text: a.active ? "Disable" : "Enable",
        onclick: () => act(() => api(`/api/agents/${encodeURIComponent(a.username)}`,
                                     {method: "PATCH", body: {active: !a.active}}))})))));
  }

  const act = actions("admin-error", () => load());

  document.getElementById("add-agent").addEventListener("submit", (e) => {
    e.preventDefault();
    act(async () => {
      await api("/api/agents", {method: "POST", body: {
        username: document.getElementById("username").value, display_name: document.getElementById("display-name").value,
        password: document.getElementById("password").value, role: document.getElementById("role").value}});
      e.target.reset();
    });
  });
  header("Agents").then((agent) => { me = agent; return load(); });
})();
