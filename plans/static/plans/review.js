/* Progressive enhancement for /plan/review/: an answer is a plain POST and redirect
   without JavaScript; with it, the answer is sent in the background and the next
   review (or the finished state) takes the old one's place, with the focus on its
   heading. The offer to set a step back to in progress is a status form that
   progress.js sends; its "progress:status" event tells us it is done. progress.js
   (loaded on every page) lends us its way of sending a form and of announcing. */
(function () {
  "use strict";

  function show(html) {
    var area = document.querySelector("[data-review-area]");
    area.innerHTML = html;
    var heading = area.querySelector("#review-heading");
    if (heading) { heading.focus(); }
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    var submitter = event.submitter;
    var forms = window.roadmapForms;
    if (!forms || !form.matches("[data-review-form]") || !submitter || submitter.name !== "outcome") { return; }
    event.preventDefault();
    if (form.getAttribute("aria-busy") === "true") { return; }  // one answer at a time
    var body = new FormData(form);
    body.append(submitter.name, submitter.value);
    form.setAttribute("aria-busy", "true");
    forms.send(form.action, body).then(function (response) {
      if (!forms.isAnswer(response)) { throw new Error("not an answer"); }
      return response.json().then(function (data) {
        if (!response.ok) { forms.announce(data.error || "That did not work. Please try again."); return; }
        show(data.html);
        forms.announce(data.message);
      });
    }).catch(function () {
      // Signed out, or something unexpected: the plain form post knows what to say.
      form.removeAttribute("data-review-form");
      form.requestSubmit(submitter);
    }).finally(function () {
      form.removeAttribute("aria-busy");
    });
  });

  document.addEventListener("progress:status", function (event) {
    var offer = document.querySelector("[data-review-offer]");
    if (!offer || String(event.detail.step) !== offer.getAttribute("data-step")) { return; }
    var note = document.createElement("p");
    note.className = "message message-success";
    note.tabIndex = -1;
    note.textContent = "It is in progress again: its review waits until you mark it done.";
    var hadFocus = offer.contains(document.activeElement);
    offer.replaceWith(note);
    if (hadFocus) { note.focus(); }
  });
})();
