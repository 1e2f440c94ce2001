// The sandbox page: shows the Slack stand-in's state and acts as the chosen person.
// Plain DOM, no frameworks. Text from messages is always escaped before any markup is added.
"use strict";

const $ = (id) => document.getElementById(id);
const ui = {
  state: null,
  // ?user=U…&channel=C… opens the page as that person in that channel (a link to share); else the last choice.
  me: new URLSearchParams(location.search).get("user") || localStorage.getItem("slm-sandbox-user") || "",
  view: (new URLSearchParams(location.search).get("channel") &&
         { kind: "channel", id: new URLSearchParams(location.search).get("channel") }) ||
        JSON.parse(localStorage.getItem("slm-sandbox-view") || "null") || { kind: "channel", id: null }, // channel | dm | home
  openThreads: new Set(),
  keys: {}, // what each part was last rendered from, so polling only redraws what changed
  modalKey: null,
  modalId: null,
};

// ---- small helpers ------------------------------------------------------------------
function h(tag, attrs = {}, ...kids) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v == null || v === false) continue;
    if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else if (k === "html") el.innerHTML = v; // only ever the output of mrkdwn()/textHtml(), which escape first
    else if (k === "class") el.className = v;
    else el.setAttribute(k, v === true ? "" : v);
  }
  for (const kid of kids.flat(Infinity)) if (kid != null && kid !== false) el.append(kid);
  return el;
}

