// The calmdesk agent console. Every piece of data (buyer text, names, notes) reaches the page through
// textContent or attribute setters, never innerHTML: a buyer who writes <script> sees it as text.

const $ = (id) => document.getElementById(id);

/** Builds an element; children are nodes or strings (strings become text nodes). */
function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') node.className = value;
    else if (key === 'text') node.textContent = value;
    else if (key.startsWith('data-')) node.setAttribute(key, value);
    else if (key.startsWith('aria-') || key === 'role' || key === 'title')
      node.setAttribute(key, String(value));
    else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else node[key] = value;
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

const state = {
  me: null,
  csrf: '',
  entries: [],
  selected: 0,
  openId: null,
  file: null,
  events: null,
};

class ApiError extends Error {
  constructor(status, body) {
    super(body?.error?.message ?? `request failed (${status})`);
    this.status = status;
    this.body = body;
  }
}

async function api(method, path, body) {
  const init = { method, credentials: 'same-origin', headers: { accept: 'application/json' } };
  if (method !== 'GET') {
    init.headers['content-type'] = 'application/json';
    init.headers['x-csrf-token'] = state.csrf;
    init.body = JSON.stringify(body ?? {});
  }
  const response = await fetch(path, init);
  const data = await response.json().catch(() => ({}));
  if (response.status === 401 && path !== '/agent/api/login') {
    showLogin('Your session has ended; log in again.');
  }
  if (!response.ok) throw new ApiError(response.status, data);
  return data;
}

function toast(text, kind = 'info') {
  const item = el('p', { class: `toast ${kind}`, text });
  $('toasts').append(item);
  setTimeout(() => item.remove(), 8000);
}

function fail(error) {
  toast(error instanceof Error ? error.message : String(error), 'error');
}

// ---------------------------------------------------------------- login

function showLogin(message = '') {
  state.events?.close();
  state.events = null;
  state.me = null;
  $('app-view').hidden = true;
  $('login-view').hidden = false;
  $('login-error').textContent = message;
  $('login-name').focus();
}

async function showApp(me, csrf) {
  state.me = me;
  state.csrf = csrf;
  $('login-view').hidden = true;
  $('app-view').hidden = false;
  $('me').textContent = `${me.name} · ${me.role}`;
  $('approvals-panel').hidden = me.role !== 'supervisor';
  connectEvents();
  await refreshQueue();
  if (me.role === 'supervisor') await refreshApprovals();
  focusQueue();
}

$('login-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  $('login-error').textContent = '';
  try {
    const result = await api('POST', '/agent/api/login', {
      name: $('login-name').value,
      password: $('login-password').value,
    });
    $('login-password').value = '';
    await showApp(result.agent, result.csrf_token);
  } catch (error) {
    $('login-error').textContent = error.message;
  }
});

$('logout').addEventListener('click', async () => {
  await api('POST', '/agent/api/logout').catch(() => undefined);
  showLogin();
});

// ---------------------------------------------------------------- queue

const PRIORITY_LABEL = { urgent: 'URGENT', high: 'high', normal: 'normal' };

function minutes(n) {
  if (n < 60) return `${n} min`;
  return `${Math.floor(n / 60)} h ${n % 60} min`;
}

async function refreshQueue() {
  const data = await api('GET', '/agent/api/queue');
  state.entries = data.entries;
  const online = data.agents_online.map((a) => a.name).join(', ');
  $('online').textContent = `Online: ${online || 'nobody'}`;
  renderQueue();
}

function renderQueue() {
  const list = $('queue');
  const entries = state.entries;
  $('queue-count').textContent = `(${entries.length})`;
  $('queue-empty').hidden = entries.length > 0;
  state.selected = Math.min(state.selected, Math.max(0, entries.length - 1));
  list.replaceChildren(
    ...entries.map((entry, index) => {
      const r = entry.record;
      const holder = r.holder ? `claimed by ${r.holder.name}` : 'waiting';
      const button = el(
        'button',
        {
          type: 'button',
          class: 'case-button',
          'data-id': r.id,
          'aria-current': r.id === state.openId ? 'true' : undefined,
          onclick: () => {
            state.selected = index;
            openCase(r.id);
          },
        },
        el('span', { class: `badge ${r.priority}`, text: PRIORITY_LABEL[r.priority] ?? r.priority }),
        el('span', { class: 'buyer', text: `${r.buyer_name} · ${r.platform}` }),
        el(
          'span',
          { class: `wait${entry.overdue ? ' overdue' : ''}` },
          minutes(entry.waiting_minutes),
          entry.overdue ? ' · overdue' : '',
        ),
        el('span', { class: `holder ${r.status}`, text: holder }),
        el('span', { class: 'reasons', text: r.reasons.join(', ') }),
        el('span', { class: 'summary', text: r.summary }),
      );
      return el(
        'li',
        { class: `queue-item${index === state.selected ? ' selected' : ''}`, 'data-priority': r.priority },
        button,
      );
    }),
  );
}

