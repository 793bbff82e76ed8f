/* The plan's form, enhanced: without JavaScript it is a normal POST and redirect; here
   it is sent with fetch, and the server's rendered outlook and form take their places. */
(function () {
  "use strict";

  function announce(text) {
    var region = document.getElementById("live-region");
    if (region) { region.textContent = ""; window.setTimeout(function () { region.textContent = text; }, 50); }
  }

  function replace(selector, html) {
    var old = document.querySelector(selector);
    if (!old) { return null; }
    var template = document.createElement("template");
    template.innerHTML = html.trim();
    var fresh = template.content.firstElementChild;
    old.replaceWith(fresh);
    return fresh;
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches("[data-plan-form]")) { return; }
    event.preventDefault();
    var button = form.querySelector('button[type="submit"]');
    if (button) { button.setAttribute("aria-busy", "true"); }
    fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      headers: { Accept: "application/json" }
    }).then(function (response) {
      if (response.redirected || !(response.headers.get("Content-Type") || "").includes("json")) {
        throw new Error("not an answer for this script");
      }
      return response.json().then(function (data) {
        var freshForm = replace("[data-plan-form]", data.form);
        if (!response.ok) {
          var summary = freshForm && freshForm.querySelector("[data-error-summary]");
          if (summary) { summary.focus(); }
          return;
        }
        replace("[data-plan-outlook]", data.outlook);
        var heading = document.getElementById("outlook-heading");
        if (heading) { heading.focus(); }
        announce(data.message);
      });
    }).catch(function () {
      // Signed out, offline, or something unexpected: let the browser send it normally.
      form.removeAttribute("data-plan-form");
      form.submit();
    }).finally(function () {
      if (button) { button.removeAttribute("aria-busy"); }
    });
  });
})();
