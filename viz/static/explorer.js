/* transfernet explorer: vis-network view over the API (or over an embedded subgraph).
 * Every name and property is data: it reaches the page through textContent or vis-network's
 * canvas labels, never through innerHTML. */
(function () {
  "use strict";

  const config = JSON.parse(document.getElementById("explorer-config").textContent);
  const API = config.api; // null in an exported offline file
  const embedded = config.embedded || null;
  const i18n = window.transfernetI18n; // explorer-i18n.js: the page's words in English and Chinese
  const t = i18n.t;

  const nodes = new vis.DataSet();
  const edges = new vis.DataSet();
  const nodeData = new Map(); // id -> view node (with properties, facets)
  let legend = {};
  let terms = { properties: {}, relationships: {}, stages: {}, results: {} }; // the ontology's names of properties, relationship types, lifecycle stages
  let overlay = "type";
  let overlays = { brokerage: null, duplicates: null, communities: null };
  let selected = null;
  let pathEnds = { from: null, to: null };
  let highlightedEdges = new Set();
  let mode = "graph"; // "projected": the organisation network (partners, weighted ties)
  let maxWeight = 0; // of the projected ties drawn: edge widths are relative to it
  let maxStrength = 0; // of the projected network's nodes drawn: node sizes are relative to it
  let sizeBy = "type"; // node size: by type, or by a measure the user chooses (degree, brokerage, betweenness)
  let sizeValues = new Map(); // node id -> the chosen measure, and its largest value among the nodes shown
  let sizeMax = 0;

  const $ = (id) => document.getElementById(id);
  let statusKey = null; // the last status as a message key and its values: said again in a new language
  const status = (key, vars) => { statusKey = [key, vars]; $("status").textContent = t(key, vars); };
  const failed = (err) => status("status.error", { message: err.message });

  // ---- names in the reader's language ------------------------------------------------------

  /** A node's name: Chinese where the language is Chinese and the node has one; with `both`, the
   * English name beside it (the side panel and tooltips: 中文名（English name）). */
  const nodeName = (node, both) => i18n.name(node.name, node.name_zh, both);
  /** A node type's name (the ontology's label; the type's label where it has none). */
  function typeName(label) {
    const entry = legend[label];
    if (!entry) return label || "";
    return i18n.lang === "zh" && entry.label_zh ? entry.label_zh : entry.label_en || label;
  }
  /** A property's or relationship type's name in Chinese, else its key (a technical identifier). */
  function termName(kind, key) {
    const term = (terms[kind] || {})[key];
    return i18n.lang === "zh" && term && term.zh ? term.zh : key;
  }
  /** A lifecycle stage's name (the ontology's skos:prefLabel) in the reader's language, else its notation. */
  function stageName(notation) {
    const term = (terms.stages || {})[notation];
    return term ? (i18n.lang === "zh" && term.zh) || term.en || notation : notation;
  }

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

  const tooltips = new Map(); // id -> [language, element]: made once per node and language
  function tooltip(node) {
    const made = tooltips.get(node.id);
    if (made && made[0] === i18n.lang) return made[1];
    // A DOM element: vis-network inserts it as a node, so markup in names stays text.
    const box = el("div");
    box.appendChild(el("strong", nodeName(node, true)));
    box.appendChild(el("div", typeName(node.type), { class: "muted" }));
    const props = node.properties || {};
    if (props.synthetic) box.appendChild(el("div", t("synthetic.seed", { seed: props.seed ?? "?" }), { class: "muted" }));
    tooltips.set(node.id, [i18n.lang, box]);
    return box;
  }

  const ROLE_COLOURS = {
    coordinator: "#1b9e77", itinerant: "#d95f02", representative: "#7570b3",
    gatekeeper: "#e7298a", liaison: "#66a61e", none: "#c8d1da",
  };
  const PALETTE = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
    "#7f7f7f", "#bcbd22", "#17becf", "#393b79", "#637939", "#8c6d31", "#843c39", "#7b4173"];

  const BROKER_ROLES = ["coordinator", "itinerant", "representative", "gatekeeper", "liaison"];
  const COLOCATED = "#f2b872"; // centres of different parents sharing only a host country

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
      if (cluster !== undefined) return PALETTE[cluster % PALETTE.length];
      return ((overlayAnswers.duplicates || {}).co_located || []).includes(node.id) ? COLOCATED : ROLE_COLOURS.none;
    }
    if (overlay === "communities" && overlays.communities) {
      const community = overlays.communities[node.id];
      return community === undefined ? ROLE_COLOURS.none : PALETTE[community % PALETTE.length];
    }
    return node.color;
  }

  // ---- level of detail ------------------------------------------------------------------

  /** Node types of the transfer-centre system: labelled at every zoom. */
  const SYSTEM_TYPES = new Set(["NationalTransferCentre", "BilateralCentre", "BranchCentre"]);
  /** Zoom scales from which the bilateral and branch centres (tier 1), then every node (tier 2) are
   * labelled; national centres and the countries hosting the system's centres (tier 0) always are. */
  const DETAIL_SCALES = [0, 0.75, 1.25];
  let detail = 0; // the highest tier labelled at the current zoom
  const hosts = new Set(); // countries hosting a centre of the system (HOSTED_IN)

  /** The projected network: its PROJECTED_LABELS strongest actors are labelled at any zoom, the
   * others once zoomed in (150 labels at once pile on one another). */
  const PROJECTED_LABELS = 30;
  let strongCut = 0; // the strength of the PROJECTED_LABELS-th strongest actor drawn
  function noteStrongest() {
    const strengths = [...nodeData.values()].map((n) => n.strength).filter((s) => s !== undefined).sort((a, b) => b - a);
    strongCut = strengths.length ? strengths[Math.min(PROJECTED_LABELS, strengths.length) - 1] : 0;
  }

  function rank(node) {
    if (mode === "projected") return node.strength !== undefined && node.strength >= strongCut ? 0 : 2;
    if (node.type === "NationalTransferCentre" || hosts.has(node.id)) return 0;
    const roles = overlay === "brokerage" && overlays.brokerage ? overlays.brokerage[node.id] : null;
    if (roles && roles.total) return 0; // the brokerage overlay: its brokers are labelled at any zoom
    return SYSTEM_TYPES.has(node.type) ? 1 : 2;
  }

  function noteHosts(view) {
    for (const e of view.edges) {
      const from = nodeData.get(e.source);
      if (e.type === "HOSTED_IN" && from && SYSTEM_TYPES.has(from.type)) hosts.add(e.target);
    }
  }

  /** The level of detail of a fresh view laid out on the server, from the zoom its fit will have
   * (vis-network fits the positions' range, widened by a tenth, to the canvas): its nodes are made
   * with the labels and arrowheads of that zoom, not remade after the fit (half a second for 5,000
   * nodes and 10,000 edges). */
  function presetDetail(view) {
    if (view.physics !== false) return;
    let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
    for (const n of view.nodes) {
      if (n.x === null || n.x === undefined) continue;
      x0 = Math.min(x0, n.x); x1 = Math.max(x1, n.x); y0 = Math.min(y0, n.y); y1 = Math.max(y1, n.y);
    }
    if (x0 > x1) return;
    const box = $("network");
    const scale = Math.min(1, box.clientWidth / Math.max(1, 1.1 * (x1 - x0)), box.clientHeight / Math.max(1, 1.1 * (y1 - y0)));
    detail = DETAIL_SCALES.filter((s) => scale >= s).length - 1;
  }

  /** A fresh canvas for `view`: physics, and the level of detail its fit will have. */
  function freshCanvas(view) {
    setPhysics(view.physics !== false);
    presetDetail(view);
  }

  /** The label size of a node of `tier` at the current level of detail (0: no label). */
  const labelSize = (tier) => (tier <= detail ? [22, 16, 12][tier] : 0);
  /** A node's label font at the current level of detail: dark, with a white halo that keeps it legible
   * across edges; the national centres (the story's main actors) a fifth larger than their hosts. */
  const labelFont = (node, tier) => {
    const size = mode === "projected" ? (tier <= detail ? 20 : 0) // fitted to a few hundred partners
      : labelSize(tier) * (node.type === "NationalTransferCentre" ? 1.2 : 1);
    return { size, color: "#102a43", strokeWidth: 4, strokeColor: "#ffffff" };
  };
  const fontOf = (node) => labelFont(node, rank(node));

  function levelOfDetail() {
    const scale = network.getScale();
    const now = DETAIL_SCALES.filter((s) => scale >= s).length - 1;
    if (now === detail) return;
    const [lo, hi] = [Math.min(now, detail), Math.max(now, detail)];
    detail = now;
    if (mode !== "projected" && arrowsChange()) held(() => edges.update([...edgeData.values()].map((e) => ({ id: e.id, arrows: arrows() }))));
    // only the labels of the tiers crossed change (5,000 nodes updated whole take half a second)
    const changed = [];
    for (const node of nodeData.values()) {
      const tier = rank(node);
      if (tier > lo && tier <= hi) changed.push({ id: node.id, font: fontOf(node) });
    }
    if (changed.length) held(() => nodes.update(changed));
  }

  /** Arrowheads: on every edge of a view of at most ARROW_EDGES edges, on a larger one from the zoom
   * of tier 1: fitted to thousands of edges a head is a pixel or two, and drawing them (vis-network
   * finds where each edge meets its node's outline) takes three quarters of a frame's time. */
  const ARROW_EDGES = 2000;
  let arrowsOn = true; // as drawn
  const arrows = () => (arrowsOn ? "to" : "");
  /** Whether the arrowheads change with the view's size and the level of detail (then every edge does). */
  function arrowsChange() {
    const now = edgeData.size <= ARROW_EDGES || detail >= 1;
    if (now === arrowsOn) return false;
    arrowsOn = now;
    return true;
  }

  /** A label that leaves room for the others: the acronym of an organisation with a long name (a
   * Chinese name is short enough), at most 22 characters; the full name: tooltip and details. */
  function shortName(node) {
    const short = (node.properties || {}).acronym;
    const chinese = i18n.lang === "zh" && node.name_zh;
    const label = chinese ? String(node.name_zh) : short ? String(Array.isArray(short) ? short[0] : short) : nodeName(node);
    return label.length > 22 ? label.slice(0, 21) + "…" : label;
  }

  /** The highest brokerage total of the run (node sizes in the brokerage overlay are relative to it). */
  function maxBrokerage() {
    if (overlays.brokerage && overlays.brokerage.__max === undefined) {
      Object.defineProperty(overlays.brokerage, "__max", { value: Math.max(0, ...Object.values(overlays.brokerage).map((r) => r.total || 0)), enumerable: false });
    }
    return overlays.brokerage ? overlays.brokerage.__max : 0;
  }

  function visNode(node) {
    const v = {
      id: node.id, label: shortName(node), title: tooltip(node), shape: node.shape,
      color: colourFor(node), size: node.type && legend[node.type] && legend[node.type].depth === 0 ? 14 : 11,
      hidden: !visible(node),
    };
    const roles = overlay === "brokerage" && overlays.brokerage ? overlays.brokerage[node.id] : null;
    if (roles && roles.total && maxBrokerage()) {
      v.size = 9 + 21 * Math.sqrt(roles.total / maxBrokerage()); // the brokers stand out by their count
    }
    if (sizeBy !== "type") {
      const value = sizeValues.get(node.id) || 0;
      v.size = sizeMax ? 6 + 24 * Math.sqrt(value / sizeMax) : v.size; // area follows the measure
    }
    if (mode === "projected" && node.strength !== undefined && maxStrength) {
      v.size = 7 + 18 * Math.sqrt(node.strength / maxStrength); // weighted degree in the projected network
    }
    // level of detail: the centre system (projected: the strongest actors) is labelled at any zoom, the
    // rest once zoomed in (and on hover); a label is ≥ 11 px on screen from the zoom where it shows
    v.font = fontOf(node);
    if (node.properties && node.properties.synthetic) {
      // generated data (a scale test, the demo's labelled sample): a dashed outline
      v.shapeProperties = { borderDashes: [4, 3] };
      v.borderWidth = 2;
    }
    if (node.x !== null && node.x !== undefined) { v.x = node.x; v.y = node.y; }
    return v;
  }

  // ---- the projected organisation network ------------------------------------------------

  const PROJECTED_TIE = "PROJECTED_TIE";

  function tieTitle(edge) {
    const p = edge.properties || {};
    const box = el("div");
    box.appendChild(el("strong", t("tie.weight", { weight: i18n.num(p.weight, 3) })));
    box.appendChild(el("div", t("tie.shared", { n: i18n.num(p.shared) }), { class: "muted" }));
    (p.evidence || []).forEach((id, i) => box.appendChild(el("div", (p.evidence_names || [])[i] || id)));
    return box;
  }

  function visTie(edge) {
    const share = maxWeight ? (Number((edge.properties || {}).weight) || 0) / maxWeight : 0;
    return {
      id: edge.id, from: edge.source, to: edge.target, title: tieTitle(edge), arrows: "",
      // width and opacity linear in the Newman weight (a selection keeps them readable)
      color: { color: "#2f5f8f", highlight: "#2f5f8f", hover: "#17324d", opacity: 0.2 + 0.8 * share },
      width: 0.5 + 7.5 * share,
    };
  }

  let modeView = null; // the view the mode note speaks of (said again in a new language)
  function noteMode(view) {
    if (!view.mode) return;
    modeView = view;
    mode = view.mode;
    for (const radio of document.querySelectorAll("input[name=mode]")) radio.checked = radio.value === mode;
    const note = $("mode-note");
    if (mode !== "projected") {
      const left = view.left_out;
      note.textContent = left && (left.synthetic || left.statistics)
        ? t("left.note", { synthetic: i18n.num(left.synthetic), statistics: i18n.num(left.statistics) }) : "";
      return;
    }
    const n = i18n.num;
    if (view.focus) {
      const name = nodeName(nodeData.get(view.focus) || { name: view.focus });
      note.textContent = t("projected.focus", { name, shown: n(view.nodes.length - 1), partners: n(view.partners) })
        + (view.partners_left_out ? t("projected.left", { n: n(view.partners_left_out) }) : "") + (i18n.lang === "zh" ? "。" : ". ");
    } else {
      note.textContent = t("projected.core", {
        shown: n(view.nodes.length), actors: n(view.actors), left: n(view.ties_left_out), ties: n(view.ties),
      });
    }
    note.appendChild(el("div", (i18n.lang === "zh" && view.population_zh) || view.population || ""));
  }

  function placeAround(focus, view) {
    // an expansion: its sunflower layout moved onto the focus; nodes already drawn stay where they are
    const at = network.getPositions([focus])[focus] || { x: 0, y: 0 };
    for (const n of view.nodes) {
      const drawn = nodeData.has(n.id) && network.getPositions([n.id])[n.id];
      if (drawn) { n.x = drawn.x; n.y = drawn.y; } else if (n.x !== null && n.x !== undefined) { n.x += at.x; n.y += at.y; }
    }
    view.physics = undefined; // keep the viewport
  }

  async function loadView(params) {
    // a fresh canvas (asked first: a failed request leaves the current one)
    const view = await api("/explore/view", params);
    $("network").removeAttribute("data-settled");
    $("network").removeAttribute("data-drawn");
    nodes.clear(); edges.clear(); nodeData.clear(); edgeData.clear(); hosts.clear(); tooltips.clear();
    maxWeight = 0; maxStrength = 0;
    freshCanvas(view);
    addView(view);
  }

  /** What the first view may show: the "show synthetic data" and "show statistics" boxes. */
  function shown() {
    return { synthetic: $("show-synthetic").checked, statistics: $("show-statistics").checked };
  }

  async function reloadFirstView() {
    status("status.loading");
    try { await loadView({ limit: new URLSearchParams(window.location.search).get("limit") || "", ...shown() }); }
    catch (err) { failed(err); }
  }

  // ---- the map ----------------------------------------------------------------------------

  /** The Map view: countries by coverage, centres and their links (explorer-map.js draws it). */
  async function showMap() {
    status("status.loading");
    try {
      const data = await api("/explore/map", { lang: i18n.lang });
      $("map").hidden = false;
      window.transfernetMap.draw($("map"), data, t, showCountry, (n) => i18n.num(n));
      const s = data.statuses;
      status("map.status", { centre: i18n.num(s.centre.count), gap: i18n.num(s.gap.count) });
    } catch (err) { failed(err); }
  }

  /** A country of the map in the side panel: its status and its centres (a click opens one in the graph). */
  function showCountry(country, entry) {
    const box = $("details");
    box.replaceChildren();
    box.className = "";
    box.appendChild(el("h3", country.name));
    const svgPath = $("map").querySelector(`path[data-code="${CSS.escape(country.code || "")}"]`);
    const key = svgPath ? svgPath.getAttribute("data-status") : "";
    box.appendChild(el("div", key ? t("map.status." + key) : "", { class: "muted" }));
    if (!entry) return;
    box.appendChild(el("h2", t("map.centres.here", { n: i18n.num(entry.ids.length) })));
    const list = el("ul", null, { class: "centres" });
    entry.ids.forEach((id, i) => {
      const button = el("button", entry.names[i] || id, { type: "button", "data-id": id });
      button.addEventListener("click", async () => {
        for (const radio of document.querySelectorAll("input[name=mode]")) radio.checked = radio.value === "graph";
        await switchMode("graph");
        focusNode(id);
      });
      const li = el("li"); li.appendChild(button); list.appendChild(li);
    });
    box.appendChild(list);
  }

  async function switchMode(value) {
    if (value === "map") { mode = "map"; $("time").hidden = true; await showMap(); return; } // the map has its own slider
    $("map").hidden = true;
    mode = value;
    const url = new URLSearchParams(window.location.search);
    const focus = selected || url.get("focus") || "";
    const ask = (at) => loadView({ projected: mode === "projected", focus: at, limit: url.get("limit") || "", ...shown() });
    status("status.loading");
    try {
      await ask(focus).catch((err) => { if (!focus) throw err; return ask(""); }); // a focus that is no actor: the core
    } catch (err) { failed(err); }
  }

  function relName(type) {
    const local = termName("relationships", type);
    return local === type ? type : t("name.both", { local, english: type });
  }

  function visEdge(edge) {
    if (edge.type === PROJECTED_TIE) return visTie(edge);
    const on = highlightedEdges.has(edge.id);
    const year = edgeYears.get(edge.id);
    return {
      id: edge.id, from: edge.source, to: edge.target, label: undefined, title: relName(edge.type),
      arrows: arrows(), color: on ? "#d62728" : "#9fb3c8", width: on ? 4 : 1,
      hidden: yearLimit !== null && year !== undefined && year > yearLimit,
    };
  }

  /** Runs `change` (DataSet updates) with vis-network's drawing held, then asks for one frame.  With
   * physics off, vis-network draws the whole network at once after every DataSet change and asks
   * for another frame besides (5,000 nodes: ~0.15 s a drawing, four of them for one view). */
  let holding = 0;
  function held(change) {
    if (physicsOn || holding) return change(); // physics draws in its own steps; nested: held already
    const emitter = network.body.emitter;
    holding += 1;
    emitter.emit("_blockRedraw");
    try { return change(); } finally {
      holding -= 1;
      emitter.emit("_allowRedraw");
      emitter.emit("_requestRedraw");
    }
  }

  function addView(view) { return held(() => addViewNow(view)); }
  function addViewNow(view) {
    const fresh = [];
    if (view.mode) mode = view.mode; // before drawing: sizes and widths depend on it
    const strength = view.strength || {};
    for (const node of view.nodes) {
      if (!nodeData.has(node.id)) fresh.push(node);
      const known = Object.assign(nodeData.get(node.id) || {}, node);
      if (strength[node.id] !== undefined) known.strength = strength[node.id];
      nodeData.set(node.id, known);
    }
    noteHosts(view);
    for (const e of view.edges) edgeData.set(e.id, e);
    computeYears();
    const strongest = Math.max(maxStrength, ...Object.values(strength));
    const cut = strongCut;
    noteStrongest();
    const before = sizeMax;
    if (sizeBy !== "type") measureSizes(); // new nodes and edges change the measures (and their largest)
    if (strongest > maxStrength || sizeMax !== before || cut !== strongCut) {
      maxStrength = strongest;
      nodes.update([...nodeData.values()].map(visNode));
    }
    nodes.update(view.nodes.map((n) => visNode(nodeData.get(n.id))));
    for (const e of view.edges) edgeData.set(e.id, e);
    const heaviest = Math.max(maxWeight, ...view.edges.map((e) => (e.type === PROJECTED_TIE ? Number(e.properties.weight) || 0 : 0)));
    if (heaviest > maxWeight || arrowsChange()) { maxWeight = Math.max(maxWeight, heaviest); edges.update([...edgeData.values()].map(visEdge)); }
    else edges.update(view.edges.map(visEdge));
    noteMode(view);
    if (view.physics === false) {
      setPhysics(false);
      network.fit({ animation: false });
      levelOfDetail();
      $("network").setAttribute("data-settled", "true");
    }
    refreshFacets();
    status("status.counts", { nodes: i18n.num(nodes.length), edges: i18n.num(edges.length) });
    return fresh;
  }
  const edgeData = new Map();

  /** The chosen size measure of every node shown (`sizeBy`): edges drawn, or the latest run's values. */
  function measureSizes() {
    sizeValues = new Map();
    if (sizeBy === "degree") {
      for (const e of edgeData.values()) {
        for (const end of [e.source, e.target]) sizeValues.set(end, (sizeValues.get(end) || 0) + 1);
      }
    } else if (sizeBy === "brokerage") {
      for (const [id, roles] of Object.entries(overlays.brokerage || {})) sizeValues.set(id, roles.total || 0);
    } else if (sizeBy === "betweenness") {
      for (const [id, c] of Object.entries(overlays.centrality || {})) sizeValues.set(id, Number(c.betweenness) || 0);
    }
    sizeMax = 0;
    for (const node of nodeData.values()) sizeMax = Math.max(sizeMax, sizeValues.get(node.id) || 0);
    const note = $("size-note");
    if (note) {
      note.textContent = sizeBy === "type" ? "" : sizeMax
        ? t("size.note", { max: i18n.num(Math.round(sizeMax * 1000) / 1000) })
        : t("size.none");
    }
  }

  function redraw() {
    measureSizes();
    held(() => {
      nodes.update([...nodeData.values()].map(visNode));
      edges.update([...edgeData.values()].map(visEdge));
    });
  }

  // ---- time: the network as it stood in a year --------------------------------------------

  const time = window.transfernetTime; // explorer-time.js: the dating rules, shared with the map
  const BRI = time.BRI;
  let yearLimit = null; // null: every year
  let nodeYears = new Map(); // id -> [year, inferred]
  let edgeYears = new Map(); // id -> year

  /** Each node's and relationship's year (`transfernetTime.years`), and the slider's range. */
  function computeYears() {
    ({ nodes: nodeYears, edges: edgeYears } = time.years(nodeData, edgeData.values()));
    const years = [...[...nodeYears.values()].map((v) => v[0]), ...edgeYears.values()];
    const box = $("time");
    box.hidden = years.length === 0 || mode === "projected";
    if (box.hidden) { yearLimit = null; return; }
    const slider = $("year");
    const lo = Math.min(...years), hi = Math.max(...years);
    const keep = yearLimit;
    slider.min = String(lo); slider.max = String(hi);
    slider.value = String(keep === null ? hi : Math.min(Math.max(keep, lo), hi));
    noteYear();
  }

  function noteYear() {
    const slider = $("year");
    const year = Number(slider.value), last = Number(slider.max);
    $("year-value").textContent = yearLimit === null || year >= last ? t("time.all", { year: slider.max }) : String(year);
    let centres = 0, inferred = 0, undated = 0, agreements = 0, members = 0;
    for (const node of nodeData.values()) {
      const y = nodeYears.get(node.id);
      if (!y) { if (SYSTEM_TYPES.has(node.type) || node.type === "NationalTransferCentre") undated += 1; continue; }
      if (yearLimit !== null && y[0] > yearLimit) continue;
      if (legend[node.type] && (node.type.endsWith("Centre") || node.type === "TransferCentre")) { centres += 1; if (y[1]) inferred += 1; }
      if (node.type.endsWith("Agreement") || node.type === "MemorandumOfUnderstanding") agreements += 1;
    }
    for (const [id, y] of edgeYears) {
      const e = edgeData.get(id);
      if (e && e.type === "MEMBER_OF" && e.target === BRI && (yearLimit === null || y <= yearLimit)) members += 1;
    }
    $("year-note").textContent = t("time.note", { centres: i18n.num(centres), inferred: i18n.num(inferred),
      members: i18n.num(members), agreements: i18n.num(agreements), undated: i18n.num(undated) });
  }

  function setYear(value) {
    const year = Number(value);
    yearLimit = year >= Number($("year").max) ? null : year;
    noteYear();
    redraw();
  }

  // ---- filters -------------------------------------------------------------------------

  const hiddenTypes = new Set();
  function visible(node) {
    if (hiddenTypes.has(node.type)) return false;
    const dated = nodeYears.get(node.id);
    if (yearLimit !== null && dated && dated[0] > yearLimit) return false;
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
      input.checked = !hiddenTypes.has(entry.label);
      const zh = i18n.lang === "zh" && entry.label_zh;
      // English: both names, as before; Chinese: the Chinese one
      label.append(input, " ", swatch, zh ? entry.label_zh : entry.label_en + (entry.label_zh ? " · " + entry.label_zh : ""));
      box.appendChild(label);
    }
  }

  // ---- details -------------------------------------------------------------------------

  /** A `sources` entry: a link where it is a web address (http or https only), else text (a file row). */
  function sourceItem(text) {
    const li = el("li");
    let url = null;
    try { const u = new URL(String(text)); if (u.protocol === "http:" || u.protocol === "https:") url = u; } catch (e) { /* a file row */ }
    if (url) li.appendChild(el("a", String(text), { href: url.href, target: "_blank", rel: "noopener noreferrer" }));
    else li.textContent = String(text);
    return li;
  }

  /** Properties the panel shows apart: the status line and the sources. */
  const APART = new Set(["sources", "status", "lifecycle", "synthetic", "seed"]);

  /** What the latest analysis run says of a node: brokerage roles, community, duplicates evidence. */
  function analysisOf(id) {
    const lines = [];
    const roles = (overlays.brokerage || {})[id];
    if (roles && roles.total) {
      const named = BROKER_ROLES.filter((r) => roles[r]).map((r) => `${t("role." + r)} ${i18n.num(roles[r])}`);
      lines.push(["brokerage", t("analysis.brokerage", { total: i18n.num(roles.total), roles: named.join(i18n.lang === "zh" ? "，" : ", ") })]);
    } else if (roles) lines.push(["brokerage", t("analysis.no.brokerage")]);
    const community = (overlays.communities || {})[id];
    if (community !== undefined) {
      const size = Object.values(overlays.communities).filter((c) => c === community).length;
      lines.push(["community", t("analysis.community", { c: community, n: i18n.num(size) })]);
    }
    for (const pair of ((overlayAnswers.duplicates || {}).evidence || {})[id] || []) {
      const other = nodeName(nodeData.get(pair.other) || { name: pair.other.split(":").pop() });
      const evidence = pair.evidence.map((k) => t("evidence." + k)).join(i18n.lang === "zh" ? "、" : ", ");
      lines.push(["duplicates", pair.kind === "duplicate"
        ? t("analysis.duplicate", { other, confidence: t("confidence." + pair.confidence), score: i18n.num(pair.score, 2), evidence })
        : t("analysis.colocated", { other, hosts: pair.hosts.join(", ") })]);
    }
    return lines;
  }

  /** A table of `keys` of `props`, each named as the ontology names it (its key where it has no name). */
  function propertyTable(props, keys) {
    const table = el("table", null, { class: "props" });
    for (const key of keys) {
      const tr = el("tr");
      const value = Array.isArray(props[key]) ? props[key].join("\n") : props[key];
      const name = termName("properties", key);
      tr.append(el("td", name, name === key ? {} : { title: key, "data-key": key }),
        el("td", typeof value === "boolean" ? t(value ? "value.true" : "value.false")
          : typeof value === "object" ? JSON.stringify(value) : value));
      table.appendChild(tr);
    }
    return table;
  }

  async function showDetails(id) {
    const node = nodeData.get(id);
    const box = $("details");
    box.replaceChildren();
    if (!node) return;
    box.className = "";
    box.appendChild(el("h3", nodeName(node, true)));
    box.appendChild(el("div", `${typeName(node.type)} · ${node.id}`, { class: "muted" }));
    const props = node.properties || {};
    // its status: the lifecycle stage, the source's words, synthetic or not
    const state = el("div", null, { class: "status-line" });
    if (props.lifecycle) state.appendChild(el("span", stageName(props.lifecycle), { class: "badge", "data-stage": props.lifecycle }));
    if (props.synthetic) state.appendChild(el("span", t("synthetic.seed", { seed: props.seed ?? "?" }), { class: "badge synthetic" }));
    if (props.status) state.appendChild(el("div", props.status));
    if (state.childNodes.length) box.appendChild(state);
    const analysis = el("div", null, { id: "analysis" });
    box.appendChild(analysis);
    const lines = el("div"); // the latest run's answers (asked below)
    analysis.appendChild(lines);
    if (props.sources && props.sources.length) {
      box.appendChild(el("h2", t("details.sources")));
      const list = el("ul", null, { class: "sources" });
      for (const source of [].concat(props.sources)) list.appendChild(sourceItem(source));
      box.appendChild(list);
    }
    box.appendChild(el("h2", t("details.properties")));
    // the node's own properties; the scores an analysis run wrote back onto it (the ontology's
    // tn:AnalysisResultsShape: terms.results) go with its analysis, folded
    const results = Object.keys(props).filter((key) => key in (terms.results || {})).sort();
    box.appendChild(propertyTable(props, Object.keys(props).filter((key) => !APART.has(key) && !results.includes(key)).sort()));
    const scores = results.filter((key) => key !== "analysisRun"); // the run is named in the summary
    if (scores.length) {
      const stored = el("details", null, { class: "results" });
      stored.appendChild(el("summary", t("details.results", { run: props.analysisRun ?? "?", n: i18n.num(scores.length) })));
      stored.appendChild(propertyTable(props, scores));
      analysis.appendChild(stored);
    }
    // the analysis results (the overlays' answers, asked once)
    if (API && mode !== "projected") {
      try { await Promise.all(["brokerage", "communities", "duplicates"].map(fetchOverlay)); } catch (err) { /* no run yet */ }
    }
    if (selected !== id && selected !== null) return; // another node was chosen meanwhile
    const said = analysisOf(id);
    if (said.length) {
      lines.appendChild(el("h2", t("details.analysis", { run: (overlayAnswers.brokerage || {}).run || "" })));
      for (const [kind, text] of said) lines.appendChild(el("div", text, { class: "analysis", "data-kind": kind }));
    } else if (overlayAnswers.brokerage) {
      lines.appendChild(el("div", t("analysis.none"), { class: "muted" }));
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
      const li = el("li", nodeData.has(item.id) ? nodeName(nodeData.get(item.id)) : item.name, { "data-id": item.id });
      li.appendChild(el("small", typeName(item.type)));
      li.addEventListener("click", () => { list.hidden = true; focusNode(item.id); });
      list.appendChild(li);
    }
    if (!items.length) list.appendChild(el("li", t("search.none")));
    list.hidden = false;
  }

  async function expand(id) {
    if (!API) return;
    status("status.expanding");
    try {
      const projected = mode === "projected";
      const view = await api("/graph/neighbourhood", { id, depth: 1, limit: 300, projected: projected || "" });
      if (projected) placeAround(id, view);
      addView(view);
    } catch (err) { failed(err); }
  }

  async function focusNode(id) {
    if (mode === "projected" && API) {
      try { await loadView({ projected: true, focus: id }); } catch (err) { failed(err); } // its partners
    } else if (!nodeData.has(id)) await expand(id);
    if (nodeData.has(id)) {
      network.selectNodes([id]);
      if (mode !== "projected") network.focus(id, { scale: 1.2, animation: false }); // projected: its partners fitted
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
      if (!result.paths.length) { info.textContent = t("path.none"); return; }
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
      info.textContent = t("path.hops", {
        n: i18n.num(path.hops.length), nodes: path.nodes.map((n) => nodeName(nodeData.get(n) || { name: n })).join(" → "),
      });
    } catch (err) { info.textContent = t("status.error", { message: err.message }); }
  }

  const overlayAnswers = {}; // kind -> the /explore/overlays answer (evidence, co-located centres)
  /** An overlay's answer, asked once (the side panel and the colouring share it). */
  async function fetchOverlay(kind) {
    if (!overlayAnswers[kind] && API) {
      overlayAnswers[kind] = await api(`/explore/overlays/${kind}`);
      overlays[kind] = overlayAnswers[kind].nodes;
    }
    return overlayAnswers[kind] || null;
  }

  async function loadOverlay(kind) {
    if (!API) return;
    status("status.overlay.loading", { kind: t("overlay." + kind) });
    const data = await fetchOverlay(kind);
    overlayData = data;
    status("status.overlay", { kind: t("overlay." + kind), n: i18n.num(Object.keys(data.nodes).length) });
    noteOverlay();
  }

  let overlayData = null; // the last overlay loaded: its note is said again in a new language
  function noteOverlay() {
    const data = overlayData;
    const box = $("overlay-legend");
    if (!data) { box.textContent = ""; return; }
    const parts = [t("overlay.run", { run: data.run })];
    if (data.partition) parts.push(t("overlay.partition", { partition: t("partition." + data.partition) }));
    if (data.clusters !== undefined) parts.push(t("overlay.clusters", { n: i18n.num(data.clusters) }));
    if (data.modularity !== undefined) parts.push(t("overlay.modularity", { modularity: i18n.num(data.modularity, 3) }));
    if (data.co_located !== undefined) parts.push(t("overlay.colocated", { n: i18n.num(data.co_located.length) }));
    const population = (data.population || {})[i18n.lang];
    box.replaceChildren();
    if (overlay === "brokerage" || overlay === "duplicates") {
      // the colours' key: a node's strongest role, or its cluster / co-location
      const keys = overlay === "brokerage"
        ? [...BROKER_ROLES.map((r) => [ROLE_COLOURS[r], t("role." + r)]), [ROLE_COLOURS.none, t("role.none")]]
        : [[PALETTE[0], t("overlay.cluster")], [COLOCATED, t("overlay.colocated.key")], [ROLE_COLOURS.none, t("role.none")]];
      for (const [colour, label] of keys) {
        const row = el("div", null, { class: "key" });
        const swatch = el("span", null, { class: "swatch" });
        swatch.style.background = colour;
        row.append(swatch, label);
        box.appendChild(row);
      }
    }
    box.appendChild(el("div", population ? parts.join(i18n.lang === "zh" ? "，" : ", ") + (i18n.lang === "zh" ? "。" : ". ") + population
      : data.note || parts.join(", ")));
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
    // physics only for a view without positions (`setPhysics`, before its nodes are added)
    physics: { enabled: false, solver: "forceAtlas2Based", stabilization: { iterations: 150 } },
    interaction: { hover: true, tooltipDelay: 150 },
    layout: { randomSeed: 0 }, // the same data, the same first picture
    nodes: { font: { size: 12 } },
    edges: { smooth: false },
  });
  /** Physics on or off (set before a fresh view's nodes are added: a view laid out on the server is
   * drawn at once, without vis-network starting a simulation of its thousands of nodes). */
  let physicsOn = false;
  function setPhysics(on) {
    if (on === physicsOn) return;
    physicsOn = on;
    network.setOptions({ physics: { enabled: on } });
  }
  // laid out: physics off, the view fitted; "stabilized" is the event of data added after the start
  const settle = () => {
    setPhysics(false);
    network.fit({ animation: false });
    levelOfDetail();
    $("network").setAttribute("data-settled", "true"); // laid out and fitted (tests wait for it)
  };
  network.on("stabilizationIterationsDone", settle);
  network.on("stabilized", settle);
  network.on("zoom", levelOfDetail);
  network.on("afterDrawing", () => {
    levelOfDetail(); // moveTo and fit zoom without a "zoom" event
    // the laid-out view is on the canvas (the benchmark and the tests wait for it)
    if ($("network").hasAttribute("data-settled")) $("network").setAttribute("data-drawn", "true");
  });
  network.on("click", (params) => {
    if (params.nodes.length) { selected = params.nodes[0]; showDetails(selected); }
  });
  network.on("doubleClick", (params) => { if (params.nodes.length) expand(params.nodes[0]); });

  $("search").addEventListener("input", (e) => {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(() => search(e.target.value).catch(failed), 200);
  });
  for (const id of ["country-filter", "bloc-filter", "field-filter"]) $(id).addEventListener("change", redraw);
  for (const id of ["show-synthetic", "show-statistics"]) $(id).addEventListener("change", reloadFirstView);
  for (const radio of document.querySelectorAll("input[name=mode]")) {
    radio.addEventListener("change", () => { if (radio.checked) switchMode(radio.value); });
  }
  for (const radio of document.querySelectorAll("input[name=overlay]")) {
    radio.addEventListener("change", async () => {
      overlay = radio.value;
      try { if (overlay !== "type") await loadOverlay(overlay); } catch (err) { failed(err); }
      redraw();
    });
  }
  $("size-by").addEventListener("change", async (e) => {
    sizeBy = e.target.value;
    try {
      if (sizeBy === "brokerage") await fetchOverlay("brokerage");
      if (sizeBy === "betweenness") await fetchOverlay("centrality");
    } catch (err) { failed(err); }
    redraw();
    e.target.dataset.drawn = sizeBy; // the sizes on screen follow this measure (tests wait for it)
  });
  $("year").addEventListener("input", (e) => setYear(e.target.value));
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
    status("status.saved");
  });
  $("restore-positions").addEventListener("click", () => {
    const saved = JSON.parse(localStorage.getItem("transfernet-positions") || "{}");
    setPhysics(false);
    for (const [id, p] of Object.entries(saved)) if (nodeData.has(id)) network.moveNode(id, p.x, p.y);
    status("status.restored");
  });

  async function start() {
    try {
      if (embedded) {
        for (const radio of document.querySelectorAll("input[name=mode]")) radio.disabled = true; // no API to ask
        legend = embedded.legend;
        terms = embedded.terms || terms;
        overlays = Object.assign(overlays, embedded.overlays || {});
        buildTypeFilters();
        // after the frame the empty network asked for at its creation: else that frame draws the
        // whole view once more beside the one asked for by addView
        await new Promise((resolve) => requestAnimationFrame(() => resolve()));
        freshCanvas(embedded.view);
        addView(embedded.view);
      } else {
        const named = await api("/explore/legend");
        legend = named.types;
        terms = { properties: named.properties || {}, relationships: named.relationships || {}, stages: named.stages || {},
          results: named.results || {} };
        buildTypeFilters();
        const params = new URLSearchParams(window.location.search);
        const view = await api("/explore/view", {
          limit: params.get("limit") || "", focus: params.get("focus") || "", projected: params.get("projected") || "",
          ...shown(),
        });
        freshCanvas(view);
        addView(view);
      }
      window.transfernetReady = true;
      document.body.setAttribute("data-ready", "true");
    } catch (err) {
      failed(err);
      $("details").appendChild(el("div", t("load.failed", { message: err.message }), { class: "error" }));
    }
  }
  // a new language: every word the script wrote is written again (the page's own: explorer-i18n.js)
  i18n.onChange(() => {
    if (mode === "map") showMap(); // the names and the legend in the new language
    buildTypeFilters();
    redraw();
    if (modeView && mode !== "map") noteMode(modeView);
    if (!$("time").hidden) noteYear();
    noteOverlay();
    if (statusKey) status(...statusKey);
    if (selected && nodeData.has(selected)) showDetails(selected);
  });

  window.transfernetExplorer = { network, nodes, edges, nodeData, edgeData, focusNode, expand, addView };
  start();
})();
