/** Keyboard shortcuts shared by the image and text editors: undo/redo, save, delete, accept a pre-label, labels 1–9. */
import { useEffect, useRef, useState } from "react";
import { acceptPrelabels, type AnnotationStore, type Tool } from "../../annotate/core";

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
      else if (k === "a" && !e.shiftKey && store.selection !== null && acceptPrelabels(store, [store.selection]) > 0) { /* accepted */ }
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

/**
 * What the active tool asks of the person now (e.g. the next keypoint's name). Tools keep their
 * half-drawn state outside React, so this looks again on every key, click and store change.
 */
export function useToolHint(store: AnnotationStore, tool: Tool, ctx: { label: string | null; keypointNames: readonly string[] | null }): string {
  const [, bump] = useState(0);
  useEffect(() => {
    const again = () => bump((n) => n + 1);
    const off = store.subscribe(again);
    // After the canvas and the editor keys have handled the event.
    const later = () => setTimeout(again, 0);
    window.addEventListener("pointerup", later);
    window.addEventListener("keyup", later);
    return () => {
      off();
      window.removeEventListener("pointerup", later);
      window.removeEventListener("keyup", later);
    };
  }, [store]);
  const hint = tool.hint?.({ store, label: ctx.label, keypointNames: ctx.keypointNames, image: { width: 0, height: 0 }, tolerance: 0,
    newId: () => "", notify: () => undefined });
  return hint ?? "";
}
