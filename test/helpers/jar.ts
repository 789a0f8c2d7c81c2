// A cookie jar and form helper for page tests with app.inject().
import type { App } from '../../src/app.ts';

export class Jar {
  private readonly cookies = new Map<string, string>();
  constructor(private readonly app: App) {}

  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  private keep(setCookie: string | string[] | undefined): void {
    for (const c of [setCookie ?? []].flat()) {
      const [pair] = c.split(';');
      const [k, ...v] = (pair ?? '').split('=');
      if (!k) continue;
      if (/Max-Age=0|Expires=Thu, 01 Jan 1970/i.test(c)) this.cookies.delete(k.trim());
      else this.cookies.set(k.trim(), v.join('='));
    }
  }

  async get(url: string) {
    const r = await this.app.inject({ url, headers: { cookie: this.header() } });
    this.keep(r.headers['set-cookie']);
    return r;
  }

  /** Posts a form, taking the CSRF token from `fromPage` (or the last page fetched). */
  async post(
    url: string,
    form: Record<string, string>,
    opts: { fromPage?: string; csrf?: string | null } = {},
  ) {
    let csrf = opts.csrf;
    if (csrf === undefined) {
      const page = await this.get(opts.fromPage ?? url);
      csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1] ?? null;
    }
    const body = new URLSearchParams({ ...form, ...(csrf ? { _csrf: csrf } : {}) }).toString();
    const r = await this.app.inject({
      method: 'POST',
      url,
      payload: body,
      headers: { cookie: this.header(), 'content-type': 'application/x-www-form-urlencoded' },
    });
    this.keep(r.headers['set-cookie']);
    return r;
  }
}
