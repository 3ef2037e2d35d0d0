// rf-edit playground: one channel, many tabs. Everything the bot says comes from the server.

const $ = (id) => document.getElementById(id);
const messages = new Map();
const state = { threadId: null, file: null, info: null, openAgain: null };

// Who this browser is comes from the server's signed session cookie (HttpOnly: this script never
// sees it); the server tells us our public id in /api/info. The display name is ours to pick.
let userId = null;
const nameInput = $("name");
nameInput.value = localStorage.getItem("rf-name") || "";
nameInput.addEventListener("change", () => {
  nameInput.value = nameInput.value.trim().slice(0, 40) || defaultName();
  localStorage.setItem("rf-name", nameInput.value);
});
const defaultName = () => (userId ? `guest-${userId.slice(1, 5)}` : "guest");
const me = () => ({ name: nameInput.value.trim() });

function toast(text) {
  const t = $("toast");
  t.textContent = text;
  t.hidden = false;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => (t.hidden = true), 6000);
}

async function postJson(path, body) {
  const res = await fetch(path, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ ...me(), ...body }),
  });
  return answer(res);
}

async function answer(res) {
  let body;
  try {
    body = await res.json();
  } catch {
    body = { ok: false, message: `The playground answered ${res.status}.` };
  }
  if (body.message) toast(body.message);
  return body;
}

function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "class") e.className = v;
    else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else if (v !== undefined && v !== null) e.setAttribute(k, v);
  }
  for (const c of children) if (c !== null && c !== undefined) e.append(c);
  return e;
}

// Backticks mark commands in the bot's sentences: shown as code, built from text nodes only.
function richText(text, testid = "text") {
  const box = el("div", { class: "text", "data-testid": testid });
  text.split("`").forEach((part, i) => {
    box.append(...(i % 2 ? [el("code", {}, part)] : linkified(part)));
  });
  return box;
}

// The picture at full size over the page, with a download link; Escape or a click closes it.
function openFullSize(src, name) {
  closeFullSize();
  const img = el("img", { src, alt: name, "data-testid": "full-size" });
  const box = el(
    "div",
    { class: "lightbox", "data-testid": "lightbox", onclick: (e) => e.target === box && closeFullSize() },
    img,
    el(
      "div",
      { class: "lightbox-bar" },
      el("a", { href: src, download: name, "data-testid": "download" }, "Download"),
      el("button", { type: "button", onclick: closeFullSize }, "Close"),
    ),
  );
  document.body.append(box);
}
function closeFullSize() {
  document.querySelector(".lightbox")?.remove();
}
document.addEventListener("keydown", (e) => e.key === "Escape" && closeFullSize());

function renderMessage(m) {
  const node = el("div", {
    class: "msg",
    id: `m-${m.id}`,
    "data-id": m.id,
    "data-testid": m.author.bot ? "bot-message" : "user-message",
  });
  if (m.job) node.dataset.testid = m.kind || "result";
  node.append(
    el(
      "div",
      { class: "meta" },
      el("b", {}, m.author.name),
      m.author.bot ? el("span", { class: "bot" }, "APP") : null,
      new Date(m.createdAt).toLocaleTimeString(),
    ),
  );
  if (m.text) node.append(richText(m.text));
  if (m.image) {
    const src = `/images/${m.image.sha}.png`;
    const name = m.image.name || "picture.png";
    node.append(
      el("img", {
        class: "picture",
        src,
        alt: name,
        title: "Click to see it full size",
        "data-testid": "picture",
        onclick: () => openFullSize(src, name),
        onerror: (e) => e.target.replaceWith(el("div", { class: "job" }, "(this picture has expired)")),
      }),
    );
  }
  if (m.job) {
    node.dataset.jobId = m.job.jobId;
    node.dataset.strength = String(m.job.strength);
    node.append(
      el(
        "div",
        { class: "job", "data-testid": "job" },
        `strength ${m.job.strength} · seed ${m.job.seed} · `,
        m.image
          ? el("a", { href: `/images/${m.image.sha}.png`, download: `${m.job.jobId}.png` }, "download")
          : null,
      ),
    );
  }
  if (m.controls.length) {
    const controls = el("div", { class: "controls" });
    for (const c of m.controls) {
      controls.append(
        el("button", { type: "button", "data-control": c.id, onclick: () => pressControl(m, c) }, c.label),
      );
    }
    node.append(controls);
  }
  if (m.job || m.reactions.length) node.append(renderReactions(m));
  if (!m.threadId && !m.author.bot) {
    node.append(
      el(
        "button",
        { type: "button", class: "thread-link", onclick: () => enterThread(m.id) },
        "Reply in thread",
      ),
    );
  }
  if (state.openAgain === m.id) node.append(againForm(m));
  return node;
}

