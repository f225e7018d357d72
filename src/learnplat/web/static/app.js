// learnplat's pages: what happens as you watch. No library, no network beyond this server.
"use strict";

const csrf = () => document.body.dataset.csrf;

function say(text, kind) {
  const box = document.getElementById("messages");
  if (!box) return;
  const line = document.createElement("p");
  line.className = kind === "error" ? "error" : "notice";
  line.setAttribute("role", kind === "error" ? "alert" : "status");
  line.textContent = text;
  box.replaceChildren(line);
}

async function api(method, path, body) {
  const options = { method, headers: { "X-CSRF-Token": csrf(), "Accept": "application/json" } };
  if (body !== undefined) {
    options.headers["Content-Type"] = "application/json";
    options.body = JSON.stringify(body);
  }
  const response = await fetch(path, options);
  const data = await response.json().catch(() => ({ error: `the server answered ${response.status}` }));
  if (!response.ok) {
    const error = new Error(data.error || `the server answered ${response.status}`);
    error.hint = data.hint;
    throw error;
  }
  return data;
}

function failed(error) { say(error.message + (error.hint ? ` (${error.hint})` : ""), "error"); }

function el(tag, text, attrs) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = text;
  for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
  return node;
}

// A section of server-rendered Markdown: its <h2> and what follows up to the next heading.
function markdownSection(container, title) {
  const heading = [...container.querySelectorAll("h2")].find((h) => h.textContent.trim() === title);
  if (!heading) return [];
  const nodes = [heading];
  for (let node = heading.nextElementSibling; node && !/^H[12]$/.test(node.tagName); node = node.nextElementSibling) nodes.push(node);
  return nodes;
}

function typing(event) {
  const t = event.target;
  return t && (t.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(t.tagName));
}

// Library ---------------------------------------------------------------------------------
function library() {
  for (const form of document.querySelectorAll("form.confirm")) {
    form.addEventListener("submit", (event) => {
      if (!window.confirm(form.dataset.confirm)) event.preventDefault();
    });
  }
  const form = document.getElementById("upload");
  if (!form) return;
  const flash = sessionStorage.getItem("learnplat.flash");
  if (flash) { sessionStorage.removeItem("learnplat.flash"); say(flash); }
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const file = form.elements.file.files[0];
    if (!file) return;
    const bar = document.getElementById("upload-progress");
    const status = document.getElementById("upload-status");
    const request = new XMLHttpRequest();
    request.open("POST", "/api/v1/documents");
    request.setRequestHeader("X-CSRF-Token", csrf());
    request.setRequestHeader("Accept", "application/json");
    bar.hidden = false; bar.value = 0;
    status.textContent = `Uploading ${file.name}…`;
    request.upload.addEventListener("progress", (e) => {
      if (e.lengthComputable) bar.value = Math.round((e.loaded / e.total) * 100);
      if (e.loaded === e.total) status.textContent = `Reading ${file.name}…`;
    });
    request.addEventListener("load", () => {
      bar.hidden = true;
      let data = {};
      try { data = JSON.parse(request.responseText); } catch (_) { data = { error: `the server answered ${request.status}` }; }
      if (request.status >= 400) {
        status.textContent = "";
        say(data.error + (data.hint ? ` (${data.hint})` : ""), "error");
        return;
      }
      const title = data.document ? data.document.title : file.name;
      status.textContent = data.status === "added" ? `Added ${title}` : `${title} is already in your library`;
      sessionStorage.setItem("learnplat.flash", status.textContent);  // said again after the reload
      window.location.reload();
    });
    request.addEventListener("error", () => { bar.hidden = true; say("the upload did not reach the server: is it running?", "error"); });
    const body = new FormData();
    body.append("file", file);
    request.send(body);
  });
}

