/** The block catalogue as a palette: drag a block onto the canvas, or press Add. */
import type { Block } from "./api";

interface Props {
  blocks: readonly Block[];
  disabled: boolean;
  onAdd(block: Block): void;
}

export function Palette({ blocks, disabled, onAdd }: Props) {
  return (
    <section aria-labelledby="palette-title" className="wf-palette">
      <h2 id="palette-title">Blocks</h2>
      <ul>
        {blocks.map((b) => (
          <li key={b.slug} draggable={!disabled && !b.error} title={b.error ?? b.description}
              onDragStart={(e) => e.dataTransfer.setData("application/x-groundwork-block", b.slug)}>
            <div>
              <strong>{b.title || b.slug}</strong> <span className="muted mono">{b.slug}</span>
              {b.queue === "gpu" && <span className="badge">gpu</span>}
              {b.error && <span className="error small">failed to load</span>}
            </div>
            <button type="button" onClick={() => onAdd(b)} disabled={disabled || Boolean(b.error)}
                    aria-label={`Add ${b.title || b.slug}`}>Add</button>
          </li>
        ))}
      </ul>
    </section>
  );
}
