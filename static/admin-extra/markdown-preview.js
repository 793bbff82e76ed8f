// Live Markdown preview for the admin's change forms: each textarea marked
// data-markdown-preview gets a panel below it showing the text rendered by
// the server's sanitiser (never rendered here), refreshed as the editor types.
(function () {
  "use strict";

  function csrfToken(textarea) {
    var input = textarea.form && textarea.form.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function attach(textarea) {
    var panel = document.createElement("div");
    panel.className = "markdown-preview";
    panel.setAttribute("aria-live", "polite");
    var heading = document.createElement("p");
    heading.className = "markdown-preview-label";
    heading.textContent = "Preview (as visitors will see it)";
    var body = document.createElement("div");
    body.className = "markdown-preview-body";
    panel.appendChild(heading);
    panel.appendChild(body);
    // The text and its preview side by side on a wide screen, so both stay in view.
    var pair = document.createElement("div");
    pair.className = "markdown-editor";
    textarea.insertAdjacentElement("beforebegin", pair);
    pair.appendChild(textarea);
    pair.appendChild(panel);

    var timer = null;
    var latest = 0;

    function refresh() {
      var ticket = ++latest;
      var data = new FormData();
      data.append("text", textarea.value);
      data.append("top_heading", textarea.dataset.topHeading || "2");
      fetch(textarea.dataset.markdownPreview, {
        method: "POST",
        body: data,
        credentials: "same-origin",
        headers: { "X-CSRFToken": csrfToken(textarea), Accept: "application/json" },
      })
        .then(function (response) { return response.json(); })
        .then(function (payload) {
          if (ticket !== latest) return; // an older answer arriving late
          if (payload.error) {
            body.textContent = payload.error;
          } else {
            body.innerHTML = payload.html || "<p class=\"help\">Nothing to preview yet.</p>";
          }
        })
        .catch(function () {
          if (ticket === latest) body.textContent = "The preview is unavailable right now.";
        });
    }

    textarea.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(refresh, 300);
    });
    refresh();
  }

  function start() {
    document.querySelectorAll("textarea[data-markdown-preview]").forEach(attach);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
