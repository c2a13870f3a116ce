/** Small builders shared by the core's tests. */
import { AnnotationStore } from "../store";
import type { ToolContext, ToolPointer } from "../tools";
import { newShape, type Geometry, type Shape } from "../types";

export const box = (id: string, x: number, y: number, w: number, h: number, label = "car"): Shape =>
  newShape(id, label, { type: "box", x, y, w, h });

export const polygon = (id: string, pts: [number, number][], label = "road"): Shape =>
  newShape(id, label, { type: "polygon", points: pts.map(([x, y]) => ({ x, y })) });

export const point = (id: string, x: number, y: number, label = "eye"): Shape => newShape(id, label, { type: "point", x, y });

export interface TestContext extends ToolContext {
  readonly messages: string[];
}

/** A tool context over a 200x100 image, ids s1, s2, ... and a 5 px tolerance. */
export function context(store = new AnnotationStore(), label: string | null = "car"): TestContext {
  let n = 0;
  const messages: string[] = [];
  return {
    store,
    label,
    image: { width: 200, height: 100 },
    tolerance: 5,
    newId: () => `s${++n}`,
    notify: (m: string) => messages.push(m),
    messages,
  };
}

export const at = (x: number, y: number, clicks = 1, button = 0): ToolPointer => ({ p: { x, y }, button, clicks, shift: false });

export const geometries = (store: AnnotationStore): Geometry[] => store.all().map((s) => s.geometry);

/** A press with Alt held (the select tool's vertex editing). */
export const altAt = (x: number, y: number): ToolPointer => ({ p: { x, y }, button: 0, clicks: 1, shift: false, alt: true });

/** A shape as a model proposed it. */
export const prelabel = (s: Shape, score = 0.8): Shape => ({ ...s, source: "model", score, modelName: "owlv2" });
