// Quick exit ("Snel weg"): leaves for a neutral site without leaving this page in the back history, and ends the
// session so the back button finds only the sign-in page. Escape pressed twice does the same. Without JavaScript the
// link still leaves (then the page stays in the history; the "Veilig browsen" page explains how to clear it).
(function () {
  "use strict";
  var link = document.getElementById("quick-exit");
  if (!link) {
    return;
  }
  var target = link.getAttribute("href");

  function leave() {
    try {
      if (navigator.sendBeacon) {
        navigator.sendBeacon("/snel-weg");
      }
    } catch (e) {
      // Leaving matters more than signing out.
    }
    document.body.classList.add("leaving");
    window.location.replace(target);
  }

  link.addEventListener("click", function (event) {
    event.preventDefault();
    leave();
  });

  var lastEscape = 0;
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") {
      return;
    }
    var now = Date.now();
    if (now - lastEscape < 1500) {
      leave();
    }
    lastEscape = now;
  });

  // Moving between portal pages replaces the history entry, so the portal takes one place in the back history.
  document.addEventListener("click", function (event) {
    var a = event.target.closest ? event.target.closest("a[data-replace]") : null;
    if (!a || event.defaultPrevented || event.ctrlKey || event.metaKey || event.shiftKey) {
      return;
    }
    event.preventDefault();
    window.location.replace(a.getAttribute("href"));
  });
})();
