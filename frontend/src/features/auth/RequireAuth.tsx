/** Routes behind it need a signed-in user; others are sent to the login page and back. */
import type { ReactNode } from "react";
import { Navigate, useLocation } from "react-router";
import { ErrorMessage } from "../../components/ErrorMessage";
import { useMe } from "./session";

export function RequireAuth({ children }: { children: ReactNode }) {
  const me = useMe();
  const location = useLocation();
  if (me.isPending) return <p className="loading" role="status">Loading…</p>;
  if (me.isError) return <ErrorMessage error={me.error} />;
  if (me.data === null) return <Navigate to="/login" replace state={{ from: location.pathname + location.search }} />;
  return <>{children}</>;
}
