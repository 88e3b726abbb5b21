/* The Meridian Post: consent banner, share buttons and copy-link (demo edition, no tracking). */
(function () {
  "use strict";
  var banner = document.getElementById("cookie-consent");
  if (banner && window.localStorage && localStorage.getItem("mp-consent")) {
    banner.hidden = true;
  }
  document.addEventListener("click", function (event) {
    var target = event.target;
    if (!(target instanceof HTMLElement)) { return; }
    var consent = target.getAttribute("data-consent");
    if (consent && banner) {
      try { localStorage.setItem("mp-consent", consent); } catch (e) { /* private mode */ }
      banner.hidden = true;
    }
    if (target.classList.contains("cookie-settings") && banner) {
      banner.hidden = false;
    }
    var link = target.getAttribute("data-copy");
    if (link && navigator.clipboard) {
      navigator.clipboard.writeText(link);
      target.textContent = "Link copied";
    }
    var network = target.getAttribute("data-network");
    if (network) {
      target.setAttribute("aria-pressed", "true");
    }
  });
})();
