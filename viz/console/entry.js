// The one export of the bundle (viz/static/vendor/cypher-editor.js), loaded by viz/static/console.js
// when the console is first opened (it falls back to a plain textarea when the bundle is missing):
// - Neo4j's Cypher editor for CodeMirror 6 (highlighting, completion from a schema) and its stylesheet;
// - Neo4j's Cypher front end, whose lint knows the graph's labels, types, property keys and the
//   query's parameters, and CodeMirror's `linter` (the editor's own copy) to show its diagnostics.
import { forceLinting, linter } from "@codemirror/lint";
import { createCypherEditor } from "@neo4j-cypher/codemirror";
import css from "@neo4j-cypher/codemirror/css/cypher-codemirror.css";
import { lintCypherQuery } from "@neo4j-cypher/language-support";

window.transfernetCypherEditor = { createCypherEditor, css, forceLinting, linter, lintCypherQuery };
