'use strict';
// Test-only Telegram Bot API emulator for python-telegram-bot 22.
//
// telegram-test-api 4.2.1 as shipped cannot talk to PTB 22 (getMe lacks is_bot, dates are in
// milliseconds, edits return null, callback queries lack chat_instance, getUpdates ignores
// long polling, unknown methods answer HTTP 500 and a failed webhook delivery kills Node).
// This launcher keeps the package's storage and client ("user") routes, replaces the Bot API
// side with routes that behave like the real API, and adds test-control routes.
// Loopback use in tests only; never ship it.
//
// Usage: PORT=9001 HOST=127.0.0.1 LONGPOLL_CAP=10 node emu_ptb.js
const TelegramServer = require('telegram-test-api');
const { routes } = require('telegram-test-api/lib/routes/index');
const axios = require('axios');

const PORT = Number(process.env.PORT || 9001);
const HOST = process.env.HOST || '127.0.0.1';
const LONGPOLL_CAP = Number(process.env.LONGPOLL_CAP || 10); // seconds
const MAX_TEXT = 4096; // Telegram counts UTF-16 code units, as JS string length does
const MAX_CAPTION = 1024;
const MAX_CALLBACK_DATA = 64; // bytes
const BOT_USER = {
  id: 666, is_bot: true, first_name: 'Test Bot', username: 'TestNameBot',
  can_join_groups: true, can_read_all_group_messages: false, supports_inline_queries: false,
};
const USER_EVENTS = ['AddedUserMessage', 'AddedUserCommand', 'AddedUserCallbackQuery'];

const nowSec = () => Math.floor(Date.now() / 1000);
const ok = (res, result) => res.json({ ok: true, result });
const fail = (res, code, description, parameters) => res.status(code).json({
  ok: false, error_code: code, description, ...(parameters ? { parameters } : {}),
});
const parseJson = (v) => (typeof v === 'string' ? JSON.parse(v) : v);
const params = (req) => ({ ...req.query, ...(req.body || {}) });

const state = {
  calls: [], // Bot API calls with their params, plus '#webhook' delivery results
  failNext: [], // injected errors: {method, code, description, retry_after}
  commands: {}, // token -> {scopeKey|language_code -> BotCommand[]}
  files: {}, // file_id -> {name, type, base64}
};
const logCall = (method, p) => {
  state.calls.push({ method, params: p, t: Date.now() });
  if (state.calls.length > 5000) state.calls.shift();
};

// ---- storage-level patches (the package's client routes call these methods) ----
const P = TelegramServer.prototype;

// Ids are allocated before any await so concurrent webhook deliveries never share one.
P.getCommonFields = function getCommonFields(botToken) {
  const fields = {
    time: Date.now(), botToken, updateId: this.updateId, messageId: this.messageId, isRead: false,
  };
  this.updateId += 1;
  this.messageId += 1;
  return fields;
};
P.addUserMessage = async function addUserMessage(message) {
  await this.addUserUpdate({ ...this.getCommonFields(message.botToken), message });
  this.emit('AddedUserMessage');
};
P.addUserCommand = async function addUserCommand(message) {
  if (!message.entities) throw new Error('Command should have entities');
  await this.addUserUpdate({ ...this.getCommonFields(message.botToken), message });
  this.emit('AddedUserCommand');
};
P.addUserCallback = async function addUserCallback(callbackQuery) {
  const callbackId = this.callbackId;
  this.callbackId += 1;
  await this.addUserUpdate({ ...this.getCommonFields(callbackQuery.botToken), callbackQuery, callbackId });
  this.emit('AddedUserCallbackQuery');
};
// Any update shape (edited_message, my_chat_member, ...): {botToken, update: {...}}.
P.addUserRaw = async function addUserRaw(body) {
  await this.addUserUpdate({ ...this.getCommonFields(body.botToken), raw: body.update });
  this.emit('AddedUserMessage');
};
// Webhook delivery sends the secret header and never throws: a failed POST is logged, like
// Telegram, which retries later instead of dying.
P.addUserUpdate = async function addUserUpdate(update) {
  const webhook = this.webhooks[update.botToken];
  if (!webhook) {
    this.storage.userMessages.push(update);
    return;
  }
  const headers = webhook.secret_token ? { 'X-Telegram-Bot-Api-Secret-Token': webhook.secret_token } : {};
  let status;
  try {
    const resp = await axios({
      url: webhook.url, method: 'POST', data: this.formatForBot(update), headers, validateStatus: () => true,
    });
    status = resp.status;
  } catch (e) {
    status = `error: ${e.message}`;
  }
  logCall('#webhook', { update_id: update.updateId, status });
  if (status !== 200) console.error(`webhook delivery of update ${update.updateId} failed: ${status}`);
};

