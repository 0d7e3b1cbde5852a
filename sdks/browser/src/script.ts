import { Flywheel, type FlywheelOptions } from './client';
import { setSurveysLoader, type SurveysModule } from './modules';

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
        setSurveysLoader(() => loadScript(`${host}/sdk/browser/v${__SDK_VERSION__}/flywheel-surveys.min.js`,
            __SURVEYS_INTEGRITY__));
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

/** The served surveys module, by a script element carrying its SRI hash (no eval: fine under a strict CSP). */
function loadScript(src: string, integrity: string): Promise<SurveysModule> {
  const global = window as unknown as { __flywheelSurveys?: SurveysModule };
  if (global.__flywheelSurveys) {
    return Promise.resolve(global.__flywheelSurveys);
  }
  return new Promise((resolve, reject) => {
    const script = document.createElement('script');
    script.src = src;
    script.async = true;
    script.crossOrigin = 'anonymous';
    if (integrity) {
      script.integrity = integrity;
    }
    script.onload = () => (global.__flywheelSurveys ? resolve(global.__flywheelSurveys)
      : reject(new Error(`${src} did not provide the surveys module`)));
    script.onerror = () => reject(new Error(`could not load ${src}`));
    document.head.appendChild(script);
  });
}

start();
