// /console/benchmarks (?run=ID): start a run, watch it, cancel it, read its results and the stored samples.
import { api, ApiError } from './api.js';
import { badge, fmt, h, message, replace, section, table } from './dom.js';
import { hostLink } from './parts.js';

const plural = (count, noun) => `${count} ${noun}${count === 1 ? '' : 's'}`;
const finished = status => ['completed', 'failed', 'cancelled'].includes(status);
const tones = { queued: 'idle', running: 'warn', completed: 'good', failed: 'bad', cancelled: 'idle' };
const targetTypes = [['role', 'Role'], ['service_id', 'Service'], ['kind', 'Every routable service of the kind']];

export default {
  path: '/console/benchmarks',
  title: 'Benchmarks',
  mount(root, { params, refresh, fail }) {
    let selectedRun = params.get('run');
    let reference = null;

    root.append(h('h1', null, 'Benchmarks'),
      h('p', { class: 'lead' }, 'A run sends a workload’s prompts through the facade, like any client, to each service of the target, '
        + 'checks every answer, and stores one sample per service; samples count in the route scores at once.'));

    const workloadSelect = h('select', { id: 'bench-workload', name: 'workload', required: true });
    const targetSelect = h('select', { id: 'bench-target', name: 'target', required: true });
    const radios = targetTypes.map(([value, label], index) => h('label', null,
      h('input', { type: 'radio', name: 'target-type', value, checked: index === 0 }), ' ', label));
    const timeoutInput = h('input', { id: 'bench-timeout', name: 'timeout_seconds', type: 'number', min: 1, max: 600, step: 1, placeholder: '60' });
    const repetitionsInput = h('input', { id: 'bench-repetitions', name: 'repetitions', type: 'number', min: 1, max: 20, step: 1, placeholder: '1' });
    const startButton = h('button', { type: 'submit' }, 'Start run');
    const outcome = h('div', { id: 'bench-outcome', role: 'status' });
    const form = h('form', { class: 'panel', 'aria-labelledby': 'bench-start-title' },
      h('h2', { id: 'bench-start-title' }, 'Start a run'),
      h('div', { class: 'form-row' },
        h('div', { class: 'field' }, h('label', { for: 'bench-workload' }, 'Workload'), workloadSelect),
        h('fieldset', null, h('legend', null, 'Target'), radios),
        h('div', { class: 'field' }, h('label', { for: 'bench-target' }, 'Target name'), targetSelect),
        h('div', { class: 'field' }, h('label', { for: 'bench-timeout' }, 'Timeout per case (s)'), timeoutInput),
        h('div', { class: 'field' }, h('label', { for: 'bench-repetitions' }, 'Repetitions'), repetitionsInput),
        startButton),
      outcome);
    root.append(form);
    const runs = section(root, 'Runs', 'runs');
    const detail = section(root, 'Run details', 'run-detail');
    const samples = section(root, 'Stored samples', 'samples');

    const targetType = () => form.querySelector('input[name="target-type"]:checked').value;
    const fillTargets = () => {
      if (!reference) {
        return;
      }
      const workload = reference.workloads.find(item => item.name === workloadSelect.value);
      const kind = workload?.kind ?? 'chat';
      const names = {
        role: reference.roles.filter(role => role.operation === kind).map(role => role.role_id),
        service_id: reference.services.filter(service => service.kind === kind).map(service => service.service_id),
        kind: [kind],
      }[targetType()];
      const previous = targetSelect.value;
      replace(targetSelect, names.map(name => h('option', { value: name, selected: name === previous }, name)));
    };
    workloadSelect.addEventListener('change', fillTargets);
    form.addEventListener('change', event => {
      if (event.target.name === 'target-type') {
        fillTargets();
      }
    });

    const showRun = id => {
      selectedRun = id;
      history.pushState(null, '', `/console/benchmarks?run=${encodeURIComponent(id)}`);
    };

    form.addEventListener('submit', async event => {
      event.preventDefault();
      const request = { workload: workloadSelect.value, [targetType()]: targetSelect.value };
      if (timeoutInput.value) {
        request.timeout_seconds = Number(timeoutInput.value);
      }
      if (repetitionsInput.value) {
        request.repetitions = Number(repetitionsInput.value);
      }
      startButton.disabled = true;
      try {
        const run = await api.startRun(request);
        replace(outcome, message(`Run ${run.id} ${run.status}: ${run.workload} against ${run.target_type} ${run.target_name} `
          + `(${plural(run.targets.length, 'service')}, ${plural(run.case_count, 'case')} each).`, 'ok'));
        showRun(run.id);
        await refresh();
      } catch (error) {
        if (error instanceof ApiError && error.isAuth) {
          fail(error);
        } else {
          replace(outcome, message(`The run was not started: ${error.message}`, 'error'));
        }
      } finally {
        startButton.disabled = false;
      }
    });

    const cancel = async run => {
      try {
        const cancelled = await api.cancelRun(run.id);
        replace(outcome, message(`Run ${cancelled.id} is ${cancelled.status}.`, 'ok'));
      } catch (error) {
        if (error instanceof ApiError && error.isAuth) {
          fail(error);
          return;
        }
        replace(outcome, message(`Run ${run.id} could not be cancelled: ${error.message}`, 'error'));
      }
      await refresh();
    };

    return {
      async refresh(poll) {
        if (!reference) {
          const [workloads, roles, services] = await Promise.all([api.workloads(poll), api.roles(poll), api.services(poll)]);
          reference = { workloads, roles, services };
          replace(workloadSelect, workloads.map(workload => h('option', { value: workload.name }, `${workload.name} (${workload.kind}, ${workload.cases.length} cases)`)));
          fillTargets();
        }
        const [runList, sampleList, run] = await Promise.all([
          api.runs(poll), api.samples(poll), selectedRun ? api.run(selectedRun, poll).catch(notFoundAsNull) : null]);
        replace(runs, runsTable(runList, cancel));
        replace(detail, selectedRun
          ? run ? runDetail(run) : message(`No run ${selectedRun}: it may belong to another Control or have been removed.`, 'error')
          : message('Pick a run above (its id) to see its services and every case.'));
        replace(samples, samplesTable(sampleList));
      },
    };
  },
};

