/**
 * Blocks describe their config with the JSON Schema pydantic writes. Two adjustments make it a good
 * form: `anyOf: [X, null]` (an optional field) becomes X, so the form shows a plain input instead of
 * an "option 1 / option 2" choice; and what the person left at its default (or empty) is not
 * written into the YAML, which stays as short as a person would write it.
 */
type Schema = Record<string, unknown>;

const isObject = (v: unknown): v is Schema => v !== null && typeof v === "object" && !Array.isArray(v);

/** The schema with optional fields shown as their plain type (recursively), keeping title, description and default. */
export function simplifySchema(schema: Schema): Schema {
  const out: Schema = {};
  for (const [k, v] of Object.entries(schema)) {
    if (k === "properties" && isObject(v)) {
      out.properties = Object.fromEntries(Object.entries(v).map(([name, s]) => [name, isObject(s) ? simplifySchema(s) : s]));
    } else if ((k === "items" || k === "additionalProperties") && isObject(v)) {
      out[k] = simplifySchema(v);
    } else {
      out[k] = v;
    }
  }
  const options = Array.isArray(schema.anyOf) ? (schema.anyOf as unknown[]) : null;
  if (options) {
    const real = options.filter((o) => !(isObject(o) && o.type === "null"));
    if (real.length === 1 && isObject(real[0])) {
      delete out.anyOf;
      Object.assign(out, simplifySchema(real[0]), { ...out });
      if (out.default === null) delete out.default;
    }
  }
  return out;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** The config without empty values and without values equal to their schema default. */
export function pruneConfig(data: unknown, schema: Schema): Record<string, unknown> {
  if (!isObject(data)) return {};
  const props = isObject(schema.properties) ? schema.properties : {};
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(data)) {
    if (v === undefined || v === null || v === "") continue;
    if (Array.isArray(v) && v.length === 0) continue;
    if (isObject(v) && Object.keys(v).length === 0) continue;
    const prop = props[k];
    if (isObject(prop) && "default" in prop && same(prop.default, v)) continue;
    out[k] = v;
  }
  return out;
}
