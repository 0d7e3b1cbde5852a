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

export function context(version: string, sessionId: string | undefined): EventContext {
  const out: EventContext = { library: { name: LIBRARY, version }, page: page() };
  const utm = campaign(location.search);
  if (utm) {
    out.campaign = utm;
  }
  if (typeof navigator !== 'undefined') {
    out.locale = navigator.language;
    out.userAgent = navigator.userAgent;
  }
  try {
    out.timezone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  } catch {
    // no Intl time zone support: left out
  }
  if (typeof screen !== 'undefined') {
    out.screen = { width: screen.width, height: screen.height, density: window.devicePixelRatio || 1 };
  }
  if (sessionId) {
    out.sessionId = sessionId;
  }
  return out;
}
