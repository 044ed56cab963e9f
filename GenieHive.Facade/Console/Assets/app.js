// The console's shell: sign-in, one URL per view (deep links work on reload), and live updates by polling.
import { ApiError, call, session } from './api.js';
import { h } from './dom.js';
import overview from './overview.js';
import hosts from './hosts.js';
import services from './services.js';
import routes from './routes.js';
import benchmarks from './benchmarks.js';
import requests from './requests.js';

const views = [overview, hosts, services, routes, benchmarks, requests];
const pollMilliseconds = 2000;

const main = document.getElementById('main');
const nav = document.getElementById('nav');
const sessionBar = document.getElementById('session');
const freshness = document.getElementById('freshness');
const announce = document.getElementById('announce');
const pauseButton = document.getElementById('pause');

let current = null;
let timer = null;
let paused = false;
let failing = false;
let lastUpdate = null;

const viewAt = pathname => views.find(view => view.path === (pathname.replace(/\/+$/, '') || '/console')) ?? null;

function navigate(url, { replace = false } = {}) {
  if (replace) {
    history.replaceState(null, '', url);
  } else {
    history.pushState(null, '', url);
  }
  show();
}

function show() {
  stopPolling();
  current = null;
  if (!session.key) {
    showSignIn();
    return;
  }

  nav.hidden = false;
  sessionBar.hidden = false;
  const view = viewAt(location.pathname);
  for (const link of nav.querySelectorAll('a')) {
    if (view && new URL(link.href).pathname === view.path) {
      link.setAttribute('aria-current', 'page');
    } else {
      link.removeAttribute('aria-current');
    }
  }

  main.replaceChildren();
  if (!view) {
    document.title = 'No such view · GenieHive console';
    main.append(h('h1', null, 'No such view'),
      h('p', null, 'The console has no view at ', h('code', null, location.pathname), '. Pick one from the menu above.'));
    main.focus();
    return;
  }

  document.title = `${view.title} · GenieHive console`;
  // What a view may ask of the shell: its URL's parameters, navigation, an update now, and handling of a failure
  // it met outside an update (a refused key signs out).
  const context = { params: new URLSearchParams(location.search), navigate, refresh: () => refresh(false), fail };
  current = { controller: view.mount(main, context) };
  // A new view is a new page to a screen reader: start reading at its heading.
  main.focus();
  refresh(false);
}

async function refresh(poll) {
  const shown = current;
  if (!shown) {
    return;
  }
  try {
    await shown.controller.refresh(poll);
    if (current !== shown) {
      return;
    }
    lastUpdate = new Date();
    freshness.textContent = paused ? `Paused · updated ${clock(lastUpdate)}` : `Live · updated ${clock(lastUpdate)}`;
    freshness.classList.remove('stale');
    if (failing) {
      failing = false;
      announce.textContent = 'Updates resumed.';
    }
  } catch (error) {
    if (current !== shown) {
      return;
    }
    fail(error);
  }
  if (current === shown) {
    schedule();
  }
}

/** A refused key signs out with the reason; anything else is shown beside the last good update. */
function fail(error) {
  if (error instanceof ApiError && error.isAuth) {
    signOut(error.message);
    return;
  }
  const text = `Update failed: ${error.message}${lastUpdate ? ` · showing data from ${clock(lastUpdate)}` : ''}`;
  freshness.textContent = text;
  freshness.classList.add('stale');
  if (!failing) {
    failing = true;
    announce.textContent = text;
  }
}

const clock = date => date.toLocaleTimeString('en-GB');

function schedule() {
  stopPolling();
  if (!paused && !document.hidden && current) {
    timer = setTimeout(() => refresh(true), pollMilliseconds);
  }
}

function stopPolling() {
  clearTimeout(timer);
  timer = null;
}

function signOut(notice) {
  session.clear();
  stopPolling();
  current = null;
  showSignIn(notice);
}

function showSignIn(notice) {
  nav.hidden = true;
  sessionBar.hidden = true;
  document.title = 'Sign in · GenieHive console';
  const error = h('p', { class: 'message error', id: 'sign-in-error', role: 'alert' }, notice ?? '');
  const input = h('input', {
    id: 'api-key', name: 'api-key', type: 'password', autocomplete: 'current-password', required: true,
    spellcheck: 'false', 'aria-describedby': 'api-key-help sign-in-error',
  });
  const button = h('button', { type: 'submit' }, 'Sign in');
  const form = h('form', { class: 'panel login', 'aria-labelledby': 'sign-in-title' },
    h('h1', { id: 'sign-in-title' }, 'Sign in to the console'),
    h('p', { id: 'api-key-help', class: 'lead' },
      'Enter a GenieHive client API key. It stays in this browser tab only and goes to this facade with every read; ',
      'closing the tab or signing out forgets it.'),
    h('div', { class: 'field' }, h('label', { for: 'api-key' }, 'API key'), input),
    h('p', null, button),
    error);

  form.addEventListener('submit', async event => {
    event.preventDefault();
    const key = input.value.trim();
    // A header carries printable ASCII only; anything else could never match a key.
    if (!/^[\x21-\x7e]+$/.test(key)) {
      error.textContent = key ? 'A key is printable ASCII without spaces; this one cannot be sent.' : 'Enter a key.';
      input.focus();
      return;
    }
    button.disabled = true;
    error.textContent = '';
    try {
      await call('/v1/cluster/health', { key });
      session.key = key;
      show();
    } catch (failure) {
      error.textContent = failure instanceof ApiError ? failure.message : String(failure);
      input.focus();
      input.select();
    } finally {
      button.disabled = false;
    }
  });

  main.replaceChildren(form);
  input.focus();
}

document.addEventListener('click', event => {
  const link = event.target instanceof Element ? event.target.closest('a[href]') : null;
  if (!link || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey || link.target) {
    return;
  }
  const url = new URL(link.href);
  const samePage = url.pathname === location.pathname && url.search === location.search;
  if (url.origin !== location.origin || !url.pathname.startsWith('/console') || (samePage && url.hash)) {
    return;
  }
  event.preventDefault();
  navigate(url.pathname + url.search);
});

window.addEventListener('popstate', show);

document.addEventListener('visibilitychange', () => {
  if (document.hidden) {
    stopPolling();
  } else if (current && !paused) {
    refresh(true);
  }
});

pauseButton.addEventListener('click', () => {
  paused = !paused;
  pauseButton.setAttribute('aria-pressed', String(paused));
  announce.textContent = paused ? 'Live updates paused.' : 'Live updates resumed.';
  if (paused) {
    stopPolling();
    if (lastUpdate) {
      freshness.textContent = `Paused · updated ${clock(lastUpdate)}`;
    }
  } else {
    refresh(true);
  }
});

document.getElementById('sign-out').addEventListener('click', () => signOut('Signed out. The key was forgotten.'));

show();
