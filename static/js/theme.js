/* The light/dark switch, enhanced: without JavaScript the header's switch is a
   link to the theme page (a form that sets the `theme` cookie); here it becomes
   a button that flips the page in place and writes the same cookie, so the
   server renders the page in that theme next time. */
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

  function showChoice(toggle) {
    var other = currentTheme() === "dark" ? "light" : "dark";
    toggle.setAttribute("role", "button");
    toggle.querySelector("[data-theme-label]").textContent = other === "dark" ? "Dark theme" : "Light theme";
    toggle.querySelector(".theme-icon").textContent = other === "dark" ? "☾" : "☀";
  }

  function toggles() { return document.querySelectorAll("[data-theme-toggle]"); }

  function flip() {
    var theme = currentTheme() === "dark" ? "light" : "dark";
    root.setAttribute("data-theme", theme);
    var secure = window.location.protocol === "https:" ? "; secure" : "";
    document.cookie = "theme=" + theme + "; path=/; max-age=" + ONE_YEAR + "; samesite=lax" + secure;
    toggles().forEach(showChoice);
    var region = document.getElementById("live-region");
    if (region) { region.textContent = (theme === "dark" ? "Dark" : "Light") + " theme on."; }
  }

  document.addEventListener("click", function (event) {
    if (!event.target.closest || !event.target.closest("[data-theme-toggle]")) { return; }
    event.preventDefault();
    flip();
  });
  // A link acting as a button answers the space bar too.
  document.addEventListener("keydown", function (event) {
    if (event.key === " " && event.target.matches && event.target.matches("[data-theme-toggle]")) {
      event.preventDefault();
      flip();
    }
  });

  toggles().forEach(showChoice);
  systemDark.addEventListener("change", function () { toggles().forEach(showChoice); });
})();
