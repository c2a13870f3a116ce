/** The triggers (`on`): a manual "Run now", events (with a query filter), schedules (cron). */
import { useState } from "react";

type Trigger = Record<string, unknown>;

interface Props {
  triggers: readonly Trigger[];
  readOnly: boolean;
  onChange(triggers: Trigger[]): void;
}

export function TriggerForm({ triggers, readOnly, onChange }: Props) {
  const manual = triggers.some((t) => t.manual === true);
  const others = triggers.filter((t) => t.manual !== true);
  const [event, setEvent] = useState("file.created");
  const [filter, setFilter] = useState("");
  const [cron, setCron] = useState("0 * * * *");
  const set = (next: Trigger[]) => onChange(manual ? [{ manual: true }, ...next] : next);
  return (
    <div className="stack wf-triggers">
      <label className="check">
        <input type="checkbox" checked={manual} disabled={readOnly}
               onChange={(e) => onChange(e.target.checked ? [{ manual: true }, ...others] : others)} />
        Manual: <em>Run now</em> in the builder or the API
      </label>
      <ul className="wf-trigger-list">
        {others.map((t, i) => (
          <li key={i}>
            <span className="mono">{t.event ? `event ${String(t.event)}${t.filter ? ` where ${String(t.filter)}` : ""}` : `schedule ${String(t.schedule)}`}</span>
            {!readOnly && <button type="button" className="danger" onClick={() => set(others.filter((_, j) => j !== i))}
                                  aria-label={`Remove trigger ${i + 1}`}>Remove</button>}
          </li>
        ))}
      </ul>
      {!readOnly && (
        <>
          <fieldset className="form">
            <legend>On an event</legend>
            <label htmlFor="wf-event">Event type (patterns like task.* work)</label>
            <input id="wf-event" value={event} onChange={(e) => setEvent(e.target.value)} />
            <label htmlFor="wf-filter">Only files matching (query, optional)</label>
            <input id="wf-filter" className="mono" value={filter} placeholder="file.kind = 'image'" onChange={(e) => setFilter(e.target.value)} />
            <button type="button" disabled={!event.trim()}
                    onClick={() => set([...others, filter.trim() ? { event: event.trim(), filter: filter.trim() } : { event: event.trim() }])}>
              Add event trigger
            </button>
          </fieldset>
          <fieldset className="form">
            <legend>On a schedule</legend>
            <label htmlFor="wf-cron">Cron (five fields, UTC)</label>
            <input id="wf-cron" className="mono" value={cron} onChange={(e) => setCron(e.target.value)} />
            <button type="button" disabled={!cron.trim()} onClick={() => set([...others, { schedule: cron.trim() }])}>Add schedule</button>
          </fieldset>
        </>
      )}
    </div>
  );
}