function notFoundAsNull(error) {
  if (error instanceof ApiError && error.status === 404) {
    return null;
  }
  throw error;
}

function progress(run) {
  const done = run.targets.reduce((sum, target) => sum + target.cases_done, 0);
  const total = run.targets.reduce((sum, target) => sum + target.cases_total, 0);
  return h('span', { class: 'signal' },
    h('progress', { value: done, max: Math.max(total, 1), 'aria-label': `Progress of ${run.id}` }),
    `${done}/${total} cases`);
}

function runsTable(runs, cancel) {
  return table({
    caption: 'The latest runs, newest first. A queued or running run can be cancelled; a cancelled service stores no sample.',
    label: 'Benchmark runs',
    key: run => run.id,
    columns: [
      {
        label: 'Run', header: true,
        cell: run => h('a', { href: `/console/benchmarks?run=${encodeURIComponent(run.id)}`, 'data-focus-key': `run:${run.id}` }, run.id),
      },
      { label: 'Status', cell: run => h('span', { 'data-run-status': run.status }, badge(run.status, tones[run.status] ?? 'idle')) },
      { label: 'Workload', cell: run => run.workload },
      { label: 'Target', cell: run => `${run.target_type} ${run.target_name}` },
      { label: 'Trigger', cell: run => run.trigger },
      { label: 'Progress', cell: run => progress(run) },
      { label: 'Created', cell: run => fmt.dateTime(run.created_at) },
      { label: 'Took', cell: run => run.started_at && run.finished_at ? fmt.seconds(run.finished_at - run.started_at) : '', num: true },
      {
        label: 'Action', cell: run => finished(run.status) ? '' : h('button', {
          type: 'button', class: 'secondary', 'data-focus-key': `cancel:${run.id}`, 'aria-label': `Cancel ${run.id}`,
          onclick: () => cancel(run),
        }, 'Cancel'),
      },
    ],
    rows: runs,
    empty: 'No run yet: start one above.',
  });
}

