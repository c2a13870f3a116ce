/** Routes: the login page, then everything else behind a signed-in user. */
import { lazy, Suspense, type ReactNode } from "react";
import { Link, Navigate, createBrowserRouter } from "react-router";
import { Layout } from "./components/Layout";
import { AnnotatePage } from "./features/annotate/AnnotatePage";
import { LoginPage } from "./features/auth/LoginPage";
import { RequireAuth } from "./features/auth/RequireAuth";
import { BrowserTab } from "./features/browser/BrowserTab";
import { FileDetailPage } from "./features/browser/FileDetailPage";
import { DatasetsTab } from "./features/datasets/DatasetsTab";
import { MembersTab } from "./features/projects/MembersTab";
import { ProjectListPage } from "./features/projects/ProjectListPage";
import { ProjectPage } from "./features/projects/ProjectPage";
import { SchemaEditorPage } from "./features/schemas/SchemaEditor";
import { SchemasTab } from "./features/schemas/SchemasTab";
import { TasksTab } from "./features/tasks/TasksTab";

// Screens with big libraries (charts) load when first opened, not with the app.
const InsightsTab = lazy(() => import("./features/insights/InsightsTab").then((m) => ({ default: m.InsightsTab })));
const WorkflowsTab = lazy(() => import("./features/workflows/WorkflowsTab").then((m) => ({ default: m.WorkflowsTab })));
const BuilderPage = lazy(() => import("./features/workflows/BuilderPage").then((m) => ({ default: m.BuilderPage })));

function Later({ children }: { children: ReactNode }) {
  return <Suspense fallback={<p role="status">Loading…</p>}>{children}</Suspense>;
}

function NotFound() {
  return (
    <div className="page">
      <h1>Page not found</h1>
      <p><Link to="/">Back to your projects</Link></p>
    </div>
  );
}

export const router = createBrowserRouter([
  { path: "/login", element: <LoginPage /> },
  {
    element: <RequireAuth><Layout /></RequireAuth>,
    children: [
      { index: true, element: <ProjectListPage /> },
      { path: "projects/:projectId/files/:fileId/annotate", element: <AnnotatePage /> },
      { path: "projects/:projectId/workflows/:workflowId", element: <Later><BuilderPage /></Later> },
      {
        path: "projects/:projectId",
        element: <ProjectPage />,
        children: [
          { index: true, element: <Navigate to="files" replace /> },
          { path: "files", element: <BrowserTab /> },
          { path: "files/:fileId", element: <FileDetailPage /> },
          { path: "datasets", element: <DatasetsTab /> },
          { path: "schemas", element: <SchemasTab /> },
          { path: "schemas/:schemaId", element: <SchemaEditorPage /> },
          { path: "tasks", element: <TasksTab /> },
          { path: "insights", element: <Later><InsightsTab /></Later> },
          { path: "workflows", element: <Later><WorkflowsTab /></Later> },
          { path: "members", element: <MembersTab /> },
        ],
      },
      { path: "*", element: <NotFound /> },
    ],
  },
]);
