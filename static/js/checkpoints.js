/* Progressive enhancement for a step's self-checks: each box is a submit button
   of one form (a POST and a redirect without JavaScript); with it, a tick is
   sent in the background and the list, its count and the "Mark done" offer
   update in place. The offer's own button is a status change: progress.js
   sends it, and tells us the new status with a "progress:status" event. */
(function () {
  "use strict";

  function form() { return document.querySelector("[data-checkpoint-form]"); }

  function say(text) {
    var region = document.getElementById("live-region");
    if (region) { region.textContent = text; }
  }

  function setBox(button, ticked) {
    button.setAttribute("aria-pressed", String(ticked));
    button.value = ticked ? "0" : "1";
  }

  function showCount(list, count, total) {
    var text = list.querySelector("[data-checkpoint-count]");
    if (!text) { return; }
    text.textContent = "";
    var strong = document.createElement("strong");
    strong.textContent = count + " of " + total;
    text.appendChild(strong);
    text.appendChild(document.createTextNode(" ticked"));
  }

  function offerDone(list, offer) {
    var block = list.querySelector("[data-done-offer]");
    if (block) { block.hidden = !offer; }
  }

  document.addEventListener("submit", function (event) {
    var list = event.target;
    var submitter = event.submitter;
    if (!list.matches("[data-checkpoint-form]") || !submitter || submitter.name !== "ticked") { return; }
    event.preventDefault();
    var body = new FormData(list);
    body.append("ticked", submitter.value);
    var wanted = submitter.value === "1";
    setBox(submitter, wanted);  // at once; put back if the server says no
    submitter.setAttribute("aria-busy", "true");
    fetch(submitter.formAction, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { Accept: "application/json" }
    }).then(function (response) {
      if (response.redirected || !(response.headers.get("Content-Type") || "").includes("json")) {
        throw new Error("not a tick answer");  // signed out, say: the plain form post knows
      }
      return response.json().then(function (data) {
        if (!response.ok) { setBox(submitter, !wanted); say(data.error || "That did not work. Please try again."); return; }
        setBox(submitter, data.ticked);
        showCount(list, data.count, data.total);
        offerDone(list, data.offers_done);
      });
    }).catch(function () {
      setBox(submitter, !wanted);
      list.removeAttribute("data-checkpoint-form");
      list.removeAttribute("data-status-form");
      list.requestSubmit(submitter);
    }).finally(function () {
      submitter.removeAttribute("aria-busy");
    });
  });

  // A status change anywhere on the page (the offer's button, the status control,
  // a keyboard shortcut): offer "Mark done" only while every box is ticked and
  // the step is not done.
  document.addEventListener("progress:status", function (event) {
    var list = form();
    if (!list || String(event.detail.step) !== list.getAttribute("data-step")) { return; }
    var boxes = list.querySelectorAll("button[data-checkpoint]");
    var ticked = list.querySelectorAll('button[data-checkpoint][aria-pressed="true"]');
    var block = list.querySelector("[data-done-offer]");
    var hadFocus = block && block.contains(document.activeElement);
    var done = event.detail.status === "done";
    offerDone(list, boxes.length > 0 && ticked.length === boxes.length && !done);
    // Where the offer was: what changed and what comes next.
    var note = list.querySelector("[data-done-note]");
    if (note) { note.hidden = !done; }
    // The offer's button was used and is gone: keep the focus here, not nowhere.
    var heading = document.getElementById("checkpoints-heading");
    if (hadFocus && block.hidden) { (done && note ? note : heading).focus(); }
  });
})();
