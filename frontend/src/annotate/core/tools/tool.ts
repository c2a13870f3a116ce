/** The contract every drawing tool implements: pointer and key events in, store changes out. */
import type { AnnotationStore } from "../store";
import type { Geometry, Point, Size } from "../types";

export type ToolName = "select" | "box" | "polygon" | "point";

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
}

export interface ToolPointer {
  /** Where the pointer is, in image pixels (may lie outside the image). */
  readonly p: Point;
  readonly button: number;
  /** Click count of this press (2 for the second press of a double click). */
  readonly clicks: number;
  readonly shift: boolean;
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
}
