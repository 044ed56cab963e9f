// Pieces several views show the same way: links between views, a host's state, a service's models.
import { badge, fmt, h } from './dom.js';

export const hostLink = hostId => h('a', { href: '/console/hosts', 'data-focus-key': `host:${hostId}` }, hostId);

export const serviceLink = serviceId => h('a', { href: '/console/services', 'data-focus-key': `service:${serviceId}` }, serviceId);

/** A link that explains how a name routes now (the route explorer, by deep link). */
export const explainLink = (model, kind, text = model) =>
  h('a', { href: `/console/routes?${new URLSearchParams(kind ? { model, kind } : { model })}`, 'data-focus-key': `explain:${model}` }, text);

/** Online or stale, as Control judges it (no heartbeat for its host timeout), with how long it has been silent. */
export function hostState(host) {
  if (!host) {
    return badge('unknown', 'idle');
  }
  return host.status.stale
    ? badge(`stale${host.status.stale_for_seconds ? `, silent ${fmt.seconds(host.status.stale_for_seconds)}` : ''}`, 'bad')
    : badge(host.status.state ?? 'online', 'good');
}

/** A service's models: ● loaded, ○ listed but not loaded (spelled out for screen readers). */
export const assets = service => service.assets.length === 0
  ? h('span', { class: 'source' }, 'none listed')
  : service.assets.map(asset => h('span', { class: `asset ${asset.loaded ? 'loaded' : 'unloaded'}` },
    asset.asset_id, h('span', { class: 'visually-hidden' }, asset.loaded ? ' (loaded)' : ' (not loaded)')));
