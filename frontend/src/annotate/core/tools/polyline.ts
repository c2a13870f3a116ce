/**
 * Polyline tool (lanes, edges, skeleton lines): each click adds a vertex; a double click or Enter
 * finishes it (two vertices at least); Backspace drops the last vertex; Escape abandons it.
 */
import { pathTool } from "./path";
import type { Tool } from "./tool";

export function polylineTool(): Tool {
  return pathTool({ name: "polyline", min: 2, closeOnFirst: false });
}