function documentPage() {
  const article = document.querySelector(".page-text[data-mark]");
  if (!article || !article.dataset.mark) return;
  const words = article.dataset.mark.replace(/["*]/g, " ").split(/\s+/).filter((w) => w.length > 2);
  if (!words.length) return;
  const pattern = new RegExp(`(${words.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|")})`, "gi");
  const text = article.textContent;
  article.replaceChildren();
  let last = 0;
  for (const match of text.matchAll(pattern)) {
    article.append(text.slice(last, match.index), el("mark", match[0]));
    last = match.index + match[0].length;
  }
  article.append(text.slice(last));
  const first = article.querySelector("mark");
  if (first) first.scrollIntoView({ block: "center" });
}

// Learn -----------------------------------------------------------------------------------
function learn() {
  const form = document.getElementById("learn-form");
  if (!form) return;
  const section = document.getElementById("lesson");
  const stream = document.getElementById("lesson-stream");
  const status = document.getElementById("lesson-status");
  const body = document.getElementById("lesson-body");
  let source = null;
  let params = null;
  let lesson = null;

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (source) source.close();
    params = new URLSearchParams(new FormData(form));
    section.hidden = false;
    section.setAttribute("aria-busy", "true");
    for (const id of ["lesson-map", "follow-ups", "answers", "narration-script"]) document.getElementById(id).replaceChildren();
    body.replaceChildren();
    stream.textContent = "";
    document.getElementById("lesson-audio").hidden = true;
    document.getElementById("lesson-downloads").hidden = true;
    document.getElementById("ask-form").hidden = true;
    status.textContent = "Making the lesson…";
    history.replaceState(null, "", `/learn?${params}`);
    source = new EventSource(`/api/v1/lessons/stream?${params}`);
    source.addEventListener("text", (e) => { stream.textContent += JSON.parse(e.data).text; });
    source.addEventListener("lesson", async (e) => {
      source.close();
      lesson = JSON.parse(e.data);
      await showLesson(lesson);
    });
    source.addEventListener("error", (e) => {
      source.close();
      section.setAttribute("aria-busy", "false");
      if (e.data) {
        const data = JSON.parse(e.data);
        status.textContent = "";
        say(data.error + (data.hint ? ` (${data.hint})` : ""), "error");
      } else if (!lesson) {
        status.textContent = "";
        fetch(`/api/v1/lessons/stream?${params}`, { headers: { Accept: "application/json" } })
          .then((r) => r.json()).then((d) => say(d.error ? d.error + (d.hint ? ` (${d.hint})` : "") : "the lesson stream stopped", "error"))
          .catch(() => say("the lesson stream stopped: is the server running?", "error"));
      }
    });
  });

  async function showLesson(made) {
    status.textContent = made.notices.length ? made.notices.join(" ") : `${made.level} · ${made.format}${made.from_cache ? " · from the cache" : ""}`;
    const page = await fetch(`/learn/lesson?${params}&fragment=1`).then((r) => r.text());
    stream.textContent = "";
    body.innerHTML = page;  // rendered by the server, everything in it escaped
    // The script shows the sources as links and the follow-ups as buttons: not twice.
    for (const title of ["Sources", "You could ask next"]) for (const node of markdownSection(body, title)) node.remove();
    if (made.citations.length) {
      body.append(el("h2", "Sources"));
      const list = el("ol", null, { class: "sources" });
      for (const c of made.citations) {
        const where = c.page_label || c.page;
        const label = `${c.title}${where ? `, ${c.unit || "p."} ${where}` : ""}`;
        const item = el("li");
        if (c.doc_id && c.page) item.append(el("a", label, { href: `/library/${c.doc_id}/pages/${c.page}` }));
        else item.append(label);
        if (c.quote) item.append(el("span", ` “${c.quote}”`, { class: "hint" }));
        list.append(item);
      }
      body.append(list);
    }
    const downloads = document.getElementById("lesson-downloads");
    downloads.hidden = false;
    document.getElementById("download-md").href = `/api/v1/lessons/download?${params}`;
    const mapLink = document.getElementById("download-map");
    mapLink.hidden = made.format !== "visual";
    if (made.format === "visual" && made.concept_map) {
      const img = el("img", null, { src: `/learn/map.svg?${params}`, alt: `Concept map of ${made.title}`, class: "concept-map-img" });
      const mapHeading = markdownSection(body, "Concept map")[0];  // the picture above its outline
      if (mapHeading) mapHeading.after(img); else document.getElementById("lesson-map").append(img);
      mapLink.href = `/learn/map.svg?${params}&download=1`;
    }
    if (made.format === "audio") {
      // The narration is shown once: as the list under the player, its line lit as it is spoken.
      const title = body.querySelector("h1");
      for (let node = title && title.nextElementSibling; node && !/^H[12]$/.test(node.tagName); ) {
        const next = node.nextElementSibling;
        if (node.tagName === "P") node.remove();  // notices (blockquotes) stay
        node = next;
      }
      await narrate();
    }
    const followUps = document.getElementById("follow-ups");
    if (made.follow_ups.length) {
      followUps.append(el("h2", "Ask next"));
      for (const question of made.follow_ups) {
        const button = el("button", question, { type: "button", class: "follow-up" });
        button.addEventListener("click", () => ask(question));
        followUps.append(button, " ");
      }
    }
    document.getElementById("ask-form").hidden = false;
    section.setAttribute("aria-busy", "false");
  }

  async function narrate() {
    const box = document.getElementById("lesson-audio");
    const audio = document.getElementById("narration");
    const script = document.getElementById("narration-script");
    status.textContent = "Speaking the narration…";
    try {
      const spoken = await api("GET", `/api/v1/lessons/narration?${params}`);
      const title = body.querySelector("h1");
      if (title) title.after(box);  // the player and its script first, under the title
      box.hidden = false;
      const items = spoken.segments.map((s) => {
        const item = el("li", s.text, { "data-start": s.start_s });
        script.append(item);
        return item;
      });
      audio.src = spoken.url;
      audio.addEventListener("timeupdate", () => {
        let current = -1;
        spoken.segments.forEach((s, i) => { if (audio.currentTime >= s.start_s) current = i; });
        items.forEach((item, i) => item.classList.toggle("speaking", i === current));
      });
      status.textContent = `${spoken.engine} · ${Math.round(spoken.duration_s)} s`;
    } catch (error) { failed(error); }
  }

  async function ask(question) {
    const answers = document.getElementById("answers");
    const box = el("div", null, { class: "answer", "aria-busy": "true" });
    box.append(el("h3", question), el("p", "Looking in your notes…", { class: "hint" }));
    answers.prepend(box);
    const body = { question, doc_ids: params.getAll("doc"), topic: lesson ? lesson.topic : params.get("topic") };
    try {
      const answer = await api("POST", "/api/v1/ask", body);
      box.replaceChildren(el("h3", question), el("p", answer.answer, { class: "snippet" }));
      for (const c of answer.citations) {
        const label = `${c.title}${c.page ? `, ${c.unit || "p."} ${c.page_label || c.page}` : ""}`;
        box.append(c.doc_id && c.page ? el("a", label, { href: `/library/${c.doc_id}/pages/${c.page}` }) : el("span", label, { class: "hint" }), " ");
      }
    } catch (error) {
      box.remove();
      failed(error);
    }
    box.setAttribute("aria-busy", "false");
  }

  document.getElementById("ask-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const input = event.target.elements.question;
    const question = input.value.trim();
    if (question) { ask(question); input.value = ""; }
  });
  if (new URLSearchParams(location.search).get("topic")) form.requestSubmit();
}

