import { type AutocaptureOptions, startAutocapture } from './autocapture';
import { Consent, type ConsentMode, type ConsentState } from './consent';
import { context, page } from './context';
import { type ErrorHandler, Failures } from './errors';
import { type HeatmapOptions, startHeatmaps } from './heatmaps';
import { Experiments, type ExperimentsListener, type Variation } from './experiments';
import { type EvaluationContext, Flags, type FlagsListener, type FlagValue } from './flags';
import { uuid } from './ids';
import { loadRecording, loadSurveys } from './modules';
import { EventQueue, type QueuedEvent } from './queue';
import { Session } from './session';
import { CookieStorage, LocalStorage, MemoryStorage, SiteStorage, type Storage } from './storage';
import type { Recorder, RecordingOptions } from './recording/index';
import type { SurveysOptions, SurveysWidget } from './surveys/index';
import { Delivery } from './transport';

export type Properties = Record<string, unknown>;

export interface FlywheelOptions {
  /** A client key of the environment the events belong to. */
  writeKey: string;
  /** The gateway's base URL, e.g. https://flywheel.example.com */
  host: string;
  /** The cookie's domain, e.g. ".example.com" to share the visitor across subdomains. */
  cookieDomain?: string;
  /** No cookie: identifiers live in localStorage only. */
  cookieless?: boolean;
  /** "opt-out" (default): collect unless declined; "opt-in": nothing collected, stored or sent before consent. */
  consent?: ConsentMode;
  /** Treat Global Privacy Control as a refusal until the visitor grants consent. */
  respectGlobalPrivacyControl?: boolean;
  /** How long an event may wait for others to share its request (default 2 s). */
  flushIntervalMs?: number;
  /** Events per request (default 100). */
  maxBatchEvents?: number;
  /** Events kept while the gateway cannot be reached (default 1,000; the oldest go first, reported). */
  maxQueuedEvents?: number;
  /**
   * Feature flags from the gateway (OFREP bulk evaluation) at start, revalidated every {@code refreshIntervalMs}
   * (default 30 s) and when the visitor's identity changes; false to leave flags out.
   */
  flags?: boolean | { refreshIntervalMs?: number };
  /**
   * The visitor's experiment variations, assigned at start and when the identity changes; an exposure is recorded
   * when the page reads a variation. {@code attributes} add to what targeting reads (traits are sent too); false to
   * leave experiments out.
   */
  experiments?: boolean | { attributes?: Properties };
  /**
   * Surveys and the feedback tab, loaded as a separate module when asked for (off by default): the survey due is
   * asked for at start, on every page view and right after an event that triggers one.
   */
  surveys?: boolean | SurveysOptions;
  /**
   * Page views (single-page apps included), clicks, form submissions, rage and dead clicks, page leave and Web
   * Vitals, captured without code: true for all, or an object switching parts off. Off by default.
   */
  autocapture?: boolean | AutocaptureOptions;
  /**
   * Session recording (rrweb), loaded as a separate module when asked for (off by default): inputs and text-like
   * attributes masked, canvas and fonts off; sampling, a minimum duration and triggers in the options. Runs only
   * with consent.
   */
  recording?: boolean | RecordingOptions;
  /**
   * Heatmap data as events: clicks (x as a share of the viewport's width, y in page pixels, the element, rage),
   * sampled pointer movement and scroll depth. Off by default; runs only with consent.
   */
  heatmaps?: boolean | HeatmapOptions;
  /** Told of every failure; the SDK never throws into the page. */
  onError?: ErrorHandler;
  /** For tests: the fetch to send with. */
  fetch?: typeof fetch;
}

const DEFAULTS = { flushIntervalMs: 2000, maxBatchEvents: 100, maxQueuedEvents: 1000 };

/**
 * Flywheel in a browser: Segment-compatible events (track, page, identify, group, alias), the visitor's identity and
 * session, super-properties, consent, and delivery that survives bad networks, reloads and closing the page.
 */
export class Flywheel {
  private readonly failures: Failures;
  private readonly persistent: Storage;
  private readonly consentState: Consent;
  private storage: Storage;
  private session: Session;
  private queue: EventQueue;
  private delivery: Delivery;
  private readonly keys: Record<'anonymousId' | 'userId' | 'traits' | 'superProperties' | 'session' | 'queue' | 'consent'
      | 'flags' | 'experiments', string>;
  private flags: Flags | undefined;
  private experiments: Experiments | undefined;
  private surveys: Promise<SurveysWidget | undefined> | undefined;
  private recorder: Promise<Recorder | undefined> | undefined;
  private autocapture: { leaving: () => void; stop: () => void } | undefined;
  private heatmaps: { leaving: () => void; stop: () => void } | undefined;
  private readonly host: string;
  private readonly send: typeof fetch;