const esc = (s) => String(s ?? "").replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
  .replace(/"/g, "&quot;").replace(/'/g, "&#39;");
const unslack = (s) => String(s ?? "").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
const plain = (t) => emoji(typeof t === "string" ? t : t?.text ?? "");

const EMOJI = {
  warning: "⚠️", no_entry_sign: "🚫", link: "🔗", white_check_mark: "✅", heavy_check_mark: "✔️", x: "❌",
  bell: "🔔", calendar: "📅", memo: "📝", tada: "🎉", wave: "👋", eyes: "👀", exclamation: "❗", question: "❓",
  information_source: "ℹ️", rotating_light: "🚨", hourglass: "⌛", lock: "🔒", mag: "🔍", pushpin: "📌",
  thumbsup: "👍", "+1": "👍", page_facing_up: "📄", busts_in_silhouette: "👥", gear: "⚙️", red_circle: "🔴",
  large_green_circle: "🟢", large_yellow_circle: "🟡", chart_with_upwards_trend: "📈", clipboard: "📋",
  no_entry: "⛔", pencil2: "✏️", wastebasket: "🗑️", handshake: "🤝", hourglass_flowing_sand: "⏳", check: "✔️", heavy_multiplication_x: "✖️",
  white_circle: "⚪", large_blue_circle: "🔵", large_orange_circle: "🟠", black_circle: "⚫", star: "⭐",
  thumbsdown: "👎", "-1": "👎", point_right: "👉", arrow_right: "➡️", arrows_counterclockwise: "🔄",
  hammer_and_wrench: "🛠️", wrench: "🔧", shield: "🛡️", scroll: "📜", bookmark_tabs: "📑", inbox_tray: "📥",
  outbox_tray: "📤", email: "📧", envelope: "✉️", speech_balloon: "💬", bulb: "💡", zap: "⚡", fire: "🔥",
  stopwatch: "⏱️", alarm_clock: "⏰", ladder: "🪜", watermelon: "🍉", date: "📅", spiral_calendar_pad: "🗓️", chart_with_downwards_trend: "📉",
  bar_chart: "📊", heavy_plus_sign: "➕", heavy_minus_sign: "➖", sparkles: "✨", construction: "🚧",
  sos: "🆘", new: "🆕", ok: "🆗", unlock: "🔓", key: "🔑", moneybag: "💰", scales: "⚖️", package: "📦",
  office: "🏢", factory: "🏭", busts: "👥", bust_in_silhouette: "👤", raised_hand: "✋", ballot_box_with_check: "☑️",
};
function emoji(s) { return String(s).replace(/:([a-z0-9_+-]+):/g, (m, n) => EMOJI[n] || m); }

function userName(id) {
  const s = ui.state;
  if (s && id === s.bot.id) return s.bot.real_name;
  return s?.users.find((u) => u.id === id)?.real_name || id;
}
function channelName(id) { return ui.state?.channels.find((c) => c.id === id)?.name || id; }

// <!date^ts^format|fallback> as Slack shows it: in the viewer's own time zone, its {tokens} filled in. Slack's own
// wording of each token (its 12- or 24-hour clock follows the viewer's setting; here 24-hour); any token this page
// does not know shows the fallback, as an old Slack client would.
function slackDate(target, fallback) {
  const [, ts, format] = target.split("^");
  const at = new Date(Number(ts) * 1000);
  if (!format || Number.isNaN(at.getTime())) return fallback || target;
  const timeZone = ui.state?.users.find((u) => u.id === ui.state.user)?.tz || "UTC";
  const part = (opts) => new Intl.DateTimeFormat("en-US", { timeZone, ...opts }).format(at);
  const day = (d) => new Intl.DateTimeFormat("en-CA", { timeZone }).format(d); // 2026-11-30
  const nth = (n) => n + ({ 1: "st", 2: "nd", 3: "rd" }[n % 100 > 10 && n % 100 < 14 ? 0 : n % 10] || "th");
  const dayNum = Number(part({ day: "numeric" }));
  const relative = () => {
    const now = Date.now();
    return { [day(new Date(now))]: "today", [day(new Date(now - 864e5))]: "yesterday",
             [day(new Date(now + 864e5))]: "tomorrow" }[day(at)];
  };
  const words = {
    date_num: () => day(at),
    date: () => `${part({ month: "long" })} ${nth(dayNum)}, ${part({ year: "numeric" })}`,
    date_short: () => `${part({ month: "short" })} ${dayNum}, ${part({ year: "numeric" })}`,
    date_long: () => `${part({ weekday: "long" })}, ${part({ month: "long" })} ${nth(dayNum)}, ${part({ year: "numeric" })}`,
    time: () => part({ hour: "2-digit", minute: "2-digit", hourCycle: "h23" }),
    time_secs: () => part({ hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23" }),
  };
  for (const kind of ["date", "date_short", "date_long"]) words[kind + "_pretty"] = () => relative() || words[kind]();
  let unknown = false;
  const text = format.replace(/\{([a-z_]+)\}/g, (m, name) => (words[name] ? words[name]() : ((unknown = true), m)));
  return unknown ? fallback || text : text;
}

// One Slack <...> token as HTML.
function token(inner) {
  const bar = inner.indexOf("|");
  const target = bar < 0 ? inner : inner.slice(0, bar);
  const label = bar < 0 ? "" : unslack(inner.slice(bar + 1));
  if (target.startsWith("@")) return `<b class="mention">@${esc(bar < 0 ? userName(target.slice(1)) : label)}</b>`;
  if (target.startsWith("#")) return `<b class="mention">#${esc(label || channelName(target.slice(1)))}</b>`;
  if (target.startsWith("!date^")) return esc(slackDate(target, label));
  if (target.startsWith("!subteam^")) return esc(label || target);
  if (target.startsWith("!")) return `<b class="mention">@${esc(target.slice(1))}</b>`;
  if (unslack(target).startsWith(location.origin + "/sandbox")) { // a permalink: this page, at that message
    return `<a href="${esc(unslack(target))}">${esc(label || unslack(target))}</a>`;
  }
  if (/^(https?:|mailto:)/i.test(target)) {
    return `<a href="${esc(unslack(target))}" target="_blank" rel="noopener noreferrer">${esc(label || unslack(target))}</a>`;
  }
  return esc("<" + inner + ">");
}

// Slack mrkdwn to HTML: escape everything first, then add the little markup Slack has.
function mrkdwn(text) {
  const slots = [];
  const keep = (html) => "\uE000" + (slots.push(html) - 1) + "\uE001";
  const restore = (s) => s.replace(/\uE000(\d+)\uE001/g, (m, i) => restore(slots[+i]));
  let s = String(text ?? "").replace(/<([^<>\n]+)>/g, (m, inner) => keep(token(inner)));
  s = esc(unslack(s));
  s = s.replace(/^&gt; ?(.*)(\n|$)/gm, "<blockquote>$1</blockquote>");
  s = s.replace(/```\n?([\s\S]*?)```\n?/g, (m, c) => keep("<pre>" + c + "</pre>"));
  s = s.replace(/`([^`\n]+)`/g, (m, c) => keep("<code>" + c + "</code>"));
  s = s.replace(/(^|[^\w*])\*(\S(?:[^*\n]*?\S)?)\*(?![\w*])/g, "$1<b>$2</b>");
  s = s.replace(/(^|[^\w_])_(\S(?:[^_\n]*?\S)?)_(?![\w_])/g, "$1<i>$2</i>");
  s = s.replace(/(^|[^\w~])~(\S(?:[^~\n]*?\S)?)~(?![\w~])/g, "$1<s>$2</s>");
  return restore(emoji(s));
}
const textHtml = (t) => (!t ? "" : t.type === "mrkdwn" ? mrkdwn(t.text) : esc(plain(t)));

// What a person types, as Slack sends it on: &, <, > escaped; @name and #channel linked.
function slackify(text, forCommand) {
  let s = forCommand ? text : text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  s = s.replace(/(^|\s)@([\w.-]+)/g, (m, pre, name) => {
    const u = ui.state.users.find((u) => u.id === name || u.real_name.split(" ")[0].toLowerCase() === name.toLowerCase());
    return u ? `${pre}<@${u.id}${forCommand ? "|" + u.real_name.split(" ")[0].toLowerCase() : ""}>` : m;
  });
  return s.replace(/(^|\s)#([\w-]+)/g, (m, pre, name) => {
    const c = ui.state.channels.find((c) => !c.is_im && c.name === name);
    return c ? `${pre}<#${c.id}|${c.name}>` : m;
  });
}

