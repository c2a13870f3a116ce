/** What the editor says about saving: a conflict (with the reload offer) or an error. */
import type { SessionStatus } from "./session";

export function SessionBanners({ status, reload }: { status: SessionStatus; reload(): void }) {
  if (status.kind === "conflict") {
    return (
      <div role="alert" className="conflict">
        <p>Someone else changed these annotations since you loaded them ({status.message}).</p>
        <button type="button" onClick={reload}>Reload annotations (discards your unsaved changes)</button>
      </div>
    );
  }
  if (status.kind === "error") return <p role="alert" className="error-box">{status.message}</p>;
  return null;
}