  constructor(private readonly options: FlywheelOptions) {
    if (!options || typeof options.writeKey !== 'string' || options.writeKey.length === 0
        || typeof options.host !== 'string' || options.host.length === 0) {
      throw new TypeError('flywheel needs a writeKey (a client key) and the gateway\'s host');
    }
    this.failures = new Failures(options.onError);
    this.host = options.host.replace(/\/+$/, '');
    this.send = options.fetch ?? ((input, init) => fetch(input, init));
    const suffix = options.writeKey.slice(-8);
    this.keys = {
      anonymousId: `fw_aid_${suffix}`,
      userId: `fw_uid_${suffix}`,
      traits: `fw_traits_${suffix}`,
      superProperties: `fw_props_${suffix}`,
      session: `fw_session_${suffix}`,
      queue: `fw_queue_${suffix}`,
      consent: `fw_consent_${suffix}`,
      flags: `fw_flags_${suffix}`,
      experiments: `fw_exp_${suffix}`,
    };
    const identity = options.cookieless ? new LocalStorage() : new CookieStorage({ domain: options.cookieDomain });
    this.persistent = new SiteStorage(new Set([this.keys.anonymousId, this.keys.userId, this.keys.session,
      this.keys.consent]), identity, new LocalStorage());
    const gpc = options.respectGlobalPrivacyControl === true
      && (navigator as Navigator & { globalPrivacyControl?: boolean }).globalPrivacyControl === true;
    this.consentState = new Consent(options.consent ?? 'opt-out', this.persistent, this.keys.consent, gpc);
    this.storage = this.consentState.allowed() ? this.persistent : new MemoryStorage();
    this.session = new Session(this.storage, this.keys.session);
    this.queue = this.newQueue();
    this.delivery = this.newDelivery();
    if (typeof window !== 'undefined') {
      const leaving = () => this.failures.guard('unload', () => {
        this.autocapture?.leaving();
        this.heatmaps?.leaving();
        void this.recorder?.then((recorder) => recorder?.leaving());
        this.queue.persist();
        this.delivery.unload();
        void this.experiments?.flush(true);
      }, undefined);
      window.addEventListener('pagehide', leaving);
      document.addEventListener('visibilitychange', () => {
        if (document.visibilityState === 'hidden') {
          leaving();
        }
      });
      // what an earlier page could not deliver goes now
      const waiting = this.queue.size();
      if (this.consentState.allowed() && waiting > 0) {
        this.delivery.scheduled(waiting);
      }
    }
    this.startFlags();
    this.startExperiments();
    this.startAutocapture();
    this.startSurveys();
    this.startRecording();
    this.startHeatmaps();
  }

  /** Shows the survey due now (after an event, optionally); resolves to whether one is shown, never rejects. */
  checkSurvey(event?: string): Promise<boolean> {
    return this.surveys ? this.surveys.then((widget) => widget?.check(event) ?? false)
      .catch((error) => {
        this.failures.report(error, 'surveys');
        return false;
      }) : Promise.resolve(false);
  }

  /** Opens the feedback panel, as the feedback tab does (once the surveys module is there). */
  openFeedback(): void {
    void this.surveys?.then((widget) => this.failures.guard('openFeedback', () => widget?.openFeedback(), undefined));
  }

  /**
   * The visitor's variation of an experiment (undefined until assigned, or when the experiment is not running);
   * the first read of a variation records the visitor's exposure to it.
   */
  getVariation(experimentKey: string): Variation | undefined {
    return this.failures.guard('getVariation', () => this.experiments?.get(experimentKey), undefined);
  }

  /** Called with the keys of the experiments whose variation changed; returns a function that stops it. */
  onExperimentsChange(listener: ExperimentsListener): () => void {
    return this.failures.guard('onExperimentsChange',
        () => this.experiments?.onChange(listener) ?? (() => undefined), () => undefined);
  }

