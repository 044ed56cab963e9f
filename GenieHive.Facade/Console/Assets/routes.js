// /console/routes?model=NAME&kind=KIND: why a name goes where it goes; and ?task=... for which roles and services suit a task.
import { api, ApiError } from './api.js';
import { badge, fmt, h, message, replace, table } from './dom.js';
import { hostLink } from './parts.js';

const kinds = ['chat', 'embeddings', 'transcription'];

// The signals every cluster reports; any other field of a candidate (predicted delay, affinity, ...) is shown as it comes.
const knownCandidateFields = new Set(['service_id', 'host_id', 'score', 'signals', 'reasons']);
const knownSignals = new Set(['text_overlap', 'runtime_score', 'benchmark_score', 'family_match', 'loaded', 'p50_latency_ms',
  'tokens_per_sec', 'queue_depth', 'runtime_source', 'benchmark_match_count', 'best_workload_overlap', 'benchmark_quality_score']);

export default {
  path: '/console/routes',
  title: 'Routes',
  mount(root, { params, refresh, fail }) {
    let model = params.get('model') ?? '';
    let kind = kinds.includes(params.get('kind')) ? params.get('kind') : 'chat';
    let reference = null;

    root.append(h('h1', null, 'Route explorer'),
      h('p', { class: 'lead' }, 'How a model name or role resolves now: the service a request goes to, every candidate ranked with '
        + 'the parts of its score, and every service left out with the reason.'));

    const names = h('datalist', { id: 'route-names' });
    const modelInput = h('input', { id: 'route-model', name: 'model', type: 'text', list: 'route-names', value: model, required: true, autocomplete: 'off' });
    const kindSelect = select('route-kind', 'kind', kinds, kind);
    const explainForm = h('form', { class: 'panel', 'aria-labelledby': 'explain-title' },
      h('h2', { id: 'explain-title' }, 'Explain a name'),
      h('div', { class: 'form-row' },
        h('div', { class: 'field' }, h('label', { for: 'route-model' }, 'Model, role or service'), modelInput, names),
        h('div', { class: 'field' }, h('label', { for: 'route-kind' }, 'Kind'), kindSelect),
        h('button', { type: 'submit' }, 'Explain')));
    // Not a live region: it is redrawn on every update. An explicit Explain moves focus to the verdict instead.
    const resolution = h('div', { id: 'resolution' });

    const taskInput = h('textarea', { id: 'match-task', name: 'task', rows: 2 }, params.get('task') ?? '');
    const workloadSelect = select('match-workload', 'workload', [], '');
    const matchKindSelect = select('match-kind', 'match_kind', ['', ...kinds], params.get('match_kind') ?? '', { '': 'any' });
    const matchForm = h('form', { class: 'panel', 'aria-labelledby': 'match-title' },
      h('h2', { id: 'match-title' }, 'Which roles and services suit a task?'),
      h('div', { class: 'form-row' },
        h('div', { class: 'field' }, h('label', { for: 'match-task' }, 'Describe the task'), taskInput),
        h('div', { class: 'field' }, h('label', { for: 'match-workload' }, 'Benchmark workload (optional)'), workloadSelect),
        h('div', { class: 'field' }, h('label', { for: 'match-kind' }, 'Kind'), matchKindSelect),
        h('button', { type: 'submit' }, 'Match')));
    const matches = h('div', { id: 'matches', 'aria-live': 'polite' });

    root.append(explainForm, resolution, matchForm, matches);

    const pushUrl = () => {
      const query = new URLSearchParams();
      if (model) {
        query.set('model', model);
        query.set('kind', kind);
      }
      if (taskInput.value.trim()) {
        query.set('task', taskInput.value.trim());
        if (workloadSelect.value) {
          query.set('workload', workloadSelect.value);
        }
        if (matchKindSelect.value) {
          query.set('match_kind', matchKindSelect.value);
        }
      }
      history.pushState(null, '', `/console/routes${query.size ? `?${query}` : ''}`);
    };

    const runMatch = async () => {
      const task = taskInput.value.trim();
      if (!task) {
        replace(matches, message('Describe a task to match, for example “summarize a long contract”.', 'error', 'alert'));
        return;
      }
      replace(matches, message('Matching…'));
      try {
        const request = { task, include_direct_services: true, limit: 10 };
        if (workloadSelect.value) {
          request.workload = workloadSelect.value;
        }
        if (matchKindSelect.value) {
          request.kind = matchKindSelect.value;
        }
        replace(matches, matchTable(await api.match(request), reference?.scoring));
      } catch (error) {
        if (error instanceof ApiError && error.isAuth) {
          fail(error);
          return;
        }
        replace(matches, message(`The match was refused: ${error.message}`, 'error', 'alert'));
      }
    };

    explainForm.addEventListener('submit', event => {
      event.preventDefault();
      model = modelInput.value.trim();
      kind = kindSelect.value;
      pushUrl();
      refresh().then(() => document.getElementById('route-verdict')?.focus());
    });
    matchForm.addEventListener('submit', event => {
      event.preventDefault();
      pushUrl();
      runMatch();
    });

    const controller = {
      async refresh(poll) {
        if (!reference) {
          reference = await loadReference(poll);
          replace(names, reference.names.map(name => h('option', { value: name })));
          replace(workloadSelect, [h('option', { value: '' }, 'none'),
            ...reference.workloads.map(workload => h('option', { value: workload.name }, `${workload.name} (${workload.kind})`))]);
          workloadSelect.value = params.get('workload') ?? '';
          if (taskInput.value.trim()) {
            runMatch();
          }
        }
        if (!model) {
          replace(resolution, message('Type a model, role or service name above, for example mentor, and press Explain.'));
          return;
        }
        try {
          const answer = await api.resolve(model, kind, poll);
          replace(resolution, explain(answer.resolution, reference.scoring));
        } catch (error) {
          if (error instanceof ApiError && (error.isAuth || error.status === 0 || error.status >= 500)) {
            throw error;
          }
          replace(resolution, message(`${model} (${kind}) cannot be explained: ${error.message}`, 'error', 'alert'));
        }
      },
    };
    return controller;
  },
};

