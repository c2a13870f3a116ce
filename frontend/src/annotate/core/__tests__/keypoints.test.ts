import { describe, expect, it } from "vitest";
import { AnnotationStore } from "../store";
import { keypointsTool } from "../tools/keypoints";
import { at, context, geometries } from "./fixtures";

const NAMES = ["head", "left_hand", "right_hand"];

function ctxWithNames(names: readonly string[] | null = NAMES) {
  return { ...context(new AnnotationStore(), "person"), keypointNames: names };
}

describe("keypoints tool", () => {
  it("places the label's points in order and makes one shape when all are given", () => {
    const ctx = ctxWithNames();
    const tool = keypointsTool();
    expect(tool.hint?.(ctx)).toBe("Click the head (1 of 3); N: not visible");
    tool.down(ctx, at(50, 10));
    expect(tool.hint?.(ctx)).toBe("Click the left_hand (2 of 3); N: not visible");
    tool.down(ctx, at(30.456, 50));
    tool.move(ctx, at(70, 50));
    expect(tool.draft()).toEqual({ type: "keypoints", points: [
      { x: 50, y: 10, visible: true }, { x: 30.456, y: 50, visible: true }, { x: 70, y: 50, visible: true }] });
    expect(ctx.store.size).toBe(0);
    tool.down(ctx, at(70, 50));
    expect(geometries(ctx.store)).toEqual([{ type: "keypoints", points: [
      { x: 50, y: 10, visible: true }, { x: 30.46, y: 50, visible: true }, { x: 70, y: 50, visible: true }] }]);
    expect(ctx.store.selection).toBe("s1");
    expect(tool.draft()).toBeNull();
    ctx.store.undo();
    expect(ctx.store.size).toBe(0); // one undo step
  });

  it("marks points not visible with N, takes one back with Backspace, abandons on Escape", () => {
    const ctx = ctxWithNames();
    const tool = keypointsTool();
    tool.down(ctx, at(50, 10));
    tool.down(ctx, at(10, 10));
    expect(tool.key(ctx, "Backspace")).toBe(true);
    expect(tool.key(ctx, "n")).toBe(true);
    tool.down(ctx, at(90, 60));
    expect(geometries(ctx.store)).toEqual([{ type: "keypoints", points: [
      { x: 50, y: 10, visible: true }, { x: 0, y: 0, visible: false }, { x: 90, y: 60, visible: true }] }]);
    tool.down(ctx, at(5, 5));
    expect(tool.key(ctx, "Escape")).toBe(true);
    expect(tool.draft()).toBeNull();
    expect(tool.key(ctx, "Escape")).toBe(false);
  });

  it("makes nothing when every point is not visible, or without a label with keypoints", () => {
    const ctx = ctxWithNames();
    const tool = keypointsTool();
    for (let i = 0; i < 3; i++) tool.key(ctx, "N");
    expect(ctx.store.size).toBe(0);
    const bare = ctxWithNames(null);
    tool.down(bare, at(10, 10));
    expect(bare.store.size).toBe(0);
    expect(bare.messages).toEqual(["Choose a label that has keypoints first"]);
    expect(tool.key(bare, "n")).toBe(false);
    expect(tool.down(ctx, at(500, 5))).toBe(true); // outside the image: ignored
    expect(tool.draft()).toBeNull();
  });
});
