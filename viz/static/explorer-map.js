/* transfernet explorer: the Map view (GET /explore/map, drawn by viz/report/worldmap.py's projection).
 * Countries coloured by coverage (hosts a centre / a partner / neither), the centres by host country
 * and their links to the parent centre; a country's name on hover, its centres in the side panel on
 * click.  Names reach the page through textContent only; paths and positions are numbers the
 * server projected. */
(function () {
  "use strict";

  const SVG = "http://www.w3.org/2000/svg";
  const LINK = "#7a1f5c";

  function svg(tag, attrs, text) {
    const e = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, String(v));
    if (text !== undefined) e.textContent = String(text);
    return e;
  }

  function html(tag, text, attrs) {
    const e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = String(text);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
    return e;
  }

  /** A link as a quadratic curve bowed to one side (as viz/report/worldmap.py draws it in the report). */
  function curve(k) {
    const mx = (k.x1 + k.x2) / 2, my = (k.y1 + k.y2) / 2, dx = k.x2 - k.x1, dy = k.y2 - k.y1;
    return `M${k.x1},${k.y1}Q${mx - dy * 0.18},${my + dx * 0.18} ${k.x2},${k.y2}`;
  }

  /** Rectangles overlap by more than `slack` px in both directions. */
  const overlaps = (a, b, slack) => a.x < b.x + b.width - slack && b.x < a.x + a.width - slack
    && a.y < b.y + b.height - slack && b.y < a.y + a.height - slack;

  // ---- time: the map as it stood in a year (the graph's rules: explorer-time.js) ------------------

  /** The years of the map's facts (`data.time`, viz/map_time.py) and the slider's range: the years
   * of its centres, memberships and partners' ties. */
  function dating(data) {
    const facts = data.time || { nodes: [], edges: [], centres: {}, members: {}, partners: {} };
    const T = window.transfernetTime;
    const years = T.years(new Map(facts.nodes.map((n) => [n.id, n])), facts.edges);
    const counted = new Set([...data.centres.flatMap((e) => e.ids), ...Object.values(facts.centres).flat()]);
    const all = [...counted].filter((id) => years.nodes.has(id)).map((id) => years.nodes.get(id)[0]);
    for (const id of Object.values(facts.members)) if (id && years.edges.has(id)) all.push(years.edges.get(id));
    for (const ties of Object.values(facts.partners)) for (const [id] of ties) if (years.edges.has(id)) all.push(years.edges.get(id));
    return { facts, years, min: all.length ? Math.min(...all) : null, max: all.length ? Math.max(...all) : null };
  }

  /** `data` as it stood by `limit` (null: every year, the run's statuses): a country hosts a centre
   * where one of its centres stood, a partner where a tie of its partners to a centre that stood
   * did, else it is a gap where its Belt and Road membership had begun. */
  function asOf(data, dated, limit) {
    if (limit === null) return data;
    const T = window.transfernetTime;
    const { facts, years } = dated;
    const stood = (id) => T.stood((years.nodes.get(id) || [])[0], limit);
    const centres = data.centres.map((e) => {
      const keep = e.ids.map((id, i) => [id, e.names[i]]).filter(([id]) => stood(id));
      return { ...e, ids: keep.map((k) => k[0]), names: keep.map((k) => k[1]) };
    }).filter((e) => e.ids.length);
    const status = (c) => {
      const hosts = (facts.centres[c.code] || []).some(stood);
      if (c.status === "centre" && hosts) return "centre";
      if ((facts.partners[c.code] || []).some(([edge, centre]) => T.stood(years.edges.get(edge), limit) && stood(centre))) return "partner";
      if (c.status === "standalone" && hosts) return "standalone";
      const member = facts.members[c.code];
      if (member !== undefined && (member === null || T.stood(years.edges.get(member), limit))) return "gap";
      return "other";
    };
    const countries = data.countries.map((c) => ({ ...c, status: status(c) }));
    const statuses = {};
    for (const [key, s] of Object.entries(data.statuses)) {
      statuses[key] = { ...s, count: countries.filter((c) => c.status === key).length };
    }
    const links = data.links.filter((k) => stood(k.centre) && stood(k.parent));
    return { ...data, countries, centres, links, statuses };
  }

  /**
   * Draw `data` (the /explore/map answer) into `box` with a year slider (where its facts are dated);
   * `select(country, entry)` is called on a click.  `num` formats numbers in the reader's language.
   */
  function draw(box, data, t, select, num) {
    const kept = Number(box.getAttribute("data-year")); // drawn again (a new language): the same year
    box.replaceChildren();
    const dated = dating(data);
    const fmt = num || String;
    let limit = null;
    if (dated.min !== null && dated.max > dated.min) {
      const control = html("div", null, { id: "map-time" });
      const label = html("label", t("time"), { for: "map-year" });
      const slider = html("input", null, { id: "map-year", type: "range", step: "1", min: String(dated.min),
        max: String(dated.max), value: String(kept >= dated.min && kept < dated.max ? kept : dated.max),
        "aria-label": t("time.label") });
      const value = html("strong", t("time.all", { year: dated.max }), { id: "map-year-value" });
      const note = html("span", "", { id: "map-year-note", class: "muted" });
      control.append(label, slider, value, note);
      box.appendChild(control);
      const show = () => {
        const year = Number(slider.value);
        limit = year >= dated.max ? null : year;
        value.textContent = limit === null ? t("time.all", { year: dated.max }) : String(year);
        const shown = asOf(data, dated, limit);
        render(box, shown, t, select);
        note.textContent = t("map.time.note", noteOf(data, shown, dated, limit, fmt));
        box.setAttribute("data-year", limit === null ? "all" : String(limit));
      };
      slider.addEventListener("input", show);
      show();
    } else {
      render(box, data, t, select);
    }
    box.setAttribute("data-drawn", "true");
  }

  /** The year note's numbers: the centres that stood (and how many dated by their parent), the
   * countries hosting them, the Belt and Road members, the undated centres (always shown). */
  function noteOf(data, shown, dated, limit, num) {
    const T = window.transfernetTime;
    const ids = shown.centres.flatMap((e) => e.ids);
    const inferred = ids.filter((id) => (dated.years.nodes.get(id) || [])[1]).length;
    const undated = data.centres.flatMap((e) => e.ids).filter((id) => !dated.years.nodes.has(id)).length;
    const members = Object.values(dated.facts.members)
      .filter((id) => id === null || T.stood(dated.years.edges.get(id), limit)).length;
    return { centres: num(ids.length), inferred: num(inferred), countries: num(shown.statuses.centre.count),
      members: num(members), undated: num(undated) };
  }

  /** The map itself (replacing the one drawn before): countries, links, markers, labels, legend.
   * Labels: the host countries of centres, most centres first, each placed right, left, above or
   * below its marker where it overlaps no label or marker already placed (else it is left to the
   * tooltip and the side panel). */
  function render(box, data, t, select) {
    for (const old of box.querySelectorAll("#map-svg, #map-legend")) old.remove();
    const top = 5, height = data.height - top;
    const root = svg("svg", { viewBox: `0 ${top} ${data.width} ${height}`, id: "map-svg", role: "img",
      "aria-label": t("map.label"), preserveAspectRatio: "xMidYMid meet" });
    const defs = svg("defs");
    const clip = svg("clipPath", { id: "map-sphere" });
    clip.appendChild(svg("path", { d: data.outline }));
    defs.appendChild(clip);
    root.appendChild(defs);
    root.appendChild(svg("path", { d: data.outline, fill: "#f5f9fc", stroke: "#c9d6e2" }));
    const land = svg("g", { "clip-path": "url(#map-sphere)" });
    const byCode = new Map();
    for (const c of data.countries) {
      const status = data.statuses[c.status];
      const p = svg("path", { d: c.path, fill: status.colour, stroke: "#ffffff", "stroke-width": 0.5,
        "data-code": c.code || "", "data-status": c.status, class: "country" });
      p.appendChild(svg("title", {}, `${c.name} · ${status.label}`));
      p.addEventListener("click", () => select(c, data.centres.find((e) => e.country === c.code) || null));
      land.appendChild(p);
      if (c.code) byCode.set(c.code, c);
    }
    root.appendChild(land);
    const links = svg("g", { class: "links" });
    for (const k of data.links) {
      links.appendChild(svg("path", { d: curve(k), fill: "none", stroke: LINK, "stroke-width": 1.2, "stroke-opacity": 0.7 }));
    }
    root.appendChild(links);
    const markers = svg("g", { class: "markers" });
    const placed = []; // marker and label boxes, in map units
    const entries = [...data.centres].sort((a, b) => b.ids.length - a.ids.length || a.country.localeCompare(b.country));
    for (const e of entries) {
      const r = 3 + 2.2 * Math.sqrt(e.ids.length);
      const dot = svg("circle", { cx: e.x, cy: e.y, r, fill: LINK, stroke: "#fff", "stroke-width": 1, class: "centre",
        "data-country": e.country });
      dot.appendChild(svg("title", {}, e.names.join("; ")));
      dot.addEventListener("click", () => select(byCode.get(e.country) || { code: e.country, name: e.country }, e));
      markers.appendChild(dot);
      placed.push({ x: e.x - r, y: e.y - r, width: 2 * r, height: 2 * r });
      if (e.ids.length > 1) {
        markers.appendChild(svg("text", { x: e.x, y: e.y + 3.5, "text-anchor": "middle", "font-size": 9,
          "font-weight": "bold", fill: "#fff", "pointer-events": "none" }, e.ids.length));
      }
    }
    root.appendChild(markers);
    box.appendChild(root);
    const labels = svg("g", { class: "labels", "pointer-events": "none" });
    root.appendChild(labels);
    for (const e of entries) {
      const country = byCode.get(e.country);
      if (!country) continue;
      const r = 3 + 2.2 * Math.sqrt(e.ids.length);
      const text = svg("text", { "font-size": 13, fill: "#102a43", stroke: "#ffffff", "stroke-width": 3,
        "paint-order": "stroke", class: "map-label" }, country.name);
      labels.appendChild(text);
      const w = text.getBBox().width, h = 13;
      const spots = [[e.x + r + 3, e.y + 4], [e.x - r - 3 - w, e.y + 4], [e.x - w / 2, e.y - r - 4], [e.x - w / 2, e.y + r + h + 2]];
      const spot = spots.find(([x, y]) => x >= 0 && x + w <= data.width
        && !placed.some((b) => overlaps({ x, y: y - h + 2, width: w, height: h }, b, 0)));
      if (!spot) { text.remove(); continue; }
      text.setAttribute("x", spot[0]); text.setAttribute("y", spot[1]);
      placed.push({ x: spot[0], y: spot[1] - h + 2, width: w, height: h });
    }
    const legend = html("div", null, { id: "map-legend" });
    for (const [key, s] of Object.entries(data.statuses)) {
      const row = html("div", null, { "data-status": key });
      const swatch = html("span", null, { class: "swatch" });
      swatch.style.background = s.colour;
      row.append(swatch, `${s.label} (${s.count})`);
      legend.appendChild(row);
    }
    const centres = html("div");
    const dot = html("span", null, { class: "swatch round" });
    dot.style.background = LINK;
    centres.append(dot, t("map.centres"));
    legend.appendChild(centres);
    legend.appendChild(html("div", data.population || "", { class: "muted" }));
    box.appendChild(legend);
  }

  window.transfernetMap = { draw };
})();