function focusQueue() {
  const buttons = $('queue').querySelectorAll('button');
  buttons[state.selected]?.focus();
}

function moveSelection(delta) {
  if (state.entries.length === 0) return;
  state.selected = (state.selected + delta + state.entries.length) % state.entries.length;
  renderQueue();
  focusQueue();
}

// ---------------------------------------------------------------- case

async function openCase(id) {
  state.openId = id;
  try {
    state.file = await api('GET', `/agent/api/cases/${encodeURIComponent(id)}`);
    renderCase();
    renderQueue();
    $('case').focus();
  } catch (error) {
    fail(error);
  }
}

async function refreshCase() {
  if (!state.openId) return;
  try {
    state.file = await api('GET', `/agent/api/cases/${encodeURIComponent(state.openId)}`);
    renderCase();
  } catch (error) {
    fail(error);
  }
}

function fact(term, ...values) {
  return [el('dt', { text: term }), el('dd', {}, ...values)];
}

function time(iso) {
  return new Date(iso).toLocaleString();
}

function renderCase() {
  const file = state.file;
  if (!file) return;
  const r = file.record;
  const mine = r.status === 'claimed' && r.holder?.id === state.me.id;
  $('case-body').hidden = false;
  $('case-title').textContent = `${r.buyer_name} · ${r.platform} · ${r.priority}`;
  $('case-status').textContent =
    r.status === 'claimed' ? `claimed by ${r.holder?.name ?? '?'}` : r.status.replaceAll('_', ' ');

  $('claim').disabled = r.status !== 'queued';
  $('release').disabled = !(r.status === 'claimed' && (mine || state.me.role === 'supervisor'));
  for (const id of ['reply-text', 'hand-back', 'resolve', 'approval-amount', 'approval-reason']) {
    $(id).disabled = !mine;
  }
  for (const form of ['reply-form', 'approval-form']) {
    $(form).querySelector('button[type=submit]').disabled = !mine;
  }

  const order = file.order;
  const orderText = order
    ? [
        `${order.id} · ${order.state} · ${order.amount} ${order.currency}`,
        el('br'),
        order.items.map((i) => `${i.quantity} × ${i.name} (${i.price})`).join(', '),
        el('br'),
        `ordered ${order.ordered_at.slice(0, 10)}`,
        order.shipped_at ? ` · shipped ${order.shipped_at.slice(0, 10)}` : '',
        order.delivered_at ? ` · delivered ${order.delivered_at.slice(0, 10)}` : '',
      ]
    : ['no order known'];
  const evidence = file.evidence.length
    ? file.evidence.map((e) => {
        const safeUrl = /^\/uploads\/[0-9a-f-]+\.(jpg|png|webp|gif)$/.test(e.ref) ? e.ref : null;
        return el(
          'span',
          { class: 'evidence' },
          safeUrl && e.kind === 'photo'
            ? el(
                'a',
                { href: safeUrl, target: '_blank', rel: 'noopener' },
                el('img', { src: safeUrl, alt: `photo sent ${time(e.at)}` }),
              )
            : el('span', { text: `${e.kind}: ${e.name ?? e.ref}` }),
        );
      })
    : ['none'];
  $('facts').replaceChildren(
    ...fact(
      'Buyer',
      `${file.buyer.name} (${file.buyer.id}) on ${file.buyer.platform}, writes ${file.language}`,
    ),
    ...fact('Waiting', minutes(file.waiting_minutes), file.overdue ? ' · overdue' : ''),
    ...fact('Reasons', file.reasons.join(', ') || '—'),
    ...fact('Summary', r.summary),
    ...fact('Order', ...orderText),
    ...fact('Problem', file.problem ?? '—', ' · wants ', file.wants ?? '—'),
    ...fact('Evidence', ...evidence),
    ...fact(
      'Policy',
      file.policy.rule ?? '—',
      file.policy.allowed.length ? ` · allows ${file.policy.allowed.join(', ')}` : '',
    ),
    ...fact('Offered', file.offered.map((o) => o.remedy).join(', ') || '—'),
    ...fact('Refused', file.refused.map((o) => o.remedy).join(', ') || '—'),
    ...fact('Anger', file.anger.map((a) => a.anger.toFixed(2)).join(' → ') || '—'),
    ...fact('Satisfaction', file.satisfaction === null ? '—' : `${file.satisfaction} / 5`),
    ...fact(
      'History',
      file.history.map((h) => `${h.type.replace('handoff_', '')}${h.by ? ` (${h.by})` : ''}`).join(' → ') ||
        '—',
    ),
  );

  $('transcript').replaceChildren(
    ...file.transcript.map((line) =>
      el(
        'li',
        { class: `line ${line.role}` },
        el('span', { class: 'who', text: `${line.name} · ${new Date(line.at).toLocaleTimeString()}` }),
        el('span', { class: 'text', text: line.text }),
        line.attachments.length
          ? el('span', { class: 'attachments', text: `📎 ${line.attachments.length}` })
          : null,
      ),
    ),
  );
  const transcript = $('transcript');
  transcript.scrollTop = transcript.scrollHeight;

  $('notes').replaceChildren(
    ...(file.notes.length
      ? file.notes.map((n) => el('li', {}, el('strong', { text: `${n.author.name}: ` }), n.text))
      : [el('li', { class: 'muted', text: 'No notes yet.' })]),
  );
  $('case-approvals').replaceChildren(
    ...(file.approvals.length
      ? file.approvals.map((a) =>
          el(
            'li',
            { class: `approval ${a.status}` },
            `${a.amount} ${a.currency} — ${a.reason} — ${a.status}`,
            a.decided_by ? ` by ${a.decided_by.name}` : '',
            a.comment ? `: ${a.comment}` : '',
          ),
        )
      : [el('li', { class: 'muted', text: 'None.' })]),
  );
}