// Names for the datalist and the scoring weights, read once per visit of the view.
async function loadReference(poll) {
  const [roles, services, workloads, scoring] = await Promise.all([
    api.roles(poll), api.services(poll), api.workloads(poll), api.scoring().catch(() => null)]);
  const names = new Set(roles.map(role => role.role_id));
  for (const service of services) {
    names.add(service.service_id);
    for (const asset of service.assets) {
      names.add(asset.asset_id);
    }
  }
  return { names: [...names].sort(), workloads, scoring };
}

function select(id, name, values, selected, labels = {}) {
  return h('select', { id, name },
    values.map(value => h('option', { value, selected: value === selected }, labels[value] ?? value)));
}

function explain(resolution, scoring) {
  const service = resolution.service;
  const verdict = service
    ? h('p', { class: 'verdict', id: 'route-verdict', tabindex: -1 }, h('strong', null, resolution.model), ' → ', h('strong', null, service.service_id),
      ' on host ', hostLink(service.host_id), resolution.upstream_model ? [', as model ', h('code', null, resolution.upstream_model)] : null)
    : h('p', { class: 'verdict', id: 'route-verdict', tabindex: -1 }, h('strong', null, resolution.model), ' → ', badge('no eligible service now', 'bad'),
      ' (a request would get 503 no_healthy_target)');

  const candidateRows = resolution.candidates ?? [];
  const extras = extraFields(candidateRows);
  const predicted = extras.filter(name => /predict/i.test(name));
  const affinity = extras.filter(name => /affinit/i.test(name));
  const others = extras.filter(name => !predicted.includes(name) && !affinity.includes(name));
  const weights = scoring?.service;

  const columns = [
    { label: '#', cell: candidate => String(candidate.index + 1), num: true },
    { label: 'Service', cell: candidate => candidate.service_id, header: true },
    { label: 'Host', cell: candidate => hostLink(candidate.host_id) },
    { label: 'Score', cell: candidate => fmt.num(candidate.score, 4), num: true },
    part('Text overlap', 'text_overlap', weights?.text),
    part('Runtime', 'runtime_score', weights?.runtime),
    part('Benchmark', 'benchmark_score', weights?.benchmark),
    { label: 'Family match', cell: candidate => candidate.signals.family_match === null || candidate.signals.family_match === undefined ? '–' : String(candidate.signals.family_match), num: true },
    { label: 'Runtime figures', cell: candidate => runtimeFigures(candidate.signals) },
    { label: 'Benchmark samples', cell: candidate => benchmarkCell(candidate.signals) },
    ...predicted.map(name => ({ label: title(name), cell: candidate => value(field(candidate, name)), num: true })),
    ...affinity.map(name => ({ label: title(name), cell: candidate => value(field(candidate, name)) })),
    ...(others.length ? [{ label: 'Other signals', cell: candidate => otherCell(candidate, others) }] : []),
    { label: 'Reasons', cell: candidate => reasonList(candidate.reasons) },
  ];
  const numbered = candidateRows.map((candidate, index) => ({ ...candidate, index }));

  const weightNote = weights
    ? `Score = ${percent(weights.text)} text overlap + ${percent(weights.runtime)} runtime + ${percent(weights.benchmark)} benchmark, `
      + 'each part shown as signal × weight (with no task text, text overlap is 0).'
    : 'The facade did not give its scoring weights; the signals are shown without their weights.';
  const notReported = predicted.length === 0 && affinity.length === 0
    ? h('p', { class: 'source' }, 'Predicted delay and prefix affinity: not reported by this cluster; candidates are ranked by score.')
    : null;

  return [
    verdict,
    h('h3', null, 'Why'),
    h('ul', { class: 'why' }, why(resolution, scoring)),
    h('h3', null, `Candidates (${candidateRows.length})`),
    table({
      caption: `Ranked best first; the first is where a request goes (the chosen row is highlighted). ${weightNote}`,
      label: 'Ranked candidates',
      key: candidate => candidate.service_id,
      rowClass: candidate => service && candidate.service_id === service.service_id ? 'chosen' : null,
      columns,
      rows: numbered,
      empty: 'No eligible candidate.',
    }),
    notReported,
    h('h3', null, `Left out (${(resolution.excluded ?? []).length})`),
    table({
      caption: 'Services considered for this name and excluded, with the reason.',
      label: 'Excluded services',
      key: excluded => excluded.service_id,
      columns: [
        { label: 'Service', cell: excluded => excluded.service_id, header: true },
        { label: 'Host', cell: excluded => hostLink(excluded.host_id) },
        { label: 'Reason', cell: excluded => h('code', null, excluded.reason) },
        { label: 'What it means', cell: excluded => meaning(excluded.reason) },
      ],
      rows: resolution.excluded ?? [],
      empty: 'No service was left out.',
    }),
  ];
}

