import { type FormEvent, useState } from 'react';

import { api, includes, type ProjectRole } from '../api';
import { ErrorText, Loading, Page, useAction, useLoad, when } from '../ui';

interface Member {
  personId: string;
  email: string;
  name: string;
  role: ProjectRole['role'];
  joinedAt: string;
  disabled: boolean;
}

interface Invitation {
  id: string;
  email: string;
  role: string;
  invitedBy: string;
  expiresAt: string;
}

const ROLES: ProjectRole['role'][] = ['viewer', 'editor', 'admin', 'owner'];

/** Who is in the project, with what role; invitations by link; disabling a member. */
export function Members({ project }: { project: ProjectRole }) {
  const base = `/api/v1/projects/${project.id}`;
  const members = useLoad(() => api<Member[]>(`${base}/members`), [base]);
  const mayAdminister = includes(project.role, 'admin');
  const invitations = useLoad(() => mayAdminister ? api<Invitation[]>(`${base}/invitations`)
    : Promise.resolve([]), [base, mayAdminister]);
  const [invite, setInvite] = useState({ email: '', role: 'viewer' });
  const [link, setLink] = useState<string | null>(null);
  const action = useAction();

  function submit(event: FormEvent) {
    event.preventDefault();
    void action.run(async () => {
      const issued = await api<{ path: string }>(`${base}/invitations`, { method: 'POST', body: JSON.stringify(invite) });
      setLink(window.location.origin + issued.path);
      setInvite({ email: '', role: 'viewer' });
      invitations.reload();
    });
  }

  function change(member: Member, body: Record<string, unknown>) {
    void action.run(async () => {
      await api(`${base}/members/${member.personId}`, { method: 'PATCH', body: JSON.stringify(body) });
      members.reload();
    });
  }

  return (
    <Page title="Members">
      {mayAdminister && (
        <form className="card form inline-form" onSubmit={submit} aria-label="Invite someone">
          <label>Email<input type="email" required value={invite.email}
            onChange={(e) => setInvite({ ...invite, email: e.target.value })} /></label>
          <label>Role
            <select value={invite.role} onChange={(e) => setInvite({ ...invite, role: e.target.value })}>
              {ROLES.filter((r) => r !== 'owner' || project.role === 'owner').map((r) => <option key={r}>{r}</option>)}
            </select>
          </label>
          <button type="submit" disabled={action.busy}>Invite</button>
        </form>
      )}
      {link && (
        <div className="card secret" role="status">
          <p>Send this link to them; it works once, for 7 days.</p>
          <code className="invitation-link">{link}</code>
          <button type="button" onClick={() => void navigator.clipboard.writeText(link)}>Copy</button>
        </div>
      )}
      <ErrorText error={action.error} />
      {!members.data ? <Loading error={members.error} /> : (
        <table className="table">
          <thead><tr><th>Name</th><th>Email</th><th>Role</th><th>Joined</th><th>Status</th>
            <th><span className="visually-hidden">Actions</span></th></tr></thead>
          <tbody>
            {members.data.map((member) => (
              <tr key={member.personId}>
                <td>{member.name}</td><td>{member.email}</td>
                <td>{mayAdminister ? (
                  <select aria-label={`Role of ${member.email}`} value={member.role} disabled={action.busy}
                    onChange={(e) => change(member, { role: e.target.value })}>
                    {ROLES.map((r) => <option key={r}>{r}</option>)}
                  </select>) : member.role}</td>
                <td>{when(member.joinedAt)}</td><td>{member.disabled ? 'disabled' : 'active'}</td>
                <td>{mayAdminister && (
                  <button type="button" className={member.disabled ? 'small' : 'danger small'} disabled={action.busy}
                    onClick={() => change(member, { disabled: !member.disabled })}>
                    {member.disabled ? 'Enable' : 'Disable'}</button>)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {mayAdminister && invitations.data && invitations.data.length > 0 && (
        <>
          <h2>Pending invitations</h2>
          <table className="table">
            <thead><tr><th>Email</th><th>Role</th><th>Invited by</th><th>Expires</th>
              <th><span className="visually-hidden">Actions</span></th></tr></thead>
            <tbody>
              {invitations.data.map((inv) => (
                <tr key={inv.id}>
                  <td>{inv.email}</td><td>{inv.role}</td><td>{inv.invitedBy}</td><td>{when(inv.expiresAt)}</td>
                  <td><button type="button" className="danger small" onClick={() => void action.run(async () => {
                    await api(`${base}/invitations/${inv.id}`, { method: 'DELETE' });
                    invitations.reload();
                  })}>Revoke</button></td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </Page>
  );
}