  /** Resolves once the visitor was assigned again (at once when experiments are off); never rejects. */
  reloadExperiments(): Promise<void> {
    return this.experiments ? this.experiments.refresh() : Promise.resolve();
  }

  /** A flag's value for this visitor: the default until the gateway gave one of the default's type. */
  getFlag<T>(key: string, defaultValue: T): T {
    return this.failures.guard('getFlag', () => (this.flags ? this.flags.get(key, defaultValue) : defaultValue),
        defaultValue);
  }

  /** The flag as evaluated (variant, reason, metadata), when there is one. */
  flagDetails(key: string): FlagValue | undefined {
    return this.failures.guard('flagDetails', () => this.flags?.details(key), undefined);
  }

  /** Called with the keys of the flags whose value changed; returns a function that stops it. */
  onFlagsChange(listener: FlagsListener): () => void {
    return this.failures.guard('onFlagsChange', () => this.flags?.onChange(listener) ?? (() => undefined),
        () => undefined);
  }

  /** Resolves once the flags were asked for (at once when flags are off or not allowed yet); never rejects. */
  reloadFlags(): Promise<void> {
    return this.flags ? this.flags.refresh() : Promise.resolve();
  }

  track(event: string, properties?: Properties): void {
    this.failures.guard('track', () => {
      if (typeof event !== 'string' || event.length === 0) {
        throw new TypeError('track needs an event name');
      }
      this.enqueue('track', { event, properties: { ...this.superProperties(), ...properties } });
      void this.surveys?.then((widget) => widget?.triggeredBy(event) && widget.check(event))
        .catch((error) => this.failures.report(error, 'surveys'));
      void this.recorder?.then((recorder) => recorder?.observe(event));
    }, undefined);
  }

  page(name?: string, properties?: Properties): void {
    this.failures.guard('page', () => {
      this.enqueue('page', {
        ...(name ? { name } : {}),
        properties: { ...page(), ...this.superProperties(), ...properties },
      });
      void this.surveys?.then((widget) => widget?.pageViewed())
        .catch((error) => this.failures.report(error, 'surveys'));
      void this.recorder?.then((recorder) => recorder?.observe());
    }, undefined);
  }

  identify(userId?: string, traits?: Properties): void {
    this.failures.guard('identify', () => {
      if (userId) {
        this.storage.set(this.keys.userId, userId);
      }
      const merged = { ...this.traits(), ...traits };
      this.storage.set(this.keys.traits, JSON.stringify(merged));
      this.enqueue('identify', { traits: merged });
      void this.flags?.refresh();
      void this.experiments?.refresh();
    }, undefined);
  }

  group(groupId: string, traits?: Properties): void {
    this.failures.guard('group', () => this.enqueue('group', { groupId, traits: { ...traits } }), undefined);
  }

  /** Links a new user id to whom the visitor was until now (the current user id, else the anonymous id). */
  alias(userId: string, previousId?: string): void {
    this.failures.guard('alias', () => {
      const previous = previousId ?? this.userId() ?? this.anonymousId();
      this.enqueue('alias', { previousId: previous, userId });
      this.storage.set(this.keys.userId, userId);
    }, undefined);
  }

  /** Forgets the user (on sign-out): a new anonymous id and session, no traits or super-properties. */
  reset(): void {
    this.failures.guard('reset', () => {
      for (const key of [this.keys.userId, this.keys.traits, this.keys.superProperties, this.keys.anonymousId]) {
        this.storage.remove(key);
      }
      this.session.reset();
      void this.flags?.refresh();
      void this.experiments?.refresh();
    }, undefined);
  }

  /** Properties sent with every track and page from now on. */
  register(properties: Properties): void {
    this.failures.guard('register', () => this.storage.set(this.keys.superProperties,
        JSON.stringify({ ...this.superProperties(), ...properties })), undefined);
  }

  unregister(name: string): void {
    this.failures.guard('unregister', () => {
      const properties = this.superProperties();
      delete properties[name];
      this.storage.set(this.keys.superProperties, JSON.stringify(properties));
    }, undefined);
  }

  /** Sends what is queued now (resolves once the request is answered; never rejects). */
  flush(): Promise<void> {
    return this.delivery.flush().catch((error) => this.failures.report(error, 'flush'));
  }

  readonly consent = {
    grant: (): void => this.failures.guard('consent', () => this.granted(), undefined),
    deny: (): void => this.failures.guard('consent', () => this.denied(), undefined),
    state: (): ConsentState => this.consentState.current(),
  };

