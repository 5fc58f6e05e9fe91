// Client-side checks mirroring the server's rules (thesis fig. 5.2 for
// demands). Each returns an object of field id -> message; empty = valid.

export const chars = (s) => [...(s ?? '')].length;
const bytes = (s) => new TextEncoder().encode(s).length;

export function textProblem(label, value, min, max) {
  const n = chars(value.trim() === '' ? '' : value);
  if (n < min) return n === 0 ? `${label} is required.` : `${label} needs at least ${min} characters (now ${n}).`;
  if (n > max) return `${label} may have at most ${max} characters (now ${n}).`;
  return null;
}

/** Keywords: lower case, no repeats, empty entries dropped. */
export function keywordList(...sources) {
  const all = sources.flat().flatMap((s) => String(s).split(','));
  return [...new Set(all.map((k) => k.trim().toLowerCase()).filter(Boolean))];
}

export function keywordsProblem(list) {
  if (list.length === 0) return 'Choose at least one keyword.';
  if (list.length > 10) return `Choose at most 10 keywords (now ${list.length}).`;
  const long = list.find((k) => bytes(k) > 32);
  if (long) return `Keyword "${long.slice(0, 40)}" is longer than 32 characters.`;
  return null;
}

/** A whole number of tokens >= 1 (as a string), or the problem. */
export function amountProblem(label, value, max) {
  const v = String(value ?? '').trim();
  if (!/^\d+$/.test(v) || BigInt(v) < 1n) return `${label} must be a whole number of at least 1.`;
  if (max != null && BigInt(v) > BigInt(max)) return `${label} is more than your balance (${max}).`;
  return null;
}

export function usernameProblem(name) {
  if (name.length < 3 || name.length > 32) return 'Username must be 3 to 32 characters long.';
  if (!/^[a-z]/.test(name)) return 'Username must start with a letter a-z.';
  if (!/^[a-z0-9_.-]+$/.test(name)) return "Username may use only a-z, 0-9, '_', '.' and '-'.";
  return null;
}

export function passwordProblem(p) {
  const n = chars(p);
  return n < 8 || n > 128 ? 'Password must be 8 to 128 characters long.' : null;
}

export const MIN_EXPIRY_S = 60;
export const MAX_EXPIRY_S = 365 * 24 * 3600;

/** Seconds from `now` (ms) to a datetime-local value, or NaN. */
export function secondsUntil(localValue, now = Date.now()) {
  const t = new Date(localValue).getTime();
  return Number.isNaN(t) || !localValue ? NaN : Math.round((t - now) / 1000);
}

/** Fig. 5.2: description and details 5–100, 1–10 keywords, expiry ahead, 1 ≤ bounty ≤ balance. */
export function demandProblems({ description, details, keywords, expiry, bounty, balance }, now = Date.now()) {
  const errors = {};
  const d = textProblem('Description', description, 5, 100);
  if (d) errors['demand-description'] = d;
  const x = textProblem('Details', details, 5, 100);
  if (x) errors['demand-details'] = x;
  const k = keywordsProblem(keywords);
  if (k) errors['demand-keywords'] = k;
  const secs = secondsUntil(expiry, now);
  if (Number.isNaN(secs)) errors['demand-expiry'] = 'Choose when the demand expires.';
  else if (secs < MIN_EXPIRY_S) errors['demand-expiry'] = 'The expiry must be in the future (at least a minute from now).';
  else if (secs > MAX_EXPIRY_S) errors['demand-expiry'] = 'The expiry may be at most a year from now.';
  const b = amountProblem('Bounty', bounty, balance);
  if (b) errors['demand-bounty'] = b;
  return errors;
}

export function projectProblems({ title, summary, price, keywords, file }, maxBytes = 6 << 20) {
  const errors = {};
  const t = textProblem('Title', title, 1, 80);
  if (t) errors['project-title'] = t;
  const s = textProblem('Summary', summary, 5, 1000);
  if (s) errors['project-summary'] = s;
  const p = amountProblem('Price', price);
  if (p) errors['project-price'] = p;
  const k = keywordsProblem(keywords);
  if (k) errors['project-keywords'] = k;
  if (!file) errors['project-file'] = 'Choose the file buyers will download.';
  else if (file.size === 0) errors['project-file'] = 'The file is empty.';
  else if (file.size > maxBytes) errors['project-file'] = `The file is larger than ${maxBytes >> 20} MB.`;
  return errors;
}
