// /console/hosts: every host Control knows, online or stale.
import { api } from './api.js';
import { fmt, h, replace, table } from './dom.js';
import { hostState } from './parts.js';

export default {
  path: '/console/hosts',
  title: 'Hosts',
  mount(root) {
    root.append(h('h1', null, 'Hosts'),
      h('p', { class: 'lead' }, 'A host is stale once Control has heard nothing from its node agent for the host timeout; '
        + 'its services then get no traffic until it speaks again.'));
    const region = h('div', { id: 'hosts' });
    root.append(region);
    return {
      async refresh(poll) {
        const hosts = await api.hosts(poll);
        replace(region, table({
          caption: `${hosts.length} hosts; last seen is Control's clock at the last register or heartbeat.`,
          label: 'Hosts',
          key: host => host.host_id,
          columns: [
            { label: 'Host', cell: host => host.host_id, header: true },
            { label: 'Name', cell: host => host.display_name ?? '' },
            { label: 'State', cell: host => h('span', { 'data-host-state': host.status.stale ? 'stale' : 'online' }, hostState(host)) },
            { label: 'Last seen', cell: host => h('span', { title: new Date(host.status.last_seen * 1000).toISOString() }, fmt.ago(host.status.last_seen)) },
            { label: 'Address', cell: host => h('code', null, host.address) },
            { label: 'Services', cell: host => String(host.service_count), num: true },
            { label: 'Labels', cell: host => pairs(host.labels) },
            { label: 'Metrics', cell: host => pairs(host.metrics) },
          ],
          rows: hosts,
          empty: 'No host has registered yet.',
        }));
      },
    };
  },
};

// Free-form objects (labels, metrics) as "name value" lines; nested values as compact JSON.
function pairs(object) {
  const entries = Object.entries(object ?? {});
  if (entries.length === 0) {
    return h('span', { class: 'source' }, 'none');
  }
  return h('ul', { class: 'reasons' }, entries.map(([name, value]) =>
    h('li', null, h('span', { class: 'mono' }, name), ' ', typeof value === 'object' ? JSON.stringify(value) : String(value))));
}
