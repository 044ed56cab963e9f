// Building the page: elements from data with text nodes only (names come from nodes and engines, never markup).

/** h('td', {class: 'num'}, '12'): props are attributes, `on*` listeners, `text`; children are nodes, strings or arrays. */
export function h(tag, props, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(props ?? {})) {
    if (value === null || value === undefined || value === false) {
      continue;
    }
    if (name === 'class') {
      element.className = value;
    } else if (name === 'text') {
      element.textContent = value;
    } else if (name.startsWith('on') && typeof value === 'function') {
      element.addEventListener(name.slice(2), value);
    } else {
      element.setAttribute(name, value === true ? '' : String(value));
    }
  }
  append(element, children);
  return element;
}

function append(parent, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) {
      continue;
    }
    parent.append(child instanceof Node ? child : String(child));
  }
}

/**
 * Replaces a region's content; the element that had focus gets it back in the new content when it carries the same
 * data-focus-key, so live updates never throw a keyboard user out of a table.
 */
export function replace(region, ...content) {
  const active = document.activeElement;
  const key = active && region.contains(active) ? active.getAttribute('data-focus-key') : null;
  region.replaceChildren();
  append(region, content);
  if (key) {
    region.querySelector(`[data-focus-key="${CSS.escape(key)}"]`)?.focus();
  }
}

/**
 * A table in a labelled, keyboard-scrollable region. columns: [{label, cell(row) → content, num?}]; rows get
 * data-key from key(row) and the class from rowClass(row).
 */
export function table({ caption, columns, rows, empty, key, rowClass, label }) {
  const body = rows.length === 0
    ? [h('tr', null, h('td', { class: 'empty', colspan: columns.length }, empty ?? 'Nothing to show.'))]
    : rows.map(row => h('tr', { 'data-key': key?.(row), class: rowClass?.(row) },
      columns.map(column => h(column.header ? 'th' : 'td', { class: column.num ? 'num' : null, scope: column.header ? 'row' : null }, column.cell(row)))));
  return h('div', { class: 'table-wrap', role: 'region', 'aria-label': label ?? caption, tabindex: 0 },
    h('table', null,
      caption ? h('caption', null, caption) : null,
      h('thead', null, h('tr', null, columns.map(column => h('th', { scope: 'col', class: column.num ? 'num' : null }, column.label)))),
      h('tbody', null, body)));
}

export const badge = (text, tone) => h('span', { class: `badge ${tone}` }, text);

/** Dash for a missing figure, read as "none" by screen readers. */
export const none = () => h('span', { 'aria-label': 'none', title: 'none' }, '–');

export const fmt = {
  ms: value => value === null || value === undefined ? none() : value >= 100 ? Math.round(value).toLocaleString('en') : Number(value).toFixed(1),
  num: (value, digits = 2) => value === null || value === undefined ? none() : Number(value).toFixed(digits),
  int: value => value === null || value === undefined ? none() : String(Math.round(value)),
  pct: value => value === null || value === undefined ? none() : `${Math.round(value * 100)}%`,
  time: unixSeconds => unixSeconds ? new Date(unixSeconds * 1000).toLocaleTimeString('en-GB') : none(),
  dateTime: unixSeconds => unixSeconds
    ? new Date(unixSeconds * 1000).toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'medium' })
    : none(),
  ago: unixSeconds => {
    if (!unixSeconds) {
      return 'never';
    }
    const seconds = Math.max(0, Date.now() / 1000 - unixSeconds);
    return seconds < 90 ? `${Math.round(seconds)} s ago` : seconds < 5400 ? `${Math.round(seconds / 60)} min ago` : `${Math.round(seconds / 3600)} h ago`;
  },
  seconds: value => value === null || value === undefined ? none() : value < 90 ? `${value.toFixed(1)} s` : `${Math.round(value / 60)} min`,
};

/**
 * A small line of recent values, labelled for screen readers with its range and latest value; nothing when fewer
 * than two values are known.
 */
export function sparkline(values, label, unit = '') {
  const known = values.filter(value => value !== null && value !== undefined && Number.isFinite(value));
  if (known.length < 2) {
    return null;
  }
  const width = 64;
  const height = 18;
  const min = Math.min(...known);
  const max = Math.max(...known);
  const span = max - min || 1;
  const step = width / (values.length - 1);
  const points = values
    .map((value, index) => value === null || value === undefined ? null : `${(index * step).toFixed(1)},${(height - 2 - ((value - min) / span) * (height - 4)).toFixed(1)}`)
    .filter(point => point !== null)
    .join(' ');
  const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  svg.setAttribute('class', 'spark');
  svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
  svg.setAttribute('role', 'img');
  const round = value => Number(value.toFixed(1));
  svg.setAttribute('aria-label', `${label}, last ${known.length} readings: from ${round(min)} to ${round(max)}${unit}, now ${round(known[known.length - 1])}${unit}`);
  const line = document.createElementNS('http://www.w3.org/2000/svg', 'polyline');
  line.setAttribute('points', points);
  svg.append(line);
  return svg;
}

/**
 * A section with a heading; its content element is returned for live updates. Not a landmark of its own: the table
 * inside already is one, under the same name.
 */
export function section(parent, title, id) {
  const content = h('div', { id });
  parent.append(h('section', null, h('h2', null, title), content));
  return content;
}

/** A message box: tone error, note or ok. */
export const message = (text, tone = 'note', role = null) => h('p', { class: `message ${tone}`, role }, text);
