// The one export of the bundle (viz/static/vendor/cypher-editor.js): Neo4j's Cypher editor for
// CodeMirror 6 (highlighting, completion from a schema, lint) and its stylesheet as text.
// viz/static/console.js uses it when it is there and falls back to a plain textarea when not.
import { createCypherEditor } from "@neo4j-cypher/codemirror";
import css from "@neo4j-cypher/codemirror/css/cypher-codemirror.css";

window.transfernetCypherEditor = { createCypherEditor, css };
