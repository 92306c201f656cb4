// The demo storefront's product grid (the widget does not depend on it).
(function () {
  const grid = document.getElementById("product-grid");
  const money = (p) => new Intl.NumberFormat("en-US", { style: "currency", currency: p.currency || "USD" }).format(p.price);
  fetch("/api/products/featured").then((r) => r.json()).then(({ products }) => {
    for (const p of products) {
      const li = document.createElement("li");
      li.className = "product";
      const img = document.createElement("img");
      img.src = p.image_url; img.alt = ""; img.width = 240; img.height = 160;
      const title = document.createElement("h3");
      const a = document.createElement("a");
      a.href = p.url; a.textContent = p.title;
      title.append(a);
      const meta = document.createElement("p");
      meta.textContent = `${p.brand} · ${money(p)} · ★ ${p.rating.toFixed(1)} (${p.review_count})`;
      const ask = document.createElement("button");
      ask.type = "button"; ask.textContent = "Ask about this";
      ask.addEventListener("click", () => {
        if (window.Concierge) { window.Concierge.open(); window.Concierge.send(`Tell me about the ${p.title}`, null, { product_id: p.id }); }
      });
      li.append(img, title, meta, ask);
      grid.append(li);
    }
  }).catch(() => { grid.textContent = "Products could not be loaded."; });
})();
