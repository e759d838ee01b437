/* transfernet explorer: the network in time — the one set of rules by which the graph's year slider
 * (explorer.js) and the map's (explorer-map.js, over viz/map_time.py's facts) date what they show. */
(function () {
  "use strict";

  /** Dates that place a node in time (the ontology's TransferCentre.established, Agreement.signedOn,
   * Event.startDate) and a relationship (MEMBER_OF.since, BUILT_BY.since, signedOn). */
  const NODE_DATES = ["established", "signedOn", "startDate"];
  const EDGE_DATES = ["since", "signedOn", "startDate"];
  const BRI = "Bloc:BRI"; // Country.briYear dates a country's membership of it

  /** The year a date (or a year) names, else null. */
  const yearOf = (value) => { const m = /^(\d{4})/.exec(String(value ?? "")); return m ? Number(m[1]) : null; };
  const firstYear = (props, keys) => { for (const k of keys) { const y = yearOf((props || {})[k]); if (y) return y; } return null; };

  /**
   * The years of `nodes` (a Map id -> {properties}) and `edges` ({id, source, target, type,
   * properties}): a node's own date; an undated centre, its parent centre's founding (a lower bound,
   * said as inferred); a relationship, its own date; a Belt and Road membership without one, the
   * country's briYear.  Returns {nodes: Map id -> [year, inferred], edges: Map id -> year}.
   */
  function years(nodes, edges) {
    const nodeYears = new Map(), edgeYears = new Map();
    for (const [id, node] of nodes) {
      const y = firstYear(node.properties, NODE_DATES);
      if (y) nodeYears.set(id, [y, false]);
    }
    for (const e of edges) {
      let y = firstYear(e.properties, EDGE_DATES);
      if (!y && e.type === "MEMBER_OF" && e.target === BRI) y = yearOf(((nodes.get(e.source) || {}).properties || {}).briYear);
      if (y) edgeYears.set(e.id, y);
      if (e.type === "PARENT_CENTRE" && !nodeYears.has(e.source) && nodeYears.has(e.target)) {
        nodeYears.set(e.source, [nodeYears.get(e.target)[0], true]);
      }
    }
    return { nodes: nodeYears, edges: edgeYears };
  }

  /** Whether something of `year` (undefined: undated, always shown) stood by `limit` (null: every year). */
  const stood = (year, limit) => limit === null || year === undefined || year === null || year <= limit;

  window.transfernetTime = { NODE_DATES, EDGE_DATES, BRI, yearOf, years, stood };
})();
