/** Members and their roles; admins add people by email, change roles and remove them. */
import { useState, type FormEvent } from "react";
import { errorMessage } from "../../api/client";
import { ErrorMessage } from "../../components/ErrorMessage";
import { useAddMember, useChangeRole, useMembers, useProject, useRemoveMember, type Role } from "./api";
import { useProjectId } from "./ProjectPage";

const ROLES: Role[] = ["admin", "editor", "annotator", "viewer"];

export function MembersTab() {
  const projectId = useProjectId();
  const project = useProject(projectId);
  const members = useMembers(projectId);
  const changeRole = useChangeRole(projectId);
  const remove = useRemoveMember(projectId);
  const isAdmin = project.data?.role === "admin";
  return (
    <section aria-labelledby="members-title" className="stack">
      <h2 id="members-title">Members</h2>
      {members.isError && <ErrorMessage error={members.error} />}
      {(changeRole.isError || remove.isError) && <ErrorMessage error={changeRole.error ?? remove.error} />}
      <table className="table">
        <thead>
          <tr><th scope="col">Name</th><th scope="col">Email</th><th scope="col">Role</th>{isAdmin && <th scope="col"><span className="visually-hidden">Actions</span></th>}</tr>
        </thead>
        <tbody>
          {members.data?.items.map((m) => (
            <tr key={m.id}>
              <td>{m.name}</td>
              <td>{m.email}</td>
              <td>
                {isAdmin ? (
                  <select aria-label={`Role of ${m.email}`} value={m.role}
                          onChange={(e) => changeRole.mutate({ memberId: m.id, role: e.target.value as Role })}>
                    {ROLES.map((r) => <option key={r} value={r}>{r}</option>)}
                  </select>
                ) : m.role}
              </td>
              {isAdmin && (
                <td><button type="button" className="danger" onClick={() => remove.mutate(m.id)}>Remove</button></td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
      {isAdmin && <AddMember projectId={projectId} />}
    </section>
  );
}

function AddMember({ projectId }: { projectId: number }) {
  const add = useAddMember(projectId);
  const [email, setEmail] = useState("");
  const [role, setRole] = useState<Role>("annotator");
  function submit(e: FormEvent) {
    e.preventDefault();
    add.mutate({ email, role }, { onSuccess: () => setEmail("") });
  }
  return (
    <form className="inline-form" onSubmit={submit} aria-label="Add a member">
      <label htmlFor="member-email">Email</label>
      <input id="member-email" type="email" required value={email} onChange={(e) => setEmail(e.target.value)} />
      <label htmlFor="member-role">Role</label>
      <select id="member-role" value={role} onChange={(e) => setRole(e.target.value as Role)}>
        {ROLES.map((r) => <option key={r} value={r}>{r}</option>)}
      </select>
      <button type="submit" disabled={add.isPending}>Add member</button>
      {add.isError && <p role="alert" className="error">{errorMessage(add.error)}</p>}
    </form>
  );
}