// Messages returned to the bot: date in seconds, a sender, a chat object, no stray fields.
P.addBotMessage = function addBotMessage(raw, token) {
  const message = TelegramServer.normalizeMessage(raw);
  if (message.reply_markup && !('inline_keyboard' in message.reply_markup)) delete message.reply_markup;
  const record = {
    time: Date.now(), botToken: token, message, updateId: this.updateId, messageId: this.messageId, isRead: false,
  };
  this.updateId += 1;
  this.messageId += 1;
  this.storage.botMessages.push(record);
  this.emit('AddedBotMessage');
  return this.botMessageView(record);
};
P.botMessageView = function botMessageView(record) {
  const { chat_id: chatId, ...rest } = record.message;
  const view = {
    ...rest, message_id: record.messageId, date: Math.floor(record.time / 1000), from: BOT_USER,
    chat: { id: Number(chatId), type: 'private', first_name: 'User' },
  };
  if (record.edited) view.edit_date = nowSec();
  return view;
};
P.findBotMessage = function findBotMessage(chatId, messageId) {
  return this.storage.botMessages.find((u) => String(u.messageId) === String(messageId)
    && String(u.message.chat_id) === String(chatId));
};
// Updates as the bot sees them. A callback query carries the stored bot message it was
// pressed on (text and keyboard as last sent or edited), like Telegram does.
P.formatForBot = function formatForBot(update) {
  if (update.raw) return { update_id: update.updateId, ...update.raw };
  if (update.callbackQuery) {
    const cq = update.callbackQuery;
    const sent = cq.message || {};
    const chatId = sent.chat ? sent.chat.id : cq.from.id;
    const stored = sent.message_id !== undefined ? this.findBotMessage(chatId, sent.message_id) : undefined;
    const message = stored
      ? { ...this.botMessageView(stored), chat: sent.chat || { id: Number(chatId), type: 'private' } }
      : { message_id: sent.message_id || 0, date: nowSec(), from: BOT_USER, ...sent };
    delete message.botToken;
    return {
      update_id: update.updateId,
      callback_query: {
        id: String(update.callbackId), from: cq.from, message, data: cq.data,
        chat_instance: String(cq.chat_instance || chatId),
      },
    };
  }
  const { botToken: _t, ...message } = update.message;
  return { update_id: update.updateId, message: { ...message, message_id: update.messageId } };
};

// ---- validation shared by sending routes (what real Telegram rejects) ----
function keyboardError(markup) {
  if (!markup || !markup.inline_keyboard) return null;
  for (const row of markup.inline_keyboard) {
    for (const b of row) {
      if (!b.text) return 'Bad Request: text buttons are unallowed in the inline keyboard';
      if (b.callback_data !== undefined && Buffer.byteLength(String(b.callback_data)) > MAX_CALLBACK_DATA) {
        return 'Bad Request: BUTTON_DATA_INVALID';
      }
    }
  }
  return null;
}
function textError(text) {
  if (text === undefined || String(text).trim() === '') return 'Bad Request: message text is empty';
  if (String(text).length > MAX_TEXT) return 'Bad Request: message is too long';
  return null;
}
const sameMarkup = (a, b) => JSON.stringify(a || null) === JSON.stringify(b || null);

