'use strict';
// The repo-rag page: plain DOM, no build step. Every value from the server is shown through
// textContent, never innerHTML.

const TOKEN_KEY = 'reporag.adminToken';
const $ = (id) => document.getElementById(id);
let events = null;       // the EventSource of the open project
let statusEvents = 0;    // status events received: an older read must not overwrite a newer event
let current = null;      // the open project's last known state
let conversationId = null;
let listTimer = null;    // refreshes the project list while it is shown

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  Object.entries(attrs || {}).forEach(([k, v]) => {
    if (k === 'class') node.className = v; else node.setAttribute(k, v);
  });
  children.flat().forEach((c) => node.append(c instanceof Node ? c : document.createTextNode(String(c))));
  return node;
}

function adminHeaders() {
  const token = sessionStorage.getItem(TOKEN_KEY);
  return token ? { Authorization: 'Bearer ' + token } : {};
}

async function api(method, path, body, admin) {
  const headers = admin ? adminHeaders() : {};
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  if (response.status === 204) return null;
  let data = null;
  try { data = await response.json(); } catch (e) { /* not JSON */ }
  if (!response.ok) {
    let message = (data && data.error) || ('request failed with status ' + response.status);
    if (response.status === 401 || response.status === 403) message += ' (enter the admin token at the top of the page)';
    throw new Error(message);
  }
  return data;
}

const LABELS = { PENDING: 'Pending', PROCESSING: 'Processing', READY: 'Ready', FAILED: 'Failed' };
function badge(node, status) {
  node.textContent = LABELS[status] || status;
  node.className = 'badge ' + String(status).toLowerCase();
  node.dataset.status = status;
}

function showError(node, message) {
  node.textContent = message || '';
  node.hidden = !message;
}

// ---- home ----
async function showHome() {
  closeEvents();
  $('project-view').hidden = true;
  $('home-view').hidden = false;
  await refreshProjects();
  if (!listTimer) listTimer = setInterval(refreshProjects, 3000);
}

async function refreshProjects() {
  try {
    renderProjects(await api('GET', 'api/projects'));
    notice('');
  } catch (e) {
    notice(e.message);
  }
}

function renderProjects(projects) {
  const list = $('project-list');
  list.replaceChildren();
  $('empty-projects').hidden = projects.length > 0;
  projects.forEach((p) => {
    const b = el('span', {});
    badge(b, p.status);
    list.append(el('li', {}, el('a', { class: 'project-link', href: '#/projects/' + encodeURIComponent(p.id), 'data-id': p.id },
      el('span', { class: 'name' }, p.name), b, el('span', { class: 'repo mono' }, p.repoUrl))));
  });
}

$('add-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  showError($('add-error'), '');
  const body = { name: $('add-name').value.trim(), repoUrl: $('add-repo').value.trim() };
  if ($('add-ref').value.trim()) body.ref = $('add-ref').value.trim();
  // Comma-separated globs: the server splits them, and keeps them as the project's own rules.
  if ($('add-include').value.trim()) body.include = $('add-include').value.trim();
  if ($('add-exclude').value.trim()) body.exclude = $('add-exclude').value.trim();
  $('add-submit').disabled = true;
  try {
    const project = await api('POST', 'api/projects', body, true);
    $('add-form').reset();
    location.hash = '#/projects/' + encodeURIComponent(project.id);
  } catch (e) {
    showError($('add-error'), e.message);
  } finally {
    $('add-submit').disabled = false;
  }
});

// ---- project ----
async function showProject(id) {
  if (listTimer) { clearInterval(listTimer); listTimer = null; }
  $('home-view').hidden = true;
  $('project-view').hidden = false;
  showError($('action-error'), '');
  if (!current || current.id !== id) {
    conversationId = null;
    $('messages').replaceChildren();
    $('chat').hidden = true;
  }
  try {
    renderProject(await api('GET', 'api/projects/' + encodeURIComponent(id)));
  } catch (e) {
    showError($('action-error'), e.message);
    return;
  }
  openEvents(id);
}