// ---- talking to the server --------------------------------------------------------------
function setStatus(text, bad) {
  $("status-line").textContent = text;
  $("status-line").classList.toggle("bad", !!bad);
}

async function act(kind, body, label) {
  let data;
  try {
    const res = await fetch("/sandbox/ui/" + kind, {
      method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ user: ui.me, ...body }),
    });
    data = await res.json();
  } catch (err) {
    data = { ok: false, errors: {}, error: String(err) };
  }
  const what = label || kind;
  if (data.error) setStatus(`${what}: ${data.error}`, true);
  else setStatus(`${what}: ${data.status ? "the bot answered HTTP " + data.status : "done"}`, false);
  refresh();
  return data;
}

function currentChannel() {
  if (ui.view.kind === "home") return null;
  if (ui.view.kind === "dm") return ui.state?.channels.find((c) => c.is_im)?.id || null;
  return ui.view.id;
}

async function load() {
  for (let attempt = 0; attempt < 3; attempt++) {
    const asked = ui.me;
    const q = new URLSearchParams();
    if (ui.me) q.set("user", ui.me);
    if (currentChannel()) q.set("channel", currentChannel());
    const res = await fetch("/sandbox/ui/state?" + q, { cache: "no-store" });
    const data = await res.json();
    if (!res.ok) {
      if (data.field === "user" && ui.me) { ui.me = ""; continue; }
      throw new Error(data.error);
    }
    if (ui.me !== asked) continue; // someone else was picked while this answer was on its way: it is stale
    ui.state = data;
    ui.me = data.user;
    if (ui.view.kind === "channel" && !data.channels.some((c) => c.id === ui.view.id && !c.is_im)) {
      ui.view = { kind: "channel", id: data.channels.find((c) => !c.is_im)?.id || null };
    }
    if (currentChannel() === data.channel) break;
  }
  render();
}

let loading = null, again = false;
function refresh() {
  if (loading) { again = true; return loading; }
  loading = load()
    .catch((err) => setStatus("Cannot read the sandbox: " + err.message, true))
    .finally(() => { loading = null; if (again) { again = false; refresh(); } });
  return loading;
}

function go(view) {
  ui.view = view;
  localStorage.setItem("slm-sandbox-view", JSON.stringify(view));
  ui.keys = {};
  if (view.kind === "home") act("home", {}, "Opened the App Home");
  refresh();
}

// ---- Block Kit ------------------------------------------------------------------------
function renderBlocks(blocks, ctx) { return h("div", { class: "blocks" }, (blocks || []).map((b) => renderBlock(b, ctx))); }

function renderBlock(b, ctx) {
  switch (b.type) {
    case "header": return h("h3", { html: textHtml(b.text) });
    case "divider": return h("hr");
    case "section":
      return h("div", { class: "section" },
        h("div", {},
          b.text ? h("div", { class: "mrkdwn", html: textHtml(b.text) }) : null,
          b.fields ? h("div", { class: "fields" }, b.fields.map((f) => h("div", { class: "mrkdwn", html: textHtml(f) }))) : null),
        b.accessory ? element(b.accessory, { ...ctx, block_id: b.block_id }) : null);
    case "context":
      return h("div", { class: "context" }, (b.elements || []).map((e) => e.type === "image"
        ? h("span", {}, `[${e.alt_text || "image"}]`) : h("span", { class: "mrkdwn", html: textHtml(e) })));
    case "actions": return h("div", { class: "actions" }, (b.elements || []).map((e) => element(e, { ...ctx, block_id: b.block_id })));
    case "input": return field(b, ctx);
    case "rich_text": return h("div", { class: "mrkdwn" }, richText(b));
    case "image": return h("div", { class: "unsupported" }, `[image: ${b.alt_text || ""} (images are not loaded here)]`);
    default: return h("div", { class: "unsupported" }, `[${b.type} block: not shown in the sandbox]`);
  }
}

