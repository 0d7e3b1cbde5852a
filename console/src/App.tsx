import { type FormEvent, useEffect, useState } from 'react';

import { api, ApiError, type Me, type ProjectRole, useCsrfToken } from './api';
import { Experiment, Experiments } from './pages/Experiments';
import { FeedbackWall } from './pages/Feedback';
import { Flag, Flags } from './pages/Flags';
import { Heatmaps } from './pages/Heatmaps';
import { DashboardPage, Dashboards } from './insights/Dashboards';
import { Insights } from './insights/Insights';
import { Keys } from './pages/Keys';
import { Members } from './pages/Members';
import { Metrics } from './pages/Metrics';
import { People, Person } from './pages/People';
import { RecordingView, Recordings } from './pages/Recordings';
import { Settings } from './pages/Settings';
import { SurveyPage, Surveys } from './pages/Surveys';
import { Join, Setup, SignIn } from './pages/Auth';
import { Link, match, navigate, usePath } from './router';
import { ErrorText, Page, useAction } from './ui';

export { SignIn } from './pages/Auth';

type Session = { state: 'loading' } | { state: 'signed-out' } | { state: 'unreachable' } | { state: 'in'; me: Me };

/** The console's frame: the signed-in person and their projects, or the way in (sign-in, setup, invitation). */
export function App() {
  const path = usePath();
  const [session, setSession] = useState<Session>({ state: 'loading' });

  async function load() {
    try {
      const me = await api<Me>('/api/v1/me');
      useCsrfToken(me.csrfToken);
      setSession({ state: 'in', me });
    } catch (failure) {
      useCsrfToken(null);
      setSession(failure instanceof ApiError && failure.problem.status === 401
        ? { state: 'signed-out' } : { state: 'unreachable' });
    }
  }

  useEffect(() => {
    void load();
  }, []);

  let content;
  if (path === '/setup') {
    content = <Setup onSignedIn={load} />;
  } else if (path === '/join') {
    content = <Join onSignedIn={load} />;
  } else if (session.state === 'loading') {
    content = <p className="muted">Loading…</p>;
  } else if (session.state === 'unreachable') {
    content = <p role="alert" className="error">The gateway could not be reached. Reload to try again.</p>;
  } else if (session.state === 'signed-out') {
    content = <SignIn onSignedIn={load} />;
  } else {
    return <Shell me={session.me} path={path} onSignedOut={() => setSession({ state: 'signed-out' })} />;
  }
  return (
    <div className="app">
      <header className="top"><span className="brand">Flywheel</span></header>
      <main className="content narrow">{content}</main>
    </div>
  );
}

const SECTIONS = [
  { key: 'insights', label: 'Insights', perEnvironment: true },
  { key: 'dashboards', label: 'Dashboards', perEnvironment: false },
  { key: 'people', label: 'People', perEnvironment: true },
  { key: 'recordings', label: 'Recordings', perEnvironment: true },
  { key: 'heatmaps', label: 'Heatmaps', perEnvironment: true },
  { key: 'surveys', label: 'Surveys', perEnvironment: true },
  { key: 'feedback', label: 'Feedback', perEnvironment: true },
  { key: 'flags', label: 'Flags', perEnvironment: true },
  { key: 'experiments', label: 'Experiments', perEnvironment: true },
  { key: 'metrics', label: 'Metrics', perEnvironment: false },
  { key: 'keys', label: 'API keys', perEnvironment: false },
  { key: 'members', label: 'Members', perEnvironment: false },
  { key: 'settings', label: 'Settings', perEnvironment: false },
] as const;

function defaultEnvironment(project: ProjectRole): string {
  return project.environments.includes('production') ? 'production' : project.environments[0];
}

function Shell({ me, path, onSignedOut }: { me: Me; path: string; onSignedOut: () => void }) {
  const section = /^\/p\/([^/]+)\/([^/]+)(?:\/([^/]+))?/.exec(path);
  const project = me.projects.find((p) => p.id === section?.[1]) ?? me.projects[0];
  const sectionKey = section?.[2] ?? 'flags';
  const environment = section?.[3] && project?.environments.includes(section[3]) ? section[3]
    : project && defaultEnvironment(project);

  useEffect(() => {
    if (project && (path === '/' || !section)) {
      if (path !== '/account') {
        navigate(`/p/${project.id}/flags/${defaultEnvironment(project)}`, true);
      }
    }
  }, [path, project, section]);

  async function signOut() {
    await api('/api/v1/sessions/current', { method: 'DELETE' }).catch(() => undefined);
    useCsrfToken(null);
    navigate('/', true);
    onSignedOut();
  }

  return (
    <div className="app">
      <a className="skip" href="#main">Skip to content</a>
      <header className="top">
        <span className="brand">Flywheel</span>
        {project && (
          <label className="switcher">
            <span className="visually-hidden">Project</span>
            <select value={project.id} onChange={(e) => {
              const next = me.projects.find((p) => p.id === e.target.value)!;
              navigate(`/p/${next.id}/flags/${defaultEnvironment(next)}`);
            }}>
              {me.projects.map((p) => <option key={p.id} value={p.id}>{p.name}</option>)}
            </select>
          </label>
        )}
        {project && <span className="role-badge" title="Your role in this project">{project.role}</span>}
        <span className="spacer" />
        <Link to="/account" className="top-link">{me.name || me.email}</Link>
        <button type="button" className="ghost" onClick={signOut}>Sign out</button>
      </header>
      <div className="body">
        {project && (
          <nav className="side" aria-label="Project">
            {SECTIONS.map((s) => {
              const to = `/p/${project.id}/${s.key}${s.perEnvironment ? `/${environment}` : ''}`;
              return <Link key={s.key} to={to} aria-current={sectionKey === s.key ? 'page' : undefined}>
                {s.label}</Link>;
            })}
          </nav>
        )}
        <main id="main" className="content" tabIndex={-1}>
          {path === '/account' ? <Account me={me} />
            : !project ? <Page title="No projects yet"><p>Ask an owner of a project to invite you.</p></Page>
              : <Section me={me} project={project} path={path} environment={environment!} />}
        </main>
      </div>
    </div>
  );
}