async function act(path, body, done) {
  if (!state.openId) return;
  try {
    const result = await api('POST', `/agent/api/cases/${encodeURIComponent(state.openId)}/${path}`, body);
    done?.(result);
  } catch (error) {
    fail(error);
  }
  await Promise.all([refreshCase(), refreshQueue()]).catch(fail);
}

$('claim').addEventListener('click', () => act('claim', {}, () => $('reply-text').focus()));
$('release').addEventListener('click', () => act('release', {}));

$('reply-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const text = $('reply-text').value.trim();
  if (!text) return;
  act('reply', { text }, () => {
    $('reply-text').value = '';
  });
});

$('note-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const text = $('note-text').value.trim();
  if (!text) return;
  act('notes', { text }, () => {
    $('note-text').value = '';
  });
});

$('approval-form').addEventListener('submit', (event) => {
  event.preventDefault();
  act(
    'approvals',
    { amount: Number($('approval-amount').value), reason: $('approval-reason').value.trim() },
    () => {
      toast('Approval requested; a supervisor will decide.');
      $('approval-reason').value = '';
    },
  );
});

function outcome() {
  const body = {};
  const note = $('outcome-note').value.trim();
  const remedy = $('outcome-remedy').value;
  const amount = $('outcome-amount').value;
  if (note) body.outcome_note = note;
  if (remedy) body.remedy = remedy;
  if (amount !== '') body.amount = Number(amount);
  return body;
}

function clearOutcome() {
  for (const id of [
    'outcome-note',
    'outcome-remedy',
    'outcome-amount',
    'approval-amount',
    'approval-reason',
  ]) {
    $(id).value = '';
  }
}

$('close-form').addEventListener('submit', (event) => event.preventDefault());
$('hand-back').addEventListener('click', () =>
  act('hand-back', outcome(), () => {
    clearOutcome();
    toast('Handed back to the bot.');
  }),
);
$('resolve').addEventListener('click', () => {
  const body = outcome();
  if (!body.outcome_note) {
    toast('Write the outcome first.', 'error');
    $('outcome-note').focus();
    return;
  }
  act('resolve', body, () => {
    clearOutcome();
    toast('Resolved. The buyer is asked how it went.');
  });
});

// ---------------------------------------------------------------- approvals (supervisors)

