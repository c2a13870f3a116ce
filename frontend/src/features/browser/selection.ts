/** Selecting files in the grid: a click toggles one, a shift-click extends from the last click. */

export interface Selection {
  readonly ids: ReadonlySet<number>;
  /** The file clicked last (where a shift-click range starts). */
  readonly anchor: number | null;
}

export const EMPTY_SELECTION: Selection = { ids: new Set(), anchor: null };

/**
 * The selection after clicking `id` among `order` (the files as the grid shows them). With shift,
 * every file between the anchor and `id` takes the state the anchor has.
 */
export function clickSelect(sel: Selection, order: readonly number[], id: number, shift: boolean): Selection {
  const ids = new Set(sel.ids);
  const from = sel.anchor === null ? -1 : order.indexOf(sel.anchor);
  const to = order.indexOf(id);
  if (shift && from >= 0 && to >= 0) {
    const on = ids.has(sel.anchor!);
    for (let i = Math.min(from, to); i <= Math.max(from, to); i++) {
      if (on) ids.add(order[i]!);
      else ids.delete(order[i]!);
    }
  } else if (ids.has(id)) {
    ids.delete(id);
  } else {
    ids.add(id);
  }
  return { ids, anchor: id };
}

/** Keep only ids still shown (after a filter change the hidden ones must not be acted on). */
export function keepShown(sel: Selection, shown: readonly number[]): Selection {
  const visible = new Set(shown);
  const ids = new Set([...sel.ids].filter((id) => visible.has(id)));
  return ids.size === sel.ids.size ? sel : { ids, anchor: sel.anchor !== null && visible.has(sel.anchor) ? sel.anchor : null };
}