function richText(e) {
  switch (e.type) {
    case "text": return e.text;
    case "link": return e.text || e.url;
    case "user": return "@" + userName(e.user_id);
    case "channel": return "#" + channelName(e.channel_id);
    case "emoji": return EMOJI[e.name] || `:${e.name}:`;
    case "broadcast": return "@" + e.range;
    default: return (e.elements || []).map(richText).join("") + (e.type === "rich_text" ? "" : "\n");
  }
}

// What Slack sends when an element is used: block_actions with the element's action_id and block_id (same-named
// buttons and menus are told apart by their block), the option, date... chosen and, in a modal, its fields now.
function sendAction(e, ctx, value, label) {
  const inModal = ctx.view_id && ctx.view_id === ui.state?.modal?.id;
  const picked = [e.options, ...(e.option_groups || []).map((g) => g.options)].flat()
    .find((o) => o && o.value === value);
  return act("click", { ...ctx, action_id: e.action_id, value, values: inModal ? modalValues() : undefined },
    label || (e.type === "button" ? `Clicked “${plain(e.text)}”` : `Chose “${picked ? plain(picked.text) : value}”`));
}

// An interactive element outside an input block: using it sends a block_actions click.
function element(e, ctx) {
  const click = (value) => sendAction(e, ctx, value);
  switch (e.type) {
    case "button":
      return h("button", {
        type: "button", class: "btn " + (e.style || ""), html: textHtml(e.text), "data-action-id": e.action_id,
        "data-block-id": ctx.block_id, "data-value": e.value,
        onclick: () => {
          if (e.confirm && !window.confirm(`${plain(e.confirm.title)}\n\n${unslack(e.confirm.text?.text)}`)) return;
          click(null);
        },
      });
    case "static_select": case "overflow": case "users_select": case "conversations_select": case "channels_select": {
      const sel = selectFor(e);
      sel.dataset.actionId = e.action_id;
      sel.dataset.blockId = ctx.block_id || "";
      if (e.type === "overflow") sel.classList.add("overflow");
      sel.addEventListener("change", () => sel.value && click(sel.value));
      return sel;
    }
    case "multi_static_select": case "multi_users_select": {
      const sel = selectFor(e, true);
      sel.addEventListener("change", () => click([...sel.selectedOptions].map((o) => o.value)));
      return sel;
    }
    case "datepicker": case "timepicker": {
      const input = h("input", { type: e.type === "datepicker" ? "date" : "time", value: e.initial_date || e.initial_time,
        "data-action-id": e.action_id, "data-block-id": ctx.block_id });
      input.addEventListener("change", () => input.value && click(input.value));
      return input;
    }
    case "radio_buttons": case "checkboxes": {
      const box = choices(e, "a-" + (ctx.block_id || "") + "-" + e.action_id);
      box.addEventListener("change", () => click(e.type === "checkboxes"
        ? [...box.querySelectorAll("input:checked")].map((i) => i.value) : box.querySelector("input:checked")?.value));
      return box;
    }
    case "image": return h("span", { class: "unsupported" }, `[${e.alt_text || "image"}]`);
    default: return h("span", { class: "unsupported" }, `[${e.type}: not usable here]`);
  }
}

function optionNodes(e) {
  if (/users_select$/.test(e.type)) return ui.state.users.map((u) => h("option", { value: u.id }, u.real_name));
  if (/(conversations|channels)_select$/.test(e.type)) {
    const imOk = e.type.includes("conversations") && !e.filter?.exclude_bot_users && (!e.filter?.include || e.filter.include.includes("im"));
    return ui.state.channels.filter((c) => !c.is_im || imOk)
      .map((c) => h("option", { value: c.id }, c.is_im ? c.name : "#" + c.name));
  }
  const opt = (o) => h("option", { value: o.value }, plain(o.text));
  if (e.option_groups) return e.option_groups.map((g) => h("optgroup", { label: plain(g.label) }, (g.options || []).map(opt)));
  return (e.options || []).map(opt);
}

function selectFor(e, multiple = false) {
  const placeholder = e.type === "overflow" ? "⋯" : plain(e.placeholder) || "Choose…";
  const sel = h("select", { multiple }, multiple ? null : h("option", { value: "" }, placeholder), optionNodes(e));
  const initial = [e.initial_option?.value, ...(e.initial_options || []).map((o) => o.value), e.initial_user,
    ...(e.initial_users || []), e.initial_conversation, e.initial_channel].filter(Boolean);
  for (const o of sel.options) if (initial.includes(o.value)) o.selected = true;
  return sel;
}

