/* transfernet explorer: the page's own words in English and Chinese (issue #22).
 *
 * Names of node types, properties and relationship types come from the ontology (the legend
 * endpoint); names of nodes from the graph (`name`, `name_zh`).  This table holds every other
 * visible string of the page, the side panel, the tooltips, the projected-view notes and the
 * Cypher console.  Elements name their string with data-i18n (text), data-i18n-placeholder,
 * data-i18n-title and data-i18n-aria-label; `apply` fills them in.  The choice is remembered in
 * localStorage; the first visit follows the browser's language (navigator.language "zh…"). */
(function () {
  "use strict";

  const MESSAGES = {
    en: {
      "page.title": "transfernet explorer",
      "header.title": "transfernet explorer",
      "search.placeholder": "Search names (English / 中文)…",
      "search.label": "search",
      "search.none": "no match",
      "fit": "Fit",
      "fit.title": "Fit the whole view on the screen",
      "png.title": "Download the view as a PNG image",
      "json.title": "Download the view (nodes, relationships, positions) as JSON",
      "save": "Save layout",
      "save.title": "Remember the node positions in this browser",
      "restore": "Restore layout",
      "restore.title": "Move the nodes back to the saved positions",
      "lang.label": "language",
      "view": "View",
      "mode.graph": "Graph",
      "mode.projected": "Organisation network (projected)",
      "types": "Node types",
      "synthetic.note": "Dashed outline: synthetic (generated) data.",
      "show.synthetic": "show synthetic data",
      "show.statistics": "show statistics",
      "left.note": "Left out: {synthetic} synthetic nodes and {statistics} statistics of the study (tick above to show them). Labels: national centres and the countries hosting the centres; zoom in for the centres abroad, then the rest.",
      "country": "Country",
      "country.all": "all countries",
      "bloc": "Bloc",
      "bloc.all": "all blocs",
      "field": "Field",
      "field.all": "all fields",
      "overlays": "Overlays",
      "overlay.type": "node type",
      "size.by": "node size",
      "size.type": "by node type",
      "size.degree": "connections shown",
      "size.brokerage": "brokerage (latest analysis)",
      "size.betweenness": "betweenness (latest analysis)",
      "size.note": "area by the measure; largest shown {max}",
      "size.none": "no node shown has a value: run transfernet analyze",
      "overlay.brokerage": "brokerage role",
      "overlay.duplicates": "duplicated centres",
      "overlay.communities": "communities",
      "path": "Path",
      "path.help": "Select a node, then \u201cfrom\u201d / \u201cto\u201d.",
      "path.from": "from",
      "path.to": "to",
      "path.clear": "clear",
      "path.none": "no path",
      "path.hops": "{n} hops: {nodes}",
      "selection": "Selection",
      "selection.help": "Click a node to see its properties; double-click to expand it.",
      "graph.label": "graph view",
      "status.counts": "{nodes} nodes, {edges} relationships",
      "status.loading": "loading…",
      "status.expanding": "expanding…",
      "status.error": "error: {message}",
      "status.saved": "layout saved",
      "status.restored": "layout restored",
      "status.overlay.loading": "loading {kind}…",
      "status.overlay": "{kind}: {n} nodes",
      "load.failed": "Could not load the graph: {message}",
      "synthetic.seed": "synthetic (seed {seed})",
      "tie.weight": "weight {weight}",
      "tie.shared": "{n} shared projects, agreements or events",
      "projected.focus": "{name}: {shown} of {partners} partners",
      "projected.left": " ({n} weaker ones left out)",
      "projected.core": "The {shown} strongest of {actors} organisations and the ties among them ({left} of {ties} ties left out). Edge width: Newman weight of shared projects. ",
      "brokerage.roles": "Brokerage roles",
      "details.sources": "Sources",
      "details.properties": "Properties",
      "details.analysis": "Analysis (run {run})",
      "details.results": "scores stored on it by run {run} ({n})",
      "analysis.brokerage": "brokerage: {total} roles ({roles})",
      "analysis.no.brokerage": "brokerage: no role (an actor with no brokering position)",
      "analysis.community": "community {c} ({n} actors)",
      "analysis.duplicate": "possible duplicate of {other} ({confidence} confidence, score {score}): {evidence}",
      "analysis.colocated": "co-located with {other} in {hosts}: only the host country in common",
      "analysis.none": "not an actor of the analysed network",
      "evidence.same city": "same city",
      "evidence.shared fields": "shared fields",
      "evidence.shared partners": "shared partners",
      "evidence.similar names": "similar names",
      "confidence.high": "high",
      "confidence.medium": "medium",
      "confidence.low": "low",
      "role.none": "no role / not in the run",
      "overlay.cluster": "a cluster of duplicated centres (one colour each)",
      "overlay.colocated": "{n} co-located centres",
      "overlay.colocated.key": "co-located (the host country only)",
      "time": "Time",
      "time.label": "year",
      "time.all": "{year} (all years)",
      "time.note": "as it stood: {centres} centres ({inferred} dated by their parent centre), {members} Belt and Road memberships, {agreements} agreements; {undated} undated centres always shown",
      "mode.map": "Map: coverage by country",
      "map.label": "map of the countries by coverage",
      "map.centres": "transfer centres (a number where more than one), lines to their parent centre",
      "map.status": "map: {centre} countries with a centre, {gap} gaps",
      "map.status.centre": "hosts a transfer centre",
      "map.status.partner": "hosts a partner of a centre",
      "map.status.gap": "Belt and Road country with neither a centre nor a partner",
      "map.status.other": "other country",
      "map.centres.here": "Centres here ({n})",
      "map.time.note": "as it stood: {centres} centres ({inferred} dated by their parent centre) in {countries} countries, {members} Belt and Road members; {undated} undated centres always shown",
      "role.coordinator": "coordinator",
      "role.itinerant": "itinerant",
      "role.representative": "representative",
      "role.gatekeeper": "gatekeeper",
      "role.liaison": "liaison",
      "role.total": "total",
      "overlay.run": "analysis run {run}",
      "overlay.partition": "groups by {partition}",
      "overlay.clusters": "{n} clusters of duplicated centres",
      "overlay.modularity": "modularity {modularity}",
      "partition.country": "country",
      "partition.region": "region",
      "partition.income": "income group",
      "partition.centre_system": "centre system",
      "name.both": "{local} ({english})",
      "value.true": "true",
      "value.false": "false",
      "console.toggle": "Cypher",
      "console.toggle.title": "Cypher console",
      "console.label": "Cypher console",
      "console.run": "Run",
      "console.show": "Show in graph",
      "console.only": "only these",
      "console.only.title": "Draw only the result's nodes",
      "console.close": "close the console",
      "console.params": "parameters (JSON)",
      "console.params.placeholder": "parameters (JSON), e.g. {\"code\": \"TH\"}",
      "console.query": "Cypher query",
      "console.loading": "loading the editor…",
      "console.plain": "Highlighting, completion and lint are unavailable (the editor bundle is not built: scripts/ensure-cypher-console.sh needs npm).",
      "console.schema": "completion and lint: {labels} labels, {types} relationship types, {keys} property keys",
      "console.schema.failed": "completion unavailable: {message}",
      "console.lint.where": "line {line}, column {column}",
      "console.lint.error": "error",
      "console.lint.warning": "warning",
      "console.lint.stopped": "Not sent: Neo4j's Cypher front end found {n} error(s).",
      "console.anyway": "Run anyway",
      "console.failed": "Request failed",
      "console.error": "Error",
      "console.empty": "Type a query first.",
      "console.params.bad": "Parameters are not JSON: {message}",
      "console.params.object": "Parameters must be a JSON object, e.g. {\"code\": \"TH\"}.",
      "console.running": "running…",
      "console.rows": "{n} row(s) in {ms} ms",
      "console.truncated": " — truncated at the server's row cap",
      "console.to.show": " · {n} node(s) to show in the graph",
      "console.missing": ", {n} not in the graph view",
      "console.shown": "shown in the graph: {nodes} nodes, {edges} relationships{missing}",
    },
    zh: {
      "page.title": "transfernet 图谱浏览器",
      "header.title": "transfernet 图谱浏览器",
      "search.placeholder": "搜索名称（中文 / English）…",
      "search.label": "搜索",
      "search.none": "无匹配结果",
      "fit": "适应窗口",
      "fit.title": "将整个视图缩放到屏幕内",
      "png.title": "将视图下载为 PNG 图片",
      "json.title": "将视图（节点、关系、位置）下载为 JSON",
      "save": "保存布局",
      "save.title": "在本浏览器中记住节点位置",
      "restore": "恢复布局",
      "restore.title": "将节点移回已保存的位置",
      "lang.label": "语言",
      "view": "视图",
      "mode.graph": "图谱",
      "mode.projected": "机构合作网络（投影）",
      "types": "节点类型",
      "synthetic.note": "虚线轮廓：合成（生成）数据。",
      "show.synthetic": "显示合成数据",
      "show.statistics": "显示统计数据",
      "left.note": "未显示：{synthetic}个合成节点和{statistics}个研究统计节点（勾选上方选项可显示）。标签：国家级中心及各中心所在国家；放大可看海外中心及其余节点。",
      "country": "国家",
      "country.all": "全部国家",
      "bloc": "国家集团",
      "bloc.all": "全部国家集团",
      "field": "领域",
      "field.all": "全部领域",
      "overlays": "叠加分析",
      "overlay.type": "节点类型",
      "size.by": "节点大小",
      "size.type": "按节点类型",
      "size.degree": "所示连接数",
      "size.brokerage": "经纪（最近一次分析）",
      "size.betweenness": "中介中心性（最近一次分析）",
      "size.note": "面积表示该指标；所示最大值 {max}",
      "size.none": "所示节点均无该值：请运行 transfernet analyze",
      "overlay.brokerage": "经纪角色",
      "overlay.duplicates": "重复设立的中心",
      "overlay.communities": "社区",
      "path": "路径",
      "path.help": "选择一个节点，然后点击“起点”或“终点”。",
      "path.from": "起点",
      "path.to": "终点",
      "path.clear": "清除",
      "path.none": "没有路径",
      "path.hops": "{n}步：{nodes}",
      "selection": "所选节点",
      "selection.help": "单击节点查看其属性；双击节点展开其邻居。",
      "graph.label": "图谱视图",
      "status.counts": "{nodes}个节点，{edges}条关系",
      "status.loading": "加载中…",
      "status.expanding": "展开中…",
      "status.error": "错误：{message}",
      "status.saved": "布局已保存",
      "status.restored": "布局已恢复",
      "status.overlay.loading": "正在加载{kind}…",
      "status.overlay": "{kind}：{n}个节点",
      "load.failed": "无法加载图谱：{message}",
      "synthetic.seed": "合成数据（随机种子 {seed}）",
      "tie.weight": "权重 {weight}",
      "tie.shared": "共同参与{n}个项目、协议或活动",
      "projected.focus": "{name}：显示{partners}个合作方中的{shown}个",
      "projected.left": "（{n}个较弱的合作方未显示）",
      "projected.core": "{actors}个机构中最强的{shown}个及其相互关系（{ties}条关系中有{left}条未显示）。边的宽度：共同项目的 Newman 权重。",
      "brokerage.roles": "经纪角色",
      "details.sources": "来源",
      "details.properties": "属性",
      "details.analysis": "分析结果（批次 {run}）",
      "details.results": "批次 {run} 存于此节点的得分（{n}项）",
      "analysis.brokerage": "经纪：{total}个角色（{roles}）",
      "analysis.no.brokerage": "经纪：无角色（不处于经纪位置的行动者）",
      "analysis.community": "社区 {c}（{n}个行动者）",
      "analysis.duplicate": "可能与{other}重复（置信度{confidence}，得分{score}）：{evidence}",
      "analysis.colocated": "与{other}同设于{hosts}：仅所在国家相同",
      "analysis.none": "不属于所分析的行动者网络",
      "evidence.same city": "同一城市",
      "evidence.shared fields": "领域重合",
      "evidence.shared partners": "合作伙伴重合",
      "evidence.similar names": "名称相近",
      "confidence.high": "高",
      "confidence.medium": "中",
      "confidence.low": "低",
      "role.none": "无角色 / 未纳入分析",
      "overlay.cluster": "一组重复设立的中心（每组一种颜色）",
      "overlay.colocated": "{n}个同国设立的中心",
      "overlay.colocated.key": "同国设立（仅所在国家相同）",
      "time": "时间",
      "time.label": "年份",
      "time.all": "{year}（全部年份）",
      "time.note": "当年状况：{centres}个中心（其中{inferred}个按上级中心成立年份推定），{members}项共建“一带一路”成员关系，{agreements}项协议；{undated}个无日期的中心始终显示",
      "mode.map": "地图：各国覆盖情况",
      "map.label": "各国覆盖情况地图",
      "map.centres": "技术转移中心（多于一个时标注数量），连线指向上级中心",
      "map.status": "地图：{centre}个国家设有中心，{gap}个空白",
      "map.status.centre": "设有技术转移中心",
      "map.status.partner": "设有中心的合作伙伴",
      "map.status.gap": "既无中心也无合作伙伴的共建“一带一路”国家",
      "map.status.other": "其他国家",
      "map.centres.here": "本国中心（{n}个）",
      "map.time.note": "当年状况：{countries}个国家的{centres}个中心（其中{inferred}个按上级中心成立年份推定），{members}个共建“一带一路”国家；{undated}个无日期的中心始终显示",
      "role.coordinator": "协调者",
      "role.itinerant": "顾问",
      "role.representative": "代表者",
      "role.gatekeeper": "守门人",
      "role.liaison": "联络者",
      "role.total": "总计",
      "overlay.run": "分析运行 {run}",
      "overlay.partition": "按{partition}分组",
      "overlay.clusters": "{n}组重复设立的中心",
      "overlay.modularity": "模块度 {modularity}",
      "partition.country": "国家",
      "partition.region": "区域",
      "partition.income": "收入组别",
      "partition.centre_system": "中心体系",
      "name.both": "{local}（{english}）",
      "value.true": "是",
      "value.false": "否",
      "console.toggle": "Cypher 查询",
      "console.toggle.title": "Cypher 查询控制台",
      "console.label": "Cypher 查询控制台",
      "console.run": "运行",
      "console.show": "在图谱中显示",
      "console.only": "仅显示这些",
      "console.only.title": "只绘制结果中的节点",
      "console.close": "关闭控制台",
      "console.params": "参数（JSON）",
      "console.params.placeholder": "参数（JSON），例如 {\"code\": \"TH\"}",
      "console.query": "Cypher 查询语句",
      "console.loading": "正在加载编辑器…",
      "console.plain": "语法高亮、自动补全和检查不可用（编辑器包未构建：scripts/ensure-cypher-console.sh 需要 npm）。",
      "console.schema": "自动补全和检查：{labels}个标签，{types}种关系类型，{keys}个属性键",
      "console.schema.failed": "自动补全不可用：{message}",
      "console.lint.where": "第{line}行，第{column}列",
      "console.lint.error": "错误",
      "console.lint.warning": "警告",
      "console.lint.stopped": "未发送：Neo4j 的 Cypher 前端发现{n}个错误。",
      "console.anyway": "仍然运行",
      "console.failed": "请求失败",
      "console.error": "错误",
      "console.empty": "请先输入查询语句。",
      "console.params.bad": "参数不是有效的 JSON：{message}",
      "console.params.object": "参数必须是 JSON 对象，例如 {\"code\": \"TH\"}。",
      "console.running": "运行中…",
      "console.rows": "{n}行，用时{ms}毫秒",
      "console.truncated": "——已按服务器的行数上限截断",
      "console.to.show": " · {n}个节点可在图谱中显示",
      "console.missing": "，{n}个不在图谱视图中",
      "console.shown": "已在图谱中显示：{nodes}个节点，{edges}条关系{missing}",
    },
  };

  const LANGS = Object.keys(MESSAGES);
  const KEY = "transfernet-lang";
  const listeners = [];

  function stored() {
    try { return localStorage.getItem(KEY); } catch (e) { return null; } // storage may be off (file://, privacy mode)
  }

  function initial() {
    const saved = stored();
    if (LANGS.includes(saved)) return saved;
    const browser = (navigator.languages && navigator.languages[0]) || navigator.language || "";
    return browser.toLowerCase().startsWith("zh") ? "zh" : "en";
  }

  let lang = initial();

  /** The string `key` in the current language, `{name}` placeholders filled from `vars`. */
  function t(key, vars) {
    const table = MESSAGES[lang];
    let text = Object.prototype.hasOwnProperty.call(table, key) ? table[key] : MESSAGES.en[key];
    if (text === undefined) text = key;
    for (const [name, value] of Object.entries(vars || {})) text = text.split("{" + name + "}").join(String(value));
    return text;
  }

  /** A number as the current language writes it. */
  function num(value, digits) {
    const options = digits === undefined ? {} : { minimumFractionDigits: digits, maximumFractionDigits: digits };
    return Number(value).toLocaleString(lang === "zh" ? "zh-CN" : "en", options);
  }

  /** A name in the current language: the Chinese one where there is one, and with `both`
   * the English name beside it (中文名（English name）). */
  function name(english, chinese, both) {
    if (lang !== "zh" || !chinese || chinese === english) return String(english);
    return both && english ? t("name.both", { local: chinese, english }) : String(chinese);
  }

  const ATTRIBUTES = { "data-i18n-placeholder": "placeholder", "data-i18n-title": "title", "data-i18n-aria-label": "aria-label" };

  /** Fill in the strings of every element under `root` that names one. */
  function apply(root) {
    const scope = root || document;
    for (const e of scope.querySelectorAll("[data-i18n]")) e.textContent = t(e.getAttribute("data-i18n"));
    for (const [data, attribute] of Object.entries(ATTRIBUTES)) {
      for (const e of scope.querySelectorAll("[" + data + "]")) e.setAttribute(attribute, t(e.getAttribute(data)));
    }
    if (!root) {
      document.documentElement.lang = lang === "zh" ? "zh-CN" : "en";
      document.title = t("page.title");
      for (const b of document.querySelectorAll("[data-lang]")) b.setAttribute("aria-pressed", String(b.getAttribute("data-lang") === lang));
    }
  }

  /** Switch to `value` ("en" or "zh"), remember it, redraw the page's words. */
  function set(value) {
    if (!LANGS.includes(value)) return;
    lang = value;
    try { localStorage.setItem(KEY, value); } catch (e) { /* not remembered */ }
    apply();
    for (const listener of listeners) listener(lang);
  }

  function onChange(listener) { listeners.push(listener); }

  window.transfernetI18n = { t, num, name, apply, set, onChange, MESSAGES, get lang() { return lang; } };

  function start() {
    for (const b of document.querySelectorAll("[data-lang]")) b.addEventListener("click", () => set(b.getAttribute("data-lang")));
    apply();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start); else start();
})();
