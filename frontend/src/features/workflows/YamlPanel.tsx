/** The definition as YAML beside the canvas: edit either, the other follows; problems point at their line. */
import { useRef } from "react";
import type { Builder } from "./useBuilder";

/** The index in `text` of 1-based (line, column). */
function offsetOf(text: string, line: number, column: number): number {
  const lines = text.split("\n");
  let at = 0;
  for (let i = 0; i < Math.min(line - 1, lines.length); i++) at += lines[i]!.length + 1;
  return at + Math.max(0, column - 1);
}

export function YamlPanel({ builder, readOnly }: { builder: Builder; readOnly: boolean }) {
  const area = useRef<HTMLTextAreaElement>(null);
  const { source, syntaxErrors, problems } = builder;
  const all = [
    ...syntaxErrors.map((e) => ({ ...e, path: "", syntax: true })),
    ...problems.map((p) => ({ ...p, syntax: false })),
  ];
  const goTo = (line: number, column: number) => {
    const el = area.current;
    if (!el) return;
    const at = offsetOf(source, line, column);
    el.focus();
    el.setSelectionRange(at, at);
    // Bring the line into view: the text area scrolls by lines of its own line height.
    const lh = parseFloat(getComputedStyle(el).lineHeight) || 18;
    el.scrollTop = Math.max(0, (line - 4) * lh);
  };
  return (
    <section aria-labelledby="yaml-title" className="wf-yaml">
      <h2 id="yaml-title" className="visually-hidden">YAML</h2>
      <textarea ref={area} className="mono" spellCheck={false} value={source} readOnly={readOnly}
                aria-label="Workflow definition (YAML)" aria-invalid={all.length > 0} aria-describedby="yaml-problems"
                onChange={(e) => builder.setSource(e.target.value)} />
      <div id="yaml-problems" aria-live="polite" className="wf-yaml-status">
        {all.length === 0 ? (
          <p className={builder.valid ? "ok" : "muted"}>{builder.checking ? "Checking…" : builder.valid ? "Valid." : ""}</p>
        ) : (
          <ul className="wf-problem-list">
            {all.map((p, i) => (
              <li key={i}>
                <button type="button" className="link" onClick={() => goTo(p.line, p.column)}>
                  line {p.line}, column {p.column}
                </button>{" "}
                <span className="error">{p.syntax ? "YAML: " : ""}{p.message}</span>
                {p.path && <span className="muted mono"> ({p.path})</span>}
              </li>
            ))}
          </ul>
        )}
      </div>
    </section>
  );
}