function renderProject(p) {
  current = p;
  $('project-name').textContent = p.name;
  $('project-repo').textContent = p.repoUrl + (p.ref ? ' @ ' + p.ref : '');
  const rules = [];
  if (p.include && p.include.length) rules.push('Also indexes ' + p.include.join(', '));
  if (p.exclude && p.exclude.length) rules.push('leaves out ' + p.exclude.join(', '));
  $('project-rules').textContent = rules.length ? rules.join('; ') + '.' : '';
  $('project-rules').hidden = !rules.length;
  badge($('status-badge'), p.status);
  const percent = Math.max(0, Math.min(100, p.progress | 0));
  $('progress').setAttribute('aria-valuenow', String(percent));
  $('progress-bar').style.width = percent + '%';
  $('progress-bar').className = 'progress-bar ' + (p.status === 'READY' ? 'ready' : p.status === 'FAILED' ? 'failed' : '');
  $('progress-label').textContent = percent + '%';
  const eta = etaText(p);
  $('progress-eta').textContent = eta;
  $('progress-eta').hidden = !eta;
  $('fact-files').textContent = p.files ? (p.filesDone + ' / ' + p.files) : '-';
  $('fact-chunks').textContent = p.chunksTotal ? (p.chunks + ' / ' + p.chunksTotal) : (p.chunks || '-');
  $('fact-skipped').textContent = p.files || p.skipped ? p.skipped : '-';
  $('fact-commit').textContent = p.commit ? p.commit.substring(0, 12) : '-';
  $('fact-commit').title = p.commit || '';
  // What a PENDING project waits for (no worker running, the next scheduled run...).
  $('waiting-for').textContent = p.waitingFor || '';
  $('waiting-for').hidden = !p.waitingFor;
  // During a re-index the counters above are the new job's; answers still come from the last index.
  const reindexing = p.answerable && p.status !== 'READY' && p.indexedCommit;
  $('index-note').textContent = reindexing ? 'Answers come from the last index (commit '
    + p.indexedCommit.substring(0, 12) + ': ' + count(p.indexedFiles, 'file') + ', ' + count(p.indexedChunks, 'chunk')
    + ') until this one is ready.' : '';
  $('index-note').hidden = !reindexing;
  showFreshness(p);
  showEstimate(p);
  showSkipped(p);
  const failed = p.status === 'FAILED';
  $('error-box').hidden = !failed;
  $('error-text').textContent = failed ? (p.error || 'unknown error') : '';
  const active = p.status === 'PENDING' && p.jobId || p.status === 'PROCESSING';
  $('initialize').disabled = Boolean(active) || failed;
  $('initialize').textContent = p.answerable ? 'Re-index' : 'Initialize AI';
  $('initialize').title = active ? 'An ingestion is queued or running' : '';
  $('start-conversation').disabled = !p.answerable;
  $('start-conversation').title = p.answerable ? '' : 'Available once the project is Ready';
  $('question').disabled = !p.answerable;
  $('ask').disabled = !p.answerable;
}

// Which commit answers come from, and whether the branch has moved on since (a sync or a webhook saw it).
function showFreshness(p) {
  const node = $('freshness');
  let text = '';
  if (p.indexedCommit && p.remoteCommit) {
    const checked = new Date(p.remoteCheckedAt).toLocaleString();
    text = p.remoteMoved
      ? 'Index at ' + p.indexedCommit.substring(0, 7) + ', ref at ' + p.remoteCommit.substring(0, 7)
        + ' (seen ' + checked + '): ' + (p.status === 'READY' ? 'a re-index is due.' : 'a re-index is on its way.')
      : 'Up to date: index at ' + p.indexedCommit.substring(0, 7) + ', the ref\'s latest commit (checked ' + checked + ').';
  } else if (p.indexedCommit) {
    text = 'Index at ' + p.indexedCommit.substring(0, 7) + '.';
  }
  node.textContent = text;
  node.hidden = !text;
  node.classList.toggle('moved', Boolean(p.remoteMoved));
}

// Before the first "Initialize AI": what indexing would cost and take, worked out by the server
// without embedding anything (once per project and page).
let estimateFor = null;
async function showEstimate(p) {
  const node = $('estimate');
  const before = !p.answerable && !p.jobId;
  if (!before) {
    node.hidden = true;
    return;
  }
  node.hidden = false;
  if (estimateFor === p.id) return;
  estimateFor = p.id;
  node.textContent = 'Estimating what indexing will take\u2026';
  try {
    const e = await api('GET', 'api/projects/' + encodeURIComponent(p.id) + '/estimate');
    if (current && current.id === p.id) node.textContent = 'Estimate: ' + e.summary + '.';
  } catch (err) {
    estimateFor = null;
    if (current && current.id === p.id) node.textContent = 'No estimate: ' + err.message;
  }
}

