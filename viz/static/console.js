/* transfernet explorer: a Cypher console over POST /api/v1/cypher (read-only, screened on the server).
 *
 * The editor is Neo4j's Cypher editor for CodeMirror 6 (vendor/cypher-editor.js, a local bundle of
 * @neo4j-cypher/codemirror): highlighting, completion from the graph's own labels, relationship
 * types and property keys (db.labels(), db.relationshipTypes(), db.propertyKeys() through the same
 * endpoint), and its parser's lint, which is checked before a query is sent.  Without the bundle the
 * console is a plain textarea and says so.
 *
 * Results are a table; every value is data and reaches the page through textContent, never
 * innerHTML.  Nodes, relationships and paths in the rows can be drawn in the graph view
 * (POST /api/v1/explore/nodes turns their ids into the explorer's view format). */
(function () {
  "use strict";

  const config = JSON.parse(document.getElementById("explorer-config").textContent);
  const API = config.api;
  if (!API) return; // an exported offline file has no API to query

  const EXAMPLE = "MATCH (c:TransferCentre)-[r:HOSTED_IN]->(k:Country)\nRETURN c, r, k\nLIMIT 12";
  const MAX_IDS = 2000; // POST /explore/nodes takes at most this many ids

  function el(tag, text, attrs) {
    const e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = String(text);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
    return e;
  }

  async function post(path, body) {
    const response = await fetch(API + path, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json, application/problem+json" },
      body: JSON.stringify(body),
    });
    let data = null;
    try { data = await response.json(); } catch (e) { /* not JSON */ }
    if (!response.ok) {
      const problem = data && typeof data === "object" ? data : {};
      const err = new Error(problem.detail || problem.title || response.statusText || String(response.status));
      err.problem = Object.assign({ status: response.status, title: response.statusText }, problem);
      throw err;
    }
    return data;
  }

  // ---- the panel -----------------------------------------------------------------------

  const panel = el("section", null, { id: "console", "aria-label": "Cypher console" });
  panel.hidden = true;
  const bar = el("div", null, { class: "console-bar" });
  const runButton = el("button", "Run", { id: "console-run", type: "button", title: "Ctrl-Enter" });
  const showButton = el("button", "Show in graph", { id: "console-show", type: "button" });
  showButton.disabled = true;
  const replace = el("input", null, { id: "console-replace", type: "checkbox" });
  replace.checked = true;
  const replaceLabel = el("label", null, { class: "console-check", title: "Draw only the result's nodes" });
  replaceLabel.append(replace, " only these");
  const note = el("span", null, { id: "console-note", class: "muted" });
  const closeButton = el("button", "×", { id: "console-close", type: "button", "aria-label": "close the console" });
  bar.append(el("strong", "Cypher"), runButton, showButton, replaceLabel, note, closeButton);

  const host = el("div", null, { id: "console-editor" });
  const params = el("input", null, {
    id: "console-params", type: "text", spellcheck: "false", "aria-label": "parameters (JSON)",
    placeholder: 'parameters (JSON), e.g. {"code": "TH"}',
  });
  const message = el("div", null, { id: "console-message", role: "status" });
  const tableWrap = el("div", null, { class: "console-table-wrap" });
  const table = el("table", null, { id: "console-table" });
  tableWrap.appendChild(table);
  panel.append(bar, host, params, message, tableWrap);

  const toggle = el("button", "Cypher", { id: "console-toggle", type: "button", title: "Cypher console" });
  const status = document.getElementById("status");
  status.parentNode.insertBefore(toggle, status);
  document.getElementById("app").appendChild(panel);

  function explorer() { return window.transfernetExplorer; }

  function resizeGraph() {
    const ex = explorer();
    if (ex) { ex.network.redraw(); ex.network.fit({ animation: false }); }
  }

  function open(visible) {
    panel.hidden = !visible;
    document.getElementById("app").classList.toggle("console-open", visible);
    toggle.setAttribute("aria-pressed", String(visible));
    requestAnimationFrame(resizeGraph);
    if (visible) focusEditor();
  }
  toggle.addEventListener("click", () => open(panel.hidden));
  closeButton.addEventListener("click", () => open(false));

  // ---- the editor ----------------------------------------------------------------------

  const lib = window.transfernetCypherEditor || null;
  let editor = null; // Neo4j's EditorApi when the bundle is there
  let textarea = null;
  const schema = { labels: [], relationshipTypes: [], propertyKeys: [] };

  if (lib) {
    const style = document.createElement("style");
    style.textContent = lib.css;
    document.head.appendChild(style);
    editor = lib.createCypherEditor(host, {
      value: EXAMPLE, lint: true, autofocus: false, lineNumbers: true, lineWrapping: true,
      theme: "light", placeholder: "MATCH (n) RETURN n LIMIT 25",
    }).editor;
    panel.setAttribute("data-editor", "cypher");
  } else {
    textarea = el("textarea", null, { id: "console-text", spellcheck: "false", "aria-label": "Cypher query" });
    textarea.value = EXAMPLE;
    host.appendChild(textarea);
    panel.setAttribute("data-editor", "plain");
    note.textContent = "Highlighting, completion and lint are unavailable (the editor bundle is not built: "
      + "scripts/ensure-cypher-console.sh needs npm).";
  }

  function queryText() { return editor ? editor.codemirror.state.doc.toString() : textarea.value; }
  function setQuery(text) {
    if (editor) editor.setValue(text); else textarea.value = text;
  }
  function focusEditor() { if (editor) editor.focus(); else textarea.focus(); }

  // Ctrl-Enter runs (Ctrl-Shift-Enter runs despite lint); caught before CodeMirror's own keymap,
  // whose Mod-Enter would insert a line.
  const keys = (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      event.stopPropagation();
      run(event.shiftKey);
    }
  };
  host.addEventListener("keydown", keys, true);
  params.addEventListener("keydown", keys, true);

  async function loadSchema() {
    const column = async (query, key) => {
      const result = await post("/cypher", { query });
      return result.rows.map((row) => row[key]).filter((v) => typeof v === "string").sort();
    };
    const [labels, types, keys] = await Promise.all([
      column("CALL db.labels() YIELD label RETURN label", "label"),
      column("CALL db.relationshipTypes() YIELD relationshipType RETURN relationshipType", "relationshipType"),
      column("CALL db.propertyKeys() YIELD propertyKey RETURN propertyKey", "propertyKey"),
    ]);
    Object.assign(schema, { labels, relationshipTypes: types, propertyKeys: keys });
    if (editor) {
      // Neo4j's editor takes labels and types with their colon, as Neo4j Browser gives them
      editor.setSchema({
        labels: labels.map((l) => ":" + l),
        relationshipTypes: types.map((t) => ":" + t),
        propertyKeys: keys,
      });
      note.textContent = `completion: ${labels.length} labels, ${types.length} relationship types, `
        + `${keys.length} property keys`;
    }
    panel.setAttribute("data-schema", "loaded");
  }

  // ---- lint, run, problems ---------------------------------------------------------------

  function lint(text) {
    if (!editor) return [];
    const support = editor.editorSupport;
    support.update(text);
    return support.parseErrors || [];
  }

  function say(text, kind) {
    message.replaceChildren();
    message.className = kind || "";
    if (text) message.appendChild(el("div", text));
  }

  function showLint(problems) {
    say(`Not sent: the editor's parser found ${problems.length} problem${problems.length > 1 ? "s" : ""}.`, "error");
    const list = el("ul", null, { class: "console-lint" });
    for (const p of problems.slice(0, 20)) list.appendChild(el("li", `line ${p.line}, column ${p.col + 1}: ${p.msg}`));
    const anyway = el("button", "Run anyway", { id: "console-anyway", type: "button", title: "Ctrl-Shift-Enter" });
    anyway.addEventListener("click", () => run(true));
    message.append(list, anyway);
  }

  function showProblem(err) {
    const problem = err.problem || { title: "Request failed", detail: err.message };
    say(null, "error");
    const head = [problem.status, problem.title].filter((v) => v !== undefined && v !== null && v !== "").join(" ");
    message.appendChild(el("div", head || "Error", { class: "console-problem-title" }));
    if (problem.detail) message.appendChild(el("div", problem.detail, { class: "console-problem-detail" }));
  }

  let lastIds = [];

  async function run(force) {
    const text = queryText();
    if (!text.trim()) { say("Type a query first."); return; }
    let parameters = {};
    const raw = params.value.trim();
    if (raw) {
      try { parameters = JSON.parse(raw); } catch (e) { say("Parameters are not JSON: " + e.message, "error"); return; }
      if (parameters === null || typeof parameters !== "object" || Array.isArray(parameters)) {
        say('Parameters must be a JSON object, e.g. {"code": "TH"}.', "error");
        return;
      }
    }
    const problems = force ? [] : lint(text);
    if (problems.length) { showLint(problems); return; }
    runButton.disabled = true;
    say("running…");
    panel.setAttribute("data-state", "running");
    const started = performance.now();
    try {
      const result = await post("/cypher", { query: text, parameters });
      render(result, Math.round(performance.now() - started));
      panel.setAttribute("data-state", "done");
    } catch (err) {
      table.replaceChildren();
      lastIds = [];
      showButton.disabled = true;
      showProblem(err);
      panel.setAttribute("data-state", "error");
    } finally {
      runButton.disabled = false;
    }
  }
  runButton.addEventListener("click", () => run(false));

  // ---- results -------------------------------------------------------------------------

  const isObject = (v) => v !== null && typeof v === "object" && !Array.isArray(v);
  const isNode = (v) => isObject(v) && typeof v.id === "string" && Array.isArray(v.labels) && isObject(v.properties);
  const isRelationship = (v) => isObject(v) && typeof v.type === "string" && "start" in v && "end" in v
    && isObject(v.properties);
  const isPath = (v) => isObject(v) && Array.isArray(v.nodes) && Array.isArray(v.relationships);

  function nodeName(node) {
    const p = node.properties;
    for (const key of ["name", "name_en", "label", "title", "code", "id"]) {
      const v = Array.isArray(p[key]) ? p[key][0] : p[key];
      if (v !== undefined && v !== null && v !== "") return String(v);
    }
    return node.id;
  }

  // ids of the nodes a value holds (a relationship: its ends; a path: its nodes)
  function collectIds(value, out) {
    if (isNode(value)) out.add(value.id);
    else if (isPath(value)) { for (const n of value.nodes) collectIds(n, out); }
    else if (isRelationship(value)) { for (const id of [value.start, value.end]) if (typeof id === "string") out.add(id); }
    else if (Array.isArray(value)) { for (const v of value) collectIds(v, out); }
    else if (isObject(value)) { for (const v of Object.values(value)) collectIds(v, out); }
    return out;
  }

  function nodeChip(node) {
    const chip = el("button", null, { type: "button", class: "console-node", "data-id": node.id, title: node.id });
    chip.appendChild(el("span", node.label || node.labels[0] || "", { class: "console-label" }));
    chip.appendChild(document.createTextNode(" " + nodeName(node)));
    chip.addEventListener("click", () => showInGraph([node.id], false));
    return chip;
  }

  function cell(value) {
    if (value === null || value === undefined) return el("span", "null", { class: "muted" });
    if (isNode(value)) return nodeChip(value);
    if (isPath(value)) {
      const box = el("span", null, { class: "console-path" });
      value.nodes.forEach((n, i) => {
        if (i > 0) {
          const r = value.relationships[i - 1];
          box.appendChild(el("span", ` -[:${r ? r.type : "?"}]- `, { class: "console-rel" }));
        }
        box.appendChild(isNode(n) ? nodeChip(n) : el("span", JSON.stringify(n)));
      });
      return box;
    }
    if (isRelationship(value)) {
      // its ends by name where the result holds them as nodes, else by id
      const end = (id) => names.get(id) || id;
      return el("span", `(${end(value.start)})-[:${value.type}]->(${end(value.end)})`,
        { class: "console-rel", title: `${value.start} → ${value.end}` });
    }
    if (Array.isArray(value)) {
      if (!value.some((v) => isObject(v) || Array.isArray(v))) return el("span", JSON.stringify(value));
      const box = el("span", null, { class: "console-list" });
      value.forEach((v, i) => { if (i > 0) box.appendChild(document.createTextNode(", ")); box.appendChild(cell(v)); });
      return box;
    }
    if (isObject(value)) return el("span", JSON.stringify(value), { class: "console-map" });
    return el("span", String(value));
  }

  let names = new Map(); // node id -> name, over the nodes of the current result

  function collectNames(value) {
    if (isNode(value)) names.set(value.id, nodeName(value));
    else if (isPath(value)) { for (const n of value.nodes) collectNames(n); }
    else if (Array.isArray(value)) { for (const v of value) collectNames(v); }
    else if (isObject(value) && !isRelationship(value)) { for (const v of Object.values(value)) collectNames(v); }
  }

  function render(result, ms) {
    table.replaceChildren();
    names = new Map();
    collectNames(result.rows);
    const thead = el("thead");
    const head = el("tr");
    for (const c of result.columns) head.appendChild(el("th", c));
    thead.appendChild(head);
    const tbody = el("tbody");
    for (const row of result.rows) {
      const tr = el("tr");
      for (const c of result.columns) {
        const td = el("td");
        td.appendChild(cell(row[c]));
        tr.appendChild(td);
      }
      tbody.appendChild(tr);
    }
    table.append(thead, tbody);
    lastIds = [...collectIds(result.rows, new Set())].filter((id) => !id.startsWith("_:"));
    showButton.disabled = lastIds.length === 0;
    const rows = result.rows.length;
    let text = `${rows} row${rows === 1 ? "" : "s"} in ${ms} ms`;
    if (result.truncated) text += " — truncated at the server's row cap";
    if (lastIds.length) text += ` · ${lastIds.length} node${lastIds.length === 1 ? "" : "s"} to show in the graph`;
    say(text);
  }

  async function showInGraph(ids, only) {
    const ex = explorer();
    if (!ex || !ids.length) return;
    const wanted = ids.slice(0, MAX_IDS);
    try {
      const view = await post("/explore/nodes", { ids: wanted });
      if (only) { ex.nodes.clear(); ex.edges.clear(); ex.nodeData.clear(); ex.edgeData.clear(); }
      ex.addView(view);
      const shown = view.nodes.map((n) => n.id);
      ex.network.selectNodes(shown);
      const place = () => ex.network.fit({ nodes: shown, animation: false });
      if (view.physics !== false && only) {
        // a fresh small view: let the layout settle (the explorer turns physics off again afterwards)
        ex.network.once("stabilizationIterationsDone", () => setTimeout(place, 0));
        ex.network.setOptions({ physics: { enabled: true } });
        ex.network.stabilize(150);
      } else {
        place();
      }
      if (shown.length === 1) ex.focusNode(shown[0]);
      const missing = view.missing && view.missing.length ? `, ${view.missing.length} not in the graph view` : "";
      panel.setAttribute("data-shown", String(shown.length));
      note.textContent = `shown in the graph: ${shown.length} nodes, ${view.edges.length} relationships${missing}`;
    } catch (err) {
      showProblem(err);
    }
  }
  showButton.addEventListener("click", () => showInGraph(lastIds, replace.checked));

  window.transfernetConsole = { open, run, setQuery, queryText, showInGraph, schema, panel, get editor() { return editor; } };
  if (new URLSearchParams(window.location.search).has("console")) open(true);
  loadSchema().catch((err) => { note.textContent = "completion unavailable: " + err.message; });
})();
