/**
 * The workflow as a canvas of blocks (React Flow): a node per value, an edge per reference, from
 * an output port to an argument slot (values flow left to right). Connecting, deleting and moving
 * edit the YAML through the builder; problems and the watched run's step statuses show on the nodes.
 */
import {
  Background, Controls, MarkerType, ReactFlow, useReactFlow, type Connection, type Edge as FlowEdge, type EdgeChange, type NodeChange,
} from "@xyflow/react";
import "@xyflow/react/dist/style.css";
import { useEffect, useMemo, type DragEvent } from "react";
import { addBlock, connect, disconnect, freshName, removeValue, TRIGGER, type BlockInfo, type Port, type ValueNode } from "./model";
import type { Builder } from "./useBuilder";
import { ValueNodeView, type FlowNode } from "./ValueNodeView";

const nodeTypes = { value: ValueNodeView };
const ANY: Port = { name: "input", type: "any", many: false };

interface Props {
  builder: Builder;
  blocks: ReadonlyMap<string, BlockInfo>;
  readOnly: boolean;
  /** Step status by value name, for the run being watched. */
  steps: ReadonlyMap<string, string>;
}

/** The argument slots a value shows: the block's inputs (a "many" input repeats, with one free slot). */
function slotsOf(node: ValueNode, block: BlockInfo | undefined, used: number): Port[] {
  if (node.kind === "trigger") return [];
  if (node.kind !== "apply") return [ANY];
  const inputs = block?.inputs.length ? block.inputs : [ANY];
  const last = inputs.at(-1)!;
  const wanted = last.many ? Math.max(inputs.length, used + 1) : Math.max(inputs.length, used);
  return Array.from({ length: wanted }, (_, i) => inputs[Math.min(i, inputs.length - 1)]!);
}

export function FlowCanvas({ builder, blocks, readOnly, steps }: Props) {
  const { graph, positions, nodeProblems, selected } = builder;
  const nodes: FlowNode[] = useMemo(() => graph.nodes.map((n) => {
    const block = n.block ? blocks.get(n.block) : undefined;
    const used = graph.edges.filter((e) => e.target === n.id).reduce((m, e) => Math.max(m, e.index + 1), n.args.length);
    const ports = block && block.outputs.length > 1 ? block.outputs.map((o) => o.name) : [""];
    const referenced = graph.edges.filter((e) => e.source === n.id).map((e) => e.port ?? "");
    return {
      id: n.id, type: "value", position: positions.get(n.id) ?? { x: 0, y: 0 }, selected: n.id === selected,
      deletable: !readOnly && n.id !== TRIGGER, draggable: true, connectable: !readOnly,
      data: {
        node: n, title: block?.title || n.block || n.instance || "", slots: slotsOf(n, block, used),
        outputs: [...new Set([...ports, ...referenced])], problems: nodeProblems.get(n.id) ?? [], step: steps.get(n.id) ?? null,
      },
    };
  }), [graph, blocks, positions, nodeProblems, selected, readOnly, steps]);

  const edges: FlowEdge[] = useMemo(() => graph.edges.map((e) => ({
    id: e.id, source: e.source, target: e.target, sourceHandle: e.port ?? "", targetHandle: `arg-${e.index}`,
    deletable: !readOnly, markerEnd: { type: MarkerType.ArrowClosed }, ariaLabel: `${e.source}${e.port ? `.${e.port}` : ""} into ${e.target}`,
    animated: steps.get(e.target) === "running",
  })), [graph, readOnly, steps]);

  function onNodesChange(changes: NodeChange<FlowNode>[]) {
    for (const c of changes) {
      if (c.type === "position" && c.position) builder.place(c.id, c.position);
      else if (c.type === "select" && c.selected) builder.setSelected(c.id);
      else if (c.type === "remove" && !readOnly) {
        builder.edit((doc) => removeValue(doc, c.id));
        builder.setSelected(null);
      }
    }
  }

  function onEdgesChange(changes: EdgeChange[]) {
    if (readOnly) return;
    // Later slots first, so removing one does not shift the others.
    const gone = changes.filter((c) => c.type === "remove").map((c) => graph.edges.find((e) => e.id === c.id)).filter((e) => e !== undefined);
    gone.sort((a, b) => b.index - a.index);
    if (gone.length) builder.edit((doc) => { for (const e of gone) disconnect(doc, e.target, e.index); });
  }

  function onConnect(c: Connection) {
    if (readOnly || !c.source || !c.target || !c.targetHandle) return;
    const index = Number(c.targetHandle.replace("arg-", ""));
    builder.edit((doc) => void connect(doc, c.source, c.sourceHandle || null, c.target, index));
  }

  function onDrop(e: DragEvent) {
    e.preventDefault();
    const block = blocks.get(e.dataTransfer.getData("application/x-groundwork-block"));
    if (!block || readOnly) return;
    const name = freshName(builder.graph, block.slug); // what addBlock will call it
    builder.edit((doc) => void addBlock(doc, block));
    builder.setSelected(name);
  }

  return (
    <div className="wf-canvas" onDragOver={(e) => e.preventDefault()} onDrop={onDrop}
         role="application" aria-label="Workflow canvas: values flow from left to right">
      <ReactFlow nodes={nodes} edges={edges} nodeTypes={nodeTypes} onNodesChange={onNodesChange} onEdgesChange={onEdgesChange}
                 onConnect={onConnect} onPaneClick={() => builder.setSelected(null)} fitView fitViewOptions={{ padding: 0.2, maxZoom: 1 }}
                 deleteKeyCode={readOnly ? null : ["Delete", "Backspace"]} minZoom={0.2} maxZoom={2} proOptions={{ hideAttribution: true }}>
        <Background gap={20} />
        <FitWhenNodesChange ids={graph.nodes.map((n) => n.id).join("\n")} />
        <Controls showInteractive={false} />
      </ReactFlow>
    </div>
  );
}

/** Keep every node in view when values come or go (after React Flow has measured them). */
function FitWhenNodesChange({ ids }: { ids: string }) {
  const { fitView } = useReactFlow();
  useEffect(() => {
    const t = setTimeout(() => void fitView({ padding: 0.15, maxZoom: 1, duration: 150 }), 60);
    return () => clearTimeout(t);
  }, [ids, fitView]);
  return null;
}
