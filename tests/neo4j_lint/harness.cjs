// Neo4j's Cypher front end (@neo4j-cypher/language-support) as a long-lived linter process.
//
// stdin: one JSON request a line; stdout: one JSON answer a line, in the same order.
//   {"define": "name", "schema": {...DbSchema...}, "registry": "neo4j5" | null}
//       -> {"ok": true}  (keeps a schema; "neo4j5" adds Neo4j 5's procedures and functions
//          from the package's testData.mockSchema to the ones given, "neo4j5-functions"
//          only its functions)
//   {"query": "...", "schema": "name", "parameters": ["rows", ...]}
//       -> {"diagnostics": [{"severity": "error"|"warning", "message": "...", "offsets": [s, e]}]}
//   {"procedures": "name"} -> {"names": [...]} (the procedure and function names of a schema)
'use strict';
const readline = require('node:readline');
const ls = require('@neo4j-cypher/language-support');

const VERSION = 'CYPHER 5';
const SEVERITY = { 1: 'error', 2: 'warning', 3: 'information', 4: 'hint' };
const schemas = new Map();

function define(req) {
  const given = req.schema || {};
  const mock = ls.testData.mockSchema;
  const base = {
    procedures: req.registry === 'neo4j5' ? mock.procedures : {},
    functions: req.registry ? mock.functions : {},
  };
  const registry = (kind) => ({
    [VERSION]: { ...(base[kind][VERSION] || {}), ...((given[kind] || {})[VERSION] || {}) },
  });
  schemas.set(req.define, {
    ...given,
    procedures: registry('procedures'),
    functions: registry('functions'),
    defaultLanguage: VERSION,
  });
  return { ok: true };
}

function lint(req) {
  const schema = schemas.get(req.schema);
  if (!schema) throw new Error(`unknown schema ${req.schema}`);
  const parameters = {};
  for (const name of req.parameters || []) parameters[name] = null;
  const { diagnostics } = ls.lintCypherQuery(req.query, { ...schema, parameters }, {
    consoleCommandsEnabled: false,
  });
  return {
    diagnostics: diagnostics.map((d) => ({
      severity: SEVERITY[d.severity] || String(d.severity),
      message: d.message,
      offsets: d.offsets ? [d.offsets.start, d.offsets.end] : null,
    })),
  };
}

function names(req) {
  const schema = schemas.get(req.procedures);
  return {
    names: [
      ...Object.keys(schema.procedures[VERSION]),
      ...Object.keys(schema.functions[VERSION]),
    ].sort(),
  };
}

const rl = readline.createInterface({ input: process.stdin, terminal: false });
rl.on('line', (line) => {
  let answer;
  try {
    const req = JSON.parse(line);
    if ('define' in req) answer = define(req);
    else if ('procedures' in req) answer = names(req);
    else answer = lint(req);
  } catch (err) {
    answer = { error: String(err && err.stack ? err.stack : err) };
  }
  process.stdout.write(JSON.stringify(answer) + '\n');
});
