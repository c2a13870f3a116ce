/** The contract every drawing tool implements: pointer and key events in, store changes out. */
import type { AnnotationStore } from "../store";
import type { Geometry, Point, Shape, Size } from "../types";

export type ToolName = "select" | "box" | "polygon" | "polyline" | "point" | "keypoints";

export interface ToolContext {
  readonly store: AnnotationStore;
  /** The label new shapes get; null when none is chosen (drawing tools then do nothing). */
  readonly label: string | null;
  readonly image: Size;
  /** How near (image pixels) counts as "on" a vertex or an edge at the current zoom. */
  readonly tolerance: number;
  newId(): string;
  /** Tell the person something (e.g. "choose a label first"). */
  notify(message: string): void;
  /** The names of the keypoints the label of new shapes has (null: it has none). */
  readonly keypointNames?: readonly string[] | null;
  /** The shapes a person can see and pick (pre-labels below the score floor are hidden); default: all. */
  visible?(): readonly Shape[];
}

export interface ToolPointer {
  /** Where the pointer is, in image pixels (may lie outside the image). */
  readonly p: Point;
  readonly button: number;
  /** Click count of this press (2 for the second press of a double click). */
  readonly clicks: number;
  readonly shift: boolean;
  /** Alt (Option) held: the select tool then adds or removes a vertex. */
  readonly alt?: boolean;
}

export interface Tool {
  readonly name: ToolName;
  readonly cursor: string;
  /** Returns false when the press was not for this tool (the view may pan instead). */
  down(ctx: ToolContext, e: ToolPointer): boolean;
  move(ctx: ToolContext, e: ToolPointer): void;
  up(ctx: ToolContext, e: ToolPointer): void;
  /** Returns true when the key was handled. */
  key(ctx: ToolContext, key: string): boolean;
  /** Abandon whatever is half done (switching tools, Escape). */
  cancel(ctx: ToolContext): void;
  /** The shape being drawn, for the renderer (null when idle). */
  draft(): Geometry | null;
  /** What the person should do next, when the tool has something to say (e.g. "click the left hand"). */
  hint?(ctx: ToolContext): string | null;
}
