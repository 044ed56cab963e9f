// /console/services: every service with its live signals and their short history.
import { api } from './api.js';
import { badge, fmt, h, replace, sparkline, table } from './dom.js';
import { assets, explainLink, hostLink } from './parts.js';
import { recent, record, signalsOf, standing } from './signals.js';

export default {
  path: '/console/services',
  title: 'Services',
  mount(root) {
    root.append(h('h1', null, 'Services'),
      h('p', { class: 'lead' }, 'Live signals per service: what the facade measured on real traffic (measured), or what the node '
        + 'agent reports until something is measured (reported). The small lines show the last readings of this page.'));
    const region = h('div', { id: 'services' });
    root.append(region);
    return {
      async refresh(poll) {
        const services = await api.services(poll);
        record(services);
        replace(region, servicesTable(services));
      },
    };
  },
};

function servicesTable(services) {
  const rows = [...services].sort((a, b) => a.service_id.localeCompare(b.service_id));
  const withCache = rows.some(service => signalsOf(service).cacheHitRate !== null);
  const live = (label, signal, format, unit) => ({
    label,
    num: true,
    cell: service => h('span', { class: 'signal' },
      sparkline(recent(service.service_id, signal), `${label} of ${service.service_id}`, unit),
      format(signalsOf(service)[signal])),
  });
  const columns = [
    { label: 'Service', cell: service => service.service_id, header: true },
    { label: 'Host', cell: service => hostLink(service.host_id) },
    { label: 'Kind', cell: service => service.kind },
    { label: 'Models', cell: service => [assets(service), ' ', h('br'), modelsToExplain(service)] },
    { label: 'Standing', cell: service => h('span', { 'data-standing': standing(service)[0] }, badge(...standing(service))) },
    live('In flight', 'inFlight', fmt.int, ''),
    live('Queue', 'queue', fmt.int, ''),
    live('p50 ms', 'p50', fmt.ms, ' ms'),
    live('TTFT ms', 'ttft', fmt.ms, ' ms'),
    live('Tokens/s', 'tokensPerSec', value => fmt.num(value, 1), ' tokens/s'),
  ];
  if (withCache) {
    columns.push(live('Prompt cache hits', 'cacheHitRate', fmt.pct, ''));
  }
  columns.push(
    { label: 'Source', cell: service => h('span', { class: 'source' }, signalsOf(service).source) },
    { label: 'Errors', cell: service => errors(signalsOf(service)), num: true });

  const note = withCache ? null : h('p', { class: 'source' },
    'Prompt-cache hit rate: not reported by this cluster (it appears here once engines or the facade report it).');
  return [table({
    caption: `${rows.length} services. Queue is what the engine reports waiting; in flight counts what is being processed.`,
    label: 'Services and their live signals',
    key: service => service.service_id,
    columns,
    rows,
    empty: 'No service is registered yet.',
  }), note];
}

const modelsToExplain = service => service.assets.map(asset =>
  h('span', { class: 'source' }, explainLink(asset.asset_id, service.kind, `why ${asset.asset_id}?`), ' '));

function errors(signals) {
  if (signals.requests === null) {
    return h('span', { class: 'source' }, 'no traffic measured');
  }
  return `${signals.errors} of ${signals.requests}`;
}
