/**
 * The query bar: a combobox whose completions come from the server at the cursor, and whose
 * syntax errors are shown under the text with a caret at the column the server names.
 */
import { useId, useRef, useState, type KeyboardEvent } from "react";
import { errorMessage, type ApiError } from "../../api/client";
import { useDebounced } from "../../components/useDebounced";
import { useSuggestions, useValidation } from "./queryApi";
import { applyCompletion, cursorOffset, errorPointer } from "./queryText";

interface Props {
  projectId: number;
  /** The query the grid shows now. */
  value: string;
  onApply(q: string): void;
  /** Why the applied query failed (the file list's 422), if it did. */
  applyError: unknown;
}

export function QueryBar({ projectId, value, onApply, applyError }: Props) {
  const id = useId();
  const input = useRef<HTMLInputElement>(null);
  const [draft, setDraft] = useState(value);
  const [cursor, setCursor] = useState(value.length);
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  // A new applied value (a link, Clear, the back button) replaces what is being typed.
  const [shown, setShown] = useState(value);
  if (shown !== value) {
    setShown(value);
    setDraft(value);
  }

  const typed = useDebounced({ text: draft, cursor }, 120);
  const settled = typed.text === draft && typed.cursor === cursor;
  const suggestions = useSuggestions(projectId, typed.text, cursorOffset(typed.text, typed.cursor), open);
  const items = open && settled && !suggestions.isPlaceholderData ? (suggestions.data?.items ?? []) : [];
  const listed = items.length > 0;

  const checked = useDebounced(draft, 350);
  const validation = useValidation(projectId, checked);
  const invalid = checked === draft && validation.data?.ok === false ? validation.data.error : null;
  const error = (invalid ?? (draft === value && applyError ? applyError : null)) as ApiError | Error | null;
  const pointer = error && "detail" in error ? errorPointer(draft, error.detail) : null;

  function moveCursor(to: number) {
    setCursor(to);
    requestAnimationFrame(() => {
      input.current?.focus();
      input.current?.setSelectionRange(to, to);
    });
  }

  function accept(index: number) {
    const data = suggestions.data;
    const item = items[index];
    if (!data || !item) return;
    const out = applyCompletion(draft, data.replace_start, data.cursor_pos, item);
    setDraft(out.text);
    setActive(-1);
    moveCursor(out.cursor);
  }

  function onKeyDown(e: KeyboardEvent<HTMLInputElement>) {
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      if (!open) setOpen(true);
      const n = items.length;
      if (n > 0) setActive((a) => (e.key === "ArrowDown" ? (a + 1) % n : (a <= 0 ? n : a) - 1));
    } else if ((e.key === "Enter" || e.key === "Tab") && listed && active >= 0) {
      e.preventDefault();
      accept(active);
    } else if (e.key === "Escape" && listed) {
      e.preventDefault();
      setOpen(false);
      setActive(-1);
    } else if (e.key === " " && e.ctrlKey) {
      e.preventDefault();
      setOpen(true);
    }
  }

  const listId = `${id}-suggestions`;
  const optionId = (i: number) => `${id}-option-${i}`;
  return (
    <form className="query-bar" role="search" aria-label="Search files"
          onSubmit={(e) => { e.preventDefault(); setOpen(false); onApply(draft.trim()); }}>
      <label htmlFor={`${id}-q`}>Query</label>
      <div className="query-field">
        <input ref={input} id={`${id}-q`} className="mono" type="text" role="combobox" autoComplete="off" spellCheck={false}
               aria-autocomplete="list" aria-expanded={listed} aria-controls={listId}
               aria-activedescendant={listed && active >= 0 ? optionId(active) : undefined}
               aria-invalid={error !== null} aria-describedby={`${id}-error ${id}-hint`}
               placeholder="labels.car > 3 and meta.camera = 'front'" value={draft}
               onChange={(e) => { setDraft(e.target.value); setCursor(e.target.selectionStart ?? e.target.value.length); setOpen(true); setActive(-1); }}
               onSelect={(e) => setCursor(e.currentTarget.selectionStart ?? draft.length)}
               onFocus={() => setOpen(true)} onBlur={() => { setOpen(false); setActive(-1); }} onKeyDown={onKeyDown} />
        <ul id={listId} role="listbox" aria-label="Completions" className="suggestions" hidden={!listed}>
          {items.map((s, i) => (
            <li key={`${s.kind}-${s.insert}`} id={optionId(i)} role="option" aria-selected={i === active}
                onMouseDown={(e) => { e.preventDefault(); accept(i); }}>
              <span className="mono">{s.insert}</span>
              <span className="muted">{s.detail || s.kind}</span>
            </li>
          ))}
        </ul>
      </div>
      <button type="submit" className="primary">Apply</button>
      {value !== "" && <button type="button" onClick={() => onApply("")}>Clear</button>}
      <span id={`${id}-hint`} className="visually-hidden">
        Completions appear as you type: arrow keys choose one, Enter or Tab takes it. See the query guide for the syntax.
      </span>
      <div id={`${id}-error`} className="query-error" aria-live="polite" data-testid="query-error">
        {error && (
          <>
            {pointer && <pre className="caret" aria-hidden="true">{pointer.excerpt}{"\n"}{pointer.caret}</pre>}
            <p className="error">{errorMessage(error)}</p>
            {pointer && (
              <button type="button" className="link" onClick={() => moveCursor(pointer.index)}>
                Go to line {pointer.line}, column {pointer.column}
              </button>
            )}
          </>
        )}
      </div>
    </form>
  );
}