// Teach Back ------------------------------------------------------------------------------
function teach() {
  const text = document.querySelector("#teach-form textarea");
  const count = document.getElementById("word-count");
  if (text && count) {
    const update = () => { count.textContent = (text.value.match(/\S+/g) || []).length; };
    text.addEventListener("input", update);
    update();
    // Grading takes a moment (a model's, a minute): say so, and take one submission only.
    const form = document.getElementById("teach-form");
    form.addEventListener("submit", () => {
      const button = form.querySelector("button[type=submit]");
      button.disabled = true;
      button.textContent = "Grading…";
      form.setAttribute("aria-busy", "true");
    });
  }
  for (const button of document.querySelectorAll("button.vote")) {
    button.addEventListener("click", async () => {
      const voted = button.getAttribute("aria-pressed") === "true";
      try {
        const result = await api(voted ? "DELETE" : "POST", `/api/v1/community/${button.dataset.id}/upvote`);
        button.setAttribute("aria-pressed", result.voted_by_me ? "true" : "false");
        button.querySelector(".votes").textContent = result.upvotes;
        refreshBoard();
      } catch (error) { failed(error); }
    });
  }
}

async function refreshBoard() {
  const board = document.getElementById("teach-board");
  if (!board) return;
  const rows = await api("GET", "/api/v1/leaderboard?board=teach");
  board.replaceChildren(...rows.map((r) => el("li", `${r.display_name} · ${r.points} points · ▲ ${r.upvotes_received}`, r.is_me ? { class: "me" } : {})));
}