function choices(e, name) {
  const type = e.type === "checkboxes" ? "checkbox" : "radio";
  const initial = [e.initial_option?.value, ...(e.initial_options || []).map((o) => o.value)];
  return h("div", { class: "choices" }, (e.options || []).map((o) => h("label", { class: "choice" },
    h("input", { type, name, value: o.value, checked: initial.includes(o.value) }), " ", h("span", { html: textHtml(o.text) }),
    o.description ? h("span", { class: "hint" }, " — " + plain(o.description)) : null)));
}

// ---- modals ---------------------------------------------------------------------------
function field(b, ctx = {}) {
  const e = b.element || {};
  const attrs = { class: "field", "data-block-id": b.block_id || "", "data-type": e.type, "data-had-initial": e.initial_value != null };
  const f = h("div", attrs,
    h("label", {}, plain(b.label), b.optional ? h("span", { class: "optional" }, " (optional)") : null),
    control(e, b.block_id),
    b.hint ? h("div", { class: "hint" }, plain(b.hint)) : null,
    h("div", { class: "error" }));
  // dispatch_action: Slack sends block_actions as the choice is made (text: on Enter, unless configured otherwise),
  // so the bot can redraw the form around the answer.
  if (b.dispatch_action) {
    const send = () => sendAction(e, { ...ctx, block_id: b.block_id }, readField(f), `Answered “${plain(b.label)}”`);
    if (/^(plain_text_input|number_input|email_text_input|url_text_input)$/.test(e.type)) {
      const on = e.dispatch_action_config?.trigger_actions_on || ["on_enter_pressed"];
      const ctl = f.querySelector("input, textarea");
      if (on.includes("on_enter_pressed")) ctl.addEventListener("keydown", (ev) => {
        if (ev.key === "Enter" && !ev.shiftKey) { ev.preventDefault(); send(); }
      });
      if (on.includes("on_character_entered")) ctl.addEventListener("input", send);
    } else {
      f.addEventListener("change", () => { const v = readField(f); if (v != null) send(); });
    }
  }
  return f;
}

function control(e, blockId) {
  const placeholder = plain(e.placeholder) || null;
  const input = (type, value, extra = {}) => h("input", { type, value, placeholder, ...extra });
  switch (e.type) {
    case "plain_text_input":
      return e.multiline ? h("textarea", { placeholder, maxlength: e.max_length }, e.initial_value || "")
        : input("text", e.initial_value, { maxlength: e.max_length });
    case "number_input":
      return input("number", e.initial_value, { step: e.is_decimal_allowed ? "any" : "1", min: e.min_value, max: e.max_value });
    case "email_text_input": return input("email", e.initial_value);
    case "url_text_input": return input("url", e.initial_value);
    case "datepicker": return input("date", e.initial_date);
    case "timepicker": return input("time", e.initial_time);
    case "static_select": case "users_select": case "conversations_select": case "channels_select": return selectFor(e);
    case "multi_static_select": case "multi_users_select": return selectFor(e, true);
    case "external_select": case "multi_external_select": return searchingSelect(e, blockId);
    case "radio_buttons": case "checkboxes": return choices(e, "f-" + blockId);
    default: return h("div", { class: "unsupported" }, `[${e.type}: the sandbox cannot fill this element]`);
  }
}

