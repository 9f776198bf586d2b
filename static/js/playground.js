// The playground's browser side. The server renders every fragment; this file only
// sends commands over the socket htmx-ext-ws keeps open, and handles what belongs to
// one browser tab: tabs, the console's history, the editor, the selected object.
(function () {
  "use strict";

  const root = document.getElementById("playground");
  if (!root) return;

  const $ = (id) => document.getElementById(id);
  let socket = null; // htmx-ext-ws's socket wrapper: queues while reconnecting
  const pending = []; // messages sent before the first connection

  // --- the socket ------------------------------------------------------------------------
  function send(message) {
    const text = JSON.stringify(message);
    if (socket) socket.send(text, root);
    else pending.push(text);
  }

  // The CSRF token as of now: signing in or out in another tab rotates it, so the one the
  // page was rendered with may be stale. Django's cookie always holds the current one.
  function csrfToken() {
    const found = document.cookie.split("; ").find((c) => c.startsWith("csrftoken="));
    return found ? decodeURIComponent(found.slice("csrftoken=".length)) : root.dataset.csrf;
  }
  document.body.addEventListener("htmx:configRequest", (event) => {
    if (event.detail.headers["X-CSRFToken"]) event.detail.headers["X-CSRFToken"] = csrfToken();
  });

  function runCommand(line, ref) {
    send(ref ? { action: "run", line: line, ref: ref } : { action: "run", line: line });
  }

  function setConnection(state, text) {
    const badge = $("connection");
    badge.className = "connection conn-" + state;
    badge.textContent = text;
  }

  document.body.addEventListener("htmx:wsOpen", (event) => {
    socket = event.detail.socketWrapper;
    setConnection("live", "live");
    while (pending.length) socket.send(pending.shift(), root);
  });
  document.body.addEventListener("htmx:wsClose", (event) => {
    const code = event.detail.event && event.detail.event.code;
    if (code === 4403) {
      // The server refused this socket (not this session's sandbox, or the session expired):
      // htmx does not retry this code, so say what to do.
      setConnection("lost", "not connected");
      $("notice").textContent =
        "This playground is not open to this browser session (it may have expired). " +
        "Reload the page, or open the playground from the home page to get your own.";
      return;
    }
    setConnection("lost", "reconnecting…");
  });
  document.body.addEventListener("htmx:wsError", () => setConnection("lost", "reconnecting…"));

  // Out-of-band swaps replace elements; give keyboard focus back to the element with the
  // same id, so a learner tabbing through pods or pressing "+" keeps their place.
  let focusedId = null;
  document.body.addEventListener("htmx:wsBeforeMessage", () => {
    const active = document.activeElement;
    focusedId = active && active !== document.body ? active.id || null : null;
  });
  document.body.addEventListener("htmx:wsAfterMessage", (event) => {
    if (focusedId && (!document.activeElement || document.activeElement === document.body)) {
      const again = document.getElementById(focusedId);
      if (again) {
        again.focus({ preventScroll: true });
      } else {
        // The focused pod or node is gone: keep the keyboard user in the same region.
        const heading = $("nodes-heading");
        heading.tabIndex = -1;
        heading.focus({ preventScroll: true });
      }
    }
    afterUpdate(String(event.detail.message || ""));
  });

  function afterUpdate(message) {
    syncControls();
    trimEvents();
    filterEvents();
    if (message.includes('id="editor-result"')) {
      showDiagnostics();
      showApplyResult();
    }
    if (message.includes("console-entry")) {
      copyStepAnswers();
      scrollConsole();
    }
    refreshVisiblePanels();
  }

  // --- a lesson step's own output ------------------------------------------------------------
  // A step's answers also appear under the step, where the learner clicked: on a phone the
  // cluster and its console are far below the text, on a desktop the console may be out of
  // view. Each command a step sends carries a tag the server echoes on its console entry.
  const waiting = new Map(); // tag -> the step's output element
  let nextTag = 0;
  let waitingApply = null;
  const NO_ANSWER_MS = 20000;

  function stepOutput(step) {
    let out = step.querySelector(".step-output");
    if (!out) {
      out = document.createElement("div");
      out.className = "step-output";
      out.tabIndex = 0;
      out.setAttribute("role", "region");
      out.setAttribute("aria-label", "What this step printed");
      out.setAttribute("aria-live", "polite");
      step.appendChild(out);
    }
    out.innerHTML = '<p class="hint">Running…</p>';
    return out;
  }

  function runStep(step, lines) {
    const out = stepOutput(step);
    const tags = lines.map((line) => {
      const tag = "s" + nextTag++;
      waiting.set(tag, out);
      runCommand(line, tag);
      return tag;
    });
    // a command refused before it ran (too many at once, the socket closing) has no entry
    setTimeout(() => {
      const unanswered = tags.filter((tag) => waiting.delete(tag));
      if (!unanswered.length) return;
      const running = out.querySelector(".hint");
      if (running) running.remove();
      const note = document.createElement("p");
      note.className = "hint";
      note.textContent = "Some commands got no answer: see the notice by the cluster, then run the step again.";
      out.appendChild(note);
    }, NO_ANSWER_MS);
  }

  function copyStepAnswers() {
    document.querySelectorAll("#console-output .console-entry[data-ref]:not([data-seen])").forEach((entry) => {
      entry.dataset.seen = "1";
      const out = waiting.get(entry.dataset.ref);
      if (!out) return;
      waiting.delete(entry.dataset.ref);
      const hint = out.querySelector(".hint");
      if (hint) hint.remove();
      const copy = entry.cloneNode(true);
      copy.removeAttribute("data-ref");
      out.appendChild(copy);
    });
  }

  function showApplyResult() {
    if (!waitingApply) return;
    const out = waitingApply;
    waitingApply = null;
    const result = $("editor-result");
    const entry = document.createElement("div");
    entry.className = "console-entry" + (result.classList.contains("failed") ? " failed" : "");
    entry.innerHTML = '<pre class="console-cmd">$ kubectl apply -f -</pre>';
    const printed = result.querySelector(".console-out");
    if (printed) entry.appendChild(printed.cloneNode(true));
    out.innerHTML = "";
    out.appendChild(entry);
  }

  // --- time controls -------------------------------------------------------------------------
  function syncControls() {
    const clock = $("sim-clock");
    if (!clock) return;
    const paused = clock.dataset.paused === "true";
    const playPause = $("play-pause");
    playPause.dataset.time = paused ? "play" : "pause";
    playPause.textContent = paused ? "Play" : "Pause";
    document.querySelectorAll("button.speed").forEach((button) => {
      button.setAttribute("aria-pressed", String(button.dataset.speed === clock.dataset.speed));
    });
    const profile = $("profile-select");
    if (profile && document.activeElement !== profile) profile.value = clock.dataset.profile;
  }

  // --- clicks: commands, time, selection ----------------------------------------------------
  root.addEventListener("click", (event) => {
    const target = event.target.closest("button, [data-why]");
    if (!target || target.disabled) return;
    if (target.dataset.command) {
      runCommand(target.dataset.command);
      return;
    }
    if (target.hasAttribute("data-predict-commit")) {
      commitPrediction(target);
      return;
    }
    if (target.dataset.commands) {
      // a lesson's "try it": its lines run in order (the socket keeps them in order)
      runStep(target.closest("[data-step]") || target.parentElement, JSON.parse(target.dataset.commands));
      reportStep(target);
      showTab("tab-console");
      return;
    }
    if (target.dataset.apply) {
      waitingApply = stepOutput(target.closest("[data-step]") || target.parentElement);
      send({ action: "apply", yaml: target.dataset.apply });
      reportStep(target);
      showTab("tab-editor");
      return;
    }
    if (target.dataset.time) {
      send({ action: "time", op: target.dataset.time });
      return;
    }
    if (target.dataset.speed) {
      send({ action: "time", op: "speed", speed: Number(target.dataset.speed) });
      return;
    }
    if (target.dataset.why) {
      select(target.dataset.why, target.dataset.namespace || "-", target.dataset.name);
      return;
    }
    if (target.dataset.gotoLine && editor) {
      window.ClusterLabEditor.gotoLine(editor, Number(target.dataset.gotoLine));
    }
  });

  $("profile-select").addEventListener("change", (event) => {
    runCommand("sim profile " + event.target.value);
  });

  $("add-node-form").addEventListener("submit", (event) => {
    event.preventDefault();
    send({ action: "add-node", size: $("add-node-size").value });
  });

  const resetDialog = $("reset-dialog");
  $("reset-button").addEventListener("click", () => resetDialog.showModal());
  resetDialog.addEventListener("close", () => {
    if (resetDialog.returnValue === "reset") send({ action: "reset" });
  });

  root.addEventListener("change", (event) => {
    const slider = event.target.closest(".traffic-slider");
    if (!slider) return;
    runCommand(
      `sim traffic ${slider.dataset.service} --rps ${slider.value} -n ${slider.dataset.namespace}`,
    );
  });
  root.addEventListener("input", (event) => {
    const slider = event.target.closest(".traffic-slider");
    if (slider) slider.setAttribute("aria-valuetext", `${slider.value} requests per second`);
  });

  // After a quiz answer or a task check is swapped in, move focus to its feedback: the
  // learner (and a screen reader) goes straight to what the server said.
  document.body.addEventListener("htmx:afterSettle", () => {
    const feedback = document.querySelector("[data-focus-after-swap]");
    if (feedback) {
      feedback.removeAttribute("data-focus-after-swap");
      feedback.focus();
    }
  });

  // --- a lesson's progress, kept on the server --------------------------------------------------
  function reportStep(element) {
    const step = element.closest("[data-step]");
    if (!step || !root.dataset.progressUrl) return;
    const body = new URLSearchParams({ step: step.dataset.step });
    fetch(root.dataset.progressUrl, {
      method: "POST",
      headers: { "X-CSRFToken": csrfToken() },
      body: body,
    });
  }

  // --- a lesson's "predict, then run" -----------------------------------------------------------
  function commitPrediction(button) {
    const block = button.closest("[data-predict]");
    if (button.hasAttribute("data-committed")) {
      // predicted on an earlier visit: the answer is shown; run the commands again
      runStep(block, JSON.parse(button.dataset.commands));
      showTab("tab-console");
      return;
    }
    const number = block.querySelector(".predict-number");
    const checked = block.querySelector("input[type=radio]:checked");
    const guess = number ? number.value.trim() : checked && checked.value;
    if (!guess) {
      block.querySelector(".predict-missing").hidden = false;
      (number || block.querySelector("input[type=radio]")).focus();
      return;
    }
    block.querySelector(".predict-missing").hidden = true;
    const failed = block.querySelector(".predict-failed");
    failed.hidden = true;
    button.disabled = true;
    reportStep(block);
    // The server keeps the prediction, then sends the answer: it is not in the page before.
    fetch(block.dataset.predictUrl, {
      method: "POST",
      headers: { "X-CSRFToken": csrfToken() },
      body: new URLSearchParams({ guess: guess }),
    })
      .then((response) => response.text().then((text) => ({ status: response.status, text: text })))
      .then(({ status, text }) => {
        if (status === 403) throw new Error("this page is out of date (a sign-in or sign-out in another tab): reload it");
        if (status >= 400) throw new Error(text.startsWith("error: ") ? text.slice(7) : "the server could not take it");
        block.querySelectorAll("input").forEach((input) => (input.disabled = true));
        const answer = block.querySelector(".predict-answer");
        answer.innerHTML = text;
        answer.focus();
        button.setAttribute("data-committed", "");
        button.textContent = "Run it again";
        runStep(block, JSON.parse(button.dataset.commands));
        showTab("tab-console"); // where the commands' answers appear
      })
      .catch((error) => {
        failed.textContent = `Your prediction was not sent: ${error.message || "the server did not answer"}. Try again.`;
        failed.hidden = false;
      })
      .finally(() => (button.disabled = false));
  }

  // --- the selected object (Why? panel) -------------------------------------------------------
  let selected = null;
  let lastRefresh = 0;

  function whyUrl(sel) {
    const parts = [sel.kind, sel.namespace || "-", sel.name].map(encodeURIComponent);
    return root.dataset.whyUrl + parts.join("/") + "/";
  }

  function select(kind, namespace, name) {
    selected = { kind: kind, namespace: namespace, name: name };
    showTab("tab-why");
    loadWhy(true);
  }

  // Panels fetched over HTTP are replaced only when their HTML changed, so a screen reader
  // reading one is not interrupted every second by an identical copy.
  const shown = new Map();

  function loadPanel(url, target, focusPanel) {
    lastRefresh = Date.now();
    return fetch(url, { headers: { "HX-Request": "true" } })
      .then((response) => response.text())
      .then((html) => {
        const panel = document.querySelector(target);
        if (shown.get(target) !== html) {
          shown.set(target, html);
          panel.innerHTML = html;
          htmx.process(panel);
        }
        if (focusPanel) {
          const heading = panel.querySelector("h3");
          if (heading) {
            heading.tabIndex = -1;
            heading.focus();
          }
        }
      });
  }

  function loadWhy(focusPanel) {
    if (selected) loadPanel(whyUrl(selected), "#why-panel", focusPanel);
  }

  function loadTopology() {
    loadPanel(root.dataset.topologyUrl, "#topology-panel", false);
  }

  function loadCharts() {
    // an open "The numbers" table stays open when the charts are redrawn
    const open = Array.from(document.querySelectorAll("#charts-panel details[open]"), (d) =>
      d.closest("figure").querySelector("strong").textContent,
    );
    loadPanel(root.dataset.chartsUrl, "#charts-panel", false).then(() => {
      document.querySelectorAll("#charts-panel details").forEach((d) => {
        if (open.includes(d.closest("figure").querySelector("strong").textContent)) d.open = true;
      });
    });
  }

  // Panels fetched over HTTP follow the live cluster at most once a second while shown.
  function refreshVisiblePanels() {
    if (Date.now() - lastRefresh < 1000) return;
    const open = document.querySelector('[role="tab"][aria-selected="true"]');
    if (!open) return;
    if (open.id === "tab-why" && selected && !$("why-panel").contains(document.activeElement)) {
      loadWhy(false);
    } else if (open.id === "tab-topology") {
      loadTopology();
    } else if (open.id === "tab-charts" && !$("charts-panel").contains(document.activeElement)) {
      loadCharts();
    }
  }

  // --- tabs (WAI-ARIA tabs pattern: arrows move, Home/End jump) -------------------------------
  const tabs = Array.from(document.querySelectorAll('.tabs [role="tab"]'));

  function showTab(id) {
    tabs.forEach((tab) => {
      const on = tab.id === id;
      tab.setAttribute("aria-selected", String(on));
      tab.tabIndex = on ? 0 : -1;
      $(tab.getAttribute("aria-controls")).hidden = !on;
    });
    if (id === "tab-topology") loadTopology();
    if (id === "tab-charts") loadCharts();
    if (id === "tab-editor") ensureEditor();
    if (id === "tab-console") scrollConsole();
  }

  tabs.forEach((tab, index) => {
    tab.addEventListener("click", () => showTab(tab.id));
    tab.addEventListener("keydown", (event) => {
      let next = null;
      if (event.key === "ArrowRight") next = tabs[(index + 1) % tabs.length];
      else if (event.key === "ArrowLeft") next = tabs[(index - 1 + tabs.length) % tabs.length];
      else if (event.key === "Home") next = tabs[0];
      else if (event.key === "End") next = tabs[tabs.length - 1];
      if (next) {
        event.preventDefault();
        showTab(next.id);
        next.focus();
      }
    });
  });

  // --- the console -----------------------------------------------------------------------------
  const input = $("console-input");
  const history = [];
  let historyIndex = 0;

  $("console-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const line = input.value.trim();
    if (!line) return;
    if (history[history.length - 1] !== line) history.push(line);
    historyIndex = history.length;
    input.value = "";
    if (line === "clear") {
      $("console-output").replaceChildren();
      return;
    }
    runCommand(line);
  });

  input.addEventListener("keydown", (event) => {
    if (event.key === "ArrowUp" && historyIndex > 0) {
      historyIndex -= 1;
    } else if (event.key === "ArrowDown" && historyIndex < history.length) {
      historyIndex += 1;
    } else {
      return;
    }
    event.preventDefault();
    input.value = history[historyIndex] || "";
  });

  function scrollConsole() {
    const output = $("console-output");
    output.scrollTop = output.scrollHeight;
  }

  // --- the YAML editor -------------------------------------------------------------------------
  let editor = null;

  function ensureEditor() {
    if (!editor && window.ClusterLabEditor) {
      editor = window.ClusterLabEditor.create($("yaml-input"), { ariaLabel: "Manifest (YAML)" });
      // An explicit tab stop, so axe sees that the scrolling editor is keyboard-reachable.
      editor.contentDOM.tabIndex = 0;
    }
    return editor;
  }

  $("editor-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const text = ensureEditor() ? window.ClusterLabEditor.getText(editor) : $("yaml-input").value;
    send({ action: "apply", yaml: text });
  });

  $("template-select").addEventListener("change", (event) => {
    const key = event.target.value;
    if (!key) return;
    fetch(root.dataset.templateUrl + encodeURIComponent(key) + "/")
      .then((response) => (response.ok ? response.text() : Promise.reject(response.status)))
      .then((text) => {
        if (ensureEditor()) window.ClusterLabEditor.setText(editor, text);
        else $("yaml-input").value = text;
        event.target.value = "";
      });
  });

  function showDiagnostics() {
    const result = $("editor-result");
    if (!result || !ensureEditor()) return;
    let diagnostics = [];
    try {
      diagnostics = JSON.parse(result.dataset.diagnostics || "[]");
    } catch (error) {
      diagnostics = [];
    }
    window.ClusterLabEditor.setDiagnostics(editor, diagnostics);
  }

  // --- events stream ---------------------------------------------------------------------------
  const MAX_EVENTS = 60; // as cluster_sim/live/view.py keeps

  function trimEvents() {
    const list = $("events-list");
    while (list && list.children.length > MAX_EVENTS) list.lastElementChild.remove();
  }

  let filtered = false; // some rows may be hidden: an empty filter must show them again

  function filterEvents() {
    const needle = $("events-filter").value.trim().toLowerCase();
    if (!needle && !filtered) return; // the common case, after every update: nothing to do
    filtered = needle !== "";
    document.querySelectorAll("#events-list > li").forEach((item) => {
      item.hidden = filtered && !item.dataset.object.toLowerCase().includes(needle);
    });
  }

  $("events-filter").addEventListener("input", filterEvents);

  syncControls();
})();