// Challenges ------------------------------------------------------------------------------
function challenges() {
  const form = document.getElementById("round-form");
  if (!form) return;
  const round = document.getElementById("round");
  const optionsList = document.getElementById("options");
  const countdown = document.getElementById("countdown");
  const result = document.getElementById("answer-result");
  const nextButton = document.getElementById("next-question");
  let settings = null, asked = 0, total = 0, points = 0, correct = 0;
  let served = null, timer = null, deadline = 0, answering = false;

  // The document is asked for in notes mode only, the category in the others.
  const showFields = () => {
    const notes = form.elements.mode.value === "notes";
    const doc = document.getElementById("field-doc");
    if (doc) doc.hidden = !notes;
    document.getElementById("field-category").hidden = notes;
  };
  form.elements.mode.addEventListener("change", showFields);
  showFields();

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const data = new FormData(form);
    settings = { mode: data.get("mode"), category: data.get("category"), difficulty: data.get("difficulty"), doc: data.get("doc") };
    total = Math.max(1, Math.min(50, parseInt(data.get("count"), 10) || 5));
    asked = 0; points = 0; correct = 0;
    round.hidden = false;
    next();
  });

  async function next() {
    result.replaceChildren();
    nextButton.hidden = true;
    if (asked >= total) return finish();
    const body = { category: settings.category, difficulty: settings.difficulty };
    if (settings.mode === "review") body.review = true;
    if (settings.mode === "notes") { body.doc = settings.doc; body.category = ""; }
    const heading = document.getElementById("question");
    const waiting = setTimeout(() => {  // questions made from notes take a moment the first time
      heading.textContent = settings.mode === "notes" ? "Making questions from your notes…" : "Finding a question…";
      optionsList.replaceChildren();
    }, 300);
    try {
      served = await api("POST", "/api/v1/challenges/next", body);
    } catch (error) { failed(error); round.hidden = true; return; } finally { clearTimeout(waiting); }
    asked += 1;
    countdown.parentElement.hidden = false;
    document.getElementById("answer-keys").hidden = false;
    document.getElementById("round-progress").textContent = `Question ${asked} of ${total}`;
    document.getElementById("round-category").textContent = `${served.category} · ${served.difficulty} · ${served.mode}`;
    document.getElementById("round-points").textContent = `${points} points`;
    heading.textContent = served.question;
    if (served.notice) say(served.notice);
    optionsList.replaceChildren(...served.options.map((option, i) => {
      const item = el("li");
      const button = el("button", `${i + 1}. ${option}`, { type: "button", "data-index": i + 1 });
      button.addEventListener("click", () => answer(String(i + 1)));
      item.append(button);
      return item;
    }));
    answering = true;
    deadline = performance.now() + served.time_limit * 1000;
    tick();
    clearInterval(timer);
    timer = setInterval(tick, 100);
    heading.focus();
  }

  function tick() {
    const left = Math.max(0, (deadline - performance.now()) / 1000);
    countdown.textContent = left.toFixed(left < 10 ? 1 : 0);
    countdown.parentElement.classList.toggle("low", left < 5);
    if (left <= 0 && answering) answer(null);
  }

  async function answer(choice) {
    if (!answering) return;
    answering = false;
    clearInterval(timer);
    let outcome;
    try {
      outcome = await api("POST", "/api/v1/challenges/answer", { token: served.token, answer: choice });
    } catch (error) { failed(error); nextButton.hidden = false; return; }
    points += outcome.points;
    if (outcome.correct) correct += 1;
    for (const button of optionsList.querySelectorAll("button")) {
      const text = button.textContent.replace(/^\d+\. /, "");
      if (text === outcome.correct_answer) button.classList.add("correct");
      else if (choice && button.dataset.index === choice) button.classList.add("wrong");
      button.disabled = true;
    }
    const verdict = outcome.correct ? `Correct: +${outcome.points} points (${outcome.speed_points} for speed, ${outcome.streak_bonus} streak bonus)`
      : outcome.outcome === "timeout" ? `Time's up. The answer: ${outcome.correct_answer}` : `Not quite. The answer: ${outcome.correct_answer}`;
    result.replaceChildren(el("p", verdict, { class: outcome.correct ? "notice" : "error" }),
      el("p", `Streak ${outcome.streak} (best ${outcome.best_streak}) · level ${outcome.level} · ${outcome.time_taken_s.toFixed(1)} s`, { class: "hint" }));
    if (outcome.explanation) result.append(el("p", outcome.explanation));
    document.getElementById("round-points").textContent = `${points} points`;
    nextButton.hidden = false;
    nextButton.textContent = asked >= total ? "See the round (Enter)" : "Next question (Enter)";
    nextButton.focus();
  }

  async function finish() {
    optionsList.replaceChildren();
    countdown.textContent = "";
    countdown.parentElement.hidden = true;  // no clock and no keys once the round is over
    document.getElementById("answer-keys").hidden = true;
    document.getElementById("question").textContent = `Round over: ${correct} of ${total} correct, ${points} points`;
    try {
      const stats = await api("GET", "/api/v1/stats");
      const g = stats.game;
      document.getElementById("my-stats").textContent = `Level ${g.level} · ${g.points} points · streak ${g.current_streak} (best ${g.best_streak}) · ${g.reviews_due} reviews due`;
      const rows = await api("GET", "/api/v1/leaderboard?board=game");
      document.getElementById("game-board-empty").hidden = rows.length > 0;
      document.getElementById("game-board").replaceChildren(...rows.map((r) => el("li", `${r.display_name} · ${r.points} points · level ${r.level}`, r.is_me ? { class: "me" } : {})));
    } catch (error) { failed(error); }
  }

  nextButton.addEventListener("click", next);
  document.addEventListener("keydown", (event) => {
    if (typing(event) || event.ctrlKey || event.metaKey || event.altKey || round.hidden) return;
    if (answering) {
      const key = event.key.toUpperCase();
      const index = "1234".indexOf(key) >= 0 ? "1234".indexOf(key) : "ABCD".indexOf(key);
      if (index >= 0 && index < optionsList.children.length) { event.preventDefault(); answer(String(index + 1)); }
    } else if (event.key === "Enter" && !nextButton.hidden) {
      event.preventDefault();
      next();
    }
  });
}

const pages = { library, learn, teach, challenges };
document.addEventListener("DOMContentLoaded", () => {
  documentPage();
  const run = pages[document.body.dataset.page];
  if (run) run();
});