// A searching select (external_select), as Slack shows one: a box to type in, and the options the bot answers.
// Opening it (focus) and each pause in typing send the bot a block_suggestion with what is typed (Slack asks on open
// when min_query_length is 0, else once that many characters are typed); the options answered are listed to choose
// from. The choice goes back by value: the stand-in keeps the options it was offered, and puts the whole option
// in the view's state as Slack does.
function searchingSelect(e, blockId) {
  const multiple = e.type === "multi_external_select";
  const initial = [e.initial_option, ...(e.initial_options || [])].filter(Boolean);
  const box = h("input", { type: "search", class: "search", placeholder: plain(e.placeholder) || "Type to search",
    "aria-label": "Search" });
  const sel = h("select", { multiple, class: "search-results" },
    multiple ? null : h("option", { value: "" }, initial.length ? "" : "Choose…"),
    initial.map((o) => h("option", { value: o.value, selected: true }, plain(o.text))));
  const min = e.min_query_length ?? 3;
  let timer = null, asked = null;
  const ask = async () => {
    const typed = box.value;
    if (typed.length < min || typed === asked) return;
    asked = typed;
    const viewId = ui.state?.modal?.id;
    const r = await act("suggest", { view_id: viewId, block_id: blockId, value: typed }, `Searched “${typed}”`);
    if (!r.options || asked !== typed) return; // a later search has been sent meanwhile
    const chosen = new Set([...sel.selectedOptions].map((o) => o.value).filter(Boolean));
    const kept = [...sel.options].filter((o) => chosen.has(o.value));
    const fresh = (opts) => (opts || []).filter((o) => !chosen.has(o.value))
      .map((o) => h("option", { value: o.value }, plain(o.text)));
    // Grouped answers keep their headings, as in Slack: which OLA or contract a target is of, which kind a party is.
    const offered = r.option_groups
      ? r.option_groups.map((g) => h("optgroup", { label: plain(g.label) }, fresh(g.options)))
      : fresh(r.options);
    sel.replaceChildren(...(multiple ? [] : [h("option", { value: "" }, r.options.length ? "Choose…" : "No matches")]),
      ...kept, ...offered);
    for (const o of kept) o.selected = true;
    sel.size = Math.min(10, Math.max(2, sel.options.length + (r.option_groups?.length || 0)));
  };
  box.addEventListener("focus", ask);
  box.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(ask, 250); });
  return h("div", { class: "searching" }, box, sel);
}

// A field's value in the shape the driver's view_state() takes (undefined: leave it to the driver).
function readField(f) {
  if (/external_select$/.test(f.dataset.type)) {
    const sel = f.querySelector("select");
    const chosen = [...sel.selectedOptions].map((o) => o.value).filter(Boolean);
    return f.dataset.type === "multi_external_select" ? chosen : chosen[0] ?? null;
  }
  const ctl = f.querySelector("input, select, textarea");
  switch (f.dataset.type) {
    case "multi_static_select": case "multi_users_select": return [...ctl.selectedOptions].map((o) => o.value);
    case "checkboxes": return [...f.querySelectorAll("input:checked")].map((i) => i.value);
    case "radio_buttons": return f.querySelector("input:checked")?.value ?? null;
    default:
      if (!ctl) return undefined;
      // Slack sends null for an empty field; "" only where we must override an initial value.
      return ctl.value === "" ? (f.dataset.hadInitial !== undefined ? "" : null) : ctl.value;
  }
}

function writeField(f, v) {
  if (v == null) return;
  if (Array.isArray(v)) {
    for (const o of f.querySelectorAll("option")) o.selected = v.includes(o.value);
    for (const i of f.querySelectorAll("input")) i.checked = v.includes(i.value);
  } else if (f.dataset.type === "radio_buttons") {
    for (const i of f.querySelectorAll("input")) i.checked = i.value === v;
  } else {
    const ctl = f.querySelector("input, select, textarea");
    if (ctl) ctl.value = v;
  }
}

const modalFields = () => [...$("modal-form").querySelectorAll(".field")];
function modalValues() {
  const values = {};
  for (const f of modalFields()) {
    const v = readField(f);
    if (v !== undefined) values[f.dataset.blockId] = v;
  }
  return values;
}

function renderModal(m) {
  const key = m ? m.id + "|" + m.hash : "";
  if (key === ui.modalKey) return;
  const kept = m && m.id === ui.modalId ? modalValues() : null; // an updated view keeps what was typed
  ui.modalKey = key;
  ui.modalId = m?.id;
  $("modal-overlay").dataset.view = key; // which drawing of the view this is: a redraw changes it
  $("modal-overlay").hidden = !m;
  if (!m) return;
  $("modal-title").textContent = m.title;
  $("modal-depth").textContent = m.depth > 1 ? `view ${m.depth} of a stack` : "";
  $("modal-error").textContent = "";
  $("modal-form").replaceChildren(...m.blocks.map((b) => renderBlock(b, { view_id: m.id })));
  if (kept) for (const f of modalFields()) writeField(f, kept[f.dataset.blockId]);
  $("modal-submit").hidden = !m.submit;
  $("modal-submit").textContent = m.submit || "";
  $("modal-close").textContent = m.close;
  if (!kept) $("modal-form").querySelector("input, textarea, select")?.focus();
}

function showErrors(errors) {
  const byBlock = new Map(modalFields().map((f) => [f.dataset.blockId, f]));
  const stray = [];
  for (const [blockId, message] of Object.entries(errors || {})) {
    const f = byBlock.get(blockId);
    if (!f) { stray.push(`${blockId}: ${message}`); continue; }
    f.classList.add("has-error");
    f.querySelector(".error").textContent = message;
  }
  $("modal-error").textContent = stray.join("\n");
}

