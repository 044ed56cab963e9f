// A service's live signals as the console shows them, and their short history (kept in this tab only).

const historyLength = 40;
const history = new Map();

/**
 * The figures of one service: what the facade measured wins over what the node reports, as in the routing table
 * (ServiceView.measured). Fields a newer cluster adds (a prompt-cache hit rate) are shown when present.
 */
export function signalsOf(service) {
  const measured = service.measured ?? null;
  const observed = service.observed ?? {};
  const pick = name => measured?.[name] ?? observed[name] ?? null;
  return {
    source: measured ? 'measured' : service.observed ? 'reported' : 'none',
    inFlight: measured?.in_flight ?? observed.in_flight ?? null,
    queue: observed.queue_depth ?? null,
    p50: pick('p50_latency_ms'),
    ttft: pick('ttft_ms'),
    tokensPerSec: pick('tokens_per_sec'),
    cacheHitRate: pick('prompt_cache_hit_rate'),
    requests: measured?.requests ?? null,
    errors: measured?.errors ?? null,
  };
}

/** Appends one reading per service (once per poll); services gone from the cluster are forgotten. */
export function record(services) {
  const seen = new Set();
  for (const service of services) {
    seen.add(service.service_id);
    const readings = history.get(service.service_id) ?? [];
    readings.push(signalsOf(service));
    if (readings.length > historyLength) {
      readings.shift();
    }
    history.set(service.service_id, readings);
  }
  for (const id of [...history.keys()]) {
    if (!seen.has(id)) {
      history.delete(id);
    }
  }
}

/** The recent values of one signal of one service, oldest first. */
export const recent = (serviceId, signal) => (history.get(serviceId) ?? []).map(reading => reading[signal]);

/** How a service stands, as a word and a tone: cooling down and stale hosts first, then health and routability. */
export function standing(service) {
  if (service.host_stale) {
    return ['host stale', 'bad'];
  }
  if (service.cooldown && service.cooldown.until > Date.now() / 1000) {
    return ['cooling down', 'warn'];
  }
  const health = service.state?.health ?? 'unknown';
  if (health !== 'healthy') {
    return [health, health === 'unhealthy' ? 'bad' : 'idle'];
  }
  return service.routable ? ['routable', 'good'] : [service.state?.availability ?? 'not routable', 'warn'];
}
