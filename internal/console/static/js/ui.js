// Small DOM helpers shared by the pages: element building, tables, forms
// and errors shown next to the field they concern.

/** Creates an element with attributes (on* are listeners) and children. */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'text') el.textContent = v;
    else if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, v);
  }
  for (const c of children.flat()) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

/** A table of rows; columns are [heading, row => cell content, className?]. */
export function table(columns, rows, caption) {
  if (!rows.length) return h('p', { class: 'nodata' }, 'Nothing to show.');
  return h('div', { class: 'table-wrap' },
    h('table', {},
      caption ? h('caption', { class: 'visually-hidden' }, caption) : null,
      h('thead', {}, h('tr', {}, columns.map(([name]) => h('th', { scope: 'col' }, name)))),
      h('tbody', {}, rows.map(r => h('tr', {}, columns.map(([name, cell, cls]) => h('td', { class: cls, 'data-label': name }, cell(r))))))));
}

let fieldSeq = 0;

/**
 * A labelled form field. opts: name, label, type, value, options (for a
 * select: [value, text] pairs), fields (the API's names for it, which the
 * error messages use), required, placeholder.
 */
export function field(opts) {
  const id = 'f' + (++fieldSeq);
  let input;
  if (opts.options) {
    input = h('select', { id, name: opts.name },
      opts.options.map(([v, t]) => h('option', { value: v, selected: String(v) === String(opts.value ?? '') }, t)));
  } else {
    input = h('input', { id, name: opts.name, type: opts.type || 'text', value: opts.value ?? '',
      required: !!opts.required, placeholder: opts.placeholder, inputmode: opts.inputmode, min: opts.min });
  }
  input.dataset.fields = [opts.name, ...(opts.fields || [])].join(' ');
  return h('div', { class: 'field' }, h('label', { for: id }, opts.label), input,
    h('p', { class: 'field-error', role: 'alert' }));
}

/** The form's values by input name. */
export function values(form) {
  const out = {};
  for (const el of form.elements) {
    if (!el.name) continue;
    if (el.type === 'checkbox') {
      (out[el.name] ||= []);
      if (el.checked) out[el.name].push(el.value);
    } else out[el.name] = el.value.trim();
  }
  return out;
}

/** Clears the errors shown in form. */
export function clearErrors(form) {
  for (const p of form.querySelectorAll('.field-error, [data-form-error]')) p.textContent = '';
  for (const el of form.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
}

/**
 * Shows err next to the field its message names (an input whose
 * data-fields lists a word of the message), or at the top of the form.
 */
export function showError(form, err) {
  clearErrors(form);
  const msg = err && err.message ? err.message : String(err);
  const text = (err && err.code ? err.code + ': ' : '') + msg;
  const lower = msg.toLowerCase();
  let best = null, bestLen = 0;
  for (const el of form.querySelectorAll('[data-fields]')) {
    for (const f of el.dataset.fields.split(' ')) {
      if (f && f.length > bestLen && new RegExp('(^|[^a-z_])' + f.toLowerCase().replace(/[.*+?^${}()|[\]\\]/g, '\\$&') + '($|[^a-z_])').test(lower)) {
        best = el; bestLen = f.length;
      }
    }
  }
  if (best) {
    best.setAttribute('aria-invalid', 'true');
    const p = best.closest('.field, fieldset').querySelector('.field-error');
    p.textContent = text;
    best.focus();
    return;
  }
  let top = form.querySelector('[data-form-error]');
  if (!top) {
    top = h('p', { class: 'form-error', role: 'alert', 'data-form-error': true });
    form.prepend(top);
  }
  top.textContent = text;
}

/** Runs fn on submit, with the form's errors cleared first and shown after. */
export function onSubmit(form, fn) {
  form.addEventListener('submit', async ev => {
    ev.preventDefault();
    clearErrors(form);
    const btn = form.querySelector('button[type=submit]');
    if (btn) btn.disabled = true;
    try { await fn(values(form)); } catch (err) { showError(form, err); } finally { if (btn) btn.disabled = false; }
  });
}

/** A "no data" notice for an operation this server does not answer (404). */
export function noData(what, err) {
  const reason = err && err.status === 404 ? 'this server does not offer ' + what + ' yet' : (err ? err.message : 'no data');
  return h('p', { class: 'nodata' }, 'No data: ' + reason + '.');
}

/** Formats a millisecond timestamp for people. */
export function when(ms) {
  const n = Number(ms);
  if (!n) return '';
  return new Date(n).toLocaleString();
}
