// Entry of the vendored CodeMirror 6 bundle (static/vendor/codemirror-yaml.min.js).
// scripts/vendor.sh bundles it with esbuild; the page never loads this file directly.
// It exposes one global, window.ClusterLabEditor, used by the playground's JS.

import { indentLess, indentMore, defaultKeymap, history, historyKeymap } from "@codemirror/commands";
import { yaml } from "@codemirror/lang-yaml";
import {
  bracketMatching,
  HighlightStyle,
  indentOnInput,
  indentUnit,
  syntaxHighlighting,
} from "@codemirror/language";
import { lintGutter, lintKeymap, setDiagnostics as lintDiagnostics } from "@codemirror/lint";
import { highlightSelectionMatches, searchKeymap } from "@codemirror/search";
import { EditorSelection, EditorState } from "@codemirror/state";
import {
  drawSelection,
  EditorView,
  highlightActiveLine,
  highlightActiveLineGutter,
  highlightSpecialChars,
  keymap,
  lineNumbers,
} from "@codemirror/view";
import { tags } from "@lezer/highlight";

const INDENT = "  "; // YAML forbids tabs for indentation: Tab inserts 2 spaces.

// Text colours. Each one has a contrast of at least 4.5:1 (WCAG AA) against both white and
// ACTIVE_LINE_BG; tests/web/test_vendored_assets.py checks it.
const TEXT_COLOURS = {
  text: "#1b1f24",
  muted: "#57606a",
  key: "#0b4f8a",
  string: "#a31515",
  keyword: "#7a1fa2",
  literalHeader: "#8a4b00",
  label: "#6b3fa0",
  type: "#0f6b5f",
  invalid: "#b00020",
};
const ACTIVE_LINE_BG = "#eef5ff";

const highlightStyle = HighlightStyle.define([
  { tag: tags.definition(tags.propertyName), color: TEXT_COLOURS.key },
  { tag: [tags.string, tags.special(tags.string)], color: TEXT_COLOURS.string },
  { tag: tags.keyword, color: TEXT_COLOURS.keyword },
  { tag: tags.attributeValue, color: TEXT_COLOURS.string },
  { tag: tags.labelName, color: TEXT_COLOURS.label },
  { tag: tags.typeName, color: TEXT_COLOURS.type },
  { tag: [tags.comment, tags.lineComment], color: TEXT_COLOURS.muted, fontStyle: "italic" },
  { tag: [tags.meta, tags.separator, tags.punctuation, tags.bracket], color: TEXT_COLOURS.muted },
  { tag: tags.content, color: TEXT_COLOURS.text },
  { tag: tags.invalid, color: TEXT_COLOURS.invalid },
]);

const theme = EditorView.theme(
  {
    "&": {
      color: TEXT_COLOURS.text,
      backgroundColor: "#ffffff",
      border: "1px solid #8c959f",
      borderRadius: "4px",
      minHeight: "10rem",
    },
    "&.cm-focused": { outline: "2px solid #1d4ed8", outlineOffset: "2px" },
    ".cm-scroller": {
      fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace',
      lineHeight: "1.5",
    },
    ".cm-content": { caretColor: TEXT_COLOURS.text },
    ".cm-gutters": {
      backgroundColor: "#f6f8fa",
      color: TEXT_COLOURS.muted,
      borderRight: "1px solid #d0d7de",
    },
    ".cm-activeLine": { backgroundColor: ACTIVE_LINE_BG },
    ".cm-activeLineGutter": { backgroundColor: "#dbe9ff", color: TEXT_COLOURS.text },
    "&.cm-focused > .cm-scroller > .cm-selectionLayer .cm-selectionBackground": {
      backgroundColor: "#b6d4fe",
    },
    ".cm-selectionBackground": { backgroundColor: "#d7e3f4" },
    ".cm-selectionMatch": { backgroundColor: "#fff2a8" },
    ".cm-searchMatch": { backgroundColor: "#fff2a8", outline: "1px solid #8a6d00" },
    ".cm-searchMatch.cm-searchMatch-selected": { backgroundColor: "#ffd43b" },
    ".cm-panels": { backgroundColor: "#f6f8fa", color: TEXT_COLOURS.text },
    ".cm-tooltip": {
      backgroundColor: "#ffffff",
      color: TEXT_COLOURS.text,
      border: "1px solid #8c959f",
    },
    ".cm-diagnostic-error": { borderLeft: "5px solid #b3261e" },
    ".cm-diagnostic-warning": { borderLeft: "5px solid #8a4b00" },
  },
  { dark: false },
);