// ---- Bot API routes, registered before the package's own ----
function botRoutes(app, srv) {
  app.all('/bot:token/:method', (req, res, next) => { // call log + injected failures
    const { method } = req.params;
    logCall(method, { ...params(req) });
    const i = state.failNext.findIndex((f) => f.method === method);
    if (i < 0) return next();
    const f = state.failNext.splice(i, 1)[0];
    const extra = f.retry_after ? { retry_after: Number(f.retry_after) } : undefined;
    return fail(res, Number(f.code), f.description, extra);
  });

  app.all('/bot:token/getMe', (req, res) => ok(res, BOT_USER));

  // Real offset semantics and long polling: updates stay until confirmed by a higher offset.
  app.all('/bot:token/getUpdates', async (req, res) => {
    const { token } = req.params;
    const p = params(req);
    const offset = Number(p.offset || 0);
    const limit = Math.min(Number(p.limit || 100), 100);
    const timeout = Math.min(Number(p.timeout || 0), LONGPOLL_CAP);
    const pending = () => {
      if (offset > 0) {
        srv.storage.userMessages = srv.storage.userMessages
          .filter((u) => u.botToken !== token || u.updateId >= offset);
      }
      return srv.storage.userMessages.filter((u) => u.botToken === token).slice(0, limit);
    };
    let updates = pending();
    if (!updates.length && timeout > 0) {
      await new Promise((resolve) => {
        const done = () => {
          clearTimeout(timer);
          USER_EVENTS.forEach((e) => srv.off(e, done));
          resolve();
        };
        const timer = setTimeout(done, timeout * 1000);
        USER_EVENTS.forEach((e) => srv.on(e, done));
        res.on('close', done); // not req.on('close'): that fires as soon as the body is read
      });
      updates = pending();
    }
    if (!res.writableEnded && !res.destroyed) ok(res, updates.map((u) => srv.formatForBot(u)));
  });

  app.all('/bot:token/sendMessage', (req, res) => {
    const p = params(req);
    if (p.reply_markup) p.reply_markup = parseJson(p.reply_markup);
    const err = (!p.chat_id && 'Bad Request: chat not found') || textError(p.text) || keyboardError(p.reply_markup);
    if (err) return fail(res, 400, err);
    return ok(res, srv.addBotMessage(p, req.params.token));
  });

  const editRoute = (textToo) => (req, res) => {
    const p = params(req);
    if (p.inline_message_id) return ok(res, true);
    const markup = p.reply_markup ? parseJson(p.reply_markup) : undefined;
    const err = (textToo && textError(p.text)) || keyboardError(markup);
    if (err) return fail(res, 400, err);
    const record = srv.findBotMessage(p.chat_id, p.message_id);
    if (!record) return fail(res, 400, 'Bad Request: message to edit not found');
    if (textToo && record.message.text === undefined) {
      return fail(res, 400, 'Bad Request: there is no text in the message to edit');
    }
    const newText = textToo ? p.text : record.message.text;
    if (newText === record.message.text && sameMarkup(markup, record.message.reply_markup)) {
      return fail(res, 400, 'Bad Request: message is not modified: specified new message content'
        + ' and reply markup are exactly the same as a current content and reply markup of the message');
    }
    // Like Telegram: a keyboard left out of the edit is removed.
    const message = { ...record.message, text: newText };
    if (markup && markup.inline_keyboard) message.reply_markup = markup; else delete message.reply_markup;
    record.message = message;
    record.edited = true;
    record.isRead = false; // the test client sees the edit as a new record
    srv.emit('EditedMessageText');
    return ok(res, srv.botMessageView(record));
  };
  app.all('/bot:token/editMessageText', editRoute(true));
  app.all('/bot:token/editMessageReplyMarkup', editRoute(false));

  app.all('/bot:token/deleteMessage', (req, res) => {
    const p = params(req);
    const record = srv.findBotMessage(p.chat_id, p.message_id);
    if (!record) return fail(res, 400, 'Bad Request: message to delete not found');
    srv.storage.botMessages = srv.storage.botMessages.filter((u) => u !== record);
    return ok(res, true);
  });

  const fileRoute = (kind) => async (req, res) => { // multipart parsed by Node 20's fetch API
    let fields = params(req);
    let file = null;
    const ct = req.headers['content-type'] || '';
    if (ct.startsWith('multipart/form-data')) {
      const chunks = [];
      for await (const c of req) chunks.push(c);
      const fd = await new Response(Buffer.concat(chunks), { headers: { 'content-type': ct } }).formData();
      fields = {};
      for (const [k, v] of fd.entries()) {
        if (typeof v === 'string') fields[k] = v;
        else file = { name: v.name, type: v.type, size: v.size, bytes: Buffer.from(await v.arrayBuffer()) };
      }
      const logged = state.calls.filter((c) => c.method === req.params.method).pop();
      if (logged) logged.params = { ...fields }; // the call log saw an unparsed body
    }
    if (!fields.chat_id) return fail(res, 400, 'Bad Request: chat not found');
    if (fields.caption && String(fields.caption).length > MAX_CAPTION) {
      return fail(res, 400, 'Bad Request: message caption is too long');
    }
    const markup = fields.reply_markup ? parseJson(fields.reply_markup) : undefined;
    const err = keyboardError(markup);
    if (err) return fail(res, 400, err);
    const uid = `${kind}_${Date.now()}_${Math.random().toString(36).slice(2, 8)}`;
    if (file) state.files[uid] = { name: file.name, type: file.type, base64: file.bytes.toString('base64') };
    const meta = { file_id: uid, file_unique_id: uid, file_size: file ? file.size : 0 };
    const media = kind === 'photo'
      ? { photo: [{ ...meta, width: 100, height: 100 }] }
      : { [kind]: { ...meta, file_name: file ? file.name : String(fields[kind]), mime_type: file ? file.type : undefined } };
    const stored = { chat_id: fields.chat_id, ...media };
    if (fields.caption) stored.caption = fields.caption;
    if (markup) stored.reply_markup = markup;
    return ok(res, srv.addBotMessage(stored, req.params.token));
  };
  for (const k of ['document', 'photo', 'audio', 'video', 'voice']) {
    app.all(`/bot:token/:method(send${k[0].toUpperCase()}${k.slice(1)})`, fileRoute(k));
  }

  app.all('/bot:token/setWebhook', (req, res) => {
    const wh = params(req);
    if (!wh.url) return fail(res, 400, 'Bad Request: bad webhook: URL is empty');
    srv.setWebhook(wh, req.params.token);
    return ok(res, true);
  });
  app.all('/bot:token/deleteWebhook', (req, res) => {
    srv.deleteWebhook(req.params.token);
    ok(res, true);
  });
  app.all('/bot:token/getWebhookInfo', (req, res) => {
    const wh = srv.webhooks[req.params.token];
    ok(res, { url: wh ? wh.url : '', has_custom_certificate: false, pending_update_count: 0 });
  });

  // Commands are kept per scope and language, as Telegram does.
  const commandKey = (p) => `${JSON.stringify(parseJson(p.scope || '{"type":"default"}'))}|${p.language_code || ''}`;
  app.all('/bot:token/setMyCommands', (req, res) => {
    const p = params(req);
    const byKey = state.commands[req.params.token] || {};
    byKey[commandKey(p)] = parseJson(p.commands || '[]');
    state.commands[req.params.token] = byKey;
    ok(res, true);
  });
  app.all('/bot:token/getMyCommands', (req, res) => {
    const byKey = state.commands[req.params.token] || {};
    ok(res, byKey[commandKey(params(req))] || []);
  });
  app.all('/bot:token/deleteMyCommands', (req, res) => {
    const byKey = state.commands[req.params.token] || {};
    delete byKey[commandKey(params(req))];
    ok(res, true);
  });

  for (const m of ['setMyDescription', 'setMyShortDescription', 'setMyName', 'setChatMenuButton',
    'sendChatAction', 'close', 'logOut', 'answerCallbackQuery']) {
    app.all(`/bot:token/${m}`, (req, res) => ok(res, true));
  }
  // Anything else is a clear 400, not the package's HTTP 500.
  app.all('/bot:token/:method', (req, res) => fail(res, 400, `Bad Request: method ${req.params.method} is not supported by the emulator`));

  // ---- client extras and test control (not Bot API) ----
  app.post('/sendUpdate', (req, res) => { // {botToken, update: {edited_message: {...}}}
    srv.addUserRaw(req.body);
    ok(res, true);
  });
  app.post('/control/failNext', (req, res) => {
    state.failNext.push(req.body);
    ok(res, state.failNext.length);
  });
  app.post('/control/calls', (req, res) => ok(res, state.calls.filter((c) => !req.body.method || c.method === req.body.method)));
  app.post('/control/commands', (req, res) => ok(res, state.commands[req.body.token] || {}));
  app.post('/control/file', (req, res) => {
    const f = state.files[req.body.file_id];
    return f ? ok(res, f) : fail(res, 404, 'Not Found: file');
  });
  app.post('/control/reset', (req, res) => {
    srv.storage.userMessages = [];
    srv.storage.botMessages = [];
    srv.webhooks = {};
    state.calls.length = 0;
    state.failNext.length = 0;
    state.commands = {};
    state.files = {};
    ok(res, true);
  });
}
routes.unshift(botRoutes);

process.on('unhandledRejection', (e) => console.error('unhandledRejection:', e && e.message));
(async () => {
  const server = new TelegramServer({ port: PORT, host: HOST, storeTimeout: 3600 });
  server.setMaxListeners(200);
  await server.start();
  console.log(`telegram-test-api (PTB-compatible) listening on ${server.config.apiURL}`);
  const stop = async () => {
    await server.stop();
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
})();