async function submitModal() {
  const m = ui.state?.modal;
  if (!m || $("modal-submit").disabled) return;
  for (const f of modalFields()) { f.classList.remove("has-error"); f.querySelector(".error").textContent = ""; }
  $("modal-error").textContent = "";
  $("modal-submit").disabled = true;
  try {
    const r = await act("submit", { view_id: m.id, values: modalValues() }, `Submitted “${m.title}”`);
    if (Object.keys(r.errors || {}).length) showErrors(r.errors);
    else if (r.error) $("modal-error").textContent = r.error;
  } finally {
    $("modal-submit").disabled = false;
  }
}

// ---- messages ---------------------------------------------------------------------------
function messageEl(m, top) {
  const el = h("div", { class: "msg" + (m.ephemeral ? " ephemeral" : "") + (location.hash === "#p" + m.ts ? " linked" : ""),
    id: "p" + m.ts },
    h("div", { class: "meta" }, h("b", {}, userName(m.user)), m.from_bot ? h("span", { class: "tag" }, "APP") : null,
      m.ephemeral ? h("span", { class: "tag" }, "Only visible to you") : null,
      m.edits ? h("span", { class: "tag" }, "(edited)") : null),
    m.blocks?.length ? renderBlocks(m.blocks, { message_ts: m.ts, channel: m.channel })
      : h("div", { class: "mrkdwn", html: mrkdwn(m.text) }),
    (m.files || []).map(fileEl),
    m.ephemeral ? null : h("button", {
      type: "button", class: "more", title: "Message shortcuts", onclick: (ev) => messageMenu(ev.currentTarget, m),
    }, "⋯"));
  if (top && !m.ephemeral) el.append(threadEl(m));
  return el;
}

// A PNG is shown inline, as Slack shows an uploaded image; any other file by its title.
function fileEl(f) {
  const title = f.title || f.name;
  if (f.mimetype !== "image/png" || !/^F[0-9A-Z]+$/.test(f.id || "")) return h("div", { class: "file" }, "📎 " + title);
  return h("figure", { class: "file image" }, h("figcaption", {}, "🖼 " + title),
    h("img", { src: `/sandbox/files/${f.id}`, alt: title, loading: "lazy" }));
}

function threadEl(m) {
  if (!m.replies.length && !ui.openThreads.has(m.ts)) {
    return h("button", { type: "button", class: "thread-toggle", onclick: () => { ui.openThreads.add(m.ts); ui.keys.pane = null; render(); } },
      "Reply in thread");
  }
  const input = h("input", { type: "text", placeholder: "Reply in thread…", "data-thread": m.ts });
  const send = async (ev) => {
    ev.preventDefault();
    const text = input.value.trim();
    if (!text) return;
    input.value = "";
    await act("post", { channel: m.channel, text: slackify(text, false), thread_ts: m.ts }, "Replied in thread");
  };
  return h("div", { class: "thread" }, m.replies.map((r) => messageEl(r, false)),
    h("form", { class: "reply", onsubmit: send }, input, h("button", { type: "submit", class: "btn" }, "Reply")));
}

function renderMessages(s) {
  const box = $("messages");
  const atBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 40;
  const drafts = Object.fromEntries([...box.querySelectorAll("input[data-thread]")].map((i) => [i.dataset.thread, i.value]));
  const focused = document.activeElement?.dataset?.thread;
  box.replaceChildren(...(s.messages.length ? s.messages.map((m) => messageEl(m, true))
    : [h("div", { class: "empty" }, "No messages here yet. Try /slm help.")]));
  for (const i of box.querySelectorAll("input[data-thread]")) {
    i.value = drafts[i.dataset.thread] || "";
    if (i.dataset.thread === focused) i.focus();
  }
  const linked = box.querySelector(".msg.linked");
  if (linked && !ui.shownLink) { ui.shownLink = true; linked.scrollIntoView({ block: "center" }); } // opened from a link
  else if (atBottom) box.scrollTop = box.scrollHeight;
}

function renderHome(s) {
  $("messages").replaceChildren(s.home ? renderBlocks(s.home.blocks, { view_id: s.home.id })
    : h("div", { class: "empty" }, "slm-bot has not published an App Home for you yet."));
}

// ---- menus ---------------------------------------------------------------------------------
function showMenu(anchor, items, emptyText) {
  const menu = $("menu");
  menu.replaceChildren(...(items.length ? items.map((i) => h("button", { type: "button", onclick: () => { menu.hidden = true; i.run(); } }, i.label))
    : [h("div", {}, emptyText)]));
  const r = anchor.getBoundingClientRect();
  menu.style.top = r.bottom + 2 + "px";
  menu.style.left = Math.max(4, Math.min(r.left, window.innerWidth - 240)) + "px";
  menu.hidden = false;
}

