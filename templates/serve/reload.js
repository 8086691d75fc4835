// Added by `mentoring-site serve` to every preview page (never to a built site): reloads the page
// when a new build is ready, and shows the program's errors in a banner while it has any.
(function () {
  "use strict";
  var script = document.currentScript;
  var shown = script ? script.getAttribute("data-build") : null;
  var folder = (script && script.getAttribute("data-folder")) || "";  // its language's site: "" or "es/"
  var base = "/__mentoring-site/";

  var style = document.createElement("link");
  style.rel = "stylesheet";
  style.href = base + "serve.css";
  document.head.appendChild(style);

  function banner(html) {
    var old = document.getElementById("mentoring-site-banner");
    if (old) old.remove();
    if (html) document.body.insertAdjacentHTML("afterbegin", html);
  }

  function update(state) {
    var now = state.builds[folder];  // undefined once its language is taken out: it reloads
    if (shown !== null && now !== shown) {
      location.reload();
      return;
    }
    var apply = function () { banner(state.banner); };
    if (document.body) apply(); else document.addEventListener("DOMContentLoaded", apply);
  }

  // The server sends the state at once and again whenever it changes (a build, or errors).
  var events = new EventSource(base + "events");
  events.onmessage = function (event) { update(JSON.parse(event.data)); };
  window.addEventListener("pagehide", function () { events.close(); });
})();
