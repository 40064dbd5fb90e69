// The console's one way to the public APIs: same-origin requests that
// carry the session cookie and the X-Rampart-Console header (without it
// the server ignores the cookie).

/** An API error: the HTTP status, the family's code and its message. */
export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

/**
 * Sends method path (with an optional JSON body) and returns the decoded
 * answer; throws ApiError for an error answer in any family's envelope.
 */
export async function api(method, path, body) {
  const init = { method, credentials: 'same-origin', headers: { 'X-Rampart-Console': '1', Accept: 'application/json' } };
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const res = await fetch(path, init);
  const text = await res.text();
  let data = null;
  if (text) {
    try { data = JSON.parse(text); } catch { data = null; }
  }
  if (!res.ok || (data && data.success === false)) {
    const code = (data && (data.error_code || data.code)) || String(res.status);
    const msg = (data && (data.error_msg || data.message || (data.error && data.error.message))) || res.statusText;
    const err = new ApiError(res.status, code, msg);
    if (res.status === 401 && path !== '/console/api/session') {
      window.dispatchEvent(new CustomEvent('rampart-session-ended', { detail: err }));
    }
    throw err;
  }
  return data;
}

/** Builds a query string from the non-empty values of params. */
export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  }
  const s = q.toString();
  return s ? '?' + s : '';
}