function runDetail(run) {
  const result = (target, name, format) => target.results?.[name] === undefined ? '–' : format(target.results[name]);
  const cases = run.targets.flatMap(target => target.cases.map(item => ({ ...item, service_id: target.service_id })));
  return [
    h('p', null, h('strong', null, run.id), ' ', badge(run.status, tones[run.status] ?? 'idle'),
      ` ${run.workload} (${run.kind}) against ${run.target_type} ${run.target_name}, ${run.case_count} cases per service, `
      + `timeout ${run.timeout_seconds} s, ${run.repetitions} repetition(s).`, run.error ? [' ', h('span', { class: 'badge bad' }, run.error)] : null),
    table({
      caption: 'Per service: its progress and, once done, the figures of the sample it stored.',
      label: `Services of ${run.id}`,
      key: target => target.service_id,
      columns: [
        { label: 'Service', cell: target => target.service_id, header: true },
        { label: 'Host', cell: target => target.host_id ? hostLink(target.host_id) : '' },
        { label: 'Model', cell: target => target.asset_id ?? '' },
        { label: 'Status', cell: target => badge(target.status, tones[target.status] ?? 'idle') },
        { label: 'Cases', cell: target => `${target.cases_done}/${target.cases_total} done, ${target.cases_passed} passed`, num: true },
        { label: 'Pass rate', cell: target => result(target, 'pass_rate', fmt.pct), num: true },
        { label: 'Quality', cell: target => result(target, 'quality_score', value => fmt.num(value, 3)), num: true },
        { label: 'p50 ms', cell: target => result(target, 'p50_latency_ms', fmt.ms), num: true },
        { label: 'TTFT ms', cell: target => result(target, 'ttft_ms', fmt.ms), num: true },
        { label: 'Tokens/s', cell: target => result(target, 'tokens_per_sec', value => fmt.num(value, 1)), num: true },
        { label: 'Error', cell: target => target.error ?? '' },
      ],
      rows: run.targets,
    }),
    h('h3', null, 'Cases'),
    table({
      caption: 'Every case of every service, with its check.',
      label: `Cases of ${run.id}`,
      key: item => `${item.service_id}:${item.case}:${item.repetition}`,
      columns: [
        { label: 'Service', cell: item => item.service_id },
        { label: 'Case', cell: item => item.case, header: true },
        { label: 'Rep', cell: item => String(item.repetition), num: true },
        { label: 'Result', cell: item => item.passed ? badge('pass', 'good') : item.answered ? badge('fail', 'bad') : badge('no answer', 'bad') },
        { label: 'Latency ms', cell: item => fmt.ms(item.latency_ms), num: true },
        { label: 'TTFT ms', cell: item => fmt.ms(item.ttft_ms), num: true },
        { label: 'Tokens/s', cell: item => fmt.num(item.tokens_per_sec, 1), num: true },
        { label: 'Detail', cell: item => item.detail ?? '' },
      ],
      rows: cases,
      empty: 'No case has finished yet.',
    }),
  ];
}

function samplesTable(samples) {
  const figure = (sample, name, format) => sample.results?.[name] === undefined ? '–' : format(sample.results[name]);
  const rows = [...samples].sort((a, b) => b.observed_at - a.observed_at).slice(0, 50);
  return table({
    caption: 'The benchmark samples Control holds (the newest 50), which feed the benchmark part of the scores.',
    label: 'Stored benchmark samples',
    key: sample => sample.benchmark_id,
    columns: [
      { label: 'Service', cell: sample => sample.service_id, header: true },
      { label: 'Workload', cell: sample => sample.workload },
      { label: 'Observed', cell: sample => fmt.dateTime(sample.observed_at) },
      { label: 'Pass rate', cell: sample => figure(sample, 'pass_rate', fmt.pct), num: true },
      { label: 'Quality', cell: sample => figure(sample, 'quality_score', value => fmt.num(value, 3)), num: true },
      { label: 'p50 ms', cell: sample => figure(sample, 'p50_latency_ms', fmt.ms), num: true },
      { label: 'Tokens/s', cell: sample => figure(sample, 'tokens_per_sec', value => fmt.num(value, 1)), num: true },
      { label: 'Source', cell: sample => h('span', { class: 'source' }, sample.results?.source ?? '') },
    ],
    rows,
    empty: 'No sample yet: a completed run stores one per service.',
  });
}
