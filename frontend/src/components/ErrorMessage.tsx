/** An error from the API (or anything thrown), shown as an alert. */
import { errorMessage } from "../api/client";

export function ErrorMessage({ error, title }: { error: unknown; title?: string }) {
  return (
    <div role="alert" className="error-box">
      {title && <strong>{title}: </strong>}
      {errorMessage(error)}
    </div>
  );
}
