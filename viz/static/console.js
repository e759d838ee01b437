/* transfernet explorer: a Cypher console over POST /api/v1/cypher (read-only, screened on the server).
 *
 * The editor is Neo4j's: vendor/cypher-editor.js, a local bundle (scripts/ensure-cypher-console.sh) of
 * @neo4j-cypher/codemirror (CodeMirror 6: highlighting, completion from the graph's own labels,
 * relationship types and property keys, read with db.labels(), db.relationshipTypes() and
 * db.propertyKeys() through the same endpoint) and @neo4j-cypher/language-support, whose lint knows
 * that schema and the query's parameters; its errors stop a query before it is sent.  The bundle is
 * large, so it is loaded when the console is first opened; without it the console is a plain
 * textarea and says so.
 *
 * Results are a table; every value is data and reaches the page through textContent, never
 * innerHTML.  Nodes, relationships and paths in the rows can be drawn in the graph view
 * (POST /api/v1/explore/nodes turns their ids into the explorer's view format). */
(function () {
  "use strict";

  const config = JSON.parse(document.getElementById("explorer-config").textContent);
  const API = config.api;
  if (!API) return; // an exported offline file has no API to query
  const i18n = window.transfernetI18n; // explorer-i18n.js: the console's words in English and Chinese
  const t = i18n.t;

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

  const panel = el("section", null, { id: "console", "data-i18n-aria-label": "console.label" });
  panel.hidden = true;
  const bar = el("div", null, { class: "console-bar" });
  const runButton = el("button", null, { id: "console-run", type: "button", title: "Ctrl-Enter", "data-i18n": "console.run" });
  const showButton = el("button", null, { id: "console-show", type: "button", "data-i18n": "console.show" });
  showButton.disabled = true;
  const replace = el("input", null, { id: "console-replace", type: "checkbox" });
  replace.checked = true;
  const replaceLabel = el("label", null, { class: "console-check", "data-i18n-title": "console.only.title" });
  replaceLabel.append(replace, " ", el("span", null, { "data-i18n": "console.only" }));
  const note = el("span", null, { id: "console-note", class: "muted" });
  const closeButton = el("button", "×", { id: "console-close", type: "button", "data-i18n-aria-label": "console.close" });
  bar.append(el("strong", "Cypher"), runButton, showButton, replaceLabel, note, closeButton);

  const host = el("div", null, { id: "console-editor" });
  const params = el("input", null, {
    id: "console-params", type: "text", spellcheck: "false", "data-i18n-aria-label": "console.params",
    "data-i18n-placeholder": "console.params.placeholder",
  });
  const message = el("div", null, { id: "console-message", role: "status" });
  const tableWrap = el("div", null, { class: "console-table-wrap" });
  const table = el("table", null, { id: "console-table" });
  tableWrap.appendChild(table);
  panel.append(bar, host, params, message, tableWrap);

  const toggle = el("button", null, {
    id: "console-toggle", type: "button", "data-i18n": "console.toggle", "data-i18n-title": "console.toggle.title",
  });
  const status = document.getElementById("status");
  status.parentNode.insertBefore(toggle, status);
  document.getElementById("app").appendChild(panel);
  i18n.apply(panel);
  i18n.apply(toggle.parentNode);
  let noteKey = null; // the note as a message key and its values: said again in a new language
  const noteSay = (key, vars) => { noteKey = [key, vars]; note.textContent = key ? t(key, vars) : ""; };
  i18n.onChange(() => { if (noteKey) noteSay(...noteKey); });

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
    if (visible) loadEditor().then(focusEditor);
  }
  toggle.addEventListener("click", () => open(panel.hidden));
  closeButton.addEventListener("click", () => open(false));

  // ---- the editor ----------------------------------------------------------------------

  const script = document.currentScript;
  const EDITOR_SRC = script && script.src ? script.src.replace(/console\.js(\?.*)?$/, "cypher-editor.js") : null;
  let lib = null; // the bundle's exports, once loaded
  let editor = null; // Neo4j's EditorApi
  let textarea = null;
  let editorReady = null;
  const schema = { labels: [], relationshipTypes: [], propertyKeys: [] };

  function loadEditor() {
    if (!editorReady) {
      editorReady = new Promise((resolve) => {
        if (window.transfernetCypherEditor || !EDITOR_SRC) { resolve(window.transfernetCypherEditor || null); return; }
        noteSay("console.loading");
        const tag = document.createElement("script");
        tag.src = EDITOR_SRC;
        tag.onload = () => resolve(window.transfernetCypherEditor || null);
        tag.onerror = () => resolve(null);
        document.head.appendChild(tag);
      }).then(mountEditor);
    }
    return editorReady;
  }

  function mountEditor(loaded) {
    lib = loaded;
    if (lib) {
      const style = document.createElement("style");
      style.textContent = lib.css;
      document.head.appendChild(style);
      editor = lib.createCypherEditor(host, {
        value: EXAMPLE, autofocus: false, lineNumbers: true, lineWrapping: true, theme: "light",
        placeholder: "MATCH (n) RETURN n LIMIT 25",
        lint: false, // the editor's own (Cypher 4) parser lint; Neo4j's front end lints instead:
        postExtensions: [lib.linter((view) => editorDiagnostics(view.state.doc.toString()), { delay: 500 })],
      }).editor;
      applySchema();
      panel.setAttribute("data-editor", "cypher");
      if (panel.getAttribute("data-schema") !== "loaded") noteSay(null);
    } else {
      textarea = el("textarea", null, { id: "console-text", spellcheck: "false", "data-i18n-aria-label": "console.query" });
      textarea.value = EXAMPLE;
      host.appendChild(textarea);
      i18n.apply(host);
      panel.setAttribute("data-editor", "plain");
      noteSay("console.plain");
    }
  }

  function queryText() { return editor ? editor.codemirror.state.doc.toString() : textarea ? textarea.value : ""; }
  function setQuery(text) {
    if (editor) editor.setValue(text); else if (textarea) textarea.value = text;
  }
  function focusEditor() { if (editor) editor.focus(); else if (textarea) textarea.focus(); }

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
  // the lint knows the parameters: look again when they change
  params.addEventListener("input", () => { if (editor && lib.forceLinting) lib.forceLinting(editor.codemirror); });

  function applySchema() {
    if (!editor || panel.getAttribute("data-schema") !== "loaded") return;
    // Neo4j's editor takes labels and types with their colon, as Neo4j Browser gives them
    editor.setSchema({
      labels: schema.labels.map((l) => ":" + l),
      relationshipTypes: schema.relationshipTypes.map((t) => ":" + t),
      propertyKeys: schema.propertyKeys,
    });
    noteSay("console.schema", {
      labels: i18n.num(schema.labels.length), types: i18n.num(schema.relationshipTypes.length),
      keys: i18n.num(schema.propertyKeys.length),
    });
  }

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
    panel.setAttribute("data-schema", "loaded");
    applySchema();
  }

  // ---- lint, run, problems ---------------------------------------------------------------

  function currentParameters() {
    try {
      const value = JSON.parse(params.value.trim() || "{}");
      return isObject(value) ? value : {};
    } catch (e) { return {}; }
  }

  // Neo4j's front end on the query, with the graph's schema and the given parameters:
  // [{severity: "error" | "warning", message, from, to}]
  function diagnostics(text) {
    if (!lib || !lib.lintCypherQuery || !text.trim()) return [];
    const { diagnostics: found } = lib.lintCypherQuery(
      text, { ...schema, parameters: currentParameters() }, { consoleCommandsEnabled: false });
    return found.map((d) => ({
      severity: d.severity === 1 ? "error" : "warning",
      message: d.message,
      from: d.offsets ? d.offsets.start : 0,
      to: d.offsets ? d.offsets.end : 0,
    }));
  }

  function editorDiagnostics(text) {
    const end = text.length;
    return diagnostics(text).map((d) => ({ ...d, from: Math.min(d.from, end), to: Math.min(Math.max(d.to, d.from), end) }));
  }

  function where(text, offset) {
    const before = text.slice(0, offset);
    const line = before.split("\n").length;
    return t("console.lint.where", { line, column: offset - before.lastIndexOf("\n") });
  }

  function lintList(text, found) {
    const list = el("ul", null, { class: "console-lint" });
    for (const d of found.slice(0, 20)) {
      const sep = i18n.lang === "zh" ? "，" : ", ", colon = i18n.lang === "zh" ? "：" : ": ";
      list.appendChild(el("li", `${t("console.lint." + d.severity)}${sep}${where(text, d.from)}${colon}${d.message}`, { class: d.severity }));
    }
    return list;
  }

  function say(text, kind) {
    message.replaceChildren();
    message.className = kind || "";
    if (text) message.appendChild(el("div", text));
  }

  function showLint(text, found) {
    const errors = found.filter((d) => d.severity === "error").length;
    say(t("console.lint.stopped", { n: errors }).replace("error(s)", errors > 1 ? "errors" : "error"), "error");
    const anyway = el("button", t("console.anyway"), { id: "console-anyway", type: "button", title: "Ctrl-Shift-Enter" });
    anyway.addEventListener("click", () => run(true));
    message.append(lintList(text, found), anyway);
  }

  function showProblem(err) {
    const problem = err.problem || { title: t("console.failed"), detail: err.message };
    say(null, "error");
    const head = [problem.status, problem.title].filter((v) => v !== undefined && v !== null && v !== "").join(" ");
    message.appendChild(el("div", head || t("console.error"), { class: "console-problem-title" }));
    if (problem.detail) message.appendChild(el("div", problem.detail, { class: "console-problem-detail" }));
  }

  let lastIds = [];

  async function run(force) {
    await loadEditor();
    const text = queryText();
    if (!text.trim()) { say(t("console.empty")); return; }
    let parameters = {};
    const raw = params.value.trim();
    if (raw) {
      try { parameters = JSON.parse(raw); } catch (e) { say(t("console.params.bad", { message: e.message }), "error"); return; }
      if (parameters === null || typeof parameters !== "object" || Array.isArray(parameters)) {
        say(t("console.params.object"), "error");
        return;
      }
    }
    const found = force ? [] : diagnostics(text);
    if (found.some((d) => d.severity === "error")) { showLint(text, found); return; }
    runButton.disabled = true;
    say(t("console.running"));
    panel.setAttribute("data-state", "running");
    const started = performance.now();
    try {
      const result = await post("/cypher", { query: text, parameters });
      render(result, Math.round(performance.now() - started));
      if (found.length) message.appendChild(lintList(text, found)); // warnings: sent, and said
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
    const plural = (text, n) => text.replace(/\((s)\)/, n === 1 ? "" : "s"); // the Chinese has no (s)
    let text = plural(t("console.rows", { n: i18n.num(rows), ms: i18n.num(ms) }), rows);
    if (result.truncated) text += t("console.truncated");
    if (lastIds.length) text += plural(t("console.to.show", { n: i18n.num(lastIds.length) }), lastIds.length);
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
      const missing = view.missing && view.missing.length ? t("console.missing", { n: i18n.num(view.missing.length) }) : "";
      panel.setAttribute("data-shown", String(shown.length));
      noteSay("console.shown", { nodes: i18n.num(shown.length), edges: i18n.num(view.edges.length), missing });
    } catch (err) {
      showProblem(err);
    }
  }
  showButton.addEventListener("click", () => showInGraph(lastIds, replace.checked));

  window.transfernetConsole = { open, run, setQuery, queryText, showInGraph, diagnostics, schema, panel,
    get editor() { return editor; } };
  if (new URLSearchParams(window.location.search).has("console")) open(true);
  loadSchema().catch((err) => noteSay("console.schema.failed", { message: err.message }));
})();
