// The REST API: the session, fetch with the bearer token, errors as
// ApiError, and writes that wait for their transaction task.

const SESSION_KEY = 'petrade.session';
const listeners = new Set();

export const session = {
  get() {
    try {
      const s = JSON.parse(sessionStorage.getItem(SESSION_KEY));
      if (s && s.expires_at && s.expires_at * 1000 < Date.now()) {
        sessionStorage.removeItem(SESSION_KEY);
        return null;
      }
      return s;
    } catch {
      return null;
    }
  },
  set(s) {
    sessionStorage.setItem(SESSION_KEY, JSON.stringify(s));
    listeners.forEach((f) => f(s));
  },
  clear() {
    sessionStorage.removeItem(SESSION_KEY);
    listeners.forEach((f) => f(null));
  },
  onChange(f) {
    listeners.add(f);
  },
};

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

/** The text to show for any error. */
export function describe(err) {
  if (err instanceof ApiError) return err.message || `Request failed (${err.code})`;
  if (err?.name === 'TypeError') return 'Cannot reach the server. Check your connection and try again.';
  return err?.message || String(err);
}

function newKey() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}

export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params || {})) if (v !== '' && v != null) q.set(k, v);
  const str = q.toString();
  return str ? `?${str}` : '';
}

/** One request. Resolves to the JSON body; rejects with ApiError. */
export async function api(method, path, { body, key, signal } = {}) {
  const headers = { Accept: 'application/json' };
  const token = session.get()?.token;
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (key) headers['Idempotency-Key'] = key;
  const res = await fetch(path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    signal,
  });
  const text = await res.text();
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = null;
  }
  if (!res.ok) {
    const e = data?.error;
    if (res.status === 401 && token && !path.startsWith('/api/auth/')) session.clear();
    let message = e?.message || text.trim() || `${res.status} ${res.statusText}`;
    if (res.status === 429) message += ` (try again in ${res.headers.get('Retry-After') || 'a few'} s)`;
    throw new ApiError(res.status, e?.code || `http_${res.status}`, message);
  }
  return data;
}

export const get = (path, opts) => api('GET', path, opts);

/**
 * A write: sent with a fresh Idempotency-Key (kept for one retry when the
 * network fails, so the retry is the same task), then followed until its
 * transaction is mined and indexed. progress(text) narrates.
 */
export async function write(method, path, body, progress = () => {}) {
  const key = newKey();
  let accepted;
  try {
    accepted = await api(method, path, { body, key });
  } catch (err) {
    if (err instanceof ApiError) throw err;
    progress('Connection lost; sending again…');
    accepted = await api(method, path, { body, key });
  }
  if (accepted?.task == null) return accepted;
  return { ...(await waitTask(accepted.task, progress)), accepted };
}

const DONE = new Set(['mined', 'confirmed']);
const INDEX_GRACE_MS = 20_000;

export async function waitTask(id, progress = () => {}) {
  const until = Date.now() + 180_000;
  let minedAt = null;   // the indexer gets INDEX_GRACE_MS to catch up, then we go on
  progress(`Submitted as task ${id}; waiting for the block…`);
  while (Date.now() < until) {
    const t = await get(`/api/tasks/${id}?wait=10000`);
    if (t.state === 'failed') throw new ApiError(409, 'task_failed', `Task ${id} failed: ${t.error || 'the transaction was rejected'}`);
    if (DONE.has(t.state)) {
      minedAt ??= Date.now();
      if (t.indexed !== false || Date.now() - minedAt > INDEX_GRACE_MS) return t;
      progress(`Mined in block ${t.block}; updating the listings…`);
      await new Promise((r) => setTimeout(r, 250));
    } else {
      progress(`Task ${id} is ${t.state}…`);
    }
  }
  throw new ApiError(504, 'timeout', `Task ${id} is still not mined after 3 minutes; check again later.`);
}

/** A file as base64 (for file.content_base64). */
export function readBase64(file) {
  return new Promise((resolve, reject) => {
    const r = new FileReader();
    r.onload = () => resolve(String(r.result).replace(/^data:[^,]*,/, ''));
    r.onerror = () => reject(new Error(`Cannot read ${file.name}`));
    r.readAsDataURL(file);
  });
}

/** Saves base64 content as a download named `name`. */
export function saveBase64(name, b64) {
  const bin = atob(b64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  const url = URL.createObjectURL(new Blob([bytes], { type: 'application/octet-stream' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name || 'file';
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
