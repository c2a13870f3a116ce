/**
 * The builder's state: the YAML source is the one truth; the graph, syntax errors and positions
 * follow from it (positions: where the user put a node, as saved with the workflow or moved since,
 * else the automatic layout). Canvas edits parse the source, change the YAML document and write it back, so
 * comments and layout of the text survive; text edits re-draw the canvas. The server checks every
 * settled source (a moment after the last change) and its problems land on the nodes.
 */
import { useQuery } from "@tanstack/react-query";
import { useCallback, useMemo, useState } from "react";
import type { Document } from "yaml";
import { useDebounced } from "../../components/useDebounced";
import { DefinitionProblems, validate, type Problem } from "./api";
import { graphOf, layout, parse, placedLayout, problemsByNode, type Point } from "./model";

export const TEMPLATE = `name: new workflow
on:
  - manual: true
blocks: {}
workflow: {}
`;

interface History {
  readonly source: string;
  readonly past: readonly string[];
  readonly future: readonly string[];
}

/** The history with `next` as the source (the old one undoable); unchanged when nothing changed. */
function push(h: History, next: string): History {
  return next === h.source ? h : { source: next, past: [...h.past.slice(-99), h.source], future: [] };
}

const NO_PROBLEMS: Problem[] = [];

export function useBuilder(projectId: number, initial: string, initialLayout: Readonly<Record<string, Point>> = {}) {
  // One state object, so every update is a pure function of the last (StrictMode runs updaters twice).
  const [hist, setHist] = useState<History>({ source: initial, past: [], future: [] });
  const source = hist.source;
  const [moved, setMoved] = useState<Map<string, Point>>(() => new Map(Object.entries(initialLayout)));
  const [selected, setSelected] = useState<string | null>(null);

  const parsed = useMemo(() => parse(source), [source]);
  const graph = useMemo(() => graphOf(parsed.doc.toJS()), [parsed]);
  const positions = useMemo(() => {
    const auto = layout(graph);
    for (const [id, p] of moved) if (auto.has(id)) auto.set(id, p);
    return auto;
  }, [graph, moved]);

  const setSource = useCallback((next: string) => setHist((h) => push(h, next)), []);

  /** Change the definition through its YAML document (ignored while the text does not parse). */
  const edit = useCallback((change: (doc: Document) => void) => {
    setHist((h) => {
      const { doc, errors } = parse(h.source);
      if (errors.length > 0) return h;
      change(doc);
      return push(h, doc.toString());
    });
  }, []);

  const undo = useCallback(() => setHist((h) => {
    const prev = h.past.at(-1);
    return prev === undefined ? h : { source: prev, past: h.past.slice(0, -1), future: [h.source, ...h.future] };
  }), []);

  const redo = useCallback(() => setHist((h) => {
    const next = h.future[0];
    return next === undefined ? h : { source: next, past: [...h.past, h.source], future: h.future.slice(1) };
  }), []);

  const layoutNow = useMemo(() => placedLayout(graph, moved), [graph, moved]);

  const place = useCallback((id: string, p: Point) => {
    setMoved((m) => new Map(m).set(id, p));
  }, []);

  // The server's checks, on the source as it settles (syntax errors are ours to show first).
  const settled = useDebounced(source, 400);
  const check = useQuery({
    queryKey: ["projects", projectId, "workflows", "validate", settled],
    enabled: parse(settled).errors.length === 0,
    retry: false,
    staleTime: Infinity,
    queryFn: async ({ signal }): Promise<{ values: string[]; problems: Problem[] }> => {
      try {
        return { values: await validate(projectId, settled, signal), problems: [] };
      } catch (err) {
        if (err instanceof DefinitionProblems) return { values: [], problems: err.problems };
        throw err;
      }
    },
  });
  const problems = settled === source ? (check.data?.problems ?? NO_PROBLEMS) : NO_PROBLEMS;
  const placed = useMemo(() => problemsByNode(graph, problems), [graph, problems]);

  return {
    source, setSource, edit, undo, redo, canUndo: hist.past.length > 0, canRedo: hist.future.length > 0,
    syntaxErrors: parsed.errors, graph, positions, place, layout: layoutNow, selected, setSelected,
    checking: settled !== source || check.isFetching, valid: settled === source && check.data?.problems.length === 0,
    problems, nodeProblems: placed.byNode, generalProblems: placed.general, checkError: check.error,
  };
}

export type Builder = ReturnType<typeof useBuilder>;
