import type { Storage } from './storage';

/**
 * opt-out: events are collected unless the visitor declines. opt-in: nothing is collected, stored or sent until the
 * visitor grants consent.
 */
export type ConsentMode = 'opt-out' | 'opt-in';

export type ConsentState = 'granted' | 'denied' | 'unknown';

/** The visitor's choice, remembered (once allowed to store anything) under {@code key}. */
export class Consent {
  private state: ConsentState;

  constructor(
    private readonly mode: ConsentMode,
    private readonly storage: Storage,
    private readonly key: string,
    /** Global Privacy Control, when the site honours it: a visitor who sends it has declined until they grant. */
    globalPrivacyControl: boolean,
  ) {
    const stored = storage.get(key);
    this.state = stored === 'granted' || stored === 'denied' ? stored : globalPrivacyControl ? 'denied' : 'unknown';
  }

  /** Whether events may be collected, stored and sent now. */
  allowed(): boolean {
    return this.state === 'granted' || (this.state === 'unknown' && this.mode === 'opt-out');
  }

  current(): ConsentState {
    return this.state;
  }

  grant(): void {
    this.state = 'granted';
    this.storage.set(this.key, 'granted');
  }

  /** Declined: remembered (a small cookie that holds only the refusal), so the choice is kept. */
  deny(): void {
    this.state = 'denied';
    this.storage.set(this.key, 'denied');
  }
}
