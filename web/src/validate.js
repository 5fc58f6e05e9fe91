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

// Evaluations (seed 001 §2.3): the Evaluation contract's bounds and the
// AHP model's rules for a judgment matrix (docs/evaluation.md).

export const DEFAULT_DIMENSIONS = ['availability', 'stability', 'usability', 'extensibility', 'efficiency', 'documentation'];
export const MIN_SCORE = 1;
export const MAX_SCORE = 10;
export const MAX_SUBJECTS = 32;       // the contract's bound
export const MAX_DIMENSIONS = 15;     // Saaty's random index stops at 15
export const MAX_NAME_BYTES = 31;     // a bytes32 on chain
export const MIN_CLOSES_S = 60;
export const MAX_CLOSES_S = 30 * 86400;
export const RECIPROCAL_TOLERANCE = 0.005;

/** Names typed comma or line separated: trimmed, empty entries dropped, order and repeats kept. */
export function nameList(...sources) {
  return sources.flat().flatMap((s) => String(s ?? '').split(/[,\n]/)).map((x) => x.trim()).filter(Boolean);
}

function namesProblem(noun, list, max) {
  if (list.length === 0) return `Choose at least one ${noun}.`;
  if (list.length > max) return `Choose at most ${max} ${noun}s (now ${list.length}).`;
  const long = list.find((x) => bytes(x) > MAX_NAME_BYTES);
  if (long) return `The ${noun} "${long.slice(0, 40)}" is longer than ${MAX_NAME_BYTES} bytes.`;
  const twice = list.find((x, i) => list.indexOf(x) !== i);
  if (twice) return `The ${noun} "${twice}" is listed twice.`;
  return null;
}

/** "90" minutes -> 5400 seconds; NaN unless the amount is a plain non-negative number. */
export function closesInSeconds(amount, unitSeconds) {
  const v = String(amount ?? '').trim();
  return /^(\d+\.?\d*|\.\d+)$/.test(v) ? Math.round(Number(v) * unitSeconds) : NaN;
}

export function closesInProblem(seconds) {
  if (!Number.isFinite(seconds)) return 'Say in how long the round closes (a number).';
  if (seconds < MIN_CLOSES_S) return 'The round must stay open for at least a minute.';
  if (seconds > MAX_CLOSES_S) return 'The round may stay open for at most 30 days.';
  return null;
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

function entry(text) {
  const parts = text.split('/');
  if (parts.length > 2 || !parts.every((p) => NUMBER.test(p))) return NaN;
  return parts.length === 2 ? Number(parts[0]) / Number(parts[1]) : Number(parts[0]);
}

/**
 * A judgment matrix as typed: one row per line (or ';'), entries separated
 * by spaces or commas, fractions such as 1/3 allowed; JSON [[...]] too.
 * Unreadable entries become NaN so that the check can name them.
 */
export function parseMatrix(text) {
  const t = String(text ?? '').trim();
  if (t.startsWith('[')) {
    try {
      const m = JSON.parse(t);
      if (Array.isArray(m) && m.every(Array.isArray)) return m.map((row) => row.map((x) => (typeof x === 'number' ? x : entry(String(x)))));
    } catch { /* read as text below */ }
  }
  return t.split(/[\n;]/).map((line) => line.trim()).filter(Boolean)
    .map((line) => line.split(/[\s,]+/).filter(Boolean).map(entry));
}

const num = (x) => String(Math.round(x * 1e4) / 1e4);

/** Square, n×n, positive, 1 on the diagonal, a_ij·a_ji = 1 within 0.005, n ≤ 15; null when fine. */
export function judgmentProblem(m, n) {
  if (!Array.isArray(m) || m.length === 0) return 'The judgment matrix is empty.';
  const bad = m.findIndex((row) => row.length !== m.length);
  if (bad >= 0) return `The judgment matrix must be square: row ${bad + 1} has ${m[bad].length} entries, expected ${m.length}.`;
  if (m.length !== n) return `The judgment matrix is ${m.length}×${m.length} but there ${n === 1 ? 'is 1 dimension' : `are ${n} dimensions`}.`;
  if (n > MAX_DIMENSIONS) return `A judgment matrix may have at most ${MAX_DIMENSIONS} rows.`;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const a = m[i][j];
      if (!Number.isFinite(a) || a <= 0) return `Entry (${i + 1},${j + 1}) must be a positive number.`;
    }
  }
  for (let i = 0; i < n; i++) if (Math.abs(m[i][i] - 1) > 1e-9) return `Entry (${i + 1},${i + 1}) is on the diagonal and must be 1.`;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const p = m[i][j] * m[j][i];
      if (Math.abs(p - 1) > RECIPROCAL_TOLERANCE)
        return `Entries (${i + 1},${j + 1}) = ${num(m[i][j])} and (${j + 1},${i + 1}) = ${num(m[j][i])} are not reciprocal: their product is ${num(p)}, expected 1.`;
    }
  }
  return null;
}

