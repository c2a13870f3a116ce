/** The annotation store: shapes in z-order, change sets with undo/redo, transactions for drags. */
import type { Shape } from "./types";

/** One shape's change; `before: null` is an addition, `after: null` a removal. */
export interface Change {
  readonly id: string;
  readonly before: Shape | null;
  readonly after: Shape | null;
  /** z-order position of the shape before a removal, so undo puts it back where it was. */
  readonly index: number;
}

/** What one user action did; undo reverts a whole change set at once. */
export interface ChangeSet {
  readonly label: string;
  readonly changes: readonly Change[];
}

type Listener = () => void;

export class AnnotationStore {
  private order: string[] = [];
  private byId = new Map<string, Shape>();
  private undoStack: ChangeSet[] = [];
  private redoStack: ChangeSet[] = [];
  private txn: { label: string; changes: Map<string, Change> } | null = null;
  private listeners = new Set<Listener>();
  private cached: readonly Shape[] | null = null;
  private selected: string | null = null;
  private revision = 0;

  constructor(shapes: readonly Shape[] = []) {
    this.replaceAll(shapes);
  }

  /** Shapes bottom to top (the array is stable until the next change). */
  all(): readonly Shape[] {
    this.cached ??= this.order.map((id) => this.byId.get(id)!);
    return this.cached;
  }

  get(id: string): Shape | undefined {
    return this.byId.get(id);
  }

  get size(): number {
    return this.order.length;
  }

  get selection(): string | null {
    return this.selected;
  }

  /** A number that changes on every change (for useSyncExternalStore and caches). */
  get snapshot(): number {
    return this.revision;
  }

  get canUndo(): boolean {
    return this.undoStack.length > 0 && this.txn === null;
  }

  get canRedo(): boolean {
    return this.redoStack.length > 0 && this.txn === null;
  }

  get inTransaction(): boolean {
    return this.txn !== null;
  }

  /** The label of the change set an undo would revert. */
  get undoLabel(): string | null {
    return this.undoStack.at(-1)?.label ?? null;
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Replace every shape and forget the history (a fresh load from the server). */
  replaceAll(shapes: readonly Shape[]): void {
    this.order = shapes.map((s) => s.id);
    this.byId = new Map(shapes.map((s) => [s.id, s]));
    this.undoStack = [];
    this.redoStack = [];
    this.txn = null;
    if (this.selected !== null && !this.byId.has(this.selected)) this.selected = null;
    this.emit();
  }

  select(id: string | null): void {
    const next = id !== null && this.byId.has(id) ? id : null;
    if (next === this.selected) return;
    this.selected = next;
    this.emit();
  }

  add(shape: Shape, label = "add"): void {
    if (this.byId.has(shape.id)) throw new Error(`shape ${shape.id} already exists`);
    this.record(label, { id: shape.id, before: null, after: shape, index: this.order.length });
  }

  update(shape: Shape, label = "edit"): void {
    const before = this.byId.get(shape.id);
    if (before === undefined) throw new Error(`no shape ${shape.id}`);
    if (before === shape) return;
    this.record(label, { id: shape.id, before, after: shape, index: this.order.indexOf(shape.id) });
  }

  remove(id: string, label = "delete"): void {
    const before = this.byId.get(id);
    if (before === undefined) return;
    this.record(label, { id, before, after: null, index: this.order.indexOf(id) });
  }

  /** Start grouping changes (a drag): they become one change set at commit. */
  begin(label: string): void {
    if (this.txn !== null) throw new Error("a transaction is already open");
    this.txn = { label, changes: new Map() };
  }

  /** End the transaction; its net changes become one undoable change set. */
  commit(): void {
    const txn = this.txn;
    if (txn === null) return;
    this.txn = null;
    const net = [...txn.changes.values()].filter((c) => c.before !== c.after);
    if (net.length > 0) {
      this.undoStack.push({ label: txn.label, changes: net });
      this.redoStack = [];
    }
    this.emit();
  }

  /** Abandon the transaction, restoring every shape it touched. */
  rollback(): void {
    const txn = this.txn;
    if (txn === null) return;
    this.txn = null;
    this.applyReversed([...txn.changes.values()]);
    this.emit();
  }

  undo(): boolean {
    if (!this.canUndo) return false;
    const set = this.undoStack.pop()!;
    this.applyReversed(set.changes);
    this.redoStack.push(set);
    this.emit();
    return true;
  }

  redo(): boolean {
    if (!this.canRedo) return false;
    const set = this.redoStack.pop()!;
    for (const c of set.changes) this.put(c.id, c.after, c.index);
    this.undoStack.push(set);
    this.emit();
    return true;
  }

  private record(label: string, change: Change): void {
    this.put(change.id, change.after, change.index);
    if (this.txn !== null) {
      const prev = this.txn.changes.get(change.id);
      this.txn.changes.set(change.id, prev ? { ...change, before: prev.before, index: prev.index } : change);
    } else {
      this.undoStack.push({ label, changes: [change] });
      this.redoStack = [];
    }
    this.emit();
  }

  private applyReversed(changes: readonly Change[]): void {
    for (const c of [...changes].reverse()) this.put(c.id, c.before, c.index);
  }

  private put(id: string, shape: Shape | null, index: number): void {
    const exists = this.byId.has(id);
    if (shape === null) {
      if (!exists) return;
      this.byId.delete(id);
      this.order.splice(this.order.indexOf(id), 1);
      if (this.selected === id) this.selected = null;
      return;
    }
    this.byId.set(id, shape);
    if (!exists) this.order.splice(Math.min(Math.max(index, 0), this.order.length), 0, id);
  }

  private emit(): void {
    this.cached = null;
    this.revision += 1;
    for (const l of this.listeners) l();
  }
}