function messageMenu(anchor, m) {
  const list = (ui.state.shortcuts || []).filter((s) => s.type === "message");
  showMenu(anchor, list.map((s) => ({
    label: s.name, run: () => act("shortcut", { callback_id: s.callback_id, message_ts: m.ts, channel: m.channel }, s.name),
  })), "No message shortcuts yet");
}

function globalMenu(anchor) {
  const list = (ui.state?.shortcuts || []).filter((s) => s.type === "global");
  showMenu(anchor, list.map((s) => ({ label: s.name, run: () => act("shortcut", { callback_id: s.callback_id }, s.name) })),
    "No global shortcuts yet");
}

// ---- the whole page ------------------------------------------------------------------------
function render() {
  const s = ui.state;
  if (!s) return;
  const home = ui.view.kind === "home";
  const channel = currentChannel();
  const sideKey = JSON.stringify([s.users, s.channels, s.user, ui.view, channel]);
  if (sideKey !== ui.keys.side) {
    ui.keys.side = sideKey;
    $("user-picker").replaceChildren(...s.users.map((u) =>
      h("option", { value: u.id, selected: u.id === s.user },
        // A person of another organisation (Slack Connect) is named with their workspace, as Slack labels them.
        u.real_name + (u.external ? ` (${u.team_name}, external)` : u.is_admin ? " (admin)" : ""))));
    $("channel-list").replaceChildren(...s.channels.map((c) => h("li", {}, h("button", {
      type: "button", class: !home && c.id === channel ? "active" : "",
      onclick: () => go(c.is_im ? { kind: "dm" } : { kind: "channel", id: c.id }),
    }, c.is_im ? c.name : (c.is_private ? "🔒 " : "# ") + c.name + (c.is_shared ? " (shared)" : "")))));
    $("home-entry").classList.toggle("active", home);
  }
  const current = s.channels.find((c) => c.id === channel);
  $("pane-title").textContent = home ? "App Home: slm-bot" : current ? (current.is_im ? current.name : "#" + current.name) : "";
  $("composer").hidden = home;
  $("composer-input").placeholder = `Message ${current?.is_im ? "slm-bot" : "#" + (current?.name || "")}, or a command such as /slm help`;
  const paneKey = JSON.stringify([home, home ? s.home : s.messages, s.user, s.users, [...ui.openThreads]]);
  if (paneKey !== ui.keys.pane) {
    ui.keys.pane = paneKey;
    if (home) renderHome(s); else renderMessages(s);
  }
  renderModal(s.modal);
}

async function sendComposer() {
  const input = $("composer-input");
  const text = input.value.trim();
  const channel = currentChannel();
  if (!text || !channel || !ui.state) return;
  const cmd = text.match(/^\/(\S+)\s*([\s\S]*)$/);
  if (cmd && cmd[1] !== "slm") { setStatus(`/${cmd[1]} is not a command here: only /slm is.`, true); return; }
  input.value = "";
  const r = cmd ? await act("command", { channel, text: slackify(cmd[2], true) }, "/slm " + cmd[2])
    : await act("post", { channel, text: slackify(text, false) }, "Posted");
  if (!r.ok && !input.value) input.value = text; // keep what was typed when it did not go through
}

$("composer").addEventListener("submit", (ev) => { ev.preventDefault(); sendComposer(); });
$("composer-input").addEventListener("keydown", (ev) => {
  if (ev.key === "Enter" && !ev.shiftKey && !ev.isComposing) { ev.preventDefault(); sendComposer(); }
});
$("user-picker").addEventListener("change", (ev) => {
  ui.me = ev.target.value;
  localStorage.setItem("slm-sandbox-user", ui.me);
  ui.openThreads.clear();
  go(ui.view);
});
$("home-entry").addEventListener("click", () => go({ kind: "home" }));
$("shortcuts-button").addEventListener("click", (ev) => globalMenu(ev.currentTarget));
$("modal-submit").addEventListener("click", submitModal);
$("modal-form").addEventListener("submit", (ev) => { ev.preventDefault(); submitModal(); });
$("modal-close").addEventListener("click", () => {
  const m = ui.state?.modal;
  if (m) act("close", { view_id: m.id }, `Closed “${m.title}”`);
});
document.addEventListener("click", (ev) => {
  if (!ev.target.closest("#menu, .more, #shortcuts-button")) $("menu").hidden = true;
});

go(ui.view);
setInterval(() => { if (!document.hidden) refresh(); }, 1000);
