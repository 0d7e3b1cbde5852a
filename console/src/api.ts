/** An RFC 9457 problem as the gateway answers it. */
export interface Problem {
  status: number;
  title: string;
  detail?: string;
  type?: string;
}

export class ApiError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail ?? problem.title);
  }
}

/** A same-origin call to the gateway's API; a refusal becomes an ApiError carrying the server's problem. */
export async function api<T>(path: string, init: RequestInit = {}): Promise<T> {
  const response = await fetch(path, {
    ...init,
    credentials: 'same-origin',
    headers: { Accept: 'application/json', ...(init.body ? { 'Content-Type': 'application/json' } : {}),
      ...init.headers },
  });
  if (response.status === 204) {
    return undefined as T;
  }
  const body = await response.json().catch(() => null);
  if (!response.ok) {
    throw new ApiError(body && typeof body.title === 'string' ? body as Problem
      : { status: response.status, title: response.statusText || `HTTP ${response.status}` });
  }
  return body as T;
}
