/* Progressive enhancement for status changes: the forms work without
   JavaScript (a normal POST and redirect); with it, the page updates in place. */
(function () {
  "use strict";

  // The icon and label of each status come with the server's answer (progress/models.py).
  function announce(text) {
    var region = document.getElementById("live-region");
    if (region) { region.textContent = ""; window.setTimeout(function () { region.textContent = text; }, 50); }
  }

  // A form sent in the background, asking for the JSON answer the views give scripts.
  function send(action, body) {
    return fetch(action, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { Accept: "application/json" }
    });
  }

  // Not a JSON answer (signed out, say): the caller lets the browser post the form.
  function isAnswer(response) {
    return !response.redirected && (response.headers.get("Content-Type") || "").includes("json");
  }

  // For the other pages' scripts (plans/review.js), which load with this one.
  window.roadmapForms = { announce: announce, send: send, isAnswer: isAnswer };

  function updateBadges(data) {
    document.querySelectorAll('[data-status-for="' + data.step + '"]').forEach(function (badge) {
      badge.className = "status status-" + (data.status || "none");
      badge.querySelector(".status-icon").textContent = data.icon;
      badge.querySelector(".status-label").textContent = data.label;
    });
  }

  // The step page's own control: four buttons, the pressed one is the status.
  function updateControls(stepId, status) {
    document.querySelectorAll('.status-controls[data-step="' + stepId + '"] button[aria-pressed]').forEach(function (button) {
      var value = button.value === "reset" ? "" : button.value;
      button.setAttribute("aria-pressed", String(value === status));
    });
  }

  // A list's "Mark done" / "Undo" button for the step.
  function updateToggles(stepId, status) {
    document.querySelectorAll('[data-toggle-done][data-step="' + stepId + '"]').forEach(function (toggle) {
      var title = toggle.getAttribute("data-title") || "";
      toggle.value = status === "done" ? "reset" : "done";
      toggle.classList.toggle("button-quiet", status === "done");
      toggle.textContent = status === "done" ? "Undo" : "Mark done";
      var span = document.createElement("span");
      span.className = "visually-hidden";
      span.textContent = status === "done" ? " “" + title + "” done" : ": " + title;
      toggle.appendChild(span);
    });
  }

  function updateProgress(key, data) {
    document.querySelectorAll('[data-progress="' + key + '"]').forEach(function (block) {
      var bar = block.querySelector("progress");
      if (bar) { bar.value = data.percent; bar.textContent = data.percent + "%"; }
      var text = block.querySelector("[data-progress-text]");
      if (text) {
        text.innerHTML = "";
        var strong = document.createElement("strong");
        strong.textContent = data.percent + "%";
        text.appendChild(strong);
        text.appendChild(document.createTextNode(" · " + data.settled + " of " + data.total + " required steps"));
      }
    });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches("[data-status-form]")) { return; }
    var submitter = event.submitter;
    // Other buttons may share the form (a step's self-checks: checkpoints.js).
    if (!submitter || submitter.name !== "status") { return; }
    event.preventDefault();
    var body = new FormData(form);
    body.append(submitter.name, submitter.value);
    // A list has one form; each button names its step's address (formaction). Not
    // submitter.formAction: without the attribute it is the page's own address.
    var action = submitter.hasAttribute("formaction") ? submitter.formAction : form.action;
    submitter.setAttribute("aria-busy", "true");
    send(action, body).then(function (response) {
      if (!isAnswer(response)) {
        // Signed out, or something unexpected: let the browser do a normal submit.
        form.removeAttribute("data-status-form");
        form.requestSubmit(submitter);
        return null;
      }
      return response.json().then(function (data) {
        if (!response.ok) { announce(data.error || "That did not work. Please try again."); return; }
        updateBadges(data);
        updateControls(data.step, data.status);
        updateToggles(data.step, data.status);
        updateProgress("overall", data.overall);
        updateProgress("stage-" + data.stage.slug, data.stage);
        announce("Marked " + data.label.toLowerCase() + ". Overall progress " + data.overall.percent + "%.");
        document.dispatchEvent(new CustomEvent("progress:status", { detail: data }));
      });
    }).catch(function () {
      form.removeAttribute("data-status-form");
      form.requestSubmit(submitter);
    }).finally(function () {
      submitter.removeAttribute("aria-busy");
    });
  });

  // A step page's "Hours you spent": saved in the background, the answer said beside it.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches("[data-hours-form]")) { return; }
    event.preventDefault();
    var said = form.querySelector("[data-hours-said]");
    send(form.action, new FormData(form)).then(function (response) {
      if (!isAnswer(response)) { throw new Error("not an answer"); }
      return response.json().then(function (data) {
        var text = data.error || data.message;
        said.textContent = text;
        said.hidden = false;
        announce(text);
        if (response.ok) { form.elements.hours_spent.value = data.hours_spent || ""; }
      });
    }).catch(function () {
      form.removeAttribute("data-hours-form");
      form.requestSubmit();
    });
  });

  // Keyboard shortcuts on a step page: d done, l in progress, s skip, r reset.
  var SHORTCUTS = { d: "done", l: "in_progress", s: "skipped", r: "reset" };
  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) { return; }
    var target = event.target;
    if (target.isContentEditable || (target.closest && target.closest("input, textarea, select"))) { return; }
    var value = SHORTCUTS[event.key];
    var form = document.querySelector(".status-controls[data-status-form]");
    if (!value || !form) { return; }
    var button = form.querySelector('button[value="' + value + '"]');
    if (button) { event.preventDefault(); button.click(); }
  });
})();
