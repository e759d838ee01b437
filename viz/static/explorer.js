/* transfernet explorer: vis-network view over the API (or over an embedded subgraph).
 * Every name and property is data: it reaches the page through textContent or vis-network's
 * canvas labels, never through innerHTML. */
(function () {
  "use strict";

  const config = JSON.parse(document.getElementById("explorer-config").textContent);
  const API = config.api; // null in an exported offline file
  const embedded = config.embedded || null;

  const nodes = new vis.DataSet();
  const edges = new vis.DataSet();
  const nodeData = new Map(); // id -> view node (with properties, facets)
  let legend = {};
  let overlay = "type";
  let overlays = { brokerage: null, duplicates: null, communities: null };
  let selected = null;
  let pathEnds = { from: null, to: null };
  let highlightedEdges = new Set();

  const $ = (id) => document.getElementById(id);
  const status = (text) => { $("status").textContent = text; };

  function el(tag, text, attrs) {
    const e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = String(text);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
    return e;
  }

  async function api(path, params) {
    const url = new URL(API + path, window.location.origin);
    for (const [k, v] of Object.entries(params || {})) {
      if (v !== undefined && v !== null && v !== "") url.searchParams.set(k, v);
    }
    const response = await fetch(url, { headers: { Accept: "application/json" } });
    if (!response.ok) {
      let detail = response.statusText;
      try { detail = (await response.json()).detail || detail; } catch (e) { /* not JSON */ }
      throw new Error(detail);
    }
    return response.json();
  }

  // ---- drawing -------------------------------------------------------------------------

  function tooltip(node) {
    // A DOM element: vis-network inserts it as a node, so markup in names stays text.
    const box = el("div");
    box.appendChild(el("strong", node.name));
    box.appendChild(el("div", node.type, { class: "muted" }));
    const props = node.properties || {};
    if (props.synthetic) box.appendChild(el("div", `synthetic (seed ${props.seed ?? "?"})`, { class: "muted" }));
    return box;
  }

  const ROLE_COLOURS = {
    coordinator: "#1b9e77", itinerant: "#d95f02", representative: "#7570b3",
    gatekeeper: "#e7298a", liaison: "#66a61e", none: "#c8d1da",
  };
  const PALETTE = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
    "#7f7f7f", "#bcbd22", "#17becf", "#393b79", "#637939", "#8c6d31", "#843c39", "#7b4173"];

  function colourFor(node) {
    if (overlay === "brokerage" && overlays.brokerage) {
      const roles = overlays.brokerage[node.id];
      if (!roles) return ROLE_COLOURS.none;
      let best = "none", count = 0;
      for (const role of ["coordinator", "itinerant", "representative", "gatekeeper", "liaison"]) {
        if ((roles[role] || 0) > count) { best = role; count = roles[role]; }
      }
      return ROLE_COLOURS[best];
    }
    if (overlay === "duplicates" && overlays.duplicates) {
      const cluster = overlays.duplicates[node.id];
      return cluster === undefined ? ROLE_COLOURS.none : PALETTE[cluster % PALETTE.length];
    }
    if (overlay === "communities" && overlays.communities) {
      const community = overlays.communities[node.id];
      return community === undefined ? ROLE_COLOURS.none : PALETTE[community % PALETTE.length];
    }
    return node.color;
  }

  function visNode(node) {
    const v = {
      id: node.id, label: node.name, title: tooltip(node), shape: node.shape,
      color: colourFor(node), size: node.type && legend[node.type] && legend[node.type].depth === 0 ? 14 : 11,
      hidden: !visible(node),
    };
    if (node.properties && node.properties.synthetic) {
      // generated data (a scale test, the demo's labelled sample): a dashed outline
      v.shapeProperties = { borderDashes: [4, 3] };
      v.borderWidth = 2;
    }
    if (node.x !== null && node.x !== undefined) { v.x = node.x; v.y = node.y; }
    return v;
  }

  function visEdge(edge) {
    const on = highlightedEdges.has(edge.id);
    return {
      id: edge.id, from: edge.source, to: edge.target, label: undefined, title: edge.type,
      arrows: "to", color: on ? "#d62728" : "#9fb3c8", width: on ? 4 : 1,
    };
  }

  function addView(view) {
    const fresh = [];
    for (const node of view.nodes) {
      if (!nodeData.has(node.id)) fresh.push(node);
      nodeData.set(node.id, Object.assign(nodeData.get(node.id) || {}, node));
    }
    nodes.update(view.nodes.map((n) => visNode(nodeData.get(n.id))));
    edges.update(view.edges.map(visEdge));
    for (const e of view.edges) edgeData.set(e.id, e);
    if (view.physics === false) {
      network.setOptions({ physics: { enabled: false } });
      network.fit({ animation: false });
    }
    refreshFacets();
    status(`${nodes.length} nodes, ${edges.length} relationships`);
    return fresh;
  }
  const edgeData = new Map();

  function redraw() {
    nodes.update([...nodeData.values()].map(visNode));
    edges.update([...edgeData.values()].map(visEdge));
  }

  // ---- filters -------------------------------------------------------------------------

  const hiddenTypes = new Set();
  function visible(node) {
    if (hiddenTypes.has(node.type)) return false;
    const f = node.facets || {};
    const country = $("country-filter").value, bloc = $("bloc-filter").value, field = $("field-filter").value;
    if (country && !(f.country || []).includes(country)) return false;
    if (bloc && !(f.bloc || []).includes(bloc)) return false;
    if (field && !(f.field || []).includes(field)) return false;
    return true;
  }

  function refreshFacets() {
    for (const [facet, select] of [["country", "country-filter"], ["bloc", "bloc-filter"], ["field", "field-filter"]]) {
      const values = new Set();
      for (const node of nodeData.values()) for (const v of (node.facets || {})[facet] || []) values.add(v);
      const box = $(select);
      const have = new Set([...box.options].map((o) => o.value));
      for (const v of [...values].sort()) if (!have.has(v)) box.appendChild(el("option", v, { value: v }));
    }
  }

  function buildTypeFilters() {
    const box = $("type-filters");
    box.replaceChildren();
    for (const entry of Object.values(legend)) {
      const label = el("label");
      const input = el("input", null, { type: "checkbox", "data-type": entry.label });
      input.checked = true;
      input.addEventListener("change", () => {
        if (input.checked) hiddenTypes.delete(entry.label); else hiddenTypes.add(entry.label);
        redraw();
      });
      const swatch = el("span", null, { class: "swatch" });
      swatch.style.background = entry.color;
      label.append(input, " ", swatch, entry.label_en + (entry.label_zh ? " · " + entry.label_zh : ""));
      box.appendChild(label);
    }
  }

  // ---- details -------------------------------------------------------------------------

  function showDetails(id) {
    const node = nodeData.get(id);
    const box = $("details");
    box.replaceChildren();
    if (!node) return;
    box.className = "";
    box.appendChild(el("h3", node.name));
    box.appendChild(el("div", `${node.type} · ${node.id}`, { class: "muted" }));
    const table = el("table", null, { class: "props" });
    const props = node.properties || {};
    for (const key of Object.keys(props).sort()) {
      const tr = el("tr");
      const value = Array.isArray(props[key]) ? props[key].join("\n") : props[key];
      tr.append(el("td", key), el("td", typeof value === "object" ? JSON.stringify(value) : value));
      table.appendChild(tr);
    }
    box.appendChild(table);
    if (overlays.brokerage && overlays.brokerage[id]) {
      box.appendChild(el("h2", "Brokerage roles"));
      const t = el("table", null, { class: "props" });
      for (const [k, v] of Object.entries(overlays.brokerage[id])) {
        const tr = el("tr"); tr.append(el("td", k), el("td", v)); t.appendChild(tr);
      }
      box.appendChild(t);
    }
  }

  // ---- search and expansion ------------------------------------------------------------

  let searchTimer = null;
  async function search(text) {
    const list = $("results");
    list.replaceChildren();
    if (!text.trim()) { list.hidden = true; return; }
    let items;
    if (API) {
      items = (await api("/search", { q: text, limit: 20 })).items;
    } else {
      const needle = text.toLowerCase();
      items = [...nodeData.values()].filter((n) => JSON.stringify([n.name, n.properties]).toLowerCase().includes(needle))
        .slice(0, 20).map((n) => ({ id: n.id, name: n.name, type: n.type }));
    }
    for (const item of items) {
      const li = el("li", item.name, { "data-id": item.id });
      li.appendChild(el("small", item.type));
      li.addEventListener("click", () => { list.hidden = true; focusNode(item.id); });
      list.appendChild(li);
    }
    if (!items.length) list.appendChild(el("li", "no match"));
    list.hidden = false;
  }

  async function expand(id) {
    if (!API) return;
    status("expanding…");
    try {
      const view = await api("/graph/neighbourhood", { id, depth: 1, limit: 300 });
      addView(view);
    } catch (err) { status("error: " + err.message); }
  }

  async function focusNode(id) {
    if (!nodeData.has(id)) await expand(id);
    if (nodeData.has(id)) {
      network.selectNodes([id]);
      network.focus(id, { scale: 1.2, animation: false });
      selected = id;
      showDetails(id);
    }
  }

  // ---- paths and overlays --------------------------------------------------------------

  async function showPath() {
    if (!pathEnds.from || !pathEnds.to) return;
    const info = $("path-info");
    try {
      const result = await api("/graph/path", { source: pathEnds.from, target: pathEnds.to });
      if (!result.paths.length) { info.textContent = "no path"; return; }
      addView(result.view);
      const path = result.paths[0];
      highlightedEdges = new Set();
      for (const hop of path.hops) {
        for (const e of edgeData.values()) {
          if ((e.source === hop.source && e.target === hop.target) || (e.source === hop.target && e.target === hop.source)) {
            if (hop.types.includes(e.type)) highlightedEdges.add(e.id);
          }
        }
      }
      redraw();
      info.textContent = `${path.hops.length} hops: ` + path.nodes.map((n) => (nodeData.get(n) || { name: n }).name).join(" → ");
    } catch (err) { info.textContent = "error: " + err.message; }
  }

  async function loadOverlay(kind) {
    if (overlays[kind] || !API) return;
    status(`loading ${kind}…`);
    const data = await api(`/explore/overlays/${kind}`);
    overlays[kind] = data.nodes;
    status(`${kind}: ${Object.keys(data.nodes).length} nodes`);
    const box = $("overlay-legend");
    box.textContent = data.note || "";
  }

  // ---- export and layout ---------------------------------------------------------------

  function download(name, blob) {
    const a = el("a", null, { download: name, href: URL.createObjectURL(blob) });
    document.body.appendChild(a); a.click(); a.remove();
  }

  function viewJson() {
    const positions = network.getPositions();
    return {
      nodes: [...nodeData.values()].map((n) => Object.assign({}, n, positions[n.id] || {})),
      edges: [...edgeData.values()],
    };
  }

  // ---- start ---------------------------------------------------------------------------

  const network = new vis.Network($("network"), { nodes, edges }, {
    physics: { enabled: true, solver: "forceAtlas2Based", stabilization: { iterations: 150 } },
    interaction: { hover: true, tooltipDelay: 150 },
    nodes: { font: { size: 12 } },
    edges: { smooth: false },
  });
  network.on("stabilizationIterationsDone", () => {
    network.setOptions({ physics: { enabled: false } });
    network.fit({ animation: false });
  });
  network.on("click", (params) => {
    if (params.nodes.length) { selected = params.nodes[0]; showDetails(selected); }
  });
  network.on("doubleClick", (params) => { if (params.nodes.length) expand(params.nodes[0]); });

  $("search").addEventListener("input", (e) => {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(() => search(e.target.value).catch((err) => status("error: " + err.message)), 200);
  });
  for (const id of ["country-filter", "bloc-filter", "field-filter"]) $(id).addEventListener("change", redraw);
  for (const radio of document.querySelectorAll("input[name=overlay]")) {
    radio.addEventListener("change", async () => {
      overlay = radio.value;
      try { if (overlay !== "type") await loadOverlay(overlay); } catch (err) { status("error: " + err.message); }
      redraw();
    });
  }
  $("path-from").addEventListener("click", () => { pathEnds.from = selected; showPath(); });
  $("path-to").addEventListener("click", () => { pathEnds.to = selected; showPath(); });
  $("path-clear").addEventListener("click", () => { pathEnds = { from: null, to: null }; highlightedEdges = new Set(); $("path-info").textContent = ""; redraw(); });
  $("fit").addEventListener("click", () => network.fit({ animation: false }));
  $("export-png").addEventListener("click", () => {
    const canvas = $("network").querySelector("canvas");
    canvas.toBlob((blob) => download("transfernet-view.png", blob));
  });
  $("export-json").addEventListener("click", () => {
    download("transfernet-view.json", new Blob([JSON.stringify(viewJson(), null, 1)], { type: "application/json" }));
  });
  $("save-positions").addEventListener("click", () => {
    localStorage.setItem("transfernet-positions", JSON.stringify(network.getPositions()));
    status("layout saved");
  });
  $("restore-positions").addEventListener("click", () => {
    const saved = JSON.parse(localStorage.getItem("transfernet-positions") || "{}");
    network.setOptions({ physics: { enabled: false } });
    for (const [id, p] of Object.entries(saved)) if (nodeData.has(id)) network.moveNode(id, p.x, p.y);
    status("layout restored");
  });

  async function start() {
    try {
      if (embedded) {
        legend = embedded.legend;
        overlays = Object.assign(overlays, embedded.overlays || {});
        buildTypeFilters();
        addView(embedded.view);
      } else {
        legend = (await api("/explore/legend")).types;
        buildTypeFilters();
        const params = new URLSearchParams(window.location.search);
        addView(await api("/explore/view", { limit: params.get("limit") || 400, focus: params.get("focus") || "" }));
      }
      window.transfernetReady = true;
      document.body.setAttribute("data-ready", "true");
    } catch (err) {
      status("error: " + err.message);
      $("details").appendChild(el("div", "Could not load the graph: " + err.message, { class: "error" }));
    }
  }
  window.transfernetExplorer = { network, nodes, edges, nodeData, edgeData, focusNode, expand, addView };
  start();
})();
