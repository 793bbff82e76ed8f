/* The settings page's time zone: offer the browser's own zone when the saved one differs
   (new accounts start on UTC). One button sets the select; saving stays the form's job. */
(function () {
  "use strict";

  var select = document.querySelector("select[data-time-zone]");
  var detected = window.Intl && Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (!select || !detected || select.value === detected) { return; }
  var option = Array.prototype.find.call(select.options, function (o) { return o.value === detected; });
  if (!option) { return; }

  var hint = document.createElement("p");
  hint.className = "time-zone-hint";
  hint.setAttribute("data-time-zone-hint", "");
  var text = document.createElement("span");
  text.textContent = "Your device is set to " + detected + ".";
  var button = document.createElement("button");
  button.type = "button";
  button.className = "button button-small button-quiet";
  button.textContent = "Use " + detected;
  button.addEventListener("click", function () {
    select.value = detected;
    text.textContent = detected + " is chosen: save the settings to keep it.";
    button.remove();
    select.focus();
  });
  hint.append(text, button);
  select.insertAdjacentElement("afterend", hint);
}());
