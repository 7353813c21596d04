// Where the sign-in page may send a browser after signing in (?next=).

// safeNext accepts only a path on this site, so ?next= cannot send a reviewer elsewhere. It
// asks the browser's own URL parser where the value leads, because that is what location.assign
// will do: browsers drop tabs and line breaks and read "\" as "/", so "/\t/evil.example" is
// "//evil.example" to them, another site, though it starts with one slash. Only a value that
// parses to this origin is followed, and then as its path, query and fragment; else fallback.
export function safeNext(raw, fallback = '/queue', origin = globalThis.location?.origin) {
  if (!raw || !origin) return fallback;
  let u;
  try {
    u = new URL(raw, origin);
  } catch {
    return fallback;
  }
  if (u.origin !== origin || (u.protocol !== 'http:' && u.protocol !== 'https:')) return fallback;
  return u.pathname + u.search + u.hash;
}
