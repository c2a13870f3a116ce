/** What to do with the files selected in the grid: add them to a dataset, or take them out of the one shown. */
import { useState } from "react";
import { Link } from "react-router";
import { errorMessage } from "../../api/client";
import { useDatasetFiles, type Dataset } from "../datasets/api";

interface Props {
  projectId: number;
  selected: ReadonlySet<number>;
  datasets: readonly Dataset[];
  /** The dataset the grid is filtered by, if any. */
  current: Dataset | null;
  onSelectAll(): void;
  onClear(): void;
}

export function SelectionBar({ projectId, selected, datasets, current, onSelectAll, onClear }: Props) {
  const change = useDatasetFiles(projectId);
  const [target, setTarget] = useState<number | null>(null);
  const targets = datasets.filter((d) => d.id !== current?.id);
  const chosen = targets.find((d) => d.id === target) ?? targets[0] ?? null;
  const n = selected.size;
  const ids = [...selected];
  const result = change.data;

  return (
    <div className="row wrap selection-bar" role="group" aria-label="Selected files">
      <span data-testid="selected-count">{n === 0 ? "No files selected" : `${n} selected`}</span>
      <button type="button" onClick={onSelectAll}>Select all shown</button>
      <button type="button" onClick={onClear} disabled={n === 0}>Clear selection</button>
      {targets.length > 0 ? (
        <form className="inline-form" aria-label="Add to a dataset"
              onSubmit={(e) => { e.preventDefault(); if (chosen) change.mutate({ datasetId: chosen.id, fileIds: ids }); }}>
          <label htmlFor="add-to-dataset">Add to</label>
          <select id="add-to-dataset" value={chosen?.id ?? ""} onChange={(e) => setTarget(Number(e.target.value))}>
            {targets.map((d) => <option key={d.id} value={d.id}>{d.name}</option>)}
          </select>
          <button type="submit" disabled={n === 0 || change.isPending}>Add</button>
        </form>
      ) : (
        <Link to="../datasets" relative="path">Create a dataset</Link>
      )}
      {current && (
        <button type="button" className="danger" disabled={n === 0 || change.isPending}
                onClick={() => change.mutate({ datasetId: current.id, fileIds: ids, remove: true }, { onSuccess: onClear })}>
          Remove from {current.name}
        </button>
      )}
      <span role="status" className="muted">
        {change.isError ? "" : result
          ? `${change.variables?.remove ? "Removed" : "Added"} ${result.changed_file_ids.length}; ${
            datasets.find((d) => d.id === result.dataset_id)?.name ?? "the dataset"} has ${result.file_count} files`
          : ""}
      </span>
      {change.isError && <span role="alert" className="error">{errorMessage(change.error)}</span>}
    </div>
  );
}
