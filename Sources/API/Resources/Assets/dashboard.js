// The dashboard's script: plain ES2017, no framework. Pages are rendered by the server; this only
// submits forms as JSON, follows a run live (event stream → re-fetch of the page's live part), tails
// logs, and sends Cancel/Retry.
(function () {
'use strict';

// Double-submit CSRF: echo the flowrun_csrf cookie (set at login) in a header. Without a
// token on the server there is no cookie and nothing to echo.
function csrfHeaders() {
  var match = document.cookie.match(/(?:^|;\s*)flowrun_csrf=([^;]*)/);
  return match ? { 'X-CSRF-Token': decodeURIComponent(match[1]) } : {};
}

// POSTs JSON to the API; resolves to the response's JSON, rejects with the API's message.
async function postJSON(url, body) {
  var response = await fetch(url, {
    method: 'POST',
    credentials: 'same-origin',
    headers: Object.assign({ 'Content-Type': 'application/json' }, csrfHeaders()),
    body: JSON.stringify(body || {})
  });
  var data = await response.json().catch(function () { return {}; });
  if (!response.ok) {
    throw new Error(data.error ? data.error.message : response.status + ' ' + response.statusText);
  }
  return data;
}

function autoSubmit() {
  document.querySelectorAll('select[data-autosubmit]').forEach(function (select) {
    select.addEventListener('change', function () { select.form.submit(); });
  });
}

// A field's value as the API expects it; undefined for "leave the default".
function fieldValue(field) {
  var text = field.value.trim();
  if (text === '') return undefined;
  if (field.dataset.type === 'number') return Number(text);
  if (field.dataset.type === 'json') return JSON.parse(text);
  return text;
}

function runForm(form) {
  var error = document.getElementById('run-form-error');
  form.addEventListener('submit', async function (event) {
    event.preventDefault();
    error.textContent = '';
    var body = { workflow: form.dataset.workflow, trigger: 'ui', params: {}, inputs: {} };
    try {
      form.querySelectorAll('[data-param]').forEach(function (field) {
        var value = fieldValue(field);
        if (value !== undefined) body.params[field.dataset.param] = value;
      });
      form.querySelectorAll('[data-input]').forEach(function (field) {
        var value = fieldValue(field);
        if (value !== undefined) body.inputs[field.dataset.input] = value;
      });
    } catch (problem) {
      error.textContent = 'A field is not valid JSON: ' + problem.message;
      return;
    }
    var path = form.querySelector('#run-dataset-path');
    var dataset = form.querySelector('#run-dataset');
    if (path && path.value.trim()) body.dataset_path = path.value.trim();
    else if (dataset && dataset.value) body.dataset_id = dataset.value;
    var submit = form.querySelector('[type=submit]');
    submit.disabled = true;
    try {
      var run = await postJSON('/api/runs', body);
      location.assign('/runs/' + encodeURIComponent(run.id));
    } catch (problem) {
      error.textContent = problem.message;
      submit.disabled = false;
    }
  });
}

// The workflow page's Backfill form: a group of runs, one per matching dataset (POST /api/groups);
// its params are the Run form's fields.
function backfillForm(form) {
  var error = document.getElementById('backfill-error');
  form.addEventListener('submit', async function (event) {
    event.preventDefault();
    error.textContent = '';
    var body = { workflow: form.dataset.workflow, datasets: form.elements.datasets.value.trim(), params: {} };
    var max = form.elements.max_parallel.value.trim();
    if (max) body.max_parallel = Number(max);
    if (form.elements.since.value) body.since = form.elements.since.value + 'T00:00:00Z';
    if (form.elements.until.value) body.until = form.elements.until.value + 'T00:00:00Z';
    try {
      document.querySelectorAll('#run-form [data-param]').forEach(function (field) {
        var value = fieldValue(field);
        if (value !== undefined) body.params[field.dataset.param] = value;
      });
      var group = await postJSON('/api/groups', body);
      location.assign('/groups/' + encodeURIComponent(group.id));
    } catch (problem) {
      error.textContent = problem.message;
    }
  });
}

// A group page's Pause, Resume and Cancel buttons.
function groupPage(page) {
  var error = document.getElementById('group-error');
  page.querySelectorAll('[data-group-action]').forEach(function (button) {
    button.addEventListener('click', async function () {
      error.textContent = '';
      try {
        await postJSON('/api/groups/' + encodeURIComponent(page.dataset.group) + '/' + button.dataset.groupAction);
        location.reload();
      } catch (problem) {
        error.textContent = problem.message;
      }
    });
  });
}

function registerForm(form) {
  var error = document.getElementById('register-error');
  form.addEventListener('submit', async function (event) {
    event.preventDefault();
    error.textContent = '';
    try {
      var dataset = await postJSON('/api/datasets', { path: form.elements.path.value.trim() });
      location.assign('/datasets/' + encodeURIComponent(dataset.id));
    } catch (problem) {
      error.textContent = problem.message;
    }
  });
}

function runPage(page) {
  var id = page.dataset.run;
  var base = '/api/runs/' + encodeURIComponent(id);
  var live = document.getElementById('run-live');
  var logView = document.getElementById('log-lines');
  var actionError = document.getElementById('action-error');
  var lastEvent = page.dataset.after || '0';
  var source = null;
  var logStep = null;     // whose log is shown: a step id, or '' for the run's own log
  var logAttempt = null;  // which attempt of it: a number, or null for the latest
  var logLines = [];      // the lines read (and streamed since), before the search filter
  var latestAttempt = {}; // step id → its latest attempt, as the log API last said
  var logSearch = document.getElementById('log-search');
  var logMatches = document.getElementById('log-matches');
  var logDownload = document.getElementById('log-download');
  var logAttempts = document.getElementById('log-attempts');
  var logLoading = false;
  var chosen = false;     // the visitor picked a log: stop following the running step
  var pending = null, again = false, timer = null;

  function runState() {
    var badge = document.getElementById('run-state');
    return badge ? badge.dataset.state : '';
  }
  function finished() { return ['succeeded', 'failed', 'canceled'].indexOf(runState()) >= 0; }

  // Re-renders the live part; events arriving meanwhile cause one more pass, not one each.
  // Afterwards: a run that is not finished is followed by a stream (again, after a retry).
  function refresh() {
    if (pending) { again = true; return pending; }
    pending = (async function () {
      try {
        do {
          again = false;
          var response = await fetch('/runs/' + encodeURIComponent(id) + '/live', { credentials: 'same-origin', cache: 'no-store' });
          // Sent to /login (the cookie is gone): go there rather than show the form in the page.
          if (response.redirected) { location.assign(response.url); return; }
          if (response.ok) {
            // Keep what the visitor opened (counters, earlier attempts) across the re-render.
            var open = Array.prototype.map.call(live.querySelectorAll('details'), function (d) { return d.open; });
            live.innerHTML = await response.text();
            live.querySelectorAll('details').forEach(function (d, i) { if (open[i]) d.open = true; });
            syncEventsToggle();
            showCauses();
          }
        } while (again);
      } catch (problem) {
        // Offline for a moment: the next event or tick tries again.
      }
      pending = null;
      // The run's own log has no live stream: read it again with the page.
      if (logStep === '') loadLog('');
      clearTimeout(timer);
      if (!finished()) {
        if (!source || source.readyState === EventSource.CLOSED) openStream();
        // Durations and running bars grow between events too.
        timer = setTimeout(refresh, 5000);
      }
    })();
    return pending;
  }

  // Reads a log: a step's (its latest attempt, or `attempt`), or the run's own ('').
  async function loadLog(step, attempt) {
    logStep = step;
    logAttempt = attempt || null;
    logLoading = true;
    document.querySelectorAll('#log-tabs button').forEach(function (tab) {
      tab.setAttribute('aria-pressed', String(tab.dataset.logStep === step));
    });
    var query = '?lines=500' + (step ? '&step=' + encodeURIComponent(step) : '') + (step && attempt ? '&attempt=' + attempt : '');
    try {
      var response = await fetch(base + '/logs' + query, { credentials: 'same-origin', cache: 'no-store' });
      var data = await response.json();
      if (logStep !== step || logAttempt !== (attempt || null)) return;
      if (response.ok) {
        logLines = data.lines.slice();
        if (step && !attempt && data.attempt) latestAttempt[step] = data.attempt;
        logView.dataset.attempt = step && data.attempt ? String(data.attempt) : '';
      } else {
        logLines = [data.error.message];
      }
      logView.dataset.step = step;
      showAttempts(step, step ? (data.attempt || 1) : 0);
      renderLog();
      logView.scrollTop = logView.scrollHeight;
    } catch (problem) {
      logLines = ['Could not read the log: ' + problem.message];
      renderLog();
    } finally {
      if (logStep === step) logLoading = false;
    }
  }

  // One button per attempt of the shown step (when it had more than one), and the download link.
  function showAttempts(step, shown) {
    var latest = latestAttempt[step] || shown;
    logAttempts.textContent = '';
    logAttempts.hidden = !step || latest < 2;
    if (step && latest > 1) {
      logAttempts.appendChild(document.createTextNode('Attempt '));
      for (var n = 1; n <= latest; n++) {
        var button = document.createElement('button');
        button.type = 'button';
        button.dataset.logAttempt = String(n);
        button.setAttribute('aria-pressed', String(n === shown));
        button.textContent = String(n);
        logAttempts.appendChild(button);
      }
    }
    var href = '/runs/' + encodeURIComponent(id) + '/log';
    if (step) href += '?step=' + encodeURIComponent(step) + '&attempt=' + shown;
    logDownload.href = href;
  }

  function matches(line) {
    var text = logSearch.value.trim().toLowerCase();
    return !text || line.toLowerCase().indexOf(text) >= 0;
  }

  // The read lines that match the search (all without one), and how many matched.
  function renderLog() {
    var shown = logLines.filter(matches);
    logView.textContent = shown.map(function (line) { return line + '\n'; }).join('');
    logMatches.textContent = logSearch.value.trim() ? shown.length + ' of ' + logLines.length + ' lines match' : '';
  }

  function appendLog(line) {
    logLines.push(line);
    if (!matches(line)) { renderLog(); return; }
    var atEnd = logView.scrollTop + logView.clientHeight >= logView.scrollHeight - 4;
    logView.appendChild(document.createTextNode(line + '\n'));
    if (logSearch.value.trim()) renderLog();
    if (atEnd) logView.scrollTop = logView.scrollHeight;
  }

  // An excerpt taller than its box shows its end: the last lines say why.
  function showCauses() {
    document.querySelectorAll('pre.excerpt').forEach(function (pre) { pre.scrollTop = pre.scrollHeight; });
  }

  // "Show all" events: a class on the page (outside the live part, so a re-render keeps it).
  function syncEventsToggle() {
    var toggle = document.getElementById('events-toggle');
    if (toggle) toggle.textContent = page.classList.contains('all-events') ? 'Show the newest only' : 'Show all';
  }

  function onStoreEvent(event) {
    if (event.lastEventId) lastEvent = event.lastEventId;
    refresh();
  }

  function openStream() {
    source = new EventSource(base + '/events?after=' + encodeURIComponent(lastEvent));
    ['run_state', 'step_state', 'lease_expired', 'message'].forEach(function (kind) {
      source.addEventListener(kind, onStoreEvent);
    });
    source.addEventListener('log', function (event) {
      var data = JSON.parse(event.data);
      if (!chosen && data.step !== logStep) loadLog(data.step);
      // Live lines belong to the latest attempt: not to an earlier one being read.
      else if (data.step === logStep && logAttempt === null && !logLoading) appendLog(data.line);
    });
    // The run finished and everything was sent: stop the browser from reconnecting.
    source.addEventListener('end', function () {
      source.close();
      refresh();
    });
  }

  page.addEventListener('click', async function (event) {
    var tab = event.target.closest('button[data-log-step]');
    if (tab) {
      chosen = true;
      loadLog(tab.dataset.logStep);
      // From the failure panel at the top: bring the log into view.
      if (!tab.closest('#log-tabs')) document.getElementById('logs').scrollIntoView({ block: 'start' });
      return;
    }
    var attemptButton = event.target.closest('button[data-log-attempt]');
    if (attemptButton) {
      chosen = true;
      var n = Number(attemptButton.dataset.logAttempt);
      loadLog(logStep, n === latestAttempt[logStep] ? null : n);
      return;
    }
    if (event.target.closest('[data-toggle-events]')) {
      page.classList.toggle('all-events');
      syncEventsToggle();
      return;
    }
    var button = event.target.closest('button[data-action]');
    if (!button) return;
    button.disabled = true;
    try {
      await postJSON(base + '/' + button.dataset.action);
      actionError.hidden = true;
    } catch (problem) {
      actionError.textContent = problem.message;
      actionError.hidden = false;
    }
    refresh();
  });

  logSearch.addEventListener('input', renderLog);
  showCauses();
  // Open on what matters: the running step's log, else the failed step's, else the run's.
  var running = document.querySelector('#steps-table tr[data-state="running"]');
  var failed = document.querySelector('#steps-table tr[data-state="failed"]');
  loadLog(running ? running.dataset.step : failed ? failed.dataset.step : '');
  // A finished run's page is final as served: no stream, no re-render under the visitor's hand
  // (Retry or a later event goes through refresh(), which opens the stream again).
  if (!finished()) {
    openStream();
    timer = setTimeout(refresh, 5000);
  }
}

// The theme: the system's (prefers-color-scheme) until the visitor flips it; the flip is kept in
// this browser's localStorage and applied as <html data-theme>, which the stylesheet follows.
function theme() {
  var root = document.documentElement;
  var stored = null;
  try { stored = localStorage.getItem('flowrun-theme'); } catch (problem) { /* storage off: follow the system */ }
  if (stored === 'dark' || stored === 'light') root.dataset.theme = stored;
  var toggle = document.getElementById('theme-toggle');
  if (!toggle) return;
  toggle.addEventListener('click', function () {
    var dark = root.dataset.theme ? root.dataset.theme === 'dark' : window.matchMedia('(prefers-color-scheme: dark)').matches;
    root.dataset.theme = dark ? 'light' : 'dark';
    try { localStorage.setItem('flowrun-theme', root.dataset.theme); } catch (problem) { /* kept for this page only */ }
  });
}

// On a narrow screen the navigation folds behind its Menu button.
function navigation() {
  var nav = document.getElementById('nav');
  var toggle = document.getElementById('nav-toggle');
  if (!nav || !toggle) return;
  toggle.addEventListener('click', function () {
    var open = nav.classList.toggle('open');
    toggle.setAttribute('aria-expanded', String(open));
  });
}

theme();
navigation();
autoSubmit();
var form = document.getElementById('run-form');
if (form) runForm(form);
var register = document.getElementById('register-dataset');
if (register) registerForm(register);
var backfill = document.getElementById('backfill-form');
if (backfill) backfillForm(backfill);
var group = document.getElementById('group-page');
if (group) groupPage(group);
var page = document.getElementById('run-page');
if (page) runPage(page);
})();
