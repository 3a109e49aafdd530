/**
 * Text a collector (or a proxy in front of it) sent back — an HTTP answer body, a status
 * line's reason, gRPC status details — made safe for an error message: such text may quote
 * our request, credentials included ("invalid key …"), so every secret we sent is removed
 * before it can reach the application's log.
 *
 * @packageDocumentation
 */

/** Longest excerpt of collector text kept in a message. */
const MAX_CHARS = 160;
/** Shorter values are not searched for (they would garble the text and protect nothing). */
const MIN_SECRET_CHARS = 3;

/**
 * Every form in which the secrets we send to a collector may come back quoted: each header
 * value, the token, the password, `user:password`, the decoded parts of `Basic …`/`Bearer …`
 * values, and the base64, URL-encoded and JSON-escaped forms of each.
 *
 * @param headers - the request headers / gRPC metadata values we send (all treated as secret)
 * @param extra - further secrets (token, password, URL credentials); `undefined`s are skipped
 * @returns the list for {@link collectorReason}, longest first. Never throws.
 * @example
 * ```ts
 * const secrets = secretVariants({ Authorization: 'Basic dTpw' }, ['s3cret-token']);
 * ```
 */
export function secretVariants(headers: Record<string, string | undefined> | undefined, extra: ReadonlyArray<string | undefined> = []): string[] {
  const base = new Set<string>();
  const add = (v: string | undefined): void => {
    if (typeof v === 'string' && v.length >= MIN_SECRET_CHARS) base.add(v);
  };
  for (const v of [...Object.values(headers ?? {}), ...extra]) {
    if (typeof v !== 'string') continue;
    add(v);
    const m = /^(basic|bearer)\s+(.+)$/i.exec(v.trim());
    if (m) {
      const cred = m[2] as string;
      add(cred);
      if (m[1]?.toLowerCase() === 'basic') {
        const decoded = Buffer.from(cred, 'base64').toString('utf8');
        add(decoded);
        const colon = decoded.indexOf(':');
        if (colon >= 0) add(decoded.slice(colon + 1));
      }
    }
  }
  const all = new Set<string>();
  for (const v of base) {
    all.add(v);
    all.add(Buffer.from(v).toString('base64'));
    for (const enc of [encodeURIComponent(v), JSON.stringify(v).slice(1, -1)]) if (enc.length >= MIN_SECRET_CHARS) all.add(enc);
  }
  return [...all].sort((a, b) => b.length - a.length);
}

/**
 * A short, log-safe excerpt of collector-provided text: control characters folded to spaces,
 * every known secret (see {@link secretVariants}) and anything shaped like a credential
 * (`Basic …`, `Bearer …`, `authorization`/`key`/`token`/`password`/`cookie` followed by a
 * value) replaced by `<redacted>`, then cut to 160 characters.
 *
 * @param text - the collector's text (body, reason phrase, gRPC details); may be undefined
 * @param secrets - from {@link secretVariants}
 * @returns the safe excerpt; `''` when there is nothing to say. Never throws.
 * @example
 * ```ts
 * collectorReason('invalid key sEcReT', ['sEcReT']); // 'invalid key <redacted>'
 * ```
 */
export function collectorReason(text: string | undefined, secrets: readonly string[]): string {
  if (!text) return '';
  // Secrets are removed from the whole text before it is cut, so no partial copy survives the cut.
  let s = text.replace(/[\u0000-\u001f\u007f]+/g, ' ');
  for (const secret of secrets) if (secret) s = s.split(secret).join('<redacted>');
  s = s
    .replace(/\b(basic|bearer)\s+[^\s"',;}]+/gi, '$1 <redacted>')
    .replace(/(authori[sz]ation|api[-_]?key|[-_]key|token|password|passwd|secret|cookie|authentication)(["']?\s*[:=]\s*["']?)[^"',;}\s]+/gi, '$1$2<redacted>')
    .replace(/\s+/g, ' ')
    .trim();
  return s.length > MAX_CHARS ? `${s.slice(0, MAX_CHARS - 1)}…` : s;
}