  anonymousId(): string {
    let id = this.storage.get(this.keys.anonymousId);
    if (!id) {
      id = uuid();
      this.storage.set(this.keys.anonymousId, id);
    }
    return id;
  }

  userId(): string | null {
    return this.storage.get(this.keys.userId);
  }

  /** How many events wait for delivery. */
  queued(): number {
    return this.queue.size();
  }

  private enqueue(type: string, fields: Properties): void {
    if (!this.consentState.allowed()) {
      return;
    }
    const now = Date.now();
    const userId = this.userId();
    const event: QueuedEvent = {
      type,
      messageId: uuid(),
      timestamp: new Date(now).toISOString(),
      anonymousId: this.anonymousId(),
      ...(userId ? { userId } : {}),
      context: context(__SDK_VERSION__, this.session.touch(now)),
      ...fields,
    };
    this.delivery.scheduled(this.queue.add(event));
  }

  private granted(): void {
    const wasAllowed = this.consentState.allowed();
    this.consentState.grant();
    if (!wasAllowed) {
      // what memory held (the ids of this page view) is kept from now on
      for (const key of [this.keys.anonymousId, this.keys.userId, this.keys.traits, this.keys.superProperties,
        this.keys.session]) {
        const value = this.storage.get(key);
        if (value !== null) {
          this.persistent.set(key, value);
        }
      }
      this.storage = this.persistent;
      this.session = new Session(this.storage, this.keys.session);
      this.delivery.stop();
      this.queue = this.newQueue();
      this.delivery = this.newDelivery();
      this.startFlags();
      this.startExperiments();
      this.startAutocapture();
      this.startSurveys();
      this.startRecording();
      this.startHeatmaps();
    }
  }

  private denied(): void {
    this.consentState.deny();
    this.delivery.stop();
    this.queue.clear();
    for (const key of [this.keys.anonymousId, this.keys.userId, this.keys.traits, this.keys.superProperties,
      this.keys.session]) {
      this.persistent.remove(key);
    }
    this.persistent.remove(this.keys.flags);
    this.persistent.remove(this.keys.experiments);
    this.experiments?.stop();
    this.experiments = undefined;
    void this.surveys?.then((widget) => widget?.destroy());
    this.surveys = undefined;
    void this.recorder?.then((recorder) => recorder?.stop());
    this.recorder = undefined;
    this.autocapture?.stop();
    this.autocapture = undefined;
    this.heatmaps?.stop();
    this.heatmaps = undefined;
    this.flags?.stop();
    this.flags = undefined;
    this.storage = new MemoryStorage();
    this.session = new Session(this.storage, this.keys.session);
    this.queue = this.newQueue();
    this.delivery = this.newDelivery();
  }

  /** Autocapture runs only once events may be collected (consent), and once. */
  private startAutocapture(): void {
    const chosen = this.options.autocapture;
    if (!chosen || !this.consentState.allowed() || this.autocapture || typeof window === 'undefined') {
      return;
    }
    this.autocapture = startAutocapture(chosen === true ? {} : chosen, {
      page: () => this.page(),
      track: (event, properties) => this.track(event, properties),
    }, this.failures);
  }

  /** Heatmap data only once events may be collected (consent), and once. */
  private startHeatmaps(): void {
    const chosen = this.options.heatmaps;
    if (!chosen || !this.consentState.allowed() || this.heatmaps || typeof window === 'undefined') {
      return;
    }
    this.heatmaps = startHeatmaps(chosen === true ? {} : chosen, {
      track: (event, properties) => this.track(event, properties),
    }, this.failures);
  }

  /** Flags are asked for only once the visitor may be identified to the gateway (consent). */
  private startFlags(): void {
    if (this.options.flags === false || !this.consentState.allowed() || this.flags) {
      return;
    }
    const interval = typeof this.options.flags === 'object' ? this.options.flags.refreshIntervalMs : undefined;
    this.flags = new Flags(this.host, this.options.writeKey, this.storage, this.keys.flags,
        () => this.evaluationContext(), this.failures, this.send);
    void this.flags.start(interval ?? 30_000);
  }

