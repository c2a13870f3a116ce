/** The signed-in user: read from /auth/me; null when signed out. */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, isStatus, unwrap, type Schemas } from "../../api/client";

export const ME_KEY = ["auth", "me"] as const;

export type User = Schemas["UserRead"];

async function fetchMe(): Promise<User | null> {
  try {
    return unwrap(await api.GET("/api/v1/auth/me"));
  } catch (err) {
    if (isStatus(err, 401)) return null;
    throw err;
  }
}

export function useMe() {
  return useQuery({ queryKey: ME_KEY, queryFn: fetchMe, staleTime: 60_000, retry: false });
}

export function useLogin() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (body: Schemas["LoginRequest"]) => unwrap(await api.POST("/api/v1/auth/login", { body })),
    onSuccess: (user) => {
      qc.clear();
      qc.setQueryData(ME_KEY, user);
    },
  });
}

export function useLogout() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async () => {
      await api.POST("/api/v1/auth/logout");
    },
    onSettled: () => {
      qc.clear();
      qc.setQueryData(ME_KEY, null);
    },
  });
}
