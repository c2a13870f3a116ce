/**
 * Polygon tool: each click adds a vertex; clicking the first vertex, double-clicking or Enter
 * closes it (three vertices at least); Backspace drops the last vertex; Escape abandons it.
 */
import { pathTool } from "./path";
import type { Tool } from "./tool";

export function polygonTool(): Tool {
  return pathTool({ name: "polygon", min: 3, closeOnFirst: true });
}