  /** The surveys module is fetched only when asked for, and runs only with consent (it identifies the visitor). */
  private startSurveys(): void {
    const chosen = this.options.surveys;
    if (!chosen || !this.consentState.allowed() || this.surveys || typeof window === 'undefined') {
      return;
    }
    const ready = document.body ? Promise.resolve() : new Promise<void>((resolve) =>
      document.addEventListener('DOMContentLoaded', () => resolve(), { once: true }));
    this.surveys = Promise.all([loadSurveys(), ready]).then(([module]) => {
      const widget = new module.SurveysWidget({
        host: this.host,
        clientKey: this.options.writeKey,
        person: () => this.visitor(),
        properties: () => this.traits(),
        flags: () => this.flags?.values() ?? {},
        experiments: () => this.experiments?.variations() ?? {},
        failures: this.failures,
        send: this.send,
      }, chosen === true ? {} : chosen);
      widget.check().catch((error) => this.failures.report(error, 'surveys'));
      return widget;
    }).catch((error) => {
      this.failures.report(error, 'surveys');
      return undefined;
    });
  }

  /** The recording module is fetched only when asked for, and records only with consent. */
  private startRecording(): void {
    const chosen = this.options.recording;
    if (!chosen || !this.consentState.allowed() || this.recorder || typeof window === 'undefined') {
      return;
    }
    const ready = document.body ? Promise.resolve() : new Promise<void>((resolve) =>
      document.addEventListener('DOMContentLoaded', () => resolve(), { once: true }));
    this.recorder = Promise.all([loadRecording(), ready]).then(([module]) => new module.Recorder({
      host: this.host,
      clientKey: this.options.writeKey,
      keySuffix: this.options.writeKey.slice(-8),
      sessionId: () => this.session.touch(Date.now()),
      distinctId: () => this.userId() ?? this.anonymousId(),
      flags: () => this.flags?.values() ?? {},
      variations: () => this.experiments?.variations() ?? {},
      failures: this.failures,
      send: this.send,
    }, chosen === true ? {} : chosen)).catch((error) => {
      this.failures.report(error, 'recording');
      return undefined;
    });
  }

  /** Experiments too, only with consent: assigning identifies the visitor to the gateway. */
  private startExperiments(): void {
    if (this.options.experiments === false || !this.consentState.allowed() || this.experiments) {
      return;
    }
    const extra = typeof this.options.experiments === 'object' ? this.options.experiments.attributes : undefined;
    this.experiments = new Experiments(this.host, this.options.writeKey, this.storage, this.keys.experiments,
        () => {
          const visitor = this.visitor();
          return { ...this.traits(), ...extra, ...visitor, id: visitor.userId ?? visitor.anonymousId,
            deviceId: visitor.anonymousId };
        }, this.failures, this.send);
    void this.experiments.start();
  }

  /** What flags are evaluated for: the user (or the anonymous visitor), with their traits. */
  private evaluationContext(): EvaluationContext {
    const visitor = this.visitor();
    return { ...this.traits(), ...visitor, targetingKey: visitor.userId ?? visitor.anonymousId };
  }

  /** Who the visitor is: the anonymous id always, the user id once known. */
  private visitor(): { anonymousId: string; userId?: string } {
    const userId = this.userId();
    return { anonymousId: this.anonymousId(), ...(userId ? { userId } : {}) };
  }

  private newQueue(): EventQueue {
    return new EventQueue(this.storage, this.keys.queue, this.options.maxQueuedEvents ?? DEFAULTS.maxQueuedEvents,
        (dropped) => this.failures.report(new Error(`the queue was full: ${dropped.length} oldest events dropped`),
            'queue'));
  }

  private newDelivery(): Delivery {
    return new Delivery(this.queue, {
      host: this.host,
      writeKey: this.options.writeKey,
      maxBatchEvents: this.options.maxBatchEvents ?? DEFAULTS.maxBatchEvents,
      maxBatchBytes: 450_000,
      flushIntervalMs: this.options.flushIntervalMs ?? DEFAULTS.flushIntervalMs,
      retryDelayMs: 1000,
      maxRetryDelayMs: 60_000,
    }, this.failures, this.send);
  }

  private superProperties(): Properties {
    return this.json(this.keys.superProperties);
  }

  private traits(): Properties {
    return this.json(this.keys.traits);
  }

  private json(key: string): Properties {
    const raw = this.storage.get(key);
    if (!raw) {
      return {};
    }
    try {
      const value = JSON.parse(raw);
      return value && typeof value === 'object' && !Array.isArray(value) ? value : {};
    } catch {
      return {};
    }
  }
}
