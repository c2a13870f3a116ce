/** One value on the canvas: its block, argument slots on the left, output ports on the right, problems and run status. */
import { Handle, Position, type Node, type NodeProps } from "@xyflow/react";
import type { Port, ValueNode } from "./model";

export interface ValueNodeData extends Record<string, unknown> {
  node: ValueNode;
  title: string;
  /** Argument slots (left) and output ports (right; "" is the value as a whole). */
  slots: readonly Port[];
  outputs: readonly string[];
  problems: readonly string[];
  /** The status of this value's step in the run being watched. */
  step: string | null;
}

export type FlowNode = Node<ValueNodeData, "value">;

export function ValueNodeView({ data, selected }: NodeProps<FlowNode>) {
  const { node, title, slots, outputs, problems, step } = data;
  const trigger = node.kind === "trigger";
  const cls = ["wf-node", trigger ? "trigger" : "", problems.length ? "invalid" : "", selected ? "selected" : "", step ? `step-${step}` : ""];
  return (
    <div className={cls.filter(Boolean).join(" ")} data-testid={`node-${node.id}`}
         aria-label={`${trigger ? "Trigger" : `Value ${node.id}`}${node.instance ? `, block ${title}` : ""}${problems.length ? `, ${problems.length} problem${problems.length === 1 ? "" : "s"}` : ""}${step ? `, step ${step}` : ""}`}>
      <header>
        <strong>{trigger ? "in (trigger)" : node.id}</strong>
        {step && <span className={`status status-${step}`}>{step}</span>}
      </header>
      <div className="wf-node-block">
        {trigger ? "what starts a run" : node.kind === "apply" ? <>{node.map && <span className="badge">map</span>} {title}</> : node.kind === "ref" ? "reference" : "expression (edit in YAML)"}
      </div>
      {(node.when || node.wait) && (
        <div className="wf-node-flags">
          {node.when && <span className="badge" title={node.when}>when</span>}
          {node.wait && <span className="badge" title={JSON.stringify(node.wait)}>wait</span>}
        </div>
      )}
      <div className="wf-ports">
        <ul className="wf-in">
          {slots.map((s, i) => (
            <li key={i}>
              <Handle type="target" position={Position.Left} id={`arg-${i}`} className="wf-handle" />
              <span>{s.name}</span>
            </li>
          ))}
        </ul>
        <ul className="wf-out">
          {outputs.map((p) => (
            <li key={p}>
              <span>{p || (trigger ? "event" : "out")}</span>
              <Handle type="source" position={Position.Right} id={p} className="wf-handle" />
            </li>
          ))}
        </ul>
      </div>
      {problems.length > 0 && (
        <ul className="wf-problems" role="list" aria-label={`Problems of ${node.id}`}>
          {problems.map((m, i) => <li key={i}>{m}</li>)}
        </ul>
      )}
    </div>
  );
}
