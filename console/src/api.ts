/** An RFC 9457 problem as the gateway answers it. */
export interface Problem {
  status: number;
  title: string;
  detail?: string;
  type?: string;
  errors?: { field: string; message: string }[];
}

export class ApiError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail ?? problem.title);
  }

  /** The field errors as one readable line each ("definition/targeting: must be ..."), else the detail. */
  lines(): string[] {
    const errors = this.problem.errors ?? [];
    return errors.length ? errors.map((e) => `${e.field}: ${e.message}`) : [this.message];
  }
}

let csrfToken: string | null = null;

/** The session's CSRF token (from GET /api/v1/me): every write carries it (ADR 0011). */
export function useCsrfToken(token: string | null) {
  csrfToken = token;
}

export interface Answer<T> {
  body: T;
  etag: string | null;
  headers: Headers;
}

/** A same-origin call to the gateway's API with its ETag; a refusal becomes an ApiError carrying the problem. */
export async function call<T>(path: string, init: RequestInit = {}): Promise<Answer<T>> {
  const method = (init.method ?? 'GET').toUpperCase();
  const response = await fetch(path, {
    ...init,
    credentials: 'same-origin',
    headers: {
      Accept: 'application/json',
      ...(init.body ? { 'Content-Type': 'application/json' } : {}),
      ...(method !== 'GET' && csrfToken ? { 'X-CSRF-Token': csrfToken } : {}),
      ...init.headers,
    },
  });
  const etag = response.headers.get('ETag');
  if (response.status === 204) {
    return { body: undefined as T, etag, headers: response.headers };
  }
  const body = await response.json().catch(() => null);
  if (!response.ok) {
    throw new ApiError(body && typeof body.title === 'string' ? body as Problem
      : { status: response.status, title: response.statusText || `HTTP ${response.status}` });
  }
  return { body: body as T, etag, headers: response.headers };
}

export async function api<T>(path: string, init: RequestInit = {}): Promise<T> {
  return (await call<T>(path, init)).body;
}

/** What a failure says to a person: the server's words, or that it could not be reached. */
export function describe(failure: unknown): string {
  if (failure instanceof ApiError) {
    return failure.lines().join('\n');
  }
  return 'The server could not be reached.';
}

export interface ProjectRole {
  id: string;
  organisationId: string;
  name: string;
  role: 'owner' | 'admin' | 'editor' | 'viewer';
  environments: string[];
}

export interface Me {
  id: string;
  email: string;
  name: string;
  csrfToken: string;
  projects: ProjectRole[];
}

const RANK = { viewer: 0, editor: 1, admin: 2, owner: 3 } as const;

/** Whether a role includes another (an owner may do what an editor may). */
export function includes(role: ProjectRole['role'], needed: ProjectRole['role']): boolean {
  return RANK[role] >= RANK[needed];
}

/** JSON a person typed, or an ApiError that says which input is not JSON and why (shown like a server refusal). */
export function parseTyped<T>(text: string, what: string): T {
  try {
    return JSON.parse(text) as T;
  } catch (e) {
    throw new ApiError({ status: 400, title: 'invalid', detail: `${what} is not valid JSON: ${(e as Error).message}` });
  }
}
