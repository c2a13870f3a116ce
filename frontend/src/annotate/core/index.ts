/** The annotation core: shapes, store with change sets and undo, hit-testing, zoom/pan, tools, API conversion. */
export * from "./types";
export * from "./geometry";
export * from "./viewport";
export * from "./store";
export * from "./hittest";
export * from "./convert";
export * from "./sync";
export * from "./render";
export * from "./layer";
export * from "./text";
export * from "./prelabels";
export * from "./classify";
export * from "./tools";