function why(resolution, scoring) {
  const items = [];
  const role = resolution.role;
  if (resolution.match_type === 'role' && role) {
    items.push(h('li', null, h('strong', null, role.role_id), ` is a role${role.display_name ? ` (${role.display_name})` : ''}`,
      role.description ? `: ${role.description}` : '.'));
    const policy = role.routing_policy ?? {};
    if (policy.preferred_families?.length) {
      items.push(h('li', null, `Preferred model families, in order: ${policy.preferred_families.join(', ')}. `
        + 'Among eligible services, those of the best-ranked family present form the pool.'));
    }
    if (policy.min_context) {
      items.push(h('li', null, `Needs at least ${policy.min_context} tokens of context (unknown context is allowed).`));
    }
    items.push(h('li', null, policy.require_loaded ? 'Only services with the model loaded are eligible.' : 'A loaded model scores higher, but is not required.'));
    if (policy.fallback_roles?.length) {
      items.push(h('li', null, `When nothing is eligible, falls back to: ${policy.fallback_roles.join(', ')}.`));
    }
    if (policy.benchmark_workloads?.length) {
      items.push(h('li', null, `Benchmark samples that count: ${policy.benchmark_workloads.join(', ')}.`));
    }
  } else {
    items.push(h('li', null, h('strong', null, resolution.model),
      ' names a model or a service directly, so it goes to a healthy service of that kind that serves it: loaded services first, then by score.'));
  }
  if (resolution.fallback_via) {
    items.push(h('li', null, `Nothing was eligible for the role itself; its fallback role ${resolution.fallback_via} supplied the pool.`));
  }
  const candidates = resolution.candidates ?? [];
  if (candidates.length > 1 && resolution.strategy === 'scored') {
    const best = candidates[0];
    const close = candidates.filter(candidate => best.score - candidate.score <= (scoring?.score_tolerance ?? 0));
    items.push(h('li', null, close.length > 1
      ? `${close.map(candidate => candidate.service_id).join(' and ')} score within ${scoring?.score_tolerance ?? 0} of each other `
        + `(${close.map(candidate => fmt.num(candidate.score, 4)).join(' and ')}): each request goes to whichever has fewer requests `
        + `in flight at that moment (then the lower latency). ${best.service_id} is listed first `
        + `${best.score === close[1].score ? 'because equal scores are ordered by service id' : 'for its higher score'}.`
      : `${best.service_id} scores ${fmt.num(best.score, 4)}, more than ${scoring?.score_tolerance ?? 0} ahead of ${candidates[1].service_id} `
        + `(${fmt.num(candidates[1].score, 4)}), so requests go to it while it is routable.`));
  }
  const tolerance = scoring ? ` within ${scoring.score_tolerance} of the best score` : ' with equal scores';
  const strategies = {
    scored: `Strategy scored: the best score wins; among candidates${tolerance}, the facade sends each request to the one with the fewest requests in flight, so a burst spreads over equal hosts.`,
    round_robin: 'Strategy round_robin: requests take turns over the candidates.',
    least_loaded: 'Strategy least_loaded: each request goes to the candidate with the fewest requests in flight.',
  };
  items.push(h('li', null, strategies[resolution.strategy] ?? `Strategy ${resolution.strategy}.`));
  return items;
}

