/** What every event says about where it happened (Segment's context fields). */
export interface EventContext {
  library: { name: string; version: string };
  page: { path: string; referrer: string; search: string; title: string; url: string };
  campaign?: Record<string, string>;
  locale?: string;
  timezone?: string;
  screen?: { width: number; height: number; density: number };
  userAgent?: string;
  sessionId?: string;
  [key: string]: unknown;
}

export const LIBRARY = '@flywheel/browser';

/** The UTM parameters of a query string as Segment's campaign object (utm_campaign is its name). */
export function campaign(search: string): Record<string, string> | undefined {
  const params = new URLSearchParams(search);
  const out: Record<string, string> = {};
  params.forEach((value, key) => {
    if (key.startsWith('utm_') && value) {
      const name = key.substring(4);
      out[name === 'campaign' ? 'name' : name] = value;
    }
  });
  return Object.keys(out).length > 0 ? out : undefined;
}

/** The page as the browser shows it now. */
export function page(): EventContext['page'] {
  return {
    path: location.pathname,
    referrer: document.referrer,
    search: location.search,
    title: document.title,
    url: location.href,
  };
}

/** What stays the same for the whole page view, read once: Intl's time zone alone costs ~250 µs a call. */
let stable: Pick<EventContext, 'locale' | 'userAgent' | 'timezone'> | undefined;

function stableParts(): Pick<EventContext, 'locale' | 'userAgent' | 'timezone'> {
  if (!stable) {
    stable = {};
    if (typeof navigator !== 'undefined') {
      stable.locale = navigator.language;
      stable.userAgent = navigator.userAgent;
    }
    try {
      stable.timezone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    } catch {
      // no Intl time zone support: left out
    }
  }
  return stable;
}

export function context(version: string, sessionId: string | undefined): EventContext {
  const out: EventContext = { library: { name: LIBRARY, version }, page: page(), ...stableParts() };
  const utm = campaign(location.search);
  if (utm) {
    out.campaign = utm;
  }
  if (typeof screen !== 'undefined') {
    out.screen = { width: screen.width, height: screen.height, density: window.devicePixelRatio || 1 };
  }
  if (sessionId) {
    out.sessionId = sessionId;
  }
  return out;
}