/** Opening a round: field id -> message (ids of the form on #/evaluations). */
export function roundProblems({ subjects, dimensions, closesIn, raters, judgment }) {
  const errors = {};
  const s = namesProblem('subject', subjects, MAX_SUBJECTS);
  if (s) errors['round-subjects'] = s;
  const d = namesProblem('dimension', dimensions, MAX_DIMENSIONS);
  if (d) errors['round-dimensions'] = d;
  const c = closesInProblem(closesIn);
  if (c) errors['round-closes'] = c;
  if (raters.length === 0) errors['round-raters'] = 'Name at least one rater.';
  else {
    const wrong = raters.find((r) => usernameProblem(r));
    const twice = raters.find((r, i) => raters.indexOf(r) !== i);
    if (wrong) errors['round-raters'] = `"${wrong.slice(0, 40)}" is not a username: ${usernameProblem(wrong)}`;
    else if (twice) errors['round-raters'] = `The rater "${twice}" is listed twice.`;
  }
  if (String(judgment ?? '').trim()) {
    const j = judgmentProblem(parseMatrix(judgment), dimensions.length);
    if (j) errors['round-judgment'] = j;
  } else if (!d && dimensions.length !== DEFAULT_DIMENSIONS.length) {
    errors['round-judgment'] = `The default judgment (the seed's Table 1) is 6×6; give a ${dimensions.length}×${dimensions.length} matrix for these dimensions.`;
  }
  return errors;
}

/** The grid's cell texts as whole numbers (only after scoreProblems found none). */
export const scoreGrid = (cells) => cells.map((row) => row.map((v) => Number(String(v).trim())));

/**
 * A rater's sheet: every cell a whole number from 1 to 10 and the grid
 * complete. Marks each bad cell (`score-i-j`) and sums up in `rate-grid`.
 */
export function scoreProblems(cells, subjects, dimensions) {
  const errors = {};
  if (!Array.isArray(cells) || cells.length !== subjects.length || cells.some((row) => !Array.isArray(row) || row.length !== dimensions.length)) {
    errors['rate-grid'] = `The grid must have ${subjects.length} rows of ${dimensions.length} scores.`;
    return errors;
  }
  let empty = 0;
  let wrong = 0;
  let first = null;
  cells.forEach((row, i) => row.forEach((raw, j) => {
    const v = String(raw ?? '').trim();
    if (v === '') empty++;
    else if (!/^\d+$/.test(v) || Number(v) < MIN_SCORE || Number(v) > MAX_SCORE) {
      wrong++;
      first ??= `${subjects[i]} / ${dimensions[j]} is "${v.slice(0, 12)}"`;
    } else return;
    errors[`score-${i}-${j}`] = v === '' ? 'Required.' : `Must be a whole number from ${MIN_SCORE} to ${MAX_SCORE}.`;
  }));
  if (empty || wrong) {
    const parts = [];
    if (empty) parts.push(`${empty} empty`);
    if (wrong) parts.push(`${wrong} not a whole number from ${MIN_SCORE} to ${MAX_SCORE} (${first})`);
    errors['rate-grid'] = `Give every subject a whole-number score from ${MIN_SCORE} to ${MAX_SCORE} on every dimension: ${parts.join(', ')}.`;
  }
  return errors;
}