function part(label, signal, weight) {
  return {
    label: weight === undefined ? label : `${label} (× ${percent(weight)})`,
    num: true,
    cell: candidate => {
      const value = candidate.signals[signal] ?? 0;
      return weight === undefined
        ? fmt.num(value, 3)
        : h('span', { class: 'part' }, fmt.num(value, 3), h('small', null, ` → ${fmt.num(value * weight, 4)}`));
    },
  };
}

// What the runtime part was computed from: loaded, latency, speed, queue, and whether the facade measured it.
function runtimeFigures(signals) {
  const figures = [signals.loaded ? 'loaded' : 'not loaded'];
  if (signals.p50_latency_ms !== null && signals.p50_latency_ms !== undefined) {
    figures.push(`p50 ${fmt.ms(signals.p50_latency_ms)} ms`);
  }
  if (signals.tokens_per_sec !== null && signals.tokens_per_sec !== undefined) {
    figures.push(`${fmt.num(signals.tokens_per_sec, 1)} tokens/s`);
  }
  if (signals.queue_depth !== null && signals.queue_depth !== undefined) {
    figures.push(`queue ${signals.queue_depth}`);
  }
  return [figures.join(' · '), ' ', h('span', { class: 'source' }, `(${signals.runtime_source ?? 'none'})`)];
}

function benchmarkCell(signals) {
  if (!signals.benchmark_match_count) {
    return h('span', { class: 'source' }, 'none');
  }
  return `${signals.benchmark_match_count}, quality ${fmt.num(signals.benchmark_quality_score, 3)}`;
}

const percent = weight => `${Math.round(weight * 100)}%`;

const reasonList = reasons => reasons?.length ? h('ul', { class: 'reasons' }, reasons.map(reason => h('li', null, reason))) : '';

// Fields beyond the known ones, on the candidate or in its signals, present on any candidate.
function extraFields(candidates) {
  const names = new Set();
  for (const candidate of candidates) {
    Object.keys(candidate).filter(name => !knownCandidateFields.has(name)).forEach(name => names.add(name));
    Object.keys(candidate.signals ?? {}).filter(name => !knownSignals.has(name)).forEach(name => names.add(`signals.${name}`));
  }
  return [...names].sort();
}

const field = (candidate, name) => name.startsWith('signals.') ? candidate.signals?.[name.slice(8)] : candidate[name];

const title = name => {
  const words = name.replace(/^signals\./, '').replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
};

function value(item) {
  if (item === null || item === undefined) {
    return '–';
  }
  if (typeof item === 'number') {
    return Number.isInteger(item) ? String(item) : item.toFixed(3);
  }
  if (typeof item === 'object') {
    return h('ul', { class: 'reasons' }, Object.entries(item).map(([name, inner]) =>
      h('li', null, `${name.replace(/_/g, ' ')}: ${typeof inner === 'object' ? JSON.stringify(inner) : inner}`)));
  }
  return String(item);
}

const otherCell = (candidate, names) => h('ul', { class: 'reasons' },
  names.filter(name => field(candidate, name) !== undefined).map(name => h('li', null, `${title(name)}: `, value(field(candidate, name)))));

