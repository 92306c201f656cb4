// Minimal chat box over Rasa's REST channel. Server text is rendered as text, never as HTML;
// Markdown links [title](https://...) become real links.
(function () {
  const log = document.getElementById("log");
  const form = document.getElementById("form");
  const input = document.getElementById("text");
  let sender = localStorage.getItem("concierge-sender");
  if (!sender) {
    sender = "web-" + Math.random().toString(36).slice(2) + Date.now().toString(36);
    localStorage.setItem("concierge-sender", sender);
  }
  const configReady = fetch("/config.json").then((r) => r.json());

  function appendText(el, text) {
    const linkRe = /\[([^\]]+)\]\((https?:\/\/[^)\s]+)\)/g;
    let last = 0, m;
    while ((m = linkRe.exec(text)) !== null) {
      el.appendChild(document.createTextNode(text.slice(last, m.index)));
      const a = document.createElement("a");
      a.href = m[2]; a.textContent = m[1]; a.target = "_blank"; a.rel = "noopener noreferrer";
      el.appendChild(a);
      last = linkRe.lastIndex;
    }
    el.appendChild(document.createTextNode(text.slice(last)));
  }

  function add(kind, text) {
    const li = document.createElement("li");
    li.className = "msg " + kind;
    appendText(li, text);
    log.appendChild(li);
    log.scrollTop = log.scrollHeight;
  }

  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const text = input.value.trim();
    if (!text) return;
    input.value = "";
    add("user", text);
    try {
      const { rasaUrl } = await configReady;
      const resp = await fetch(rasaUrl + "/webhooks/rest/webhook", {
        method: "POST", headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ sender, message: text }),
      });
      if (!resp.ok) throw new Error("HTTP " + resp.status);
      const messages = await resp.json();
      for (const m of messages) if (m.text) add("bot", m.text);
    } catch (err) {
      add("error", "Sorry, the assistant can't be reached right now. Please try again in a moment.");
    }
  });
})();