async function refreshApprovals() {
  if (state.me?.role !== 'supervisor') return;
  const { approvals } = await api('GET', '/agent/api/approvals');
  $('approvals-empty').hidden = approvals.length > 0;
  $('approvals').replaceChildren(
    ...approvals.map((a) => {
      const commentId = `comment-${a.id}`;
      const comment = el('input', { id: commentId, maxLength: 4000 });
      const decide = (approved) => async () => {
        try {
          await api('POST', `/agent/api/approvals/${encodeURIComponent(a.id)}/decision`, {
            approved,
            comment: comment.value.trim(),
          });
          toast(approved ? 'Approved.' : 'Denied.');
        } catch (error) {
          fail(error);
        }
        await refreshApprovals().catch(fail);
      };
      return el(
        'li',
        { class: 'approval-item', 'data-id': a.id },
        el(
          'p',
          {},
          el('strong', { text: `${a.amount} ${a.currency}` }),
          ` requested by ${a.requested_by.name}: `,
          a.reason,
        ),
        el('label', { htmlFor: commentId, text: 'Comment' }),
        comment,
        el(
          'div',
          { class: 'row' },
          el('button', { type: 'button', class: 'approve', onclick: decide(true) }, 'Approve'),
          el('button', { type: 'button', class: 'deny', onclick: decide(false) }, 'Deny'),
          el('button', { type: 'button', onclick: () => openCase(a.handoff_id) }, 'Open case'),
        ),
      );
    }),
  );
}

// ---------------------------------------------------------------- live updates

let refreshTimer = null;
function scheduleRefresh(caseToo) {
  if (caseToo) refreshCase();
  clearTimeout(refreshTimer);
  refreshTimer = setTimeout(() => refreshQueue().catch(fail), 100);
}

function connectEvents() {
  state.events?.close();
  const source = new EventSource('/agent/api/events');
  state.events = source;
  source.addEventListener('open', () => {
    $('live').textContent = '● live';
    $('live').className = 'live on';
  });
  source.addEventListener('error', () => {
    $('live').textContent = '○ reconnecting';
    $('live').className = 'live';
  });
  source.addEventListener('desk', (message) => {
    const event = JSON.parse(message.data);
    const isOpen = event.record?.id === state.openId;
    scheduleRefresh(isOpen);
    const mine = event.record?.holder?.id === state.me?.id;
    if (event.type === 'handoff_requested' && event.record.priority === 'urgent') {
      toast(`Urgent case from ${event.record.buyer_name}.`, 'alert');
    }
    if (event.type === 'buyer_message' && mine) toast(`${event.entry.name}: ${event.entry.text}`);
    if (event.type === 'approval_requested') refreshApprovals().catch(fail);
    if (event.type === 'approval_decided') {
      refreshApprovals().catch(fail);
      const a = event.approval;
      if (a.requested_by.id === state.me?.id) {
        toast(
          `${a.decided_by?.name ?? 'A supervisor'} ${a.status} ${a.amount} ${a.currency}${a.comment ? `: ${a.comment}` : ''}`,
          a.status === 'approved' ? 'good' : 'alert',
        );
      }
    }
  });
}

// ---------------------------------------------------------------- keyboard

function typing(target) {
  return (
    target instanceof HTMLElement &&
    (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName))
  );
}

document.addEventListener('keydown', (event) => {
  if (!state.me) return;
  if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
    const form = event.target?.closest?.('form');
    if (form?.id === 'reply-form' || form?.id === 'note-form') {
      event.preventDefault();
      form.requestSubmit();
    }
    return;
  }
  if (event.key === 'Escape') {
    $('help').hidden = true;
    event.target?.blur?.();
    focusQueue();
    return;
  }
  if (typing(event.target) || event.ctrlKey || event.metaKey || event.altKey) return;
  const keys = {
    j: () => moveSelection(1),
    k: () => moveSelection(-1),
    c: () => !$('claim').disabled && $('claim').click(),
    r: () => $('reply-text').focus(),
    n: () => $('note-text').focus(),
    a: () => state.me.role === 'supervisor' && $('approvals').querySelector('input')?.focus(),
    '?': () => toggleHelp(),
  };
  const action = keys[event.key];
  if (action) {
    event.preventDefault();
    action();
  }
});

function toggleHelp() {
  const help = $('help');
  help.hidden = !help.hidden;
  $('help-button').setAttribute('aria-expanded', String(!help.hidden));
}
$('help-button').addEventListener('click', toggleHelp);

// ---------------------------------------------------------------- start

try {
  const me = await api('GET', '/agent/api/me');
  await showApp(me.agent, me.csrf_token);
} catch {
  showLogin();
}
