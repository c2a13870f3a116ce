import { describe, expect, it } from "vitest";
import { AnnotationStore } from "../store";
import { SaveConflict, SyncState, type AnnotationApi, type SavedEntry } from "../sync";
import type { Shape } from "../types";
import { box } from "./fixtures";

class FakeServer implements AnnotationApi {
  rows = new Map<string, { version: number; shape: Shape; deleted: boolean }>();
  calls: string[] = [];

  async create(shape: Shape, serverId: string) {
    if (this.rows.has(serverId)) throw new Error(`id ${serverId} taken`);
    this.calls.push(`create ${serverId}`);
    this.rows.set(serverId, { version: 1, shape, deleted: false });
    return { id: serverId, version: 1 };
  }

  async update(saved: SavedEntry, shape: Shape) {
    const row = this.rows.get(saved.serverId)!;
    if (row.deleted || row.version !== saved.version) throw new SaveConflict("stale", saved.serverId);
    this.calls.push(`update ${saved.serverId}@${saved.version}`);
    row.version += 1;
    row.shape = shape;
    return { version: row.version };
  }

  async remove(saved: SavedEntry) {
    const row = this.rows.get(saved.serverId)!;
    if (row.version !== saved.version) throw new SaveConflict("stale", saved.serverId);
    this.calls.push(`delete ${saved.serverId}@${saved.version}`);
    row.deleted = true;
    row.version += 1;
  }
}

function loaded(server: FakeServer, shapes: Shape[]): { store: AnnotationStore; sync: SyncState } {
  for (const s of shapes) server.rows.set(s.id, { version: 1, shape: s, deleted: false });
  const sync = new SyncState();
  sync.reset(shapes.map((shape) => ({ serverId: shape.id, version: 1, shape })));
  return { store: new AnnotationStore(shapes), sync };
}

describe("SyncState", () => {
  it("has nothing to save right after a load", () => {
    const { store, sync } = loaded(new FakeServer(), [box("a", 0, 0, 5, 5)]);
    expect(sync.pending(store)).toEqual([]);
  });

  it("saves creates, updates with their version, and deletes", async () => {
    const server = new FakeServer();
    const { store, sync } = loaded(server, [box("a", 0, 0, 5, 5), box("b", 1, 1, 5, 5)]);
    store.add(box("c", 2, 2, 5, 5));
    store.update(box("a", 9, 9, 5, 5));
    store.remove("b");
    expect(sync.pending(store).map((o) => o.kind)).toEqual(["delete", "update", "create"]);
    const res = await sync.save(store, server);
    expect(res).toEqual({ done: 3, conflict: null });
    expect(server.calls).toEqual(["delete b@1", "update a@1", "create c"]);
    expect(sync.pending(store)).toEqual([]);
    expect(sync.entry("a")?.version).toBe(2);
    store.update(box("a", 8, 8, 5, 5));
    await sync.save(store, server);
    expect(server.calls.at(-1)).toBe("update a@2"); // the version the server gave back
  });

  it("does not save an edit that was undone", () => {
    const { store, sync } = loaded(new FakeServer(), [box("a", 0, 0, 5, 5)]);
    store.update(box("a", 3, 3, 5, 5));
    store.undo();
    expect(sync.pending(store)).toEqual([]);
  });

  it("re-creates a saved deletion brought back by undo under a fresh id", async () => {
    const server = new FakeServer();
    const { store, sync } = loaded(server, [box("a", 0, 0, 5, 5)]);
    store.remove("a");
    await sync.save(store, server);
    store.undo();
    const res = await sync.save(store, server);
    expect(res.conflict).toBeNull();
    const entry = sync.entry("a")!;
    expect(entry.serverId).not.toBe("a");
    expect(server.rows.get(entry.serverId)?.deleted).toBe(false);
  });

  it("stops at a stale version and reports the conflict", async () => {
    const server = new FakeServer();
    const { store, sync } = loaded(server, [box("a", 0, 0, 5, 5)]);
    server.rows.get("a")!.version = 2; // someone else saved meanwhile
    store.update(box("a", 4, 4, 5, 5));
    store.add(box("z", 1, 1, 5, 5));
    const res = await sync.save(store, server);
    expect(res.done).toBe(0);
    expect(res.conflict).toBeInstanceOf(SaveConflict);
    expect(server.calls).toEqual([]);
    expect(sync.pending(store)).toHaveLength(2); // nothing is marked saved
  });
});
