// Tiny DOM helpers: element builders, labelled fields, and forms that show
// client-side and server-side errors next to themselves.
import { describe } from './api.js';

const SVG_NS = 'http://www.w3.org/2000/svg';

function set(el, props) {
  for (const [k, v] of Object.entries(props || {})) {
    if (v == null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2).toLowerCase(), v);
    else if (k === 'class') el.setAttribute('class', v);
    else if (k === 'value' || k === 'checked') el[k] = v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
}

function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c == null || c === false) continue;
    el.append(c instanceof Node ? c : String(c));
  }
}

/** h('a', {href, class, onClick, 'data-testid'}, ...children) */
export function h(tag, props, ...children) {
  const el = document.createElement(tag);
  set(el, props);
  append(el, children);
  return el;
}

/** The same for SVG elements. */
export function s(tag, props, ...children) {
  const el = document.createElementNS(SVG_NS, tag);
  set(el, props);
  append(el, children);
  return el;
}

/** A labelled control with a hint and an error line, tied together for screen readers. */
export function field(id, label, control, hint) {
  control.id = id;
  if (!control.name) control.name = id;
  const hintEl = hint ? h('p', { class: 'hint', id: `${id}-hint` }, hint) : null;
  const err = h('p', { class: 'field-error', id: `${id}-error`, 'data-testid': `${id}-error`, hidden: true });
  control.setAttribute('aria-describedby', [hintEl && `${id}-hint`, `${id}-error`].filter(Boolean).join(' '));
  return h('div', { class: 'field' }, h('label', { for: id }, label), control, hintEl, err);
}

/** A group of checkboxes or radios under a legend, with one error line (id = `${id}-error`). */
export function group(id, legend, controls, hint) {
  const err = h('p', { class: 'field-error', id: `${id}-error`, 'data-testid': `${id}-error`, hidden: true });
  return h('fieldset', { class: 'field group', id, 'aria-describedby': `${id}-error` },
    h('legend', null, legend), hint ? h('p', { class: 'hint' }, hint) : null,
    h('div', { class: 'choices' }, controls), err);
}

/** A status line: state is '', 'pending', 'ok' or 'error'; text may be nodes. */
export function status(name) {
  return h('p', { class: 'status', 'data-testid': `${name}-status`, 'aria-live': 'polite', hidden: true });
}

export function setStatus(el, state, text) {
  el.hidden = !text;
  el.dataset.state = state;
  el.setAttribute('role', state === 'error' ? 'alert' : 'status');
  el.replaceChildren(...[text || ''].flat());
}

function clearErrors(form) {
  for (const e of form.querySelectorAll('.field-error')) {
    e.hidden = true;
    e.textContent = '';
  }
  for (const c of form.querySelectorAll('[aria-invalid]')) c.removeAttribute('aria-invalid');
}

function showErrors(form, errors) {
  let first = null;
  for (const [id, text] of Object.entries(errors)) {
    const err = form.querySelector(`#${CSS.escape(id)}-error`);
    if (err) {
      err.textContent = text;
      err.hidden = false;
    }
    const control = form.querySelector(`#${CSS.escape(id)}`);
    if (control) {
      control.setAttribute('aria-invalid', 'true');
      first ||= control.matches('fieldset') ? control.querySelector('input') : control;
    }
  }
  first?.focus();
}

/**
 * Wires a form: Enter or the submit button runs validate() (an object of
 * field id -> message); if clean, submit(progress) runs with the button
 * disabled, and its resolved text or its error shows in the status line.
 */
export function bindForm(form, { name, validate, submit, pending = 'Working…' }) {
  const line = status(name);
  form.append(line);
  form.setAttribute('novalidate', '');
  form.dataset.testid ||= `${name}-form`;
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    const errors = validate ? validate() : {};
    if (Object.keys(errors).length) {
      setStatus(line, 'error', 'Please correct the fields marked above.');
      showErrors(form, errors);
      return;
    }
    const button = form.querySelector('button[type=submit]');
    if (button) button.disabled = true;
    form.setAttribute('aria-busy', 'true');
    setStatus(line, 'pending', pending);
    try {
      const text = await submit((t) => setStatus(line, 'pending', t));
      setStatus(line, 'ok', text || 'Done.');
    } catch (err) {
      setStatus(line, 'error', describe(err));
    } finally {
      if (button) button.disabled = false;
      form.removeAttribute('aria-busy');
    }
  });
  return line;
}

/** A block that shows "Loading…", then what fill() renders, or the error (under a heading if given). */
export async function load(container, fill, errorTitle) {
  container.setAttribute('aria-busy', 'true');
  if (!container.hasChildNodes()) container.append(h('p', { class: 'muted' }, 'Loading…'));
  try {
    const content = await fill();
    container.replaceChildren(...[content].flat().filter(Boolean));
  } catch (err) {
    container.replaceChildren(...[errorTitle ? pageHeader(errorTitle) : null,
      h('p', { class: 'status', 'data-state': 'error', role: 'alert', 'data-testid': 'load-error' }, describe(err))].filter(Boolean));
  } finally {
    container.removeAttribute('aria-busy');
  }
}

export function pageHeader(title, ...extra) {
  return h('div', { class: 'page-head' }, h('h1', { tabindex: '-1' }, title), extra);
}

export function keywordsList(words) {
  if (!words?.length) return null;
  return h('ul', { class: 'tags', 'aria-label': 'Keywords' }, words.map((w) => h('li', null, w)));
}

export function shortHex(x) {
  return typeof x === 'string' && x.length > 14 ? `${x.slice(0, 8)}…${x.slice(-6)}` : x ?? '';
}

export function tokens(n) {
  return `${formatAmount(n)} PET`;
}

export function formatAmount(n) {
  const str = String(n ?? 0);
  const neg = str.startsWith('-');
  const digits = neg ? str.slice(1) : str;
  return (neg ? '−' : '') + digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}
