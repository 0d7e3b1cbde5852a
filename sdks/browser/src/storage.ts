/** Where the SDK keeps its identifiers and queue: a first-party cookie and localStorage, or memory only. */
export interface Storage {
  get(key: string): string | null;
  set(key: string, value: string): void;
  remove(key: string): void;
  /** The keys that start with {@code prefix}, in no particular order. */
  keys(prefix: string): string[];
}

/** Nothing leaves memory: cookieless mode, and opt-in mode before consent. */
export class MemoryStorage implements Storage {
  private readonly values = new Map<string, string>();

  get(key: string): string | null {
    return this.values.get(key) ?? null;
  }

  set(key: string, value: string): void {
    this.values.set(key, value);
  }

  remove(key: string): void {
    this.values.delete(key);
  }

  keys(prefix: string): string[] {
    return [...this.values.keys()].filter((key) => key.startsWith(prefix));
  }
}

/** localStorage, or memory where the browser refuses it (private modes, sandboxed frames, full quota). */
export class LocalStorage implements Storage {
  private readonly fallback = new MemoryStorage();

  get(key: string): string | null {
    try {
      return window.localStorage.getItem(key);
    } catch {
      return this.fallback.get(key);
    }
  }

  set(key: string, value: string): void {
    try {
      window.localStorage.setItem(key, value);
    } catch {
      this.fallback.set(key, value);
    }
  }

  remove(key: string): void {
    try {
      window.localStorage.removeItem(key);
    } catch {
      this.fallback.remove(key);
    }
  }

  keys(prefix: string): string[] {
    const found = this.fallback.keys(prefix);
    try {
      const storage = window.localStorage;
      for (let i = 0; i < storage.length; i++) {
        const key = storage.key(i);
        if (key !== null && key.startsWith(prefix)) {
          found.push(key);
        }
      }
    } catch {
      // refused: the fallback's keys are all there is
    }
    return found;
  }
}

export interface CookieOptions {
  /** e.g. ".example.com" to share the id across subdomains; the page's host when absent. */
  domain?: string;
  maxAgeDays?: number;
  /**
   * How long a value read is trusted before the cookie is read again (default 5 s). Reading document.cookie asks the
   * browser's network process (20-140 µs in Chromium), and every event needs the visitor's ids; another tab's change
   * arrives at once through localStorage's storage event, another subdomain's within this time.
   */
  cacheMs?: number;
}

/** A first-party cookie (SameSite=Lax, Secure on https), mirrored in localStorage: either one restores the other. */
export class CookieStorage implements Storage {
  private readonly local = new LocalStorage();
  private readonly known = new Map<string, { value: string | null; at: number }>();

  constructor(private readonly options: CookieOptions = {}) {
    if (typeof window !== 'undefined') {
      window.addEventListener('storage', (event) => {
        if (event.key === null) {
          this.known.clear();
        } else {
          this.known.delete(event.key);
        }
      });
    }
  }

  get(key: string): string | null {
    const now = Date.now();
    const hit = this.known.get(key);
    if (hit && now - hit.at < (this.options.cacheMs ?? 5000)) {
      return hit.value;
    }
    const value = this.read(key);
    this.known.set(key, { value, at: now });
    return value;
  }

  private read(key: string): string | null {
    const fromCookie = this.cookie(key);
    const fromLocal = this.local.get(key);
    if (fromCookie) {
      if (fromLocal !== fromCookie) {
        this.local.set(key, fromCookie);
      }
      return fromCookie;
    }
    if (fromLocal) {
      // the cookie was cleared or expired: restored from localStorage
      this.write(key, encodeURIComponent(fromLocal), (this.options.maxAgeDays ?? 365) * 86400);
    }
    return fromLocal;
  }

  set(key: string, value: string): void {
    this.write(key, encodeURIComponent(value), (this.options.maxAgeDays ?? 365) * 86400);
    this.local.set(key, value);
    this.known.set(key, { value, at: Date.now() });
  }

  remove(key: string): void {
    this.write(key, '', 0);
    this.local.remove(key);
    this.known.set(key, { value: null, at: Date.now() });
  }

  /** From localStorage, which mirrors every cookie this class writes. */
  keys(prefix: string): string[] {
    return this.local.keys(prefix);
  }

  private cookie(key: string): string | null {
    const prefix = encodeURIComponent(key) + '=';
    for (const part of document.cookie.split(';')) {
      const cookie = part.trim();
      if (cookie.startsWith(prefix) && cookie.length > prefix.length) {
        try {
          return decodeURIComponent(cookie.substring(prefix.length));
        } catch {
          return null; // not one this class wrote
        }
      }
    }
    return null;
  }

  private write(key: string, value: string, maxAge: number): void {
    let cookie = `${encodeURIComponent(key)}=${value}; Max-Age=${maxAge}; Path=/; SameSite=Lax`;
    if (maxAge <= 0) {
      cookie += '; Expires=Thu, 01 Jan 1970 00:00:00 GMT';
    }
    if (this.options.domain) {
      cookie += `; Domain=${this.options.domain}`;
    }
    if (location.protocol === 'https:') {
      cookie += '; Secure';
    }
    document.cookie = cookie;
  }
}

/**
 * The site's storage for one client: the visitor's identifiers (named by {@code cookieKeys}) in {@code cookies},
 * everything else (the queue, traits, super-properties, the flags cache) in {@code local} only. A cookie holds 4 KB
 * at most, a browser drops a larger one silently, and every cookie travels with every request to the site.
 */
export class SiteStorage implements Storage {
  constructor(
    private readonly cookieKeys: Set<string>,
    private readonly cookies: Storage,
    private readonly local: Storage,
  ) {}

  get(key: string): string | null {
    return this.pick(key).get(key);
  }

  set(key: string, value: string): void {
    this.pick(key).set(key, value);
  }

  remove(key: string): void {
    this.pick(key).remove(key);
  }

  keys(prefix: string): string[] {
    return this.local.keys(prefix);
  }

  private pick(key: string): Storage {
    return this.cookieKeys.has(key) ? this.cookies : this.local;
  }
}
