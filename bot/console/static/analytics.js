// Analytics: handoffs per day, reasons, dispositions, time to first reply and to resolve, CSAT. Charts
// are SVG bars built with DOM calls (no chart library, nothing from the server as markup).
(() => {
  const {api, el, header} = Console;
  const SVG = "http://www.w3.org/2000/svg";

  function svg(tag, attrs, text) {
    const node = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function bars(target, pairs, {vertical = false} = {}) {
    const box = document.getElementById(target);
    if (!pairs.length || pairs.every(([, v]) => !v)) {
      box.replaceChildren(el("p", {class: "muted", text: "No handoffs in this period."}));
      return;
    }
    const max = Math.max(...pairs.map(([, v]) => v), 1);
    let chart;
    if (vertical) {
      const w = 720, h = 160, step = w / pairs.length;
      chart = svg("svg", {viewBox: `0 0 ${w} ${h + 20}`, role: "img", "aria-label": `${target} chart`});
      pairs.forEach(([label, v], i) => {
        const bh = (v / max) * h;
        const bar = svg("rect", {x: i * step + 1, y: h - bh, width: Math.max(step - 2, 1), height: bh, class: "bar"});
        bar.append(svg("title", {}, `${label}: ${v}`));
        chart.append(bar);
      });
      chart.append(svg("text", {x: 0, y: h + 16, class: "axis"}, pairs[0][0]),
                   svg("text", {x: w, y: h + 16, "text-anchor": "end", class: "axis"}, pairs[pairs.length - 1][0]));
    } else {
      const row = 26, w = 720, label = 200;
      chart = svg("svg", {viewBox: `0 0 ${w} ${pairs.length * row}`, role: "img", "aria-label": `${target} chart`});
      pairs.forEach(([name, v], i) => {
        chart.append(svg("text", {x: 0, y: i * row + 17, class: "axis"}, name.replaceAll("_", " ")),
          svg("rect", {x: label, y: i * row + 4, width: ((w - label - 40) * v) / max, height: row - 8, class: "bar"}),
          svg("text", {x: label + ((w - label - 40) * v) / max + 6, y: i * row + 17, class: "axis"}, String(v)));
      });
    }
    box.replaceChildren(chart);
  }

  function tile(label, value) {
    return el("div", {class: "tile"}, el("span", {class: "value", text: value}), el("span", {class: "muted", text: label}));
  }

  async function load() {
    const s = await api(`/api/analytics?days=${document.getElementById("days").value}`);
    const minutes = (m) => (m === null ? "—" : `${m} min`);
    document.getElementById("tiles").replaceChildren(
      tile("handoffs", String(s.days.reduce((n, d) => n + d.handoffs, 0))),
      tile("still open", String(s.open)),
      tile("median time to first agent reply", minutes(s.first_reply_minutes_median)),
      tile("median time to resolve", minutes(s.resolve_minutes_median)),
      tile("CSAT (1-5)", s.csat_mean === null ? "no ratings yet" : `${s.csat_mean} (${s.csat_responses})`));
    bars("per-day", s.days.map((d) => [d.day, d.handoffs]), {vertical: true});
    bars("reasons", Object.entries(s.reasons));
    bars("dispositions", Object.entries(s.dispositions));
  }

  document.getElementById("days").addEventListener("change", load);
  header("Analytics").then(load);
})();
