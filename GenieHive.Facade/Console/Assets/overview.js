// /console: the cluster at a glance.
import { api } from './api.js';
import { badge, fmt, h, message, replace, section, table } from './dom.js';
import { assets, hostLink, hostState, serviceLink } from './parts.js';
import { record, standing } from './signals.js';

export default {
  path: '/console',
  title: 'Cluster',
  mount(root) {
    root.append(h('h1', null, 'Cluster at a glance'),
      h('p', { class: 'lead' }, 'Hosts, what is loaded where, and what keeps a service out of rotation. Updated live.'));
    const summary = h('div', { id: 'summary' });
    root.append(summary);
    const loaded = section(root, 'What is loaded where', 'loaded');
    const cooling = section(root, 'Cooldowns', 'cooldowns');

    return {
      async refresh(poll) {
        const [health, hosts, services] = await Promise.all([api.health(poll), api.hosts(poll), api.services(poll)]);
        record(services);
        replace(summary, tiles(health));
        replace(loaded, loadedWhere(hosts, services));
        replace(cooling, cooldowns(services));
      },
    };
  },
};

function tiles(health) {
  const tile = (label, value, detail) => h('div', { class: 'tile' }, h('dt', null, label), h('dd', null, value, detail ? [' ', h('small', null, detail)] : null));
  return h('dl', { class: 'tiles' },
    tile('Hosts online', String(health.online_host_count), `of ${health.host_count}`),
    tile('Hosts stale', String(health.stale_host_count), health.stale_hosts?.length ? health.stale_hosts.join(', ') : null),
    tile('Services healthy', String(health.healthy_service_count), `of ${health.service_count}`),
    tile('Services routable', String(health.routable_service_count), `${health.cooling_down_service_count} cooling down`),
    tile('Roles', String(health.role_count)),
    tile('Routing table version', String(health.routing_version)));
}

function loadedWhere(hosts, services) {
  const hostsById = new Map(hosts.map(host => [host.host_id, host]));
  const rows = [...services].sort((a, b) => a.host_id.localeCompare(b.host_id) || a.service_id.localeCompare(b.service_id));
  return table({
    caption: 'Every service by host, with its models (● loaded, ○ listed but not loaded) and whether it takes traffic now.',
    label: 'What is loaded where',
    key: service => service.service_id,
    columns: [
      { label: 'Host', cell: service => hostLink(service.host_id) },
      { label: 'Host state', cell: service => hostState(hostsById.get(service.host_id)) },
      { label: 'Service', cell: service => serviceLink(service.service_id), header: true },
      { label: 'Kind', cell: service => service.kind },
      { label: 'Models', cell: service => assets(service) },
      { label: 'Standing', cell: service => badge(...standing(service)) },
    ],
    rows,
    empty: 'No service is registered yet: start a node agent (README, "Running the services by hand").',
  });
}

function cooldowns(services) {
  const now = Date.now() / 1000;
  const cooling = services.filter(service => service.cooldown && service.cooldown.until > now);
  if (cooling.length === 0) {
    return message('No service is cooling down: nothing is kept out of rotation after failures.');
  }
  return table({
    caption: 'Services the facade keeps out of rotation after failures, until their cooldown ends.',
    label: 'Cooldowns',
    key: service => service.service_id,
    columns: [
      { label: 'Service', cell: service => serviceLink(service.service_id), header: true },
      { label: 'Reason', cell: service => service.cooldown.reason },
      { label: 'Failures in a row', cell: service => String(service.cooldown.consecutive_failures), num: true },
      { label: 'Back in', cell: service => fmt.seconds(service.cooldown.until - now), num: true },
    ],
    rows: cooling,
  });
}
