/* The group page's invite link, enhanced: without JavaScript it is a read-only
   field to select and copy; here it gets a "Copy the link" button next to it. */
(function () {
  "use strict";

  function announce(text) {
    var region = document.getElementById("live-region");
    if (region) { region.textContent = ""; window.setTimeout(function () { region.textContent = text; }, 50); }
  }

  document.querySelectorAll("[data-copy-field]").forEach(function (field) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "button";  // the main thing to do here: more prominent than "Replace"
    button.textContent = "Copy the link";
    button.addEventListener("click", function () {
      field.select();
      var copied = navigator.clipboard
        ? navigator.clipboard.writeText(field.value)
        : Promise.resolve(document.execCommand("copy"));
      copied.then(function () {
        button.textContent = "Copied";
        announce("The invite link is copied.");
      }, function () {
        announce("Copying failed: the link is selected, copy it with your keyboard.");
      });
    });
    field.insertAdjacentElement("afterend", button);
  });
})();
