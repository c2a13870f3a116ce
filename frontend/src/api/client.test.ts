import { describe, expect, it } from "vitest";
import { ApiError, toApiError, unwrap } from "./client";
import { batches } from "./upload";

describe("API errors", () => {
  it("read the server's envelope, field by field", () => {
    const err = toApiError(422, {
      error: { code: "validation_error", message: "body.name: too short", fields: [{ field: "body.name", message: "too short" }] },
    });
    expect(err).toBeInstanceOf(ApiError);
    expect(err.status).toBe(422);
    expect(err.code).toBe("validation_error");
    expect(err.fieldMessage("body.name")).toBe("too short");
    expect(err.fieldMessage("body.other")).toBeUndefined();
  });

  it("make do without an envelope (a proxy's HTML error page, or no answer)", () => {
    expect(toApiError(502, "<html>").message).toBe("Request failed (HTTP 502)");
    expect(toApiError(0, null).message).toMatch(/could not be reached/);
  });

  it("unwrap passes data through and throws on failure", () => {
    expect(unwrap({ data: 5, response: new Response(null, { status: 200 }) })).toBe(5);
    const fail = { error: { error: { code: "stale_version", message: "stale" } }, response: new Response(null, { status: 409 }) };
    expect(() => unwrap(fail)).toThrow(expect.objectContaining({ status: 409, code: "stale_version" }));
  });
});

describe("upload batches", () => {
  const file = (name: string, size: number) => new File([new Uint8Array(size)], name);

  it("split by count and by bytes, keeping order and never leaving a file out", () => {
    const files = [file("a", 10), file("b", 10), file("c", 10), file("d", 50), file("e", 1)];
    expect(batches(files, 2, 1000).map((b) => b.map((f) => f.name))).toEqual([["a", "b"], ["c", "d"], ["e"]]);
    expect(batches(files, 10, 30).map((b) => b.map((f) => f.name))).toEqual([["a", "b", "c"], ["d"], ["e"]]);
    expect(batches([file("huge", 500)], 10, 30)).toHaveLength(1); // a file over the limit still goes, alone
    expect(batches([])).toEqual([]);
  });
});