// Tab: 2 spaces at the cursor (up to the next 2-column stop), or indent the selected lines.
// CodeMirror's own escape hatch still applies: Escape then Tab moves focus out of the editor.
function insertIndent(view) {
  const { state } = view;
  if (state.readOnly) return false;
  if (state.selection.ranges.some((range) => !range.empty)) return indentMore(view);
  view.dispatch(
    state.changeByRange((range) => {
      const line = state.doc.lineAt(range.head);
      const column = range.head - line.from;
      const spaces = INDENT.length - (column % INDENT.length);
      return {
        changes: { from: range.head, insert: " ".repeat(spaces) },
        range: EditorSelection.cursor(range.head + spaces),
      };
    }),
    { scrollIntoView: true, userEvent: "input.indent" },
  );
  return true;
}

const editors = new WeakMap(); // textarea -> EditorView, so create() twice reuses the editor

function labelOf(textarea, ariaLabel) {
  if (ariaLabel) return ariaLabel;
  if (textarea.getAttribute("aria-label")) return textarea.getAttribute("aria-label");
  const label = textarea.labels?.[0];
  return label ? label.textContent.trim() : "YAML editor";
}

function create(textarea, { ariaLabel } = {}) {
  const existing = editors.get(textarea);
  if (existing) return existing;

  const syncTextarea = EditorView.updateListener.of((update) => {
    if (!update.docChanged) return;
    textarea.value = update.state.doc.toString();
    // Lets listeners (e.g. hx-trigger="input") see edits made in the editor.
    textarea.dispatchEvent(new Event("input", { bubbles: true }));
  });

  const view = new EditorView({
    doc: textarea.value,
    extensions: [
      lineNumbers(),
      highlightActiveLineGutter(),
      highlightSpecialChars(),
      history(),
      drawSelection(),
      indentOnInput(),
      bracketMatching(),
      highlightActiveLine(),
      highlightSelectionMatches(),
      lintGutter(),
      yaml(),
      syntaxHighlighting(highlightStyle),
      theme,
      indentUnit.of(INDENT),
      EditorState.tabSize.of(INDENT.length),
      keymap.of([
        { key: "Tab", run: insertIndent, shift: indentLess },
        ...defaultKeymap,
        ...historyKeymap,
        ...searchKeymap,
        ...lintKeymap,
      ]),
      EditorView.contentAttributes.of({ "aria-label": labelOf(textarea, ariaLabel) }),
      syncTextarea,
    ],
  });
  textarea.insertAdjacentElement("afterend", view.dom);
  // Hidden but still in the form: htmx submits its (kept in sync) value.
  textarea.hidden = true;
  // A <label for=...> of the textarea now points at a hidden element: let it focus the editor.
  for (const label of textarea.labels || []) label.addEventListener("click", () => view.focus());
  editors.set(textarea, view);
  return view;
}

function setText(view, text) {
  view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } });
}

function getText(view) {
  return view.state.doc.toString();
}

// diagnostics: [{line: 1-based, message, severity: "error"}]; [] clears them.
function setDiagnostics(view, diagnostics) {
  const { doc } = view.state;
  const found = diagnostics.map(({ line, message, severity = "error" }) => {
    const number = Math.min(Math.max(1, Math.trunc(Number(line)) || 1), doc.lines);
    const { from, to, text } = doc.line(number);
    // Underline the line's content, not its indentation (unless it is all blank).
    const indent = text.length - text.trimStart().length;
    return { from: indent < text.length ? from + indent : from, to, message: String(message), severity };
  });
  const spec = lintDiagnostics(view.state, found);
  if (found.length) {
    const first = Math.min(...found.map((d) => d.from));
    spec.effects = [].concat(spec.effects || [], EditorView.scrollIntoView(first, { y: "center" }));
  }
  view.dispatch(spec);
}

function focus(view) {
  view.focus();
}

// Put the cursor at the start of a 1-based line, scroll it to the middle, focus the editor.
function gotoLine(view, line) {
  const { doc } = view.state;
  const number = Math.min(Math.max(1, Math.trunc(Number(line)) || 1), doc.lines);
  const { from } = doc.line(number);
  view.dispatch({ selection: { anchor: from }, effects: EditorView.scrollIntoView(from, { y: "center" }) });
  view.focus();
}

window.ClusterLabEditor = { create, setText, getText, setDiagnostics, focus, gotoLine };
