import { type FormEvent, useState } from 'react';

import { api, ApiError } from '../api';
import { Link, navigate } from '../router';
import { ErrorText, useAction, useLoad } from '../ui';

/** Email and password against the gateway; every refusal shown as the server words it. */
export function SignIn({ onSignedIn }: { onSignedIn?: () => void }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const options = useLoad(() => api<{ sso: boolean; ssoLabel: string }>('/api/v1/setup'), []);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await api('/api/v1/sessions', { method: 'POST', body: JSON.stringify({ email, password }) });
      if (onSignedIn) {
        onSignedIn();
      } else {
        window.location.assign('/console/');
      }
    } catch (failure) {
      setError(failure instanceof ApiError ? failure.message : 'The server could not be reached.');
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="card sign-in" onSubmit={submit} aria-labelledby="sign-in-title">
      <h1 id="sign-in-title">Sign in</h1>
      <label>
        Email
        <input type="email" autoComplete="username" required value={email}
          onChange={(e) => setEmail(e.target.value)} />
      </label>
      <label>
        Password
        <input type="password" autoComplete="current-password" required value={password}
          onChange={(e) => setPassword(e.target.value)} />
      </label>
      {error && <p role="alert" className="error">{error}</p>}
      <button type="submit" disabled={busy}>{busy ? 'Signing in…' : 'Sign in'}</button>
      {options.data?.sso && <a className="button-link" href="/sso/login">{options.data.ssoLabel}</a>}
    </form>
  );
}

/** The secret a setup or invitation link carries after '#', so it never reaches a server log or a Referer. */
function linkToken(): string {
  return decodeURIComponent(window.location.hash.replace(/^#/, ''));
}

/** The first owner's account, from the one-time link `./flywheel up` prints. */
export function Setup({ onSignedIn }: { onSignedIn: () => void }) {
  const [token] = useState(linkToken);
  const [form, setForm] = useState({ name: '', email: '', password: '' });
  const { busy, error, run } = useAction();

  function submit(event: FormEvent) {
    event.preventDefault();
    void run(async () => {
      await api('/api/v1/setup', { method: 'POST', body: JSON.stringify({ token, ...form }) });
      navigate('/', true);
      onSignedIn();
    });
  }

  return (
    <form className="card sign-in" onSubmit={submit} aria-labelledby="setup-title">
      <h1 id="setup-title">Create the first owner</h1>
      <p className="muted">This account will own every project. Invite the rest of the team afterwards.</p>
      {!token && <p role="alert" className="error">This page needs the link `./flywheel up` printed.</p>}
      <label>Name<input required autoComplete="name" value={form.name}
        onChange={(e) => setForm({ ...form, name: e.target.value })} /></label>
      <label>Email<input type="email" required autoComplete="username" value={form.email}
        onChange={(e) => setForm({ ...form, email: e.target.value })} /></label>
      <label>Password (10 characters or more)<input type="password" required minLength={10}
        autoComplete="new-password" value={form.password}
        onChange={(e) => setForm({ ...form, password: e.target.value })} /></label>
      <ErrorText error={error} />
      <button type="submit" disabled={busy || !token}>Create account</button>
    </form>
  );
}

interface InvitationPreview {
  invitation: { projectName: string; email: string; role: string; invitedBy: string };
  accountExists: boolean;
}

/** Accepting an invitation link: new people choose a name and password, others confirm theirs. */
export function Join({ onSignedIn }: { onSignedIn: () => void }) {
  const [token] = useState(linkToken);
  const preview = useLoad(() => api<InvitationPreview>('/api/v1/invitations/lookup', {
    method: 'POST', body: JSON.stringify({ token }),
  }), [token]);
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const { busy, error, run } = useAction();

  function submit(event: FormEvent) {
    event.preventDefault();
    void run(async () => {
      await api('/api/v1/invitations/accept', { method: 'POST', body: JSON.stringify({ token, name, password }) });
      navigate('/', true);
      onSignedIn();
    });
  }

  if (!preview.data) {
    return (
      <div className="card sign-in">
        <h1>Invitation</h1>
        {preview.error ? <ErrorText error={preview.error} /> : <p className="muted">Loading…</p>}
        <Link to="/">Sign in instead</Link>
      </div>
    );
  }
  const { invitation, accountExists } = preview.data;
  return (
    <form className="card sign-in" onSubmit={submit} aria-labelledby="join-title">
      <h1 id="join-title">Join {invitation.projectName}</h1>
      <p className="muted">As <strong>{invitation.role}</strong>, for {invitation.email}.</p>
      {!accountExists && <label>Your name<input required autoComplete="name" value={name}
        onChange={(e) => setName(e.target.value)} /></label>}
      <label>{accountExists ? 'Your password' : 'Choose a password (10 characters or more)'}
        <input type="password" required autoComplete={accountExists ? 'current-password' : 'new-password'}
          value={password} onChange={(e) => setPassword(e.target.value)} /></label>
      <ErrorText error={error} />
      <button type="submit" disabled={busy}>Join</button>
    </form>
  );
}
