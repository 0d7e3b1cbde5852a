import { record } from '@rrweb/record';
import { getRecordConsolePlugin } from '@rrweb/rrweb-plugin-console-record';

import type { Failures } from '../errors';
import { uuid } from '../ids';
import { ChunkBuffer, maskAttributes, type RecordedEvent, sampled } from './chunks';
import { ChunkUploader } from './uploader';

export interface RecordingTriggers {
  /** Record once this flag is on (any value but false, "off", null). */
  flag?: string;
  /** Record the people in this experiment ("key") or variation ("key:variation"). */
  experiment?: string;
  /** Record once this event is tracked. */
  event?: string;
  /** Record once a page whose URL matches this regular expression is viewed. */
  url?: string;
}

export interface RecordingOptions {
  /** The share of sessions recorded, decided per session (the same in every tab). Default 1. */
  sampleRate?: number;
  /** Sessions whose recording stays shorter than this are not sent at all. Default 1,000 ms. */
  minimumDurationMs?: number;
  /** Record only after one of these happened in the session (any one). Default: from the start. */
  triggers?: RecordingTriggers;
  /** Text to mask, besides every input's value, contenteditable areas and [data-fw-mask] (CSS selector). */
  maskSelector?: string;
  /** Elements left out of the recording entirely (shown as a blank box), besides [data-fw-block]. */
  blockSelector?: string;
  /** Inputs whose typing is not recorded at all, besides [data-fw-ignore]. */
  ignoreSelector?: string;
  /**
   * The page's console errors (level error only, each cut to 500 characters), counted in the session's summary. Off
   * by default: error messages can hold personal data.
   */
  consoleErrors?: boolean;
  /** Canvas contents and web fonts are left out unless asked for. */
  recordCanvas?: boolean;
  collectFonts?: boolean;
  /** A chunk leaves at least this often (default 5 s) … */
  chunkIntervalMs?: number;
  /** … or once it holds this much JSON (default 500,000 characters, ~50 KB gzip). */
  maxChunkChars?: number;
}

/** What the recorder needs from the client. */
export interface RecorderHost {
  host: string;
  clientKey: string;
  /** Suffix for this site's storage keys (the write key's tail). */
  keySuffix: string;
  sessionId: () => string;
  distinctId: () => string;
  flags: () => Record<string, unknown>;
  variations: () => Record<string, string>;
  failures: Failures;
  send: typeof fetch;
}

/** The tab's window id and its next chunk number in the session, kept in sessionStorage across page loads. */
class WindowState {
  private readonly key: string;
  private state: { windowId: string; sessionId: string; sequence: number };

  constructor(suffix: string) {
    this.key = `fw_rec_${suffix}`;
    let stored: WindowState['state'] | null = null;
    try {
      stored = JSON.parse(sessionStorage.getItem(this.key) ?? 'null');
    } catch {
      stored = null;
    }
    this.state = stored && typeof stored.windowId === 'string' && typeof stored.sequence === 'number' ? stored
      : { windowId: uuid(), sessionId: '', sequence: 0 };
  }

  windowId(): string {
    return this.state.windowId;
  }

  /** The next sequence number in this session (from 0 when the session is new). */
  next(sessionId: string): number {
    if (this.state.sessionId !== sessionId) {
      this.state = { ...this.state, sessionId, sequence: 0 };
    }
    const sequence = this.state.sequence++;
    try {
      sessionStorage.setItem(this.key, JSON.stringify(this.state));
    } catch {
      // without sessionStorage the next page starts a new window
    }
    return sequence;
  }
}

function stringValues(values: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(values)) {
    if (value !== undefined && (typeof value !== 'object' || value === null)) {
      out[key] = String(value);
    }
  }
  return out;
}

/**
 * Session recording with rrweb, private by default: every input's value and every text-like attribute masked,
 * contenteditable text masked, canvas and fonts off; recorded only for sampled sessions, after a trigger when one is
 * set, and sent only once the recording is longer than the minimum. Chunks leave every few seconds or at a size
 * bound, gzip-compressed, and are retried like events.
 */
export class Recorder {
  private readonly buffer: ChunkBuffer;
  private readonly uploader: ChunkUploader;
  private readonly window: WindowState;
  private stopRecording: (() => void) | undefined;
  private timer: ReturnType<typeof setInterval> | undefined;
  private sessionId = '';
  private startedAt = 0;
  /** Chunks held back while the recording is shorter than the minimum duration. */
  private held: string[] = [];
  private triggered: boolean;
  private readonly urlTrigger: RegExp | undefined;
  private stopped = false;

