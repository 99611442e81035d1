// sayscape studio: the library, generation (typed or spoken), the scene editor with live
// validation, previews of the text being edited (the live 3D view is world.js), and saving.
// Plain browser JavaScript that speaks only to the /v1 API of `sayscape serve`.
"use strict";

(() => {
  const $ = (id) => document.getElementById(id);
  const ui = {
    status: $("status"),
    tokenForm: $("token-form"), token: $("token"), tokenWhy: $("token-why"),
    library: $("library"), newScene: $("new"), refresh: $("refresh"),
    name: $("name"), nameHint: $("name-hint"), save: $("save"), revert: $("revert"), format: $("format"), remove: $("delete"),
    valid: $("valid"), dirty: $("dirty"),
    editor: $("editor"), gutter: $("gutter"), gutterInner: $("gutter-inner"), marks: $("marks"),
    problems: $("problems"), problemCount: $("problem-count"),
    prompt: $("prompt"), saveAs: $("save-as"), saveAsHint: $("save-as-hint"), generate: $("generate"), record: $("record"), recordTime: $("record-time"),
    progress: $("progress"),
    view: $("view"), render: $("render"), listen: $("listen"), frame: $("frame"), preview: $("preview"), previewNote: $("preview-note"),
    audio: $("audio"), download: $("download-world"),
    tabWorld: $("tab-world"), tabStill: $("tab-still"), worldPanel: $("world-panel"), stillPanel: $("still-panel"),
  };

  /** A small valid scene to start from. */
  const TEMPLATE = `{
  "format": "sayscape.scene/1",
  "title": "Untitled scene",
  "setting": {
    "terrain": "grassland",
    "time_of_day": "noon"
  },
  "player": {
    "vantage": "ground"
  },
  "entities": []
}
`;
  const THUMB_SIZE = "320x180";
  const PREVIEW_SIZE = "640x360";
  const SOUNDSCAPE_SECONDS = 10;
  const VALIDATE_DELAY_MS = 400;
  const MAX_RECORD_S = 60;
  const SPEECH_RATE = 16000;
  const TOKEN_KEY = "sayscape.token";
  const BLANK = "data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7";

  const state = {
    scenes: [],            // the library's entries, as listed
    current: null,         // the library name the editor's text belongs to (null: a new scene)
    cleanText: null,       // the text as last loaded or saved (null: never saved)
    drafts: new Map(),     // unsaved texts left behind when another scene was opened
    lineHeight: 20,
    padTop: 8,
    gutterLines: 0,
    problemLines: new Map(), // line -> messages
    validateTimer: 0,
    validateSeq: 0,
    validateAbort: null,
    generating: false,
    previewBusy: 0,
    renderedText: null,
    previewUrl: null,
    audioUrl: null,
  };

  // --- status line ------------------------------------------------------------------------------

  function say(message, kind = "info") {
    ui.status.textContent = message;
    ui.status.dataset.state = kind;
    ui.status.title = message;
  }

  // --- the API, with the token when the server wants one -----------------------------------------

  let tokenWait = null;

  /** Asks for the token (once for all waiting requests); resolves when one is given. */
  function askToken(why) {
    if (!tokenWait) {
      tokenWait = new Promise((resolve) => {
        ui.tokenForm.hidden = false;
        ui.tokenWhy.textContent = sessionStorage.getItem(TOKEN_KEY) ? why : "";
        say("This server needs its access token: enter it at the top right.", "error");
        ui.token.value = "";
        ui.token.focus();
        ui.tokenForm.onsubmit = (event) => {
          event.preventDefault();
          const token = ui.token.value.trim();
          if (!token) return;
          sessionStorage.setItem(TOKEN_KEY, token);
          ui.tokenForm.hidden = true;
          tokenWait = null;
          say("Token set.");
          resolve();
        };
      });
    }
    return tokenWait;
  }

  /** fetch() on the API, with the token; a 401 asks for the token and tries again. */
  async function api(path, options = {}) {
    for (;;) {
      if (tokenWait) await tokenWait;
      const headers = new Headers(options.headers || {});
      const token = sessionStorage.getItem(TOKEN_KEY);
      if (token) headers.set("Authorization", `Bearer ${token}`);
      const response = await fetch(path, { ...options, headers });
      if (response.status !== 401) return response;
      const { message } = await errorOf(response);
      await askToken(message);
    }
  }

  /** The message (and problems) of an error answer. */
  async function errorOf(response) {
    let body = null;
    try {
      const text = await response.text();
      try { body = JSON.parse(text); } catch { body = { error: text.trim() }; }
    } catch { /* no body */ }
    return {
      status: response.status,
      message: (body && body.error) || `${response.status} ${response.statusText}`.trim(),
      problems: (body && Array.isArray(body.problems)) ? body.problems : null,
    };
  }

  const scenePath = (name) => `/v1/scenes/${encodeURIComponent(name)}`;

  // --- scene names (the server's rules, checked before asking) ------------------------------------

  function cleanName(raw) {
    let name = raw.trim();
    if (name.toLowerCase().endsWith(".json")) name = name.slice(0, -5);
    return name;
  }

  /** Why a name cannot be used, or "" when it can. */
  function nameProblem(name) {
    if (!name) return "a name is needed";
    if (new TextEncoder().encode(name).length > 100) return "names are at most 100 bytes";
    if (/[/\\]/.test(name)) return "a name cannot contain / or \\";
    // eslint-disable-next-line no-control-regex
    if (/[\u0000-\u001f\u007f-\u009f]/.test(name)) return "a name cannot contain control characters";
    if (name.startsWith(".")) return "a name cannot start with '.'";
    return "";
  }

  const inLibrary = (name) => state.scenes.some((s) => s.name === name);

  // --- the library ---------------------------------------------------------------------------------

  const thumbs = new Map();   // name -> { key, url }
  const thumbQueue = [];      // entries waiting for their thumbnail, one request at a time
  let thumbRunning = false;
  const thumbKey = (entry) => `${entry.name}@${entry.modified}@${entry.bytes}`;

  const seen = new IntersectionObserver((items) => {
    for (const item of items) {
      if (!item.isIntersecting) continue;
      seen.unobserve(item.target);
      const entry = state.scenes.find((s) => s.name === item.target.closest(".scene").dataset.name);
      if (entry) wantThumb(entry);
    }
  }, { root: ui.library, rootMargin: "240px 0px" });

  function wantThumb(entry) {
    const have = thumbs.get(entry.name);
    if (have && have.key === thumbKey(entry)) return;
    if (!thumbQueue.some((e) => e.name === entry.name)) thumbQueue.push(entry);
    pumpThumbs();
  }

  /** Loads queued thumbnails one after another (renders are serialized on the server), pausing
   * while the author waits for a preview or a generation (they share the server's cores). */
  async function pumpThumbs() {
    if (thumbRunning) return;
    thumbRunning = true;
    try {
      while (thumbQueue.length && !state.previewBusy && !state.generating) {
        const entry = thumbQueue.shift();
        const key = thumbKey(entry);
        const have = thumbs.get(entry.name);
        if (have && have.key === key) continue;
        const img = thumbImg(entry.name);
        if (!img) continue;
        try {
          const response = await api(`${scenePath(entry.name)}/render?size=${THUMB_SIZE}&v=${encodeURIComponent(entry.modified)}`);
          if (!response.ok) throw new Error((await errorOf(response)).message);
          const url = URL.createObjectURL(await response.blob());
          if (have) URL.revokeObjectURL(have.url);
          thumbs.set(entry.name, { key, url });
          const now = thumbImg(entry.name);
          if (now) { now.src = url; now.dataset.state = "ready"; now.title = ""; }
        } catch (error) {
          const now = thumbImg(entry.name);
          if (now) { now.dataset.state = "error"; now.title = `No thumbnail: ${error.message}`; }
        }
      }
    } finally {
      thumbRunning = false;
    }
  }

  const thumbImg = (name) => {
    const button = [...ui.library.querySelectorAll(".scene")].find((b) => b.dataset.name === name);
    return button ? button.querySelector("img") : null;
  };

  function showLibrary() {
    seen.disconnect();
    ui.library.textContent = "";
    for (const entry of state.scenes) {
      const li = document.createElement("li");
      const button = document.createElement("button");
      button.type = "button";
      button.className = "scene";
      button.dataset.name = entry.name;
      button.setAttribute("aria-current", String(entry.name === state.current));
      const img = document.createElement("img");
      img.alt = "";
      img.decoding = "async";
      const title = document.createElement("span");
      title.className = "title";
      const file = document.createElement("span");
      file.className = "file";
      file.textContent = `${entry.name}.json`;
      const have = thumbs.get(entry.name);
      if (entry.problems.length) {
        button.classList.add("invalid");
        title.textContent = "Invalid scene";
        img.src = BLANK;
        img.dataset.state = "invalid";
        const badge = document.createElement("span");
        badge.className = "badge";
        const n = entry.problems.length;
        badge.textContent = `${n} problem${n === 1 ? "" : "s"}`;
        button.append(img, title, file, badge);
        button.title = entry.problems.map(problemText).join("\n");
        button.setAttribute("aria-label", `${entry.name}.json: invalid, ${badge.textContent}`);
      } else {
        title.textContent = entry.title;
        button.title = `${entry.title} (${entry.name}.json)`;
        if (have && have.key === thumbKey(entry)) {
          img.src = have.url;
          img.dataset.state = "ready";
        } else {
          img.src = have ? have.url : BLANK;
          img.dataset.state = "loading";
          seen.observe(img);
        }
        button.append(img, title, file);
      }
      button.addEventListener("click", () => openScene(entry.name));
      li.append(button);
      ui.library.append(li);
    }
  }

  function markCurrent() {
    for (const button of ui.library.querySelectorAll(".scene")) {
      const current = button.dataset.name === state.current;
      button.setAttribute("aria-current", String(current));
      if (current) button.scrollIntoView({ block: "nearest" });
    }
  }

  async function loadLibrary() {
    ui.library.setAttribute("aria-busy", "true");
    try {
      const response = await api("/v1/scenes");
      if (!response.ok) throw new Error((await errorOf(response)).message);
      state.scenes = (await response.json()).scenes || [];
      showLibrary();
      updateNameHints();
      document.body.dataset.ready = "1";
    } catch (error) {
      say(`Cannot list the library: ${error.message}`, "error");
    } finally {
      ui.library.setAttribute("aria-busy", "false");
    }
  }

  // --- the editor ----------------------------------------------------------------------------------

  const isDirty = () => ui.editor.value !== state.cleanText;

  function keepDraft() {
    if (isDirty() && ui.editor.value.trim() && ui.editor.value !== TEMPLATE) {
      state.drafts.set(state.current ?? "", ui.editor.value);
    }
  }

  /** Puts a scene's text into the editor. `clean` is the text as saved (null: not saved). */
  function loadEditor(text, name, clean = text) {
    keepDraft();
    ui.editor.value = text;
    state.current = name;
    state.cleanText = clean;
    state.drafts.delete(name ?? "");
    ui.name.value = name ?? "";
    ui.name.placeholder = "scene name";
    ui.editor.scrollTop = 0;
    ui.editor.scrollLeft = 0;
    ui.editor.setSelectionRange(0, 0);
    if (name) history.replaceState(null, "", `#${encodeURIComponent(name)}`);
    else history.replaceState(null, "", location.pathname);
    showProblems([]);
    editorChanged(true);
    markCurrent();
  }

  async function openScene(name) {
    say(`Opening ${name}.json …`, "busy");
    try {
      const response = await api(scenePath(name));
      if (!response.ok) throw new Error((await errorOf(response)).message);
      const text = await response.text();
      const draft = state.drafts.get(name);
      if (state.current === name && isDirty()) {
        say(`${name}.json is open with unsaved changes (Revert reloads the file).`);
        state.cleanText = text;
        updateButtons();
        return;
      }
      loadEditor(draft ?? text, name, text);
      if (draft !== undefined) say(`Restored your unsaved changes to ${name}.json (Revert discards them).`);
      else say(`Opened ${name}.json.`);
    } catch (error) {
      say(`Cannot open ${name}.json: ${error.message}`, "error");
    }
  }

  function newScene() {
    loadEditor(TEMPLATE, null, TEMPLATE);
    say("New scene: edit it, give it a name and Save.");
    ui.name.focus();
  }

  /** After any change of the editor's text: gutter, dirty mark, a validation soon. */
  function editorChanged(now = false) {
    updateGutter();
    updateButtons();
    if (state.renderedText !== null) ui.frame.dataset.stale = String(ui.editor.value !== state.renderedText);
    setValid("checking", "checking…");
    clearTimeout(state.validateTimer);
    state.validateTimer = setTimeout(validateNow, now ? 0 : VALIDATE_DELAY_MS);
  }

  function updateButtons() {
    const dirty = isDirty();
    ui.dirty.hidden = !dirty;
    ui.revert.disabled = !(dirty && state.current && state.cleanText !== null);
    ui.remove.disabled = !state.current || !inLibrary(state.current);
    document.title = `${dirty ? "• " : ""}${state.current ? `${state.current}.json — ` : ""}sayscape studio`;
    updateNameHints();
  }

  function updateNameHints() {
    const name = cleanName(ui.name.value);
    let hint = "", kind = "info";
    if (ui.name.value.trim()) {
      const why = nameProblem(name);
      if (why) { hint = why; kind = "error"; }
      else if (name !== state.current && inLibrary(name)) hint = `${name}.json already exists: Save replaces it.`;
      else if (state.current && name !== state.current) hint = `Save writes a copy as ${name}.json (${state.current}.json is kept).`;
    }
    ui.nameHint.textContent = hint;
    ui.nameHint.dataset.state = kind;
    ui.save.textContent = (name && name !== state.current && inLibrary(name)) ? "Replace" : "Save";

    const asName = cleanName(ui.saveAs.value);
    let asHint = "", asKind = "info";
    if (ui.saveAs.value.trim()) {
      const why = nameProblem(asName);
      if (why) { asHint = why; asKind = "error"; }
      else if (inLibrary(asName)) asHint = `${asName}.json exists: the new scene replaces it.`;
    }
    ui.saveAsHint.textContent = asHint;
    ui.saveAsHint.dataset.state = asKind;
  }

  const lineCount = (text) => {
    let n = 1;
    for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) n++;
    return n;
  };

  function updateGutter() {
    const n = lineCount(ui.editor.value);
    if (n !== state.gutterLines) {
      const rows = new Array(n);
      for (let i = 0; i < n; i++) rows[i] = `<div data-line="${i + 1}">${i + 1}</div>`;
      ui.gutterInner.innerHTML = rows.join("");
      state.gutterLines = n;
      markLines();
    }
    currentLine();
  }

  function markLines() {
    for (const row of ui.gutterInner.querySelectorAll(".bad")) { row.classList.remove("bad"); row.removeAttribute("title"); }
    const bands = document.createElement("div");
    bands.className = "marks-inner";
    for (const [line, messages] of state.problemLines) {
      const row = ui.gutterInner.children[line - 1];
      if (row) { row.classList.add("bad"); row.title = messages.join("\n"); }
      const band = document.createElement("div");
      band.dataset.line = String(line);
      band.style.top = `${state.padTop + (line - 1) * state.lineHeight}px`;
      bands.append(band);
    }
    ui.marks.replaceChildren(bands);
    syncScroll();
  }

  function syncScroll() {
    const y = `translateY(${-ui.editor.scrollTop}px)`;
    ui.gutterInner.style.transform = y;
    const bands = ui.marks.firstElementChild;
    if (bands) bands.style.transform = y;
  }

  let lastCurrent = null;
  function currentLine() {
    const text = ui.editor.value;
    const upTo = ui.editor.selectionStart;
    let line = 1;
    for (let i = text.indexOf("\n"); i !== -1 && i < upTo; i = text.indexOf("\n", i + 1)) line++;
    const row = ui.gutterInner.children[line - 1];
    if (row === lastCurrent) return;
    if (lastCurrent) lastCurrent.classList.remove("current");
    if (row) row.classList.add("current");
    lastCurrent = row || null;
  }

  /** Moves the cursor to a line (1-based) and column (1-based, optional) and shows it. */
  function goToLine(line, column) {
    const text = ui.editor.value;
    let start = 0;
    for (let l = 1; l < line; l++) {
      const next = text.indexOf("\n", start);
      if (next === -1) break;
      start = next + 1;
    }
    let end = text.indexOf("\n", start);
    if (end === -1) end = text.length;
    let at;
    if (column && column > 0) at = Math.min(start + column - 1, end);
    else {
      at = start;
      while (at < end && (text[at] === " " || text[at] === "\t")) at++;
    }
    ui.editor.focus({ preventScroll: true });
    ui.editor.setSelectionRange(at, at);
    const top = state.padTop + (line - 1) * state.lineHeight;
    if (top < ui.editor.scrollTop + state.lineHeight || top > ui.editor.scrollTop + ui.editor.clientHeight - 2 * state.lineHeight) {
      ui.editor.scrollTop = Math.max(0, top - ui.editor.clientHeight / 3);
    }
    ui.editor.scrollLeft = 0;
    syncScroll();
    currentLine();
    const band = ui.marks.querySelector(`[data-line="${line}"]`);
    if (band) { band.classList.remove("flash"); void band.offsetWidth; band.classList.add("flash"); }
  }

  // --- validation and problems ----------------------------------------------------------------------

  function setValid(stateName, text) {
    ui.valid.dataset.state = stateName;
    ui.valid.textContent = text;
  }

  const problemText = (p) => `${p.line ? `line ${p.line}: ` : ""}${p.path}: ${p.message}`;

  /** Lists problems below the editor and marks their lines. */
  function showProblems(problems) {
    ui.problems.textContent = "";
    state.problemLines = new Map();
    for (const p of problems) {
      const li = document.createElement("li");
      const button = document.createElement("button");
      button.type = "button";
      button.className = "problem";
      button.dataset.path = p.path;
      if (p.line) {
        button.dataset.line = String(p.line);
        if (p.column) button.dataset.column = String(p.column);
        const where = document.createElement("span");
        where.className = "where";
        where.textContent = `line ${p.line}`;
        button.append(where, ": ");
        const list = state.problemLines.get(p.line) || [];
        list.push(`${p.path}: ${p.message}`);
        state.problemLines.set(p.line, list);
        button.addEventListener("click", () => goToLine(p.line, p.column));
        button.title = `Go to line ${p.line}`;
      }
      const path = document.createElement("span");
      path.className = "path";
      path.textContent = p.path;
      button.append(path, `: ${p.message}`);
      li.append(button);
      ui.problems.append(li);
    }
    ui.problemCount.textContent = problems.length ? String(problems.length) : "";
    markLines();
  }

  async function validateNow() {
    clearTimeout(state.validateTimer);
    if (state.validateAbort) state.validateAbort.abort();
    const abort = new AbortController();
    state.validateAbort = abort;
    const seq = ++state.validateSeq;
    const text = ui.editor.value;
    setValid("checking", "checking…");
    try {
      const response = await api("/v1/validate", {
        method: "POST", body: text, headers: { "Content-Type": "application/json" }, signal: abort.signal,
      });
      if (seq !== state.validateSeq) return;
      if (response.ok) {
        const answer = await response.json();
        if (seq !== state.validateSeq) return;
        showProblems([]);
        setValid("valid", "✓ valid");
        ui.valid.title = answer.title ? `Valid scene: ${answer.title}` : "Valid scene";
        validText(text);
        return;
      }
      const error = await errorOf(response);
      if (seq !== state.validateSeq) return;
      const problems = error.problems || [{ path: "$", message: error.message }];
      showProblems(problems);
      const n = problems.length;
      setValid("invalid", `✗ invalid · ${n} problem${n === 1 ? "" : "s"}`);
      ui.valid.title = error.message;
    } catch (error) {
      if (error.name === "AbortError" || seq !== state.validateSeq) return;
      setValid("error", "not checked");
      ui.valid.title = `Cannot validate: ${error.message}`;
    } finally {
      if (state.validateAbort === abort) state.validateAbort = null;
    }
  }

  // --- save, revert, delete, format -------------------------------------------------------------------

  async function save() {
    const name = cleanName(ui.name.value);
    const why = nameProblem(name);
    if (why) {
      say(`Cannot save: ${why}.`, "error");
      ui.name.focus();
      return;
    }
    ui.name.value = name;
    const text = ui.editor.value;
    ui.save.disabled = true;
    say(`Saving ${name}.json …`, "busy");
    try {
      const response = await api(scenePath(name), { method: "PUT", body: text, headers: { "Content-Type": "application/json" } });
      if (response.ok) {
        const previous = state.current;
        state.current = name;
        state.cleanText = text;
        state.drafts.delete(name);
        if (previous === null) state.drafts.delete("");
        history.replaceState(null, "", `#${encodeURIComponent(name)}`);
        if (ui.editor.value === text) { showProblems([]); setValid("valid", "✓ valid"); }
        await loadLibrary();
        markCurrent();
        updateButtons();
        say(`Saved ${name}.json`, "saved");
        return;
      }
      const error = await errorOf(response);
      if (error.problems) {
        showProblems(error.problems);
        const n = error.problems.length;
        setValid("invalid", `✗ invalid · ${n} problem${n === 1 ? "" : "s"}`);
        say(`Not saved: ${n} problem${n === 1 ? "" : "s"} in the scene (listed below the editor).`, "error");
      } else {
        say(`Not saved: ${error.message}`, "error");
      }
    } catch (error) {
      say(`Not saved: ${error.message}`, "error");
    } finally {
      ui.save.disabled = false;
    }
  }

  async function revert() {
    if (!state.current) return;
    const name = state.current;
    state.drafts.delete(name);
    state.cleanText = ui.editor.value; // nothing to keep as a draft
    await openScene(name);
  }

  async function removeScene() {
    const name = state.current;
    if (!name) return;
    if (!confirm(`Delete ${name}.json from the library?\n\nThe text stays in the editor until you open something else.`)) return;
    say(`Deleting ${name}.json …`, "busy");
    try {
      const response = await api(scenePath(name), { method: "DELETE" });
      if (!response.ok && response.status !== 404) throw new Error((await errorOf(response)).message);
      const had = thumbs.get(name);
      if (had) { URL.revokeObjectURL(had.url); thumbs.delete(name); }
      state.current = null;
      state.cleanText = null;
      history.replaceState(null, "", location.pathname);
      await loadLibrary();
      updateButtons();
      say(`Deleted ${name}.json (its text is still in the editor: Save brings it back).`);
    } catch (error) {
      say(`Cannot delete ${name}.json: ${error.message}`, "error");
    }
  }

  function format() {
    try {
      const text = JSON.stringify(JSON.parse(ui.editor.value), null, 2) + "\n";
      if (text !== ui.editor.value) {
        ui.editor.focus();
        ui.editor.select();
        // execCommand keeps the browser's undo history; fall back to assigning.
        if (!document.execCommand || !document.execCommand("insertText", false, text)) ui.editor.value = text;
        editorChanged(true);
      }
    } catch (error) {
      say(`Cannot format: the text is not JSON (${error.message}).`, "error");
    }
  }

  // --- generation ------------------------------------------------------------------------------------

  /** A scene as the editor shows it: 2-space JSON. */
  const pretty = (scene) => JSON.stringify(scene, null, 2) + "\n";

  const STAGE_NAMES = {
    queued: "Queued", loading_speech_model: "Loading speech model", transcribing: "Transcribing", heard: "Heard",
    loading_model: "Loading model", asking: "Asking", ranking: "Ranking", writing: "Writing",
    understanding: "Understanding", planning: "Planning", saved: "Saved", done: "Done", error: "Error",
  };

  let generationStart = 0;
  function addEvent(stage, message) {
    const li = document.createElement("li");
    li.className = "event";
    li.dataset.stage = stage;
    const body = document.createElement("div");
    const label = document.createElement("span");
    label.className = "stage";
    label.textContent = STAGE_NAMES[stage] || stage.replace(/_/g, " ");
    const text = document.createElement("span");
    text.className = "msg";
    text.textContent = message;
    body.append(label, text);
    const t = document.createElement("span");
    t.className = "t";
    t.textContent = `${((performance.now() - generationStart) / 1000).toFixed(1)} s`;
    li.append(body, t);
    ui.progress.append(li);
    ui.progress.scrollTop = ui.progress.scrollHeight;
  }

  /** Reads server-sent events from a fetch() response: calls `on(name, data)` for each. */
  async function readEvents(response, on) {
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (value) buffer += value;
      let cut;
      while ((cut = buffer.search(/\r?\n\r?\n/)) !== -1) {
        const block = buffer.slice(0, cut);
        buffer = buffer.slice(cut + buffer.slice(cut).match(/^\r?\n\r?\n/)[0].length);
        let name = "message";
        const data = [];
        for (const line of block.split(/\r?\n/)) {
          if (!line || line.startsWith(":")) continue;
          const colon = line.indexOf(":");
          const field = colon === -1 ? line : line.slice(0, colon);
          let val = colon === -1 ? "" : line.slice(colon + 1);
          if (val.startsWith(" ")) val = val.slice(1);
          if (field === "event") name = val;
          else if (field === "data") data.push(val);
        }
        if (data.length || name !== "message") {
          if (on(name, data.join("\n")) === false) { reader.cancel().catch(() => {}); return; }
        }
      }
      if (done) return;
    }
  }

  /** Generates a scene from the prompt box, or from recorded speech (a WAV blob). */
  async function generate(speech = null) {
    if (state.generating) return;
    const prompt = ui.prompt.value.trim();
    if (!speech && !prompt) {
      say("Describe the scene first (or record it).", "error");
      ui.prompt.focus();
      return;
    }
    const saveAs = cleanName(ui.saveAs.value);
    if (saveAs) {
      const why = nameProblem(saveAs);
      if (why) { say(`Save as: ${why}.`, "error"); ui.saveAs.focus(); return; }
    }
    state.generating = true;
    ui.generate.disabled = true;
    if (!recorder.active) ui.record.disabled = true;
    ui.progress.textContent = "";
    ui.progress.dataset.state = "running";
    generationStart = performance.now();
    say(speech ? "Generating a scene from your words …" : "Generating a scene …", "busy");

    let outcome = "error";
    try {
      let response;
      if (speech) {
        const query = saveAs ? `?save_as=${encodeURIComponent(saveAs)}` : "";
        response = await api(`/v1/generate${query}`, {
          method: "POST", body: speech, headers: { "Content-Type": "audio/wav", Accept: "text/event-stream" },
        });
      } else {
        const request = { prompt };
        if (saveAs) request.save_as = saveAs;
        response = await api("/v1/generate", {
          method: "POST", body: JSON.stringify(request), headers: { "Content-Type": "application/json", Accept: "text/event-stream" },
        });
      }
      if (!response.ok) {
        const error = await errorOf(response);
        const retry = response.headers.get("Retry-After");
        throw new Error(retry ? `${error.message} (try again in ${retry} s)` : error.message);
      }
      let scene = null, failure = null;
      await readEvents(response, (name, data) => {
        if (name === "done") {
          scene = JSON.parse(data);
          return false;
        }
        if (name === "error") {
          try { failure = JSON.parse(data); } catch { failure = { message: data }; }
          return false;
        }
        let event;
        try { event = JSON.parse(data); } catch { event = { message: data }; }
        addEvent(event.stage || name, event.message || "");
        if (name === "heard" && typeof event.text === "string") ui.prompt.value = event.text;
        return true;
      });
      if (failure) throw new Error(failure.message || "the generation failed");
      if (!scene) throw new Error("the connection closed before the scene was finished: try again");

      // The file the server saved is the truth; otherwise pretty-print the scene sent.
      let text = null;
      if (saveAs) {
        try {
          const saved = await api(scenePath(saveAs));
          if (saved.ok) text = await saved.text();
        } catch { /* fall back to the scene sent */ }
      }
      loadEditor(text ?? pretty(scene), saveAs || null, saveAs ? (text ?? pretty(scene)) : null);
      if (!saveAs) ui.name.placeholder = suggestName(scene.title || prompt);
      if (saveAs) {
        ui.saveAs.value = ""; // the next generation would replace this one
        await loadLibrary();
      }
      markCurrent();
      updateButtons();
      addEvent("done", saveAs ? `“${scene.title}” — saved as ${saveAs}.json` : `“${scene.title}” is in the editor (not saved yet)`);
      say(saveAs ? `Generated “${scene.title}” and saved it as ${saveAs}.json` : `Generated “${scene.title}”: name it and Save to keep it.`);
      outcome = "done";
    } catch (error) {
      addEvent("error", error.message);
      say(`Generation failed: ${error.message}`, "error");
    } finally {
      state.generating = false;
      ui.generate.disabled = false;
      ui.record.disabled = false;
      ui.progress.dataset.state = outcome;
      pumpThumbs();
    }
  }

  const suggestName = (title) =>
    title.toLowerCase().normalize("NFKD").replace(/[\u0300-\u036f]/g, "").replace(/[^a-z0-9]+/g, "_").replace(/^_+|_+$/g, "").slice(0, 60) || "scene name";

  // --- the microphone: PCM from an AudioWorklet, sent as a 16-bit mono WAV ----------------------------

  const WORKLET = `
    class Capture extends AudioWorkletProcessor {
      constructor() { super(); this.chunk = new Float32Array(4096); this.n = 0; this.port.onmessage = () => this.flush(); }
      flush() { if (this.n) { this.port.postMessage(this.chunk.slice(0, this.n)); this.n = 0; } }
      process(inputs) {
        const channels = inputs[0];
        if (channels && channels.length) {
          const frames = channels[0].length;
          for (let i = 0; i < frames; i++) {
            let s = 0;
            for (const c of channels) s += c[i];
            this.chunk[this.n++] = s / channels.length;
            if (this.n === this.chunk.length) this.flush();
          }
        }
        return true;
      }
    }
    registerProcessor("sayscape-capture", Capture);`;

  const recorder = {
    active: false, stream: null, context: null, nodes: [], chunks: [], rate: 48000, started: 0, timer: 0, flushed: null,

    async start() {
      if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
        throw new Error("this page cannot use the microphone here (browsers allow it only on https:// or http://localhost)");
      }
      this.stream = await navigator.mediaDevices.getUserMedia({ audio: { channelCount: 1, echoCancellation: true, noiseSuppression: true } });
      const Context = window.AudioContext || window.webkitAudioContext;
      this.context = new Context();
      this.rate = this.context.sampleRate;
      this.chunks = [];
      const source = this.context.createMediaStreamSource(this.stream);
      const mute = this.context.createGain();
      mute.gain.value = 0;
      mute.connect(this.context.destination);
      if (this.context.audioWorklet && window.AudioWorkletNode) {
        const url = URL.createObjectURL(new Blob([WORKLET], { type: "text/javascript" }));
        try { await this.context.audioWorklet.addModule(url); } finally { URL.revokeObjectURL(url); }
        const node = new AudioWorkletNode(this.context, "sayscape-capture", { numberOfOutputs: 1 });
        node.port.onmessage = (e) => {
          this.chunks.push(e.data);
          if (this.flushed) { const done = this.flushed; this.flushed = null; done(); }
        };
        source.connect(node);
        node.connect(mute);
        this.nodes = [source, node, mute];
      } else {
        const node = this.context.createScriptProcessor(4096, 1, 1);
        node.onaudioprocess = (e) => this.chunks.push(new Float32Array(e.inputBuffer.getChannelData(0)));
        source.connect(node);
        node.connect(mute);
        this.nodes = [source, node, mute];
      }
      if (this.context.state === "suspended") await this.context.resume();
      this.active = true;
      this.started = performance.now();
    },

    /** Stops and returns the recording as a WAV blob (and its length in seconds). */
    async stop() {
      this.active = false;
      const worklet = this.nodes.find((n) => window.AudioWorkletNode && n instanceof AudioWorkletNode);
      if (worklet) {
        // Ask the worklet for its last partial chunk, waiting briefly for it.
        await new Promise((resolve) => { this.flushed = resolve; worklet.port.postMessage("flush"); setTimeout(resolve, 200); });
        this.flushed = null;
      }
      for (const node of this.nodes) { try { node.disconnect(); } catch { /* already */ } }
      this.nodes = [];
      if (this.stream) for (const track of this.stream.getTracks()) track.stop();
      this.stream = null;
      if (this.context) await this.context.close().catch(() => {});
      this.context = null;
      const length = this.chunks.reduce((n, c) => n + c.length, 0);
      const all = new Float32Array(length);
      let at = 0;
      for (const c of this.chunks) { all.set(c, at); at += c.length; }
      this.chunks = [];
      const rate = Math.min(this.rate, SPEECH_RATE);
      const samples = resample(all, this.rate, rate);
      return { wav: encodeWav(samples, rate), seconds: samples.length / rate };
    },
  };

  /** Down-sampling by averaging each output sample's span of input (a box low-pass). */
  function resample(input, from, to) {
    if (from === to) return input;
    const ratio = from / to;
    const out = new Float32Array(Math.floor(input.length / ratio));
    for (let i = 0; i < out.length; i++) {
      const a = Math.floor(i * ratio), b = Math.min(input.length, Math.max(a + 1, Math.floor((i + 1) * ratio)));
      let s = 0;
      for (let j = a; j < b; j++) s += input[j];
      out[i] = s / (b - a);
    }
    return out;
  }

  /** A 16-bit PCM mono WAV file of samples in [-1, 1]. */
  function encodeWav(samples, rate) {
    const buffer = new ArrayBuffer(44 + samples.length * 2);
    const v = new DataView(buffer);
    const text = (at, s) => { for (let i = 0; i < s.length; i++) v.setUint8(at + i, s.charCodeAt(i)); };
    text(0, "RIFF"); v.setUint32(4, 36 + samples.length * 2, true); text(8, "WAVE");
    text(12, "fmt "); v.setUint32(16, 16, true); v.setUint16(20, 1, true); v.setUint16(22, 1, true);
    v.setUint32(24, rate, true); v.setUint32(28, rate * 2, true); v.setUint16(32, 2, true); v.setUint16(34, 16, true);
    text(36, "data"); v.setUint32(40, samples.length * 2, true);
    for (let i = 0; i < samples.length; i++) {
      const s = Math.max(-1, Math.min(1, samples[i]));
      v.setInt16(44 + i * 2, s < 0 ? s * 0x8000 : s * 0x7fff, true);
    }
    return new Blob([buffer], { type: "audio/wav" });
  }

  async function toggleRecording() {
    if (recorder.active) return finishRecording();
    if (state.generating) return;
    try {
      await recorder.start();
    } catch (error) {
      say(`Microphone unavailable: ${error.message}`, "error");
      return;
    }
    ui.record.setAttribute("aria-pressed", "true");
    ui.record.querySelector(".label").textContent = "Stop";
    ui.progress.textContent = "";
    ui.progress.dataset.state = "recording";
    ui.generate.disabled = true;
    say("Recording: describe the scene, then press Stop.", "busy");
    const tick = () => {
      const s = (performance.now() - recorder.started) / 1000;
      ui.recordTime.textContent = `${Math.floor(s / 60)}:${String(Math.floor(s % 60)).padStart(2, "0")} / 1:00`;
      if (s >= MAX_RECORD_S - 0.5) finishRecording();
    };
    tick();
    recorder.timer = setInterval(tick, 250);
  }

  async function finishRecording() {
    if (!recorder.active) return;
    clearInterval(recorder.timer);
    ui.record.setAttribute("aria-pressed", "false");
    ui.record.querySelector(".label").textContent = "Record";
    ui.recordTime.textContent = "";
    ui.generate.disabled = false;
    const { wav, seconds } = await recorder.stop();
    if (seconds < 0.4) {
      ui.progress.dataset.state = "idle";
      say("The recording is too short: press Record, speak, then press Stop.", "error");
      return;
    }
    await generate(wav);
  }

  // --- preview: render and soundscape of the editor's text -----------------------------------------

  function previewProblems(error, what) {
    if (error.problems) {
      showProblems(error.problems);
      const n = error.problems.length;
      setValid("invalid", `✗ invalid · ${n} problem${n === 1 ? "" : "s"}`);
      return `Cannot ${what}: the scene has ${n} problem${n === 1 ? "" : "s"} (listed below the editor).`;
    }
    return `Cannot ${what}: ${error.message}`;
  }

  async function render() {
    const text = ui.editor.value;
    const view = ui.view.value;
    state.previewBusy++;
    ui.render.disabled = true;
    ui.preview.dataset.state = "loading";
    ui.frame.dataset.state = "loading";
    ui.previewNote.textContent = "Rendering … (a few seconds)";
    say(`Rendering the ${view === "overview" ? "overview" : "player’s view"} …`, "busy");
    try {
      const response = await api(`/v1/render?view=${encodeURIComponent(view)}&size=${PREVIEW_SIZE}`, {
        method: "POST", body: text, headers: { "Content-Type": "application/json" },
      });
      if (!response.ok) throw Object.assign(new Error(), { detail: await errorOf(response) });
      const url = URL.createObjectURL(await response.blob());
      await new Promise((resolve, reject) => {
        ui.preview.onload = resolve;
        ui.preview.onerror = () => reject(Object.assign(new Error(), { detail: { message: "the image could not be shown" } }));
        ui.preview.src = url;
      });
      if (state.previewUrl) URL.revokeObjectURL(state.previewUrl);
      state.previewUrl = url;
      state.renderedText = text;
      ui.frame.dataset.stale = String(ui.editor.value !== text);
      ui.preview.alt = `Render (${view}) of the scene in the editor`;
      ui.preview.dataset.state = "ready";
      ui.frame.dataset.state = "ready";
      say("Rendered.");
    } catch (error) {
      const message = error.detail ? previewProblems(error.detail, "render") : `Cannot render: ${error.message}`;
      ui.preview.dataset.state = "error";
      ui.frame.dataset.state = "error";
      ui.previewNote.textContent = message;
      say(message, "error");
    } finally {
      state.previewBusy--;
      ui.render.disabled = false;
      pumpThumbs();
    }
  }

  async function listen() {
    const text = ui.editor.value;
    ui.listen.disabled = true;
    ui.audio.dataset.state = "loading";
    say(`Making ${SOUNDSCAPE_SECONDS} s of the soundscape …`, "busy");
    try {
      const response = await api(`/v1/soundscape?seconds=${SOUNDSCAPE_SECONDS}`, {
        method: "POST", body: text, headers: { "Content-Type": "application/json" },
      });
      if (!response.ok) throw Object.assign(new Error(), { detail: await errorOf(response) });
      const url = URL.createObjectURL(await response.blob());
      ui.audio.src = url;
      if (state.audioUrl) URL.revokeObjectURL(state.audioUrl);
      state.audioUrl = url;
      ui.audio.dataset.state = "ready";
      say(`Soundscape ready (${SOUNDSCAPE_SECONDS} s).`);
      ui.audio.play().catch(() => { /* autoplay refused: the controls are there */ });
    } catch (error) {
      const message = error.detail ? previewProblems(error.detail, "make the soundscape") : `Cannot make the soundscape: ${error.message}`;
      ui.audio.dataset.state = "error";
      say(message, "error");
    } finally {
      ui.listen.disabled = false;
    }
  }

  // --- the 3D view's side: valid texts go to it, picked entities come back -----------------------------

  /** Tells the 3D view (world.js) about a valid text. */
  function validText(text) {
    document.dispatchEvent(new CustomEvent("sayscape:valid", { detail: { text } }));
  }

  /** Where the object of entity `id` lies in a scene's text: [start, end) of its braces, among
   * the top-level "entities" (not an edit history's copies), or null. */
  function entityRange(text, id) {
    const stack = []; // { open, start, key, id }
    let key = null, expectKey = false;
    for (let i = 0; i < text.length; i++) {
      const c = text[i];
      if (c === '"') {
        let j = i + 1, value = "";
        for (; j < text.length && text[j] !== '"'; j++) {
          if (text[j] === "\\") { value += text[j] + text[j + 1]; j++; } else value += text[j];
        }
        try { value = JSON.parse(`"${value}"`); } catch { /* keep it raw */ }
        const top = stack[stack.length - 1];
        if (top && top.open === "{" && expectKey) { key = value; expectKey = false; }
        else if (top && top.open === "{" && key === "id") top.id = value;
        i = j;
      } else if (c === "{" || c === "[") {
        const top = stack[stack.length - 1];
        stack.push({ open: c, start: i, key: top && top.open === "{" ? key : (top ? top.key : null), id: null });
        expectKey = c === "{";
      } else if (c === "}" || c === "]") {
        const done = stack.pop();
        const parent = stack[stack.length - 1];
        if (done && done.open === "{" && done.id === id && parent && parent.open === "[" && parent.key === "entities" && stack.length === 2) {
          return [done.start, i + 1];
        }
        expectKey = false;
      } else if (c === ",") {
        const top = stack[stack.length - 1];
        expectKey = !!top && top.open === "{";
      } else if (c === ":") {
        expectKey = false;
      }
    }
    return null;
  }

  /** Selects entity `id`'s block in the editor and scrolls to it (a click in the 3D view). */
  function selectEntity(id) {
    const text = ui.editor.value;
    const range = entityRange(text, id);
    if (!range) {
      say(`${id}: not an entity of this text (the planner added it).`);
      return false;
    }
    const line = lineCount(text.slice(0, range[0]));
    ui.editor.focus({ preventScroll: true });
    ui.editor.setSelectionRange(range[0], range[1]);
    const top = state.padTop + (line - 1) * state.lineHeight;
    ui.editor.scrollTop = Math.max(0, top - state.lineHeight * 2);
    syncScroll();
    currentLine();
    ui.editor.dataset.selectedEntity = id;
    say(`Selected ${id} (line ${line}).`);
    return true;
  }

  window.sayscapeStudio = { api, selectEntity, entityRange };

  function showTab(which) {
    const world = which === "world";
    ui.tabWorld.setAttribute("aria-selected", String(world));
    ui.tabStill.setAttribute("aria-selected", String(!world));
    ui.worldPanel.hidden = !world;
    ui.stillPanel.hidden = world;
    if (world) document.dispatchEvent(new CustomEvent("sayscape:world-shown"));
  }

  /** Downloads the world of the editor's text as binary glTF. */
  async function downloadWorld(event) {
    event.preventDefault();
    const text = ui.editor.value;
    say("Exporting the world …", "busy");
    try {
      const response = await api("/v1/export", { method: "POST", body: text, headers: { "Content-Type": "application/json" } });
      if (!response.ok) throw Object.assign(new Error(), { detail: await errorOf(response) });
      const url = URL.createObjectURL(await response.blob());
      const a = document.createElement("a");
      a.href = url;
      a.download = `${cleanName(ui.name.value) || "world"}.glb`;
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10000);
      say("Exported the world as binary glTF.");
    } catch (error) {
      say(error.detail ? previewProblems(error.detail, "export") : `Cannot export: ${error.message}`, "error");
    }
  }

  // --- wiring ------------------------------------------------------------------------------------------

  function measure() {
    const style = getComputedStyle(ui.editor);
    state.lineHeight = parseFloat(style.lineHeight) || 20;
    state.padTop = parseFloat(style.paddingTop) || 8;
  }

  ui.editor.addEventListener("input", () => editorChanged());
  ui.editor.addEventListener("scroll", syncScroll);
  for (const type of ["keyup", "click", "focus"]) ui.editor.addEventListener(type, currentLine);
  ui.gutter.addEventListener("click", (event) => {
    const row = event.target.closest(".bad");
    if (row) goToLine(Number(row.dataset.line));
  });
  ui.name.addEventListener("input", updateNameHints);
  ui.name.addEventListener("keydown", (event) => { if (event.key === "Enter") { event.preventDefault(); save(); } });
  ui.saveAs.addEventListener("input", updateNameHints);
  ui.save.addEventListener("click", save);
  ui.revert.addEventListener("click", revert);
  ui.format.addEventListener("click", format);
  ui.remove.addEventListener("click", removeScene);
  ui.newScene.addEventListener("click", newScene);
  ui.refresh.addEventListener("click", loadLibrary);
  ui.generate.addEventListener("click", () => generate());
  ui.prompt.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) { event.preventDefault(); generate(); }
  });
  ui.record.addEventListener("click", toggleRecording);
  ui.render.addEventListener("click", render);
  ui.listen.addEventListener("click", listen);
  ui.download.addEventListener("click", downloadWorld);
  ui.tabWorld.addEventListener("click", () => showTab("world"));
  ui.tabStill.addEventListener("click", () => showTab("still"));
  document.addEventListener("keydown", (event) => {
    if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === "s") { event.preventDefault(); save(); }
  });
  window.addEventListener("resize", measure);

  measure();
  // `/?scene=NAME` (a link to a scene) or `#NAME` (where the studio was): that scene opens
  // without the new-scene template (and its world) showing first.
  const asked = new URLSearchParams(location.search).get("scene");
  const wanted = asked || decodeURIComponent(location.hash.slice(1));
  const startNew = () => {
    loadEditor(TEMPLATE, null, TEMPLATE);
    say("Pick a scene, generate one, or edit the new scene below.");
  };
  if (!wanted) startNew();
  loadLibrary().then(() => {
    if (!wanted) return;
    if (inLibrary(wanted)) return openScene(wanted);
    startNew();
    if (asked) say(`There is no scene ${asked}.json in the library.`, "error");
  });
})();
