/** The typed API client (generated types + openapi-fetch) and the one error type the UI handles. */
import createClient from "openapi-fetch";
import type { components, paths } from "./schema";

export type Schemas = components["schemas"];
export type FieldError = Schemas["FieldError"];

/** Same origin: the backend serves this app, so the session cookie rides along. */
export const api = createClient<paths>({ baseUrl: "" });

/** A failed API call, carrying the server's error envelope. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields: readonly FieldError[] = [],
    readonly detail: Record<string, unknown> | null = null,
  ) {
    super(message);
    this.name = "ApiError";
  }

  /** The message for one input field (e.g. `body.labels.0.name`), if the server named it. */
  fieldMessage(field: string): string | undefined {
    return this.fields.find((f) => f.field === field)?.message;
  }
}

/** Build an ApiError from whatever a failed response carried (the envelope, or not). */
export function toApiError(status: number, body: unknown): ApiError {
  const err = (body as { error?: Partial<Schemas["ErrorBody"]> } | null)?.error;
  if (err && typeof err.message === "string") {
    return new ApiError(status, err.code ?? "error", err.message, err.fields ?? [], err.detail ?? null);
  }
  const text = status === 0 ? "The server could not be reached" : `Request failed (HTTP ${status})`;
  return new ApiError(status, "error", text);
}

/** The data of an openapi-fetch result, or a thrown ApiError. */
export function unwrap<T>(result: { data?: T; error?: unknown; response: Response }): T {
  if (result.error !== undefined || !result.response.ok) throw toApiError(result.response.status, result.error);
  return result.data as T;
}

/** A message fit to show a person for any thrown value. */
export function errorMessage(err: unknown): string {
  if (err instanceof ApiError) return err.message;
  if (err instanceof Error) return err.message;
  return String(err);
}

export function isStatus(err: unknown, status: number): boolean {
  return err instanceof ApiError && err.status === status;
}
