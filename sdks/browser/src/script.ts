import { Flywheel, type FlywheelOptions } from './client';
import { type RecordingModule, setRecordingLoader, setSurveysLoader, type SurveysModule } from './modules';

/** The calls the loader snippet queued before this script arrived: [method, ...args]. */
type Stub = Array<[string, ...unknown[]]> & { initialized?: boolean };

type Api = Record<string, (...args: unknown[]) => unknown>;

/**
 * The script pages load (the loader snippet, or a script tag): replays the calls queued while it loaded, then puts the
 * real client in their place, at window.flywheel.
 */
function start(): void {
  const global = window as unknown as { flywheel?: Stub | Api };
  const stub = global.flywheel;
  if (stub && !Array.isArray(stub)) {
    return; // already loaded
  }
  const calls: Stub = (stub as Stub) ?? [];
  let client: Flywheel | undefined;
  const pending: Array<[string, unknown[]]> = [];
  const call = (method: string, args: unknown[]): unknown => {
    try {
      return dispatch(method, args);
    } catch (error) {
      // never into the host page: to the page's onError when it gave one, else to the console
      const onError = (args[0] as FlywheelOptions | undefined)?.onError;
      if (method === 'init' && typeof onError === 'function') {
        onError(error, 'init');
      } else if (typeof console !== 'undefined') {
        console.error('flywheel:', error);
      }
      return undefined;
    }
  };
  const dispatch = (method: string, args: unknown[]): unknown => {
    if (method === 'init') {
      if (!client) {
        const host = String((args[0] as FlywheelOptions | undefined)?.host ?? '').replace(/\/+$/, '');
        setSurveysLoader(() => loadScript<SurveysModule>(
            `${host}/sdk/browser/v${__SDK_VERSION__}/flywheel-surveys.min.js`, __SURVEYS_INTEGRITY__,
            '__flywheelSurveys'));
        setRecordingLoader(() => loadScript<RecordingModule>(
            `${host}/sdk/browser/v${__SDK_VERSION__}/flywheel-recording.min.js`, __RECORDING_INTEGRITY__,
            '__flywheelRecording'));
      }
      client = client ?? new Flywheel(args[0] as FlywheelOptions);
      pending.splice(0).forEach(([m, a]) => call(m, a));
      return undefined;
    }
    if (!client) {
      pending.push([method, args]);
      return undefined;
    }
    if (method === 'consent') {
      const choice = args[0] as 'grant' | 'deny';
      return client.consent[choice]?.();
    }
    const target = (client as unknown as Api)[method];
    return typeof target === 'function' ? target.apply(client, args) : undefined;
  };
  const api: Api = {};
  for (const method of ['init', 'track', 'page', 'identify', 'group', 'alias', 'reset', 'register', 'unregister',
    'flush', 'consent', 'anonymousId', 'userId', 'queued', 'getFlag', 'flagDetails', 'onFlagsChange', 'reloadFlags',
    'getVariation', 'onExperimentsChange', 'reloadExperiments', 'checkSurvey', 'openFeedback']) {
    api[method] = (...args: unknown[]) => call(method, args);
  }
  for (const [method, ...args] of calls) {
    call(method, args);
  }
  global.flywheel = api;
}

/** A served lazy module, by a script element carrying its SRI hash (no eval: fine under a strict CSP). */
function loadScript<T>(src: string, integrity: string, name: string): Promise<T> {
  const global = window as unknown as Record<string, T | undefined>;
  if (global[name]) {
    return Promise.resolve(global[name] as T);
  }
  return new Promise((resolve, reject) => {
    const script = document.createElement('script');
    script.src = src;
    script.async = true;
    script.crossOrigin = 'anonymous';
    if (integrity) {
      script.integrity = integrity;
    }
    script.onload = () => (global[name] ? resolve(global[name] as T)
      : reject(new Error(`${src} did not provide its module`)));
    script.onerror = () => reject(new Error(`could not load ${src}`));
    document.head.appendChild(script);
  });
}

start();
