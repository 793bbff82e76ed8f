/* The light/dark switch, enhanced: the form in includes/theme_toggle.html works
   without JavaScript (a POST that sets the `theme` cookie); here the page flips
   in place and the same cookie is written, so the server renders it next time. */
(function () {
  "use strict";

  var ONE_YEAR = 60 * 60 * 24 * 365;
  var root = document.documentElement;
  var systemDark = window.matchMedia("(prefers-color-scheme: dark)");

  function currentTheme() {
    var chosen = root.getAttribute("data-theme");
    if (chosen === "light" || chosen === "dark") { return chosen; }
    return systemDark.matches ? "dark" : "light";
  }

  function showChoice(button) {
    var other = currentTheme() === "dark" ? "light" : "dark";
    button.value = other;
    button.querySelector("[data-theme-label]").textContent = other === "dark" ? "Dark theme" : "Light theme";
    button.querySelector(".theme-icon").textContent = other === "dark" ? "☾" : "☀";
  }

  function buttons() { return document.querySelectorAll("[data-theme-toggle]"); }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches("[data-theme-form]")) { return; }
    event.preventDefault();
    var theme = currentTheme() === "dark" ? "light" : "dark";
    root.setAttribute("data-theme", theme);
    var secure = window.location.protocol === "https:" ? "; secure" : "";
    document.cookie = "theme=" + theme + "; path=/; max-age=" + ONE_YEAR + "; samesite=lax" + secure;
    buttons().forEach(showChoice);
    var region = document.getElementById("live-region");
    if (region) { region.textContent = (theme === "dark" ? "Dark" : "Light") + " theme on."; }
  });

  buttons().forEach(showChoice);
  systemDark.addEventListener("change", function () { buttons().forEach(showChoice); });
})();
