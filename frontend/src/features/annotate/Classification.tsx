/** The file's classes (tag labels) and its file-level attributes; each change is an undoable store change. */
import { newId, setFileAttribute, setTag, tagsOf, type AnnotationStore } from "../../annotate/core";
import type { Schemas } from "../../api/client";
import { AttributeField, type Attribute } from "./AttributeField";

interface Props {
  store: AnnotationStore;
  labels: readonly Schemas["LabelRead"][];
  attributes: readonly Attribute[];
}

export function Classification({ store, labels, attributes }: Props) {
  const classes = labels.filter((l) => l.annotation_types.includes("tag"));
  const fileAttrs = attributes.filter((a) => a.scope === "file");
  const general = fileAttrs.filter((a) => a.label_names.length === 0);
  if (classes.length === 0 && general.length === 0) return null;
  const tags = tagsOf(store.all());
  return (
    <section aria-labelledby="classify-title" className="classification">
      <h3 id="classify-title">Classification</h3>
      {classes.length > 0 && (
        <fieldset>
          <legend>Classes of this file</legend>
          {classes.map((l) => {
            const tag = tags.byLabel.get(l.name);
            const own = fileAttrs.filter((a) => a.label_names.includes(l.name));
            return (
              <div key={l.id}>
                <label className="check">
                  <input type="checkbox" checked={tag !== undefined} onChange={(e) => setTag(store, l.name, e.target.checked, newId)} />
                  <span className="swatch" style={{ background: l.color }} aria-hidden="true" /> {l.name}
                </label>
                {tag && own.map((a) => (
                  <div key={a.id} className="nested">
                    <AttributeField attribute={a} value={tag.attributes[a.name]} idPrefix={`tag-${l.id}`}
                                    onChange={(v) => setFileAttribute(store, a.name, v, newId, l.name)} />
                  </div>
                ))}
              </div>
            );
          })}
        </fieldset>
      )}
      {general.map((a) => (
        <AttributeField key={a.id} attribute={a} value={tags.bare?.attributes[a.name]} idPrefix="file"
                        onChange={(v) => setFileAttribute(store, a.name, v, newId)} />
      ))}
    </section>
  );
}
