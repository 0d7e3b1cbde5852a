/** Where the SDK keeps its identifiers and queue: a first-party cookie and localStorage, or memory only. */
export interface Storage {
  get(key: string): string | null;
  set(key: string, value: string): void;
  remove(key: string): void;
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
}

export interface CookieOptions {
  /** e.g. ".example.com" to share the id across subdomains; the page's host when absent. */
  domain?: string;
  maxAgeDays?: number;
}

/** A first-party cookie (SameSite=Lax, Secure on https), mirrored in localStorage: either one restores the other. */
export class CookieStorage implements Storage {
  private readonly local = new LocalStorage();

  constructor(private readonly options: CookieOptions = {}) {}

  get(key: string): string | null {
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
  }

  remove(key: string): void {
    this.write(key, '', 0);
    this.local.remove(key);
  }

  private cookie(key: string): string | null {
    const prefix = encodeURIComponent(key) + '=';
    for (const part of document.cookie.split(';')) {
      const cookie = part.trim();
      if (cookie.startsWith(prefix) && cookie.length > prefix.length) {
        return decodeURIComponent(cookie.substring(prefix.length));
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

  private pick(key: string): Storage {
    return this.cookieKeys.has(key) ? this.cookies : this.local;
  }
}
