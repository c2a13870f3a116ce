/** Keyboard shortcuts shared by the image and text editors: undo/redo, save, delete, labels 1–9. */
import { useEffect, useRef } from "react";
import type { AnnotationStore } from "../../annotate/core";

const NOT_TEXT = new Set(["checkbox", "radio", "button", "submit", "reset", "color", "range"]);

/** Keys typed into a text field or a select are theirs, not shortcuts. */
export function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target instanceof HTMLInputElement) return !NOT_TEXT.has(target.type);
  return target.isContentEditable || target.tagName === "SELECT" || target.tagName === "TEXTAREA";
}

interface Options {
  store: AnnotationStore;
  save(): void;
  /** Label names in the order of their 1–9 shortcuts. */
  labels: readonly string[];
  onLabel(name: string): void;
  /** Editor-specific keys first (tools, zoom...); true when used. */
  extra?(e: KeyboardEvent): boolean;
}

/** Listen on the window while mounted; the latest options are always used. */
export function useEditorKeys(options: Options): void {
  const latest = useRef(options);
  useEffect(() => {
    latest.current = options;
  });
  useEffect(() => {
    const handler = (e: KeyboardEvent) => {
      if (isTyping(e.target)) return;
      const { store, save, labels, onLabel, extra } = latest.current;
      const mod = e.ctrlKey || e.metaKey;
      const k = e.key.toLowerCase();
      if (mod && k === "z") store[e.shiftKey ? "redo" : "undo"]();
      else if (mod && k === "y") store.redo();
      else if (mod && k === "s") save();
      else if (mod || e.altKey) return;
      else if (extra?.(e)) { /* used by the editor */ }
      else if ((e.key === "Delete" || e.key === "Backspace") && store.selection !== null) store.remove(store.selection);
      else if (/^[1-9]$/.test(e.key) && labels[Number(e.key) - 1]) onLabel(labels[Number(e.key) - 1]!);
      else return;
      e.preventDefault();
    };
    window.addEventListener("keydown", handler);
    return () => window.removeEventListener("keydown", handler);
  }, []);
}

/** Ask before leaving the page while changes are unsaved. */
export function useUnsavedWarning(unsaved: number): void {
  useEffect(() => {
    if (unsaved === 0) return;
    const warn = (e: BeforeUnloadEvent) => e.preventDefault();
    window.addEventListener("beforeunload", warn);
    return () => window.removeEventListener("beforeunload", warn);
  }, [unsaved]);
}
