import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { RouterProvider } from "react-router";
import { isStatus } from "./api/client";
import { router } from "./App";
import { ME_KEY } from "./features/auth/session";
import "./styles.css";

// A 401 anywhere means the session ended: forget the user, and RequireAuth sends them to log in.
const signedOut = (err: unknown) => {
  if (isStatus(err, 401)) queryClient.setQueryData(ME_KEY, null);
};
const queryClient: QueryClient = new QueryClient({
  queryCache: new QueryCache({ onError: signedOut }),
  mutationCache: new MutationCache({ onError: signedOut }),
  defaultOptions: {
    queries: { retry: (n, err) => n < 2 && !isStatus(err, 401) && !isStatus(err, 403) && !isStatus(err, 404), refetchOnWindowFocus: false },
  },
});

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <RouterProvider router={router} />
    </QueryClientProvider>
  </StrictMode>,
);
