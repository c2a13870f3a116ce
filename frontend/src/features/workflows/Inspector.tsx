/**
 * The selected value: its name, its block's config as a form generated from the block's JSON
 * Schema (@rjsf), how the block runs (retries, timeout, batching, queue), its condition; or the
 * triggers when the trigger is selected.
 */
import Form from "@rjsf/core";
import type { RJSFSchema } from "@rjsf/utils";
import validator from "@rjsf/validator-ajv8";
import { useMemo, useState } from "react";
import type { Block } from "./api";
import { EXECUTION_KEYS, removeValue, renameValue, setConfig, setExecution, setTriggers, setWhen, TRIGGER, type ValueNode } from "./model";
import { pruneConfig, simplifySchema } from "./schemaForm";
import { TriggerForm } from "./TriggerForm";
import type { Builder } from "./useBuilder";

interface Props {
  builder: Builder;
  blocks: ReadonlyMap<string, Block>;
  readOnly: boolean;
}

const EXECUTION_LABELS: Record<(typeof EXECUTION_KEYS)[number], string> = {
  batch_size: "Batch size", max_batch_delay: "Max batch delay (s)", retries: "Retries", timeout: "Timeout (s)", queue: "Queue",
};

export function Inspector({ builder, blocks, readOnly }: Props) {
  const node = builder.graph.nodes.find((n) => n.id === builder.selected);
  if (!node) return <WorkflowSettings builder={builder} readOnly={readOnly} />;
  if (node.id === TRIGGER) {
    return (
      <section aria-labelledby="inspector-title" className="wf-inspector">
        <h2 id="inspector-title">Triggers</h2>
        <TriggerForm triggers={builder.graph.triggers} readOnly={readOnly} onChange={(t) => builder.edit((doc) => setTriggers(doc, t))} />
      </section>
    );
  }
  return <ValueInspector key={node.id} node={node} builder={builder} blocks={blocks} readOnly={readOnly} />;
}

function ValueInspector({ node, builder, blocks, readOnly }: { node: ValueNode } & Props) {
  const block = node.block ? blocks.get(node.block) : undefined;
  const instance = node.instance ? builder.graph.instances[node.instance] : undefined;
  const schema = useMemo(() => simplifySchema(block?.config_schema ?? {}) as RJSFSchema, [block]);
  const [name, setName] = useState(node.id);
  const [when, setWhenText] = useState(node.when ?? "");
  const raw = builder.graph.instances[node.instance ?? ""] as Record<string, unknown> | undefined;

  function onConfig(data: unknown) {
    if (!node.instance || readOnly) return;
    const next = pruneConfig(data, block?.config_schema ?? {});
    // The form reports its state on every render; only real changes go into the YAML.
    if (JSON.stringify(next) !== JSON.stringify(pruneConfig(instance?.with ?? {}, block?.config_schema ?? {}))) {
      builder.edit((doc) => setConfig(doc, node.instance!, next));
    }
  }

  return (
    <section aria-labelledby="inspector-title" className="wf-inspector">
      <h2 id="inspector-title">{node.id}</h2>
      {block && <p className="muted">{block.title} (<span className="mono">{block.slug}</span>): {block.description}</p>}
      <form className="inline-form" aria-label="Rename the value"
            onSubmit={(e) => {
              e.preventDefault();
              if (name !== node.id) {
                builder.edit((doc) => void renameValue(doc, node.id, name));
                builder.setSelected(name);
              }
            }}>
        <label htmlFor="wf-value-name">Value name</label>
        <input id="wf-value-name" className="mono" value={name} disabled={readOnly} onChange={(e) => setName(e.target.value)}
               aria-describedby="wf-value-name-help" />
        <button type="submit" disabled={readOnly || name === node.id}>Rename</button>
        <small id="wf-value-name-help" className="muted">The workflow's result must be called <code>out</code>.</small>
      </form>
      {node.kind === "apply" && block && (
        <fieldset className="wf-config" disabled={readOnly}>
          <legend>Configuration</legend>
          {Object.keys((schema.properties as object | undefined) ?? {}).length === 0 ? <p className="muted">This block takes no settings.</p> : (
            <Form schema={schema} formData={instance?.with ?? {}} validator={validator} liveValidate showErrorList={false}
                  idPrefix={`cfg-${node.instance}`} onChange={(e) => onConfig(e.formData)} readonly={readOnly}
                  uiSchema={{ "ui:submitButtonOptions": { norender: true } }} />
          )}
        </fieldset>
      )}
      {node.kind === "apply" && node.instance && (
        <fieldset className="wf-exec" disabled={readOnly}>
          <legend>How it runs</legend>
          {EXECUTION_KEYS.map((k) => (
            <label key={k}>
              {EXECUTION_LABELS[k]}
              {k === "queue" ? (
                <select value={String(raw?.[k] ?? "")} onChange={(e) => builder.edit((doc) => setExecution(doc, node.instance!, k, e.target.value || null))}>
                  <option value="">default ({block?.queue ?? "cpu"})</option>
                  <option value="cpu">cpu</option>
                  <option value="gpu">gpu</option>
                </select>
              ) : (
                <input type="number" min={0} step={k === "max_batch_delay" || k === "timeout" ? "any" : 1} placeholder="default"
                       defaultValue={raw?.[k] === undefined ? "" : String(raw[k])}
                       onBlur={(e) => builder.edit((doc) => setExecution(doc, node.instance!, k, e.target.value === "" ? null : Number(e.target.value)))} />
              )}
            </label>
          ))}
        </fieldset>
      )}
      <form className="form" aria-label="Condition"
            onSubmit={(e) => { e.preventDefault(); builder.edit((doc) => setWhen(doc, node.id, when.trim() || null)); }}>
        <label htmlFor="wf-when">Only when (a condition over earlier values, optional)</label>
        <input id="wf-when" className="mono" value={when} disabled={readOnly} placeholder="routed.matched != []"
               onChange={(e) => setWhenText(e.target.value)} />
        <button type="submit" disabled={readOnly || when === (node.when ?? "")}>Set condition</button>
      </form>
      {!readOnly && (
        <button type="button" className="danger" onClick={() => { builder.edit((doc) => removeValue(doc, node.id)); builder.setSelected(null); }}>
          Delete {node.id}
        </button>
      )}
    </section>
  );
}

function WorkflowSettings({ builder, readOnly }: { builder: Builder; readOnly: boolean }) {
  const [name, setName] = useState(builder.graph.name);
  return (
    <section aria-labelledby="inspector-title" className="wf-inspector">
      <h2 id="inspector-title">Workflow</h2>
      <form className="inline-form" aria-label="Rename the workflow"
            onSubmit={(e) => { e.preventDefault(); builder.edit((doc) => doc.set("name", name.trim())); }}>
        <label htmlFor="wf-name">Name</label>
        <input id="wf-name" value={name} disabled={readOnly} onChange={(e) => setName(e.target.value)} />
        <button type="submit" disabled={readOnly || !name.trim() || name.trim() === builder.graph.name}>Rename</button>
      </form>
      <p className="muted wf-hint">
        Add blocks from the palette (or drag them onto the canvas), then drag from an output (right) to an input (left):
        values flow left to right, from <strong>in</strong> (what started the run) to <strong>out</strong>. Select a block to set it up;
        select <strong>in</strong> for the triggers. Delete removes the selected block or connection.
      </p>
    </section>
  );
}