function Section({ project, path, environment }: { me: Me; project: ProjectRole; path: string; environment: string }) {
  const base = `/p/${project.id}`;
  let params;
  if ((params = match(`${base}/flags/:env/:key`, path))) {
    return <Flag project={project} environment={params.env} flagKey={params.key} />;
  }
  if (match(`${base}/flags/:env`, path)) {
    return <Flags project={project} environment={environment} />;
  }
  if ((params = match(`${base}/insights/:env/:key`, path))) {
    return <Insights key={`${params.env}/${params.key}`} project={project} environment={params.env}
      savedKey={params.key} />;
  }
  if (match(`${base}/insights/:env`, path)) {
    return <Insights key={environment} project={project} environment={environment} />;
  }
  if ((params = match(`${base}/people/:env/:person`, path))) {
    return <Person key={params.person} project={project} environment={params.env} distinctId={params.person} />;
  }
  if (match(`${base}/people/:env`, path)) {
    return <People key={environment} project={project} environment={environment} />;
  }
  if ((params = match(`${base}/recordings/:env/:session`, path))) {
    return <RecordingView key={params.session} project={project} environment={params.env}
      sessionId={params.session} />;
  }
  if ((params = match(`${base}/surveys/:env/:key`, path))) {
    return <SurveyPage key={`${params.env}/${params.key}`} project={project} environment={params.env}
      surveyKey={params.key} />;
  }
  if (match(`${base}/surveys/:env`, path)) {
    return <Surveys key={environment} project={project} environment={environment} />;
  }
  if (match(`${base}/heatmaps/:env`, path)) {
    return <Heatmaps key={environment} project={project} environment={environment} />;
  }
  if (match(`${base}/feedback/:env`, path)) {
    return <FeedbackWall key={environment} project={project} environment={environment} />;
  }
  if (match(`${base}/recordings/:env`, path)) {
    return <Recordings key={environment} project={project} environment={environment} />;
  }
  if ((params = match(`${base}/dashboards/:key`, path))) {
    return <DashboardPage key={params.key} project={project} dashboardKey={params.key} />;
  }
  if (path === `${base}/dashboards`) {
    return <Dashboards project={project} />;
  }
  if ((params = match(`${base}/experiments/:env/:key`, path))) {
    return <Experiment project={project} environment={params.env} experimentKey={params.key} />;
  }
  if (match(`${base}/experiments/:env`, path)) {
    return <Experiments project={project} environment={environment} />;
  }
  if (path === `${base}/metrics`) {
    return <Metrics project={project} />;
  }
  if (path === `${base}/keys`) {
    return <Keys project={project} />;
  }
  if (path === `${base}/members`) {
    return <Members project={project} />;
  }
  if (path === `${base}/settings`) {
    return <Settings project={project} />;
  }
  return <Page title="Not found"><p>There is nothing here. <Link to="/">Go to your projects</Link></p></Page>;
}

/** The signed-in person's own settings: their password. */
function Account({ me }: { me: Me }) {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [done, setDone] = useState(false);
  const { busy, error, run } = useAction();

  function submit(event: FormEvent) {
    event.preventDefault();
    void run(async () => {
      await api('/api/v1/me/password', { method: 'PUT',
        body: JSON.stringify({ currentPassword: current, newPassword: next }) });
      const refreshed = await api<Me>('/api/v1/me');
      useCsrfToken(refreshed.csrfToken);
      setDone(true);
      setCurrent('');
      setNext('');
    });
  }

  return (
    <Page title="Your account">
      <p>{me.name} · {me.email}</p>
      <form className="card form" onSubmit={submit} aria-label="Change password">
        <h2>Change password</h2>
        <p className="muted">Every other session of yours ends.</p>
        <label>Current password<input type="password" required autoComplete="current-password" value={current}
          onChange={(e) => setCurrent(e.target.value)} /></label>
        <label>New password<input type="password" required minLength={10} autoComplete="new-password" value={next}
          onChange={(e) => setNext(e.target.value)} /></label>
        <ErrorText error={error} />
        {done && <p role="status" className="ok">Password changed.</p>}
        <button type="submit" disabled={busy}>Change password</button>
      </form>
    </Page>
  );
}
