/** One handler per drawing tool, by name. */
import { boxTool } from "./box";
import { keypointsTool } from "./keypoints";
import { pointTool } from "./point";
import { polygonTool } from "./polygon";
import { polylineTool } from "./polyline";
import { selectTool } from "./select";
import type { Tool, ToolName } from "./tool";

export type { Tool, ToolContext, ToolName, ToolPointer } from "./tool";

export const TOOL_FACTORIES: Record<ToolName, () => Tool> = {
  select: selectTool,
  box: boxTool,
  polygon: polygonTool,
  polyline: polylineTool,
  point: pointTool,
  keypoints: keypointsTool,
};

/** Keyboard shortcut of each tool. */
export const TOOL_KEYS: Record<string, ToolName> = { v: "select", b: "box", p: "polygon", l: "polyline", o: "point", k: "keypoints" };

/** The annotation type a drawing tool makes (null for select). */
export const TOOL_TYPE: Record<ToolName, "box" | "polygon" | "polyline" | "point" | "keypoints" | null> = {
  select: null,
  box: "box",
  polygon: "polygon",
  polyline: "polyline",
  point: "point",
  keypoints: "keypoints",
};
