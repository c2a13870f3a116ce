/**
 * The zoom level as a tiny external store: the canvas writes it on every wheel step, and only the
 * percentage in the toolbar re-renders (not the whole editor, which would cost a frame each step).
 */
export class ZoomReadout {
  private value = 1;
  private listeners = new Set<() => void>();

  readonly get = (): number => this.value;

  readonly set = (scale: number): void => {
    if (scale === this.value) return;
    this.value = scale;
    for (const l of this.listeners) l();
  };

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };
}
