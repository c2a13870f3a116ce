/** The frame of every signed-in page: the top bar with the product name and the user menu. */
import { Link, Outlet, useNavigate } from "react-router";
import { useLogout, useMe } from "../features/auth/session";

export function Layout() {
  const me = useMe();
  const logout = useLogout();
  const navigate = useNavigate();
  return (
    <div className="app">
      <a href="#main" className="skip-link">Skip to content</a>
      <header className="topbar">
        <Link to="/" className="brand">Groundwork</Link>
        <nav aria-label="Account" className="account">
          <span className="muted">{me.data?.email}</span>
          <button type="button" onClick={() => logout.mutate(undefined, { onSettled: () => navigate("/login") })}>
            Sign out
          </button>
        </nav>
      </header>
      <main id="main" className="content" tabIndex={-1}>
        <Outlet />
      </main>
    </div>
  );
}