  constructor(private readonly host: RecorderHost, private readonly options: RecordingOptions) {
    this.buffer = new ChunkBuffer(options.maxChunkChars ?? 500_000);
    this.window = new WindowState(host.keySuffix);
    this.uploader = new ChunkUploader({ host: host.host, clientKey: host.clientKey,
      pendingKey: `fw_rec_pending_${host.keySuffix}`, maxPending: 40, retryDelayMs: 1000, maxRetryDelayMs: 60_000 },
    host.failures, host.send);
    this.triggered = !options.triggers || Object.values(options.triggers).every((t) => !t);
    this.urlTrigger = options.triggers?.url !== undefined ? new RegExp(options.triggers.url) : undefined;
    this.evaluate();
  }

  /** The client tells of activity: a page view (URL triggers) or a tracked event (event triggers). */
  observe(event?: string): void {
    if (event && this.stopRecording) {
      // the player marks tracked events on its timeline
      record.addCustomEvent(event, { flywheel: 'track' });
    }
    this.evaluate(event);
  }

  /** Whether rrweb is recording now. */
  recording(): boolean {
    return this.stopRecording !== undefined;
  }

  /** The page is going away: send or keep what is gathered. */
  leaving(): void {
    this.flush();
    if (this.held.length === 0) {
      this.uploader.leaving();
    }
  }

  stop(): void {
    this.stopped = true;
    this.stopRecording?.();
    this.stopRecording = undefined;
    clearInterval(this.timer);
    this.uploader.stop();
  }

  private evaluate(event?: string): void {
    if (this.stopped || this.recording()) {
      return;
    }
    if (!this.triggered) {
      const triggers = this.options.triggers ?? {};
      const flags = this.host.flags();
      const variations = this.host.variations();
      const [experiment, variation] = (triggers.experiment ?? '').split(':');
      const flag = triggers.flag ? flags[triggers.flag] : undefined;
      this.triggered = (triggers.event !== undefined && triggers.event === event)
        || (this.urlTrigger !== undefined && this.urlTrigger.test(location.href))
        || (triggers.flag !== undefined && flag !== undefined && flag !== null && flag !== false && flag !== 'off')
        || (experiment !== '' && variations[experiment] !== undefined
          && (variation === undefined || variations[experiment] === variation));
    }
    if (!this.triggered) {
      return;
    }
    this.sessionId = this.host.sessionId();
    if (!sampled(this.sessionId, this.options.sampleRate ?? 1)) {
      this.stopped = true;
      return;
    }
    this.start();
  }

  private start(): void {
    this.startedAt = Date.now();
    const selectors = (...parts: Array<string | undefined>) => parts.filter(Boolean).join(', ');
    this.stopRecording = record({
      emit: (event) => this.host.failures.guard('recording', () => this.add(event as RecordedEvent), undefined),
      maskAllInputs: true,
      maskInputOptions: { password: true },
      maskTextSelector: selectors('[contenteditable]', '[data-fw-mask]', this.options.maskSelector),
      blockSelector: selectors('[data-fw-block]', this.options.blockSelector),
      ignoreSelector: selectors('[data-fw-ignore]', this.options.ignoreSelector),
      recordCanvas: this.options.recordCanvas === true,
      collectFonts: this.options.collectFonts === true,
      inlineImages: false,
      slimDOMOptions: true,
      sampling: { mousemove: 50, scroll: 150, input: 'last' },
      plugins: this.options.consoleErrors ? [getRecordConsolePlugin({ level: ['error'], lengthThreshold: 20,
        stringifyOptions: { stringLengthLimit: 500, numOfKeysLimit: 20, depthOfLimit: 2 } })] : [],
      errorHandler: (error) => {
        this.host.failures.report(error, 'recording');
        return true;
      },
    }) ?? undefined;
    this.timer = setInterval(() => this.host.failures.guard('recording', () => this.flush(), undefined),
        this.options.chunkIntervalMs ?? 5000);
  }

  private add(event: RecordedEvent): void {
    if (this.buffer.add(maskAttributes(event))) {
      this.flush();
    }
  }

  private flush(): void {
    if (this.buffer.size() === 0) {
      return;
    }
    const session = this.host.sessionId();
    if (session !== this.sessionId) {
      this.sessionId = session;
      this.startedAt = this.buffer.firstTimestamp() ?? Date.now();
    }
    const chunk = this.buffer.take({ sessionId: this.sessionId, windowId: this.window.windowId(),
      sequence: this.window.next(this.sessionId), distinctId: this.host.distinctId() },
    { flags: stringValues(this.host.flags()), variations: this.host.variations() });
    this.held.push(chunk);
    if (Date.now() - this.startedAt >= (this.options.minimumDurationMs ?? 1000)) {
      this.held.splice(0).forEach((c) => this.uploader.enqueue(c));
    }
  }
}