const reasonMeanings = {
  unhealthy: 'its node agent reports it unhealthy',
  host_stale: 'its host has gone silent (no heartbeat for the host timeout)',
  not_accepting: 'it does not accept requests now',
  not_loaded: 'the role requires a loaded model and it has none loaded',
  family_not_preferred: 'another service matches a better-ranked preferred family of the role',
  cooling_down: 'the facade keeps it out of rotation after failures',
  wrong_kind: 'it does another kind of work',
  host_family_restricted: 'its host does not serve this model family',
  employee_device_not_allowed: 'the role does not allow employee or personal devices',
  workload_class_not_allowed: 'the role does not allow this workload class',
};

/** Control's machine-readable exclusion reasons (GenieHive.Routing ExclusionReasons) in words. */
export function meaning(reason) {
  if (reasonMeanings[reason]) {
    return reasonMeanings[reason];
  }
  const [code, ...rest] = reason.split(':');
  const detail = rest.join(':');
  switch (code) {
    case 'fallback': {
      const [role, ...inner] = rest;
      return `in the pool of fallback role ${role}: ${meaning(inner.join(':'))}`;
    }
    case 'health': return `its health is ${detail}`;
    case 'availability': return `it is ${detail.replace(/_/g, ' ')}, not taking traffic`;
    case 'context_too_small': {
      const [known, required] = detail.split('<');
      return `its context (${known} tokens) is smaller than the ${required} the role needs`;
    }
    case 'trust_tier_denied': return `the role denies trust tier ${detail}`;
    case 'trust_tier_not_allowed': return `the role does not allow trust tier ${detail}`;
    case 'device_class_denied': return `the role denies device class ${detail}`;
    case 'device_class_not_allowed': return `the role does not allow device class ${detail}`;
    case 'workload_class_denied': return `the role denies workload class ${detail}`;
    default: return reason;
  }
}

function matchTable(response, scoring) {
  const weightsOf = candidate => candidate.candidate_type === 'role' ? scoring?.role : scoring?.service;
  const partOf = (candidate, signal, weight) => {
    const value = candidate.signals[signal] ?? 0;
    return weight === undefined || weight === null ? fmt.num(value, 3)
      : h('span', { class: 'part' }, fmt.num(value, 3), h('small', null, ` × ${percent(weight)} → ${fmt.num(value * weight, 4)}`));
  };
  const roleWeights = scoring?.role;
  const serviceWeights = scoring?.service;
  const caption = scoring
    ? `Ranked best first. A role scores ${percent(roleWeights.text)} text + ${percent(roleWeights.runtime)} runtime + `
      + `${percent(roleWeights.benchmark)} benchmark + ${percent(roleWeights.family)} family; a service ${percent(serviceWeights.text)} text + `
      + `${percent(serviceWeights.runtime)} runtime + ${percent(serviceWeights.benchmark)} benchmark.`
    : 'Ranked best first.';
  return table({
    caption,
    label: 'Matching roles and services',
    key: candidate => `${candidate.candidate_type}:${candidate.candidate_id}`,
    columns: [
      { label: 'Type', cell: candidate => candidate.candidate_type },
      { label: 'Candidate', cell: candidate => candidate.candidate_id, header: true },
      { label: 'Score', cell: candidate => fmt.num(candidate.score, 4), num: true },
      { label: 'Text overlap', cell: candidate => partOf(candidate, 'text_overlap', weightsOf(candidate)?.text), num: true },
      { label: 'Runtime', cell: candidate => partOf(candidate, 'runtime_score', weightsOf(candidate)?.runtime), num: true },
      { label: 'Benchmark', cell: candidate => partOf(candidate, 'benchmark_score', weightsOf(candidate)?.benchmark), num: true },
      { label: 'Family', cell: candidate => candidate.signals.family_match === null || candidate.signals.family_match === undefined ? '–' : partOf(candidate, 'family_match', weightsOf(candidate)?.family), num: true },
      { label: 'Goes to', cell: candidate => candidate.service ? candidate.service.service_id : badge('nothing eligible', 'warn') },
      { label: 'Reasons', cell: candidate => reasonList(candidate.reasons) },
    ],
    rows: response.candidates ?? [],
    empty: 'No role or service matches this task.',
  });
}
