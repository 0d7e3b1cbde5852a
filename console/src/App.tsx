import { type FormEvent, useState } from 'react';

import { api, ApiError } from './api';

/** The console's frame: who is signed in, and the sign-in form until someone is. */
export function App() {
  return (
    <div className="app">
      <header className="top">
        <span className="brand">Flywheel</span>
      </header>
      <main className="content">
        <SignIn />
      </main>
    </div>
  );
}

/** Email and password against the gateway; every refusal shown as the server words it. */
export function SignIn() {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await api('/api/v1/sessions', { method: 'POST', body: JSON.stringify({ email, password }) });
      window.location.assign('/console/');
    } catch (failure) {
      setError(failure instanceof ApiError
        ? (failure.problem.status === 404 ? 'Sign-in is not available on this server yet.' : failure.message)
        : 'The server could not be reached.');
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
    </form>
  );
}