// The time left as the worker running the job estimates it; nothing until it has one, or once
// the job is no longer processing.
function etaText(p) {
  const seconds = p.status === 'PROCESSING' && typeof p.etaSeconds === 'number' ? p.etaSeconds : -1;
  if (seconds < 0) return '';
  return seconds < 60 ? 'less than a minute left' : 'about ' + Math.round(seconds / 60) + ' min left';
}

// ---- skipped files: a collapsible list, loaded when opened, filtered by rule ----
const SKIPPED_PAGE = 200;
let skipped = { project: null, reason: null, shown: 0, loadedFor: null };

function showSkipped(p) {
  const box = $('skipped-box');
  box.hidden = !(p.skipped > 0 || p.answerable);
  $('skipped-summary').textContent = p.skipped > 0 ? '(' + p.skipped + ')' : '';
  if (skipped.project !== p.id) {
    skipped = { project: p.id, reason: null, shown: 0, loadedFor: null };
    box.open = false;
    $('skipped-rules').replaceChildren();
    $('skipped-list').replaceChildren();
    $('skipped-more').hidden = true;
  } else if (box.open && skipped.loadedFor !== p.jobId && p.status === 'READY') {
    loadSkipped(true); // a new list after a job
  }
}

$('skipped-box').addEventListener('toggle', () => {
  if ($('skipped-box').open && skipped.loadedFor === null) loadSkipped(true);
});
$('skipped-more').addEventListener('click', () => loadSkipped(false));

async function loadSkipped(fresh) {
  const id = skipped.project;
  if (fresh) { skipped.shown = 0; $('skipped-list').replaceChildren(); }
  let path = 'api/projects/' + encodeURIComponent(id) + '/skipped?limit=' + SKIPPED_PAGE + '&offset=' + skipped.shown;
  if (skipped.reason) path += '&reason=' + encodeURIComponent(skipped.reason);
  try {
    const page = await api('GET', path);
    if (id !== skipped.project) return;
    skipped.loadedFor = current ? current.jobId : null;
    renderRules(page);
    page.files.forEach((f) => $('skipped-list').append(el('li', {},
      el('span', { class: 'path' }, f.path), el('span', { class: 'rule' }, f.rule), el('span', { class: 'size' }, size(f.size)))));
    skipped.shown += page.files.length;
    const matching = skipped.reason ? ruleCount(page, skipped.reason) : page.total;
    $('skipped-more').hidden = skipped.shown >= matching;
    if (page.total === 0) $('skipped-list').append(el('li', {}, el('span', { class: 'path muted' }, 'Nothing was left out.')));
  } catch (e) {
    showError($('action-error'), e.message);
  }
}

function ruleCount(page, reason) {
  const rule = page.counts.find((c) => c.reason === reason);
  return rule ? rule.count : 0;
}

function renderRules(page) {
  const rules = [el('button', { type: 'button', class: 'secondary small' + (skipped.reason ? '' : ' active') }, 'All (' + page.total + ')')];
  rules[0].addEventListener('click', () => { skipped.reason = null; loadSkipped(true); });
  page.counts.forEach((c) => {
    const b = el('button', { type: 'button', class: 'secondary small' + (skipped.reason === c.reason ? ' active' : ''), 'data-reason': c.reason },
      c.rule + ' (' + c.count + ')');
    b.addEventListener('click', () => { skipped.reason = c.reason; loadSkipped(true); });
    rules.push(b);
  });
  $('skipped-rules').replaceChildren(...rules);
}

function count(n, noun) {
  return n + ' ' + noun + (n === 1 ? '' : 's');
}

function size(bytes) {
  if (bytes < 1024) return bytes + ' B';
  return bytes < 1048576 ? (bytes / 1024).toFixed(1) + ' KB' : (bytes / 1048576).toFixed(1) + ' MB';
}

function openEvents(id) {
  closeEvents();
  events = new EventSource('api/projects/' + encodeURIComponent(id) + '/events');
  events.addEventListener('status', (e) => {
    statusEvents++;
    const p = JSON.parse(e.data);
    if (current && p.id === current.id) renderProject(p);
  });
  events.addEventListener('deleted', () => { closeEvents(); location.hash = '#/'; });
  // EventSource reconnects by itself after network errors; nothing to do here.
}

function closeEvents() {
  if (events) { events.close(); events = null; }
}

