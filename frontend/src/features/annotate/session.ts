/** Loading a file's annotations into the core store and saving the store's changes back. */
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useCallback, useEffect, useMemo, useState, useSyncExternalStore } from "react";
import { api, errorMessage, toApiError, unwrap, type Schemas } from "../../api/client";
import {
  AnnotationStore, SaveConflict, SyncState, fromApi, toApiCreate, toApiUpdate, type AnnotationApi, type SavedEntry,
} from "../../annotate/core";
import { fileKeys } from "../browser/api";

export type SessionStatus =
  | { kind: "loading" }
  | { kind: "ready" }
  | { kind: "saving" }
  | { kind: "saved"; count: number }
  | { kind: "conflict"; message: string }
  | { kind: "error"; message: string };

type Path = { project_id: number };

/** Throw SaveConflict for a stale version (409) or an annotation someone deleted (404). */
function conflictOr<T>(res: { data?: T; error?: unknown; response: Response }, serverId: string): T {
  if (res.response.status === 409 || res.response.status === 404) {
    throw new SaveConflict(toApiError(res.response.status, res.error).message, serverId);
  }
  return unwrap(res);
}

function apiFor(projectId: number, fileId: number, schemaId: number): AnnotationApi {
  const path: Path = { project_id: projectId };
  return {
    async create(shape, serverId) {
      const row = unwrap(await api.POST("/api/v1/projects/{project_id}/files/{file_id}/annotations", {
        params: { path: { ...path, file_id: fileId } }, body: toApiCreate(shape, schemaId, serverId),
      }));
      return { id: row.id, version: row.version };
    },
    async update(saved, shape) {
      const res = await api.PATCH("/api/v1/projects/{project_id}/annotations/{annotation_id}", {
        params: { path: { ...path, annotation_id: saved.serverId } }, body: toApiUpdate(saved.shape, shape, saved.version),
      });
      return { version: conflictOr(res, saved.serverId).version };
    },
    async remove(saved) {
      const res = await api.DELETE("/api/v1/projects/{project_id}/annotations/{annotation_id}", {
        params: { path: { ...path, annotation_id: saved.serverId }, query: { version: saved.version } },
      });
      if (!res.response.ok) conflictOr(res, saved.serverId);
    },
  };
}

async function fetchAll(projectId: number, fileId: number, schemaId: number): Promise<Schemas["AnnotationRead"][]> {
  const out: Schemas["AnnotationRead"][] = [];
  let cursor: string | null = null;
  do {
    const page: { items: unknown[]; next_cursor?: string | null } = unwrap(await api.GET("/api/v1/projects/{project_id}/files/{file_id}/annotations", {
      params: { path: { project_id: projectId, file_id: fileId }, query: { schema_id: schemaId, limit: 10000, cursor } },
    }));
    out.push(...(page.items as Schemas["AnnotationRead"][]));
    cursor = page.next_cursor ?? null;
  } while (cursor !== null);
  return out;
}

/** The store and sync state of one file under one schema, with reload, save and the unsaved count. */
export function useAnnotationSession(projectId: number, fileId: number, schema: Schemas["SchemaRead"]) {
  const qc = useQueryClient();
  const [store] = useState(() => new AnnotationStore());
  const [sync] = useState(() => new SyncState());
  const [saving, setSaving] = useState<SessionStatus | null>(null);
  const snapshot = useSyncExternalStore((cb) => store.subscribe(cb), () => store.snapshot);
  const query = useQuery({
    queryKey: ["projects", projectId, "files", fileId, "annotations", schema.id],
    queryFn: () => fetchAll(projectId, fileId, schema.id),
    // Every load must replace the editor's state, even when nothing changed on the server.
    structuralSharing: false,
    staleTime: Infinity,
    gcTime: 0,
    refetchOnWindowFocus: false,
    refetchOnReconnect: false,
  });

  // A (re)load replaces the store's shapes and what the server is known to hold.
  useEffect(() => {
    if (query.data === undefined) return;
    const names = new Map(schema.labels.map((l) => [l.id, l.name]));
    const entries: SavedEntry[] = [];
    for (const row of query.data) {
      const shape = fromApi(row, (id) => (id === null ? null : names.get(id) ?? null));
      if (shape !== null) entries.push({ serverId: row.id, version: row.version, shape });
    }
    sync.reset(entries);
    store.replaceAll(entries.map((e) => e.shape));
  }, [query.data, schema, store, sync]);

  /** Throw away local changes and read the server's annotations again. */
  const load = useCallback(async () => {
    setSaving(null);
    await query.refetch();
  }, [query]);

  /** Save every pending change; true when all of them reached the server. */
  const save = useCallback(async (): Promise<boolean> => {
    if (store.inTransaction) return false;
    setSaving({ kind: "saving" });
    let ok = false;
    try {
      const result = await sync.save(store, apiFor(projectId, fileId, schema.id));
      setSaving(result.conflict
        ? { kind: "conflict", message: result.conflict.message }
        : { kind: "saved", count: result.done });
      ok = result.conflict === null;
    } catch (err) {
      setSaving({ kind: "error", message: errorMessage(err) });
    }
    void qc.invalidateQueries({ queryKey: fileKeys.history(projectId, fileId) });
    return ok;
  }, [projectId, fileId, schema, store, sync, qc]);

  const status: SessionStatus = query.isFetching
    ? { kind: "loading" }
    : query.isError
      ? { kind: "error", message: errorMessage(query.error) }
      : saving ?? { kind: "ready" };

  // Shapes are immutable, so comparing with what was saved is mostly reference checks.
  // `saving` is a dependency because a finished save changes what counts as unsaved.
  const unsaved = useMemo(
    () => (snapshot >= 0 && saving !== undefined && query.isSuccess ? sync.pending(store).length : 0),
    [snapshot, saving, query.isSuccess, store, sync],
  );

  // Until the file's annotations have arrived the editor must not take edits: the load replaces the
  // store, and a change made before it (a class ticked while the page opened) would silently vanish.
  const loaded = query.data !== undefined;

  return { store, status, unsaved, load, save, loaded };
}
