// The console's only way to the facade: same-origin fetches carrying the key the operator typed.

const keyName = 'geniehive.console.key';

// Marks the console's periodic reads, so they are served as usual but left out of traces (ServiceDefaults).
const pollHeader = 'X-GenieHive-Poll';

/** The key lives in this tab's session storage only: never the URL, never local storage. */
export const session = {
  get key() { return sessionStorage.getItem(keyName); },
  set key(value) { sessionStorage.setItem(keyName, value); },
  clear() { sessionStorage.removeItem(keyName); },
};

export class ApiError extends Error {
  constructor(status, message, code) {
    super(message);
    this.status = status;
    this.code = code;
  }

  /** 401 or 403: the key, not the cluster, is the problem. */
  get isAuth() { return this.status === 401 || this.status === 403; }
}

/**
 * Calls the facade. `poll` marks a periodic read. Answers the parsed JSON body; throws ApiError with the
 * endpoint's own message (OpenAI's {error:{message}} on the facade, ProblemDetails relayed from Control).
 */
export async function call(path, { method = 'GET', body, poll = false, key = session.key } = {}) {
  const headers = { 'X-Api-Key': key ?? '' };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
  }
  if (poll) {
    headers[pollHeader] = 'console';
  }

  let response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: 'no-store',
      credentials: 'omit',
      redirect: 'error',
    });
  } catch (error) {
    throw new ApiError(0, `The facade could not be reached (${error.message}).`, 'network');
  }

  const text = await response.text();
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }

  if (!response.ok) {
    throw new ApiError(response.status, describe(response, json, text), json?.error?.code ?? json?.code ?? null);
  }
  return json;
}

function describe(response, json, text) {
  const detail = json?.error?.message ?? json?.detail ?? json?.title ?? (text && text.length < 300 ? text : '');
  if (response.status === 401) {
    return 'The facade refused this key (401 Unauthorized). Check the key and sign in again.';
  }
  if (response.status === 403) {
    return 'This key may not read the cluster (403 Forbidden): the console needs a key with the operator.read scope.'
      + (detail ? ` The facade said: ${detail}` : '');
  }
  return `${response.status} ${response.statusText}${detail ? `: ${detail}` : ''}`;
}

/** The operator API's reads and actions, at the paths the README documents. */
export const api = {
  health: poll => call('/v1/cluster/health', { poll }),
  hosts: poll => call('/v1/cluster/hosts', { poll }).then(list => list.data),
  services: poll => call('/v1/cluster/services', { poll }).then(list => list.data),
  roles: poll => call('/v1/cluster/roles', { poll }).then(list => list.data),
  resolve: (model, kind, poll) =>
    call(`/v1/cluster/routes/resolve?${new URLSearchParams({ model, kind })}`, { poll }),
  match: request => call('/v1/cluster/routes/match', { method: 'POST', body: request }),
  workloads: poll => call('/v1/cluster/benchmarks/workloads', { poll }).then(list => list.data),
  samples: poll => call('/v1/cluster/benchmarks', { poll }).then(list => list.data),
  runs: poll => call('/v1/cluster/benchmarks/runs?limit=20', { poll }).then(list => list.data),
  run: (id, poll) => call(`/v1/cluster/benchmarks/runs/${encodeURIComponent(id)}`, { poll }),
  startRun: request => call('/v1/cluster/benchmarks/runs', { method: 'POST', body: request }),
  cancelRun: id => call(`/v1/cluster/benchmarks/runs/${encodeURIComponent(id)}`, { method: 'DELETE' }),
  recentRequests: poll => call('/v1/console/requests?limit=100', { poll }),
  scoring: () => call('/v1/console/scoring', { poll: true }),
};
