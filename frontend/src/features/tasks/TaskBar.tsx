/**
 * The task being worked on, above the annotation canvas: its status, the reviewer's comment, and a
 * button per action the server says the caller may take now. Submitting saves first; a finishing
 * action moves on to the next task.
 */
import { useState } from "react";
import { useNavigate } from "react-router";
import { ApiError, errorMessage } from "../../api/client";
import { ACTION_LABELS, FINISHING, takeNext, useTaskAction, type Task, type TaskAction } from "./api";
import { taskUrl } from "./TasksTab";

interface Props {
  projectId: number;
  task: Task;
  /** Save unsaved annotations; false when that failed (the task must not move on then). */
  saveFirst(): Promise<boolean>;
  reloadTask(): void;
}

const HIDDEN: ReadonlySet<TaskAction> = new Set(["assign", "reopen"]);

export function TaskBar({ projectId, task, saveFirst, reloadTask }: Props) {
  const act = useTaskAction(projectId);
  const navigate = useNavigate();
  const [commenting, setCommenting] = useState(false);
  const [comment, setComment] = useState("");
  const [error, setError] = useState("");

  async function run(action: TaskAction, text?: string) {
    setError("");
    if ((action === "submit" || action === "approve") && !(await saveFirst())) return;
    try {
      await act.mutateAsync({ task, action, comment: text });
    } catch (err) {
      setError(errorMessage(err));
      return;
    }
    setCommenting(false);
    if (!FINISHING.has(action)) return;
    // Finishing one's own work leads to the next task of that kind; a verdict on someone else's
    // annotate task (or a release) leads back to the list, without claiming new work.
    const ownWork = action === "submit" || action === "skip" || task.kind === "review";
    const next = ownWork && action !== "release" ? await takeNext(projectId, task.kind).catch(() => null) : null;
    if (next && next.id !== task.id) navigate(taskUrl(projectId, next.file_id, next.id));
    else navigate(`/projects/${projectId}/tasks`, {
      state: { message: `Task #${task.id}: ${ACTION_LABELS[action].toLowerCase()} done.${ownWork ? " No more tasks are waiting for you." : ""}` },
    });
  }

  const stale = act.error instanceof ApiError && act.error.code === "stale_version";
  const actions = (task.actions ?? []).filter((a) => !HIDDEN.has(a));
  return (
    <section className="task-bar" aria-label={`Task ${task.id}`}>
      <strong>Task #{task.id}</strong>
      <span className="badge">{task.kind}</span>
      <span className="badge" data-testid="task-status">{task.status.replace("_", " ")}</span>
      {task.comment && <span className="comment" data-testid="task-comment">Reviewer: “{task.comment}”</span>}
      {actions.map((a) => (
        <button key={a} type="button" className={a === "submit" || a === "approve" ? "primary" : a === "request_changes" ? "danger" : ""}
                disabled={act.isPending} onClick={() => (a === "request_changes" ? setCommenting(true) : void run(a))}>
          {ACTION_LABELS[a]}
        </button>
      ))}
      {commenting && (
        <form className="inline-form" onSubmit={(e) => { e.preventDefault(); void run("request_changes", comment); }}>
          <label htmlFor="review-comment">What should change?</label>
          <input id="review-comment" required value={comment} onChange={(e) => setComment(e.target.value)} autoFocus />
          <button type="submit" className="danger" disabled={!comment.trim() || act.isPending}>Send back</button>
          <button type="button" onClick={() => setCommenting(false)}>Cancel</button>
        </form>
      )}
      {error && (
        <span role="alert" className="error">
          {error} {stale && <button type="button" onClick={() => { act.reset(); setError(""); reloadTask(); }}>Reload task</button>}
        </span>
      )}
    </section>
  );
}
