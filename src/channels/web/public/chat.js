// The buyer's web chat. Plain DOM, no framework; every text is set with textContent, never parsed as HTML.
const $ = (id) => document.getElementById(id);
const store = window.localStorage;
const NAMES = ['小满', '阿杰', 'Sam', '小雨', 'Robin', '安安', 'Kai', '朵朵', 'Lee', '乐乐'];

let conversation = store.getItem('calmdesk.conversation');
let name = store.getItem('calmdesk.name');
let lastSeq = 0;
let stream = null;
const shown = new Set();

function newId() {
  const bytes = new Uint8Array(12);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

function setStatus(text) {
  $('status').textContent = text || '';
}

function render(entry) {
  if (shown.has(entry.seq)) return;
  shown.add(entry.seq);
  lastSeq = Math.max(lastSeq, entry.seq);
  const li = document.createElement('li');
  li.className = `msg ${entry.role}`;
  li.dataset.seq = String(entry.seq);
  const who = document.createElement('span');
  who.className = 'who';
  who.textContent =
    entry.role === 'buyer'
      ? name || entry.name
      : entry.role === 'agent'
        ? `${entry.name}（人工客服 / agent）`
        : '客服助手 calmdesk';
  li.append(who, document.createTextNode(entry.text));
  for (const a of entry.attachments || []) {
    if (a.kind === 'photo' && /^(\/uploads\/|https:)/.test(a.ref)) {
      const img = document.createElement('img');
      img.src = a.ref;
      img.alt = a.name || 'photo';
      li.append(img);
    }
  }
  if (entry.options?.length) {
    const box = document.createElement('div');
    box.className = 'options';
    for (const option of entry.options) {
      const b = document.createElement('button');
      b.type = 'button';
      b.textContent = option.label;
      b.addEventListener('click', () => send(option.value));
      box.append(b);
    }
    li.append(box);
  }
  const list = $('messages');
  const after = [...list.children].find((el) => Number(el.dataset.seq) > entry.seq);
  list.insertBefore(li, after || null);
  li.scrollIntoView({ block: 'end' });
}

async function loadTranscript() {
  const res = await fetch(`/api/conversations/${conversation}/messages?after=${lastSeq}`);
  if (!res.ok) return;
  const body = await res.json();
  body.messages.forEach(render);
}

function listen() {
  if (stream) stream.close();
  stream = new EventSource(`/api/conversations/${conversation}/stream?after=${lastSeq}`);
  stream.addEventListener('message', (event) => render(JSON.parse(event.data)));
  stream.addEventListener('open', () => setStatus(''));
  stream.addEventListener('error', () => setStatus('连接中断，正在重连… Reconnecting…'));
}

async function send(text, attachments = []) {
  const button = $('send');
  button.disabled = true;
  try {
    const res = await fetch(`/api/conversations/${conversation}/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text, attachments, buyer_name: name, message_id: newId() }),
    });
    const body = await res.json().catch(() => ({}));
    if (!res.ok) {
      setStatus(
        body.error ? body.error.message : `发送失败 (${res.status})，请重试 / Could not send, please retry`,
      );
      return false;
    }
    setStatus('');
    await loadTranscript();
    return true;
  } catch {
    setStatus('网络不通，请稍后重试 / Network problem, please retry');
    return false;
  } finally {
    button.disabled = false;
  }
}

function start() {
  $('name-form').hidden = true;
  $('send-form').hidden = false;
  $('who').textContent = `${name} · #${conversation.slice(-6)}`;
  loadTranscript().then(listen);
  $('text').focus();
}

$('name-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const value = $('name-input').value.trim();
  if (!value) return;
  name = value;
  store.setItem('calmdesk.name', name);
  start();
});
$('random-name').addEventListener('click', () => {
  $('name-input').value =
    NAMES[Math.floor(Math.random() * NAMES.length)] + Math.floor(Math.random() * 90 + 10);
});
$('send-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const text = $('text').value;
  if (!text.trim()) return;
  if (await send(text)) $('text').value = '';
});
$('text').addEventListener('keydown', (event) => {
  if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
    event.preventDefault();
    $('send-form').requestSubmit();
  }
});
$('photo').addEventListener('change', async () => {
  const file = $('photo').files[0];
  if (!file) return;
  const res = await fetch(`/api/conversations/${conversation}/uploads`, {
    method: 'POST',
    headers: { 'content-type': file.type || 'application/octet-stream' },
    body: file,
  });
  const body = await res.json().catch(() => ({}));
  if (!res.ok) {
    setStatus(body.error ? body.error.message : 'Upload failed');
    return;
  }
  await send($('text').value, [{ kind: 'photo', ref: body.ref, name: file.name, mime: file.type }]);
  $('text').value = '';
  $('photo').value = '';
});
$('new-chat').addEventListener('click', () => {
  store.removeItem('calmdesk.conversation');
  window.location.reload();
});

if (!conversation) {
  conversation = newId();
  store.setItem('calmdesk.conversation', conversation);
}
if (name) start();
else {
  $('name-form').hidden = false;
  $('name-input').focus();
}