// Captions link their parent message: "#m-<id>" anchors here, http(s) links anywhere. Text stays text.
function linkified(text) {
  const out = [];
  let last = 0;
  for (const match of text.matchAll(/#m-[A-Za-z0-9_-]+|https?:\/\/[^\s<>"]+/g)) {
    out.push(text.slice(last, match.index));
    const href = match[0];
    const a = el("a", { href, "data-testid": "parent-link" }, href.startsWith("#") ? "parent message" : href);
    if (href.startsWith("#")) {
      a.addEventListener("click", (e) => {
        const target = document.getElementById(href.slice(1));
        if (!target) return;
        e.preventDefault();
        target.scrollIntoView({ block: "center" });
        target.classList.add("flash");
        setTimeout(() => target.classList.remove("flash"), 1500);
      });
    }
    out.push(a);
    last = match.index + href.length;
  }
  out.push(text.slice(last));
  return out;
}

// The channel settings panel: what /edit-settings shows and changes, as a form.
async function loadSettings() {
  const body = await (await fetch("/api/settings")).json();
  const s = body.settings || {};
  $("set-strength").value = s.strength ?? "";
  $("set-steps").value = s.steps ?? "";
  $("set-sampler").value = s.sampler ?? "";
  $("set-rerun").value = s.rerun ?? "";
  $("set-try").value = s.tryStrengths === undefined ? "" : s.tryStrengths ? "on" : "off";
  $("settings-summary").textContent = body.summary || "";
}

$("settings").addEventListener("toggle", () => {
  if ($("settings").open) loadSettings().catch(() => {});
});
$("settings-form").addEventListener("submit", async (e) => {
  e.preventDefault();
  const r = await postJson("/api/settings", {
    settings: {
      strength: $("set-strength").value,
      steps: $("set-steps").value,
      sampler: $("set-sampler").value,
      rerun: $("set-rerun").value,
      "try-strengths": $("set-try").value,
    },
  });
  if (r.ok) loadSettings().catch(() => {});
});

function renderReactions(m) {
  const box = el("div", { class: "reactions" });
  const botId = state.info?.botId;
  for (const r of m.reactions) {
    // The bot's own reactions are suggestions: shown without a count, so they do not look as if
    // someone had already reacted. A count appears once people react.
    const people = r.users.filter((u) => u !== botId).length;
    const suggested = people === 0;
    box.append(
      el(
        "button",
        {
          type: "button",
          class: [r.users.includes(userId) ? "mine" : "", suggested ? "suggested" : ""].join(" ").trim(),
          title: suggested ? "Suggested: click to react" : undefined,
          "data-emoji": r.emoji,
          "data-count": String(people),
          onclick: () => react(m, r.emoji),
        },
        suggested ? r.emoji : `${r.emoji} ${people}`,
      ),
    );
  }
  const picker = el("span", { class: "picker", hidden: "" });
  for (const emoji of state.info?.reactions ?? []) {
    picker.append(
      el("button", { type: "button", "data-pick": emoji, onclick: () => react(m, emoji) }, emoji),
    );
  }
  box.append(
    el(
      "button",
      { type: "button", title: "Add a reaction", onclick: () => (picker.hidden = !picker.hidden) },
      "☺+",
    ),
    picker,
  );
  return box;
}

function againForm(m) {
  const input = el("input", {
    placeholder: "what to change in this result (optionally a strength, e.g. 0.6)",
    "data-testid": "again-text",
  });
  const form = el(
    "form",
    {
      class: "again",
      onsubmit: async (e) => {
        e.preventDefault();
        const id = m.controls.find((c) => c.id.startsWith("rf:edit-again:"))?.id;
        const r = await postJson("/api/control", { id, text: input.value });
        if (r.ok) {
          state.openAgain = null;
          form.remove();
        }
      },
    },
    input,
    el("button", { type: "submit" }, "Edit"),
  );
  setTimeout(() => input.focus(), 0);
  return form;
}

async function pressControl(m, c) {
  if (c.id.startsWith("rf:edit-again:")) {
    state.openAgain = state.openAgain === m.id ? null : m.id;
    upsert(m);
    return;
  }
  await postJson("/api/control", { id: c.id });
}

async function react(m, emoji) {
  await postJson("/api/react", { messageId: m.id, emoji });
}

function threadBox(rootId) {
  let box = document.querySelector(`.thread[data-root="${rootId}"]`);
  if (!box) {
    const root = document.querySelector(`.msg[data-id="${rootId}"]`);
    box = el("div", { class: "thread", "data-root": rootId, "data-testid": "thread" });
    if (root) root.after(box);
    else $("messages").append(box);
  }
  return box;
}

// An empty channel greets whoever opens it; the first message takes its place.
function showGreeting() {
  const g = state.info?.greeting;
  if (!g || messages.size > 0 || $("greeting")) return;
  $("messages").append(
    el(
      "section",
      { id: "greeting", class: "greeting", "data-testid": "greeting" },
      el("h2", {}, g.title),
      ...g.lines.map((line) => richText(line, "greeting-line")),
    ),
  );
}

function upsert(m) {
  $("greeting")?.remove();
  const old = messages.get(m.id);
  if (old && (old.editedAt ?? 0) > (m.editedAt ?? 0)) return;
  messages.set(m.id, m);
  const existing = document.querySelector(`.msg[data-id="${m.id}"]`);
  const node = renderMessage(m);
  const list = $("messages");
  const nearBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 80;
  if (existing) existing.replaceWith(node);
  else if (m.threadId) threadBox(m.threadId).append(node);
  else {
    list.append(node);
    const waiting = document.querySelector(`.thread[data-root="${m.id}"]`);
    if (waiting) node.after(waiting);
  }
  if (nearBottom || !existing) list.scrollTop = list.scrollHeight;
}

/** One reaction added or taken back: the server sends only that, not the whole message. */
function applyReaction({ messageId, emoji, userId: who, added }) {
  const m = messages.get(messageId);
  if (!m) return;
  const reactions = m.reactions.map((r) => ({ ...r, users: [...r.users] }));
  let entry = reactions.find((r) => r.emoji === emoji);
  if (!entry) {
    entry = { emoji, users: [] };
    reactions.push(entry);
  }
  entry.users = entry.users.filter((u) => u !== who);
  if (added) entry.users.push(who);
  const next = { ...m, reactions: reactions.filter((r) => r.users.length > 0) };
  messages.delete(messageId);
  upsert(next);
}

function enterThread(id) {
  state.threadId = id;
  $("thread-target").hidden = false;
  $("text").focus();
}
$("leave-thread").addEventListener("click", () => {
  state.threadId = null;
  $("thread-target").hidden = true;
});

function setFile(file) {
  state.file = file;
  $("attachment").hidden = !file;
  if (!file) {
    $("file").value = "";
    return;
  }
  $("attachment-name").textContent = `${file.name} (${Math.round(file.size / 1024)} KB)`;
  $("attachment-preview").src = URL.createObjectURL(file);
}
$("file").addEventListener("change", (e) => setFile(e.target.files[0] || null));
$("attachment-clear").addEventListener("click", () => setFile(null));
document.addEventListener("dragover", (e) => {
  e.preventDefault();
  $("composer").classList.add("drop");
});
document.addEventListener("dragleave", () => $("composer").classList.remove("drop"));
document.addEventListener("drop", (e) => {
  e.preventDefault();
  $("composer").classList.remove("drop");
  const file = e.dataTransfer.files[0];
  if (file) setFile(file);
});

$("composer").addEventListener("submit", async (e) => {
  e.preventDefault();
  const text = $("text").value.trim();
  if (!text && !state.file) return;
  $("send").disabled = true;
  try {
    const res = await fetch("/api/messages", {
      method: "POST",
      headers: headers(text),
      body: state.file ?? "",
    });
    await answer(res);
    if (res.ok) {
      $("text").value = "";
      setFile(null);
    }
  } finally {
    $("send").disabled = false;
  }
});

function headers(text) {
  const h = {
    "content-type": state.file?.type || "application/octet-stream",
    "x-playground-name": encodeURIComponent(me().name),
    "x-playground-text": encodeURIComponent(text),
  };
  if (state.file) h["x-playground-filename"] = encodeURIComponent(state.file.name);
  if (state.threadId) h["x-playground-thread"] = encodeURIComponent(state.threadId);
  return h;
}

async function loadInfo() {
  state.info = await (await fetch("/api/info")).json();
  userId = state.info.me;
  if (!nameInput.value) nameInput.value = defaultName();
  const banner = $("demo-banner");
  banner.hidden = !state.info.isDemo;
  banner.textContent = state.info.isDemo ? `⚠️ ${state.info.demoNotice}` : "";
  showGreeting();
}

async function loadHistory() {
  const { messages: list } = await (await fetch("/api/history")).json();
  for (const m of list) upsert(m);
  showGreeting();
}

function connect() {
  const events = new EventSource("/api/events");
  events.addEventListener("open", () => {
    $("connection").hidden = true;
    // After a bot restart the history is still in Redis: fetch it again so nothing is missed.
    loadHistory().catch(() => {});
    loadInfo().catch(() => {});
  });
  events.addEventListener("error", () => ($("connection").hidden = false));
  events.addEventListener("reaction", (e) => applyReaction(JSON.parse(e.data)));
  events.addEventListener("message", (e) => {
    const m = JSON.parse(e.data);
    upsert(m);
    if (m.job && state.info && state.info.isDemo !== m.job.isDemo) loadInfo().catch(() => {});
  });
}

loadInfo()
  .catch(() => {})
  .finally(connect);
document.body.dataset.ready = "true";
