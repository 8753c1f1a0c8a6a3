// The hub's status page. Reads the management API (/hub/*) with the token the operator types,
// kept in sessionStorage only and sent as Authorization: Bearer. Text goes in with textContent
// only: nothing the hub answers is parsed as HTML.
'use strict';

const TOKEN_KEY = 'feedback-hub-management-token';
const REFRESH_MS = 5000;
const $ = id => document.getElementById(id);
let lastAction = null;

function el(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = String(text);
  if (className) node.className = className;
  return node;
}

function show(text, info) {
  const message = $('message');
  message.textContent = text;
  message.className = info ? 'info' : '';
  message.hidden = !text;
}

class Unauthorized extends Error {}

async function call(path, method) {
  const headers = { Accept: 'application/json' };
  const token = sessionStorage.getItem(TOKEN_KEY);
  if (token) headers.Authorization = 'Bearer ' + token;
  const answer = await fetch(path, { method: method || 'GET', headers, cache: 'no-store' });
  if (answer.status === 401) throw new Unauthorized();
  let body = null;
  try { body = await answer.json(); } catch (notJson) { /* an answer without JSON */ }
  return { status: answer.status, body };
}

function askForToken(refused) {
  $('login').hidden = false;
  $('connectors').replaceChildren();
  $('cluster').hidden = true;
  $('updated').textContent = '';
  show(refused
    ? '401 Unauthorized: the management port refused this token. Type hub.management.token again.'
    : 'This hub needs its management token (hub.management.token) to show its status.');
  $('token').focus();
}

function when(text) {
  return text ? new Date(text).toLocaleString() : '';
}

function sum(counts) {
  return Object.values(counts || {}).reduce((a, b) => a + b, 0);
}

function runsTable(runs) {
  if (!runs.length) return el('p', 'No runs yet.', 'none');
  const table = el('table');
  const head = table.createTHead().insertRow();
  for (const title of ['Started', 'Finished', 'Status', 'Mode', 'Trigger', 'Records', 'Dead letters', 'Error', 'Run id']) {
    head.appendChild(el('th', title));
  }
  const body = table.createTBody();
  for (const run of runs) {
    const row = body.insertRow();
    row.appendChild(el('td', when(run.startedAt)));
    row.appendChild(el('td', when(run.finishedAt)));
    row.appendChild(el('td', run.status, run.status));
    row.appendChild(el('td', run.mode));
    row.appendChild(el('td', run.trigger));
    row.appendChild(el('td', run.records));
    const dead = Object.entries(run.deadLetters || {}).map(([table, n]) => n + ' in ' + table).join(', ');
    row.appendChild(el('td', sum(run.deadLetters) ? dead : '0'));
    const error = [run.error, ...(run.causes || []).slice(1), run.held ? 'held: ' + run.held : null].filter(Boolean).join('\n');
    row.appendChild(el('td', error, 'error'));
    row.appendChild(el('td', run.id));
  }
  return table;
}

async function runNow(name, mode) {
  try {
    const answer = await call('connectors/' + encodeURIComponent(name) + '/run?mode=' + mode, 'POST');
    lastAction = answer.status === 202
      ? { text: 'Run of ' + name + ' started: ' + answer.body.runId, info: true }
      : { text: answer.status + ': ' + ((answer.body && answer.body.error) || 'the run was refused'), info: false };
  } catch (e) {
    if (e instanceof Unauthorized) { askForToken(true); return; }
    lastAction = { text: 'The run request failed: ' + e.message, info: false };
  }
  await refresh();
}

function connectorSection(connector, runs, leaders) {
  const section = el('section', null, 'connector');
  section.id = 'connector-' + connector.name;
  section.appendChild(el('h2', connector.name));
  if (connector.description) section.appendChild(el('p', connector.description));
  const facts = el('p', null, 'facts');
  facts.appendChild(el('span', connector.enabled ? 'enabled' : 'disabled'));
  if (connector.paused) facts.appendChild(el('span', 'paused'));
  facts.appendChild(el('span', connector.running ? 'running' : 'not running'));
  facts.appendChild(el('span', 'schedule: ' + (connector.schedule || (connector.runnable ? 'none' : 'on events'))));
  if (connector.fullSyncSchedule) facts.appendChild(el('span', 'full sync: ' + connector.fullSyncSchedule));
  if (leaders) {
    const leader = 'leader' in connector ? connector.leader : (leaders[connector.name] || {}).leader;
    facts.appendChild(el('span', 'leader: ' + (leader || 'being elected')));
  }
  section.appendChild(facts);
  if (connector.enabled && connector.runnable) {
    for (const [label, mode] of [['Run', 'incremental'], ['Run full', 'full']]) {
      const button = el('button', label);
      button.type = 'button';
      button.dataset.connector = connector.name;
      button.dataset.mode = mode;
      button.disabled = connector.running || connector.paused;
      button.addEventListener('click', () => runNow(connector.name, mode));
      section.appendChild(button);
    }
  }
  section.appendChild(el('h3', 'Last runs'));
  section.appendChild(runsTable(runs));
  return section;
}

async function refresh() {
  try {
    const connectors = await call('connectors');
    if (connectors.status !== 200) throw new Error('GET /hub/connectors answered ' + connectors.status);
    const cluster = await call('cluster');
    const histories = await Promise.all(connectors.body.map(c => call('connectors/' + encodeURIComponent(c.name) + '/runs?limit=5')));
    $('login').hidden = true;
    const leaders = cluster.body && cluster.body.enabled ? cluster.body.connectors || {} : null;
    $('cluster').hidden = !leaders;
    if (leaders) {
      $('cluster-text').textContent = 'Cluster ' + cluster.body.name + ', this member ' + cluster.body.self
        + ', members: ' + (cluster.body.members || []).join(', ') + '. Leaders: '
        + Object.entries(leaders).map(([name, c]) => name + ' → ' + (c.leader || 'being elected')).join(', ');
    }
    $('connectors').replaceChildren(...connectors.body.map((c, i) =>
      connectorSection(c, histories[i].status === 200 ? histories[i].body : [], leaders)));
    $('updated').textContent = 'Updated ' + new Date().toLocaleTimeString();
    show(lastAction ? lastAction.text : '', lastAction && lastAction.info);
  } catch (e) {
    if (e instanceof Unauthorized) { askForToken(!!sessionStorage.getItem(TOKEN_KEY)); return; }
    show('Cannot read the hub: ' + e.message);
  }
}

$('login').addEventListener('submit', event => {
  event.preventDefault();
  sessionStorage.setItem(TOKEN_KEY, $('token').value);
  $('token').value = '';
  lastAction = null;
  refresh();
});
$('refresh').addEventListener('click', refresh);
setInterval(() => { if ($('login').hidden) refresh(); }, REFRESH_MS);
refresh();