async function projectAction(button, method, suffix) {
  showError($('action-error'), '');
  button.disabled = true;
  try {
    await api(method, 'api/projects/' + encodeURIComponent(current.id) + suffix, undefined, true);
    if (method !== 'DELETE') {
      // Shown at once, unless the event stream delivered a state meanwhile: this read may be older
      // (a quick job can end between the read and its response), and the stream only sends changes.
      const seen = statusEvents;
      const p = await api('GET', 'api/projects/' + encodeURIComponent(current.id));
      if (statusEvents === seen) renderProject(p);
    }
    return true;
  } catch (e) {
    showError($('action-error'), e.message);
    button.disabled = false;
    return false;
  }
}

$('initialize').addEventListener('click', () => projectAction($('initialize'), 'POST', '/ingest'));
$('retry').addEventListener('click', () => projectAction($('retry'), 'POST', '/retry'));
$('delete-project').addEventListener('click', async () => {
  if (!confirm('Delete "' + current.name + '" and its index?')) return;
  if (await projectAction($('delete-project'), 'DELETE', '')) {
    $('delete-project').disabled = false;
    location.hash = '#/';
  }
});
$('start-conversation').addEventListener('click', () => {
  conversationId = null;
  $('messages').replaceChildren();
  $('chat').hidden = false;
  $('question').focus();
});

// ---- chat ----
$('ask-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const question = $('question').value.trim();
  if (!question) return;
  $('question').value = '';
  $('messages').append(el('div', { class: 'message question' }, question));
  const text = el('div', { class: 'text' });
  const answer = el('div', { class: 'message answer' }, text);
  $('messages').append(answer);
  $('ask').disabled = true;
  try {
    const result = await askStreaming(question, (token) => {
      text.textContent += token;
      scrollChat();
    });
    text.textContent = result.answer;
    conversationId = result.conversationId;
    if (result.citations.length) answer.append(citations(result.citations));
  } catch (e) {
    answer.className = 'message error';
    text.textContent = e.message;
  } finally {
    $('ask').disabled = !(current && current.answerable);
    scrollChat();
  }
});

function citations(list) {
  return el('ol', { class: 'citations' }, list.map((c) => el('li', { class: 'citation' },
    el('span', { class: 'n' }, '[' + c.number + ']'),
    c.url && /^https:\/\//.test(c.url)
      ? el('a', { href: c.url, target: '_blank', rel: 'noopener noreferrer' }, c.label)
      : el('span', { class: 'mono' }, c.label))));
}

function scrollChat() {
  $('messages').scrollTop = $('messages').scrollHeight;
}

// POST .../ask/stream answers as server-sent events; refusals come back as plain JSON errors.
async function askStreaming(question, onToken) {
  const body = { question };
  if (conversationId) body.conversationId = conversationId;
  const response = await fetch('api/projects/' + encodeURIComponent(current.id) + '/ask/stream', {
    method: 'POST', headers: { 'Content-Type': 'application/json', Accept: 'text/event-stream' }, body: JSON.stringify(body),
  });
  const type = response.headers.get('Content-Type') || '';
  if (!type.startsWith('text/event-stream')) {
    let data = null;
    try { data = await response.json(); } catch (e) { /* not JSON */ }
    throw new Error((data && data.error) || ('request failed with status ' + response.status));
  }
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  let result = null;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    let end;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const frame = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let name = 'message';
      let data = '';
      frame.split('\n').forEach((line) => {
        if (line.startsWith('event: ')) name = line.slice(7);
        else if (line.startsWith('data: ')) data += line.slice(6);
      });
      const payload = JSON.parse(data || 'null');
      if (name === 'token') onToken(payload.text);
      else if (name === 'answer') result = payload;
      else if (name === 'error') throw new Error(payload.error);
    }
  }
  if (!result) throw new Error('the answer stream ended early');
  return result;
}

// ---- token, notices, routing ----
function notice(message) {
  showError($('notice'), message);
}

function renderTokenState() {
  const has = Boolean(sessionStorage.getItem(TOKEN_KEY));
  $('token-state').textContent = has ? 'saved for this tab' : '';
  $('admin-token').value = '';
  $('admin-token').placeholder = has ? '\u2022\u2022\u2022\u2022\u2022\u2022 (saved)' : 'for add, ingest, retry, delete';
}

$('save-token').addEventListener('click', () => {
  const value = $('admin-token').value.trim();
  if (value) sessionStorage.setItem(TOKEN_KEY, value); else sessionStorage.removeItem(TOKEN_KEY);
  renderTokenState();
});

function route() {
  const match = location.hash.match(/^#\/projects\/([A-Za-z0-9_-]+)$/);
  if (match) showProject(match[1]); else showHome();
}

window.addEventListener('hashchange', route);
renderTokenState();
route();
