import { uuid } from './ids';
import type { Storage } from './storage';

/** A session ends after 30 minutes without activity, and lasts 24 hours at most. */
export const SESSION_IDLE_MS = 30 * 60 * 1000;
export const SESSION_MAX_MS = 24 * 60 * 60 * 1000;
/** Activity is written back at most this often: a cookie write per event is the costliest part of a track() call. */
const ACTIVITY_PRECISION_MS = 1000;

interface SessionState {
  id: string;
  startedAt: number;
  lastActivityAt: number;
}

/** The visitor's session, kept in storage so every tab and reload of the site shares it. */
export class Session {
  constructor(
    private readonly storage: Storage,
    private readonly key: string,
  ) {}

  /** The session id for activity now: the current one, or a new one when it went idle or grew too old. */
  touch(now: number): string {
    let state = this.read();
    if (!state || now - state.lastActivityAt > SESSION_IDLE_MS || now - state.startedAt > SESSION_MAX_MS) {
      state = { id: uuid(), startedAt: now, lastActivityAt: now };
    } else if (now - state.lastActivityAt < ACTIVITY_PRECISION_MS) {
      return state.id;
    } else {
      state.lastActivityAt = now;
    }
    this.storage.set(this.key, JSON.stringify(state));
    return state.id;
  }

  reset(): void {
    this.storage.remove(this.key);
  }

  private read(): SessionState | null {
    const raw = this.storage.get(this.key);
    if (!raw) {
      return null;
    }
    try {
      const state = JSON.parse(raw) as SessionState;
      return typeof state.id === 'string' && typeof state.startedAt === 'number' ? state : null;
    } catch {
      return null;
    }
  }
}
