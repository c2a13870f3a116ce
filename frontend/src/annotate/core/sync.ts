/**
 * Saving: the difference between the store and what the server last confirmed, turned into
 * create / update / delete calls that carry the version they edit (a stale one is a conflict).
 */
import { sameContent } from "./convert";
import type { AnnotationStore } from "./store";
import { newId, type Shape } from "./types";

/** What the server holds for one shape of the store. */
export interface SavedEntry {
  readonly serverId: string;
  readonly version: number;
  readonly shape: Shape;
}

export type SaveOp =
  | { readonly kind: "create"; readonly shape: Shape }
  | { readonly kind: "update"; readonly saved: SavedEntry; readonly shape: Shape }
  | { readonly kind: "delete"; readonly saved: SavedEntry; readonly id: string };

/** The three calls a save needs; adapters throw SaveConflict on a 409 (or a vanished annotation). */
export interface AnnotationApi {
  create(shape: Shape, serverId: string): Promise<{ id: string; version: number }>;
  update(saved: SavedEntry, shape: Shape): Promise<{ version: number }>;
  remove(saved: SavedEntry): Promise<void>;
}

/** Someone else changed (or deleted) an annotation since it was loaded. */
export class SaveConflict extends Error {
  constructor(message: string, readonly serverId: string) {
    super(message);
    this.name = "SaveConflict";
  }
}

export interface SaveResult {
  readonly done: number;
  readonly conflict: SaveConflict | null;
}

export class SyncState {
  private saved = new Map<string, SavedEntry>();
  // Server ids that were deleted: a shape brought back by undo needs a fresh id to be created again.
  private retired = new Set<string>();

  /** Forget everything and trust these entries (after loading from the server). */
  reset(entries: readonly SavedEntry[]): void {
    this.saved = new Map(entries.map((e) => [e.shape.id, e]));
    this.retired.clear();
  }

  entry(id: string): SavedEntry | undefined {
    return this.saved.get(id);
  }

  /** The calls that would bring the server to the store's state, deletes first. */
  pending(store: AnnotationStore): SaveOp[] {
    const ops: SaveOp[] = [];
    const current = new Map(store.all().map((s) => [s.id, s]));
    for (const [id, saved] of this.saved) if (!current.has(id)) ops.push({ kind: "delete", saved, id });
    for (const shape of store.all()) {
      const saved = this.saved.get(shape.id);
      if (saved === undefined) ops.push({ kind: "create", shape });
      else if (!sameContent(saved.shape, shape)) ops.push({ kind: "update", saved, shape });
    }
    return ops;
  }

  /** Run the pending calls one by one; stops at the first conflict (other errors propagate). */
  async save(store: AnnotationStore, api: AnnotationApi): Promise<SaveResult> {
    let done = 0;
    for (const op of this.pending(store)) {
      try {
        await this.run(op, api);
        done += 1;
      } catch (err) {
        if (err instanceof SaveConflict) return { done, conflict: err };
        throw err;
      }
    }
    return { done, conflict: null };
  }

  private async run(op: SaveOp, api: AnnotationApi): Promise<void> {
    if (op.kind === "delete") {
      await api.remove(op.saved);
      this.saved.delete(op.id);
      this.retired.add(op.saved.serverId);
    } else if (op.kind === "create") {
      const serverId = this.retired.has(op.shape.id) ? newId() : op.shape.id;
      const res = await api.create(op.shape, serverId);
      this.saved.set(op.shape.id, { serverId: res.id, version: res.version, shape: op.shape });
    } else {
      const res = await api.update(op.saved, op.shape);
      this.saved.set(op.shape.id, { ...op.saved, version: res.version, shape: op.shape });
    }
  }
}
