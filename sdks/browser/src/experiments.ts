import type { Failures } from './errors';
import { byKey, postJson, RemoteState } from './remote';
import type { Storage } from './storage';

/** One experiment's answer for this visitor, as the application reads it. */
export interface Variation {
  experimentKey: string;
  inExperiment: boolean;
  variationKey: string;
  variationIndex: number;
  value: unknown;
}

/** What `/api/v1/assign` answers per experiment (with deferred exposures). */
interface Assigned extends Variation {
  exposureToken?: string;
}

export type ExperimentsListener = (changed: string[]) => void;

interface Cached {
  unit: string;
  at: number;
  assignments: Record<string, Assigned>;
  /** Experiments whose exposure was recorded, with the variation it named. */
  exposed: Record<string, string>;
}

/** Tokens older than this are not presented: the gateway accepts them for 24 h after they were issued. */
const TOKEN_USE_MS = 23 * 3600_000;
const MAX_TOKENS_PER_REQUEST = 100;

/**
 * The visitor's variations, assigned at start with deferred exposures and cached for an instant start on the next
 * page view. Reading a variation is what records the exposure (once per experiment and variation), with the signed
 * token the assignment carried, so fetching every experiment up front does not count the visitor in all of them.
 */
export class Experiments {
  private state: Cached | null = null;
  private pending = new Set<string>();
  private flushing: Promise<void> | null = null;
  private retry: ReturnType<typeof setTimeout> | undefined;
  private retryDelayMs = 1000;
  private readonly remote: RemoteState<Cached>;

  constructor(
    private readonly host: string,
    private readonly clientKey: string,
    storage: Storage,
    cacheKey: string,
    private readonly attributes: () => Record<string, unknown> & { id: string },
    private readonly failures: Failures,
    private readonly send: typeof fetch,
  ) {
    this.remote = new RemoteState<Cached>(storage, cacheKey, failures,
        (cached) => typeof cached.unit === 'string' && !!cached.assignments && !!cached.exposed);
  }

  start(): Promise<void> {
    const cached = this.remote.cached();
    if (cached && cached.unit === this.attributes().id) {
      this.state = cached;
    }
    return this.refresh();
  }

  /** The visitor's variation of the experiment, recording its exposure the first time it is read. */
  get(key: string): Variation | undefined {
    const assigned = this.state?.assignments[key];
    if (!assigned) {
      return undefined;
    }
    const state = this.state as Cached;
    if (assigned.exposureToken && state.exposed[key] !== assigned.variationKey
        && Date.now() - state.at < TOKEN_USE_MS) {
      state.exposed[key] = assigned.variationKey;
      this.save();
      this.pending.add(assigned.exposureToken);
      queueMicrotask(() => void this.flush(false));
    }
    const { exposureToken: _token, ...variation } = assigned;
    return variation;
  }

  /** Every assigned variation by experiment, read without recording exposures (for survey targeting). */
  variations(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [key, assigned] of Object.entries(this.state?.assignments ?? {})) {
      out[key] = assigned.variationKey;
    }
    return out;
  }

  onChange(listener: ExperimentsListener): () => void {
    return this.remote.onChange(listener);
  }

  /** Assigns again (one request at a time); resolves when answered, never rejects. */
  refresh(): Promise<void> {
    return this.remote.once(() => this.assign());
  }

  /** Sends the exposures read so far; with keepalive when the page is going away. */
  flush(leaving: boolean): Promise<void> {
    if (this.pending.size === 0) {
      return Promise.resolve();
    }
    if (this.flushing && !leaving) {
      return this.flushing;
    }
    const tokens = [...this.pending].slice(0, MAX_TOKENS_PER_REQUEST);
    const sent = this.post(tokens, leaving).finally(() => {
      this.flushing = null;
    });
    this.flushing = sent;
    return sent;
  }

  stop(): void {
    clearTimeout(this.retry);
    this.retry = undefined;
  }

  private async post(tokens: string[], leaving: boolean): Promise<void> {
    try {
      const response = await this.send(`${this.host}/api/v1/exposures`,
          postJson(this.clientKey, { exposureTokens: tokens }, { keepalive: leaving }));
      if (response.ok || (response.status >= 400 && response.status < 500 && response.status !== 429)) {
        tokens.forEach((token) => this.pending.delete(token));
        this.retryDelayMs = 1000;
        if (!response.ok) {
          this.failures.report(new Error(`exposures refused: HTTP ${response.status}`), 'experiments');
        } else if (this.pending.size > 0) {
          void this.flush(false);
        }
        return;
      }
      this.failures.report(new Error(`exposures not recorded: HTTP ${response.status}`), 'experiments');
    } catch (error) {
      this.failures.report(error, 'experiments');
    }
    // the gateway could not take them now: again later, backing off
    if (!leaving && this.retry === undefined) {
      const delay = this.retryDelayMs / 2 + Math.random() * this.retryDelayMs / 2;
      this.retryDelayMs = Math.min(this.retryDelayMs * 2, 60_000);
      this.retry = setTimeout(() => {
        this.retry = undefined;
        void this.flush(false);
      }, delay);
    }
  }

  private async assign(): Promise<void> {
    const attributes = this.attributes();
    try {
      const response = await this.send(`${this.host}/api/v1/assign`, postJson(this.clientKey, { attributes,
        url: typeof location === 'undefined' ? undefined : location.href, deferExposures: true }));
      if (!response.ok) {
        this.failures.report(new Error(`experiment assignment answered HTTP ${response.status}`), 'experiments');
        return;
      }
      const body = await response.json() as { assignments?: Assigned[] };
      const next = byKey(body.assignments, (a) => a.experimentKey);
      // what the page had, whoever it was for: listeners hear of what they would now read differently
      const before = this.state?.assignments ?? {};
      const changed = Object.keys({ ...before, ...next }).filter((key) =>
        before[key]?.variationKey !== next[key]?.variationKey
        || JSON.stringify(before[key]?.value) !== JSON.stringify(next[key]?.value));
      const sameUnit = this.state?.unit === attributes.id;
      this.state = { unit: attributes.id, at: Date.now(), assignments: next,
        exposed: sameUnit ? (this.state as Cached).exposed : {} };
      this.save();
      this.remote.tell(changed, 'experiments listener');
    } catch (error) {
      this.failures.report(error, 'experiments');
    }
  }

  private save(): void {
    if (this.state) {
      this.remote.save(this.state);
    }
  }
}
