// /console/requests: this facade's recent routing decisions, newest first.
import { api, ApiError } from './api.js';
import { badge, fmt, h, message, replace, table } from './dom.js';
import { explainLink, serviceLink } from './parts.js';

export default {
  path: '/console/requests',
  title: 'Requests',
  mount(root) {
    root.append(h('h1', null, 'Recent requests'),
      h('p', { class: 'lead' }, 'The last client requests this facade routed, newest first: the name asked for, how it resolved, '
        + 'where it went, how many targets were tried and how it ended. Kept in the facade’s memory only; each facade has its own.'));
    const region = h('div', { id: 'requests' });
    root.append(region);
    return {
      async refresh(poll) {
        let list;
        try {
          list = await api.recentRequests(poll);
        } catch (error) {
          if (error instanceof ApiError && error.status === 404) {
            replace(region, message('This facade does not record recent requests (it predates GET /v1/console/requests).', 'error'));
            return;
          }
          throw error;
        }
        replace(region, requestsTable(list));
      },
    };
  },
};

function requestsTable(list) {
  return table({
    caption: `${list.data.length} shown of ${list.recorded} routed since this facade started (it keeps the last ${list.capacity}). `
      + 'TTFT is measured on streamed answers only.',
    label: 'Recent requests',
    key: request => String(request.id),
    columns: [
      { label: 'Time', cell: request => fmt.time(request.at) },
      { label: 'Request', cell: request => h('code', null, request.request_id), header: true },
      { label: 'Endpoint', cell: request => request.kind },
      { label: 'Model', cell: request => explainLink(request.model, kindOf(request.kind)) },
      { label: 'Route', cell: request => route(request) },
      { label: 'Served by', cell: request => servedBy(request) },
      { label: 'Attempts', cell: request => String(request.attempts), num: true },
      { label: 'Status', cell: request => badge(String(request.status), request.status < 400 ? 'good' : request.status < 500 ? 'warn' : 'bad') },
      { label: 'TTFT ms', cell: request => fmt.ms(request.ttft_ms), num: true },
      { label: 'Duration ms', cell: request => fmt.ms(request.duration_ms), num: true },
    ],
    rows: list.data,
    empty: 'No request has been routed since this facade started. Send one (README, "Use it") and it appears here.',
  });
}

// The routing kind of an endpoint, for the explain link (chat completions and legacy completions route as chat).
const kindOf = endpoint => ({ chat: 'chat', completions: 'chat', embeddings: 'embeddings', transcriptions: 'transcription' })[endpoint] ?? 'chat';

function route(request) {
  const parts = [request.route_type === 'role' ? `role ${request.role ?? request.model}` : 'direct'];
  if (request.fallback_via) {
    parts.push(`via fallback ${request.fallback_via}`);
  }
  parts.push(`${request.strategy}, ${request.candidates} candidate${request.candidates === 1 ? '' : 's'}`);
  return parts.join(' · ');
}

function servedBy(request) {
  if (!request.service_id) {
    return h('span', { class: 'source' }, 'none');
  }
  if (request.first_choice && request.first_choice !== request.service_id) {
    return [serviceLink(request.service_id), h('br'), h('span', { class: 'source' }, `after ${request.first_choice} failed`)];
  }
  return serviceLink(request.service_id);
}
