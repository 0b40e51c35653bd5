// guidetree serve: everything works without this script; it only enhances.
// - Quick exit: "Leave this page" and pressing Shift three times blank the
//   page at once and replace it with the neutral site, leaving nothing to
//   go back to.
// - One history entry per run: forms are sent in the background and the
//   page is swapped in place, so Back after a quick exit cannot reach any
//   step of the guide.
// - Focus moves to each new step's heading (or the error summary).
"use strict";
(function () {
  function leave(url) {
    document.documentElement.innerHTML = "";
    document.title = "";
    window.location.replace(url);
  }

  function exitLink() {
    return document.querySelector("[data-quick-exit]");
  }

  function reveal() {
    document.querySelectorAll("[data-js-only]").forEach(function (el) { el.hidden = false; });
  }

  function focusStep() {
    var target = document.querySelector("[autofocus]") || document.getElementById("step-heading");
    if (target) { target.focus(); }
  }

  function swap(html) {
    var doc = new DOMParser().parseFromString(html, "text/html");
    document.title = doc.title;
    document.body.replaceWith(document.adoptNode(doc.body));
    reveal();
    window.scrollTo(0, 0);
    focusStep();
  }

  var shifts = [];
  document.addEventListener("keyup", function (e) {
    if (e.key !== "Shift") { shifts = []; return; }
    var now = Date.now();
    shifts = shifts.filter(function (t) { return now - t < 1500; });
    shifts.push(now);
    var link = exitLink();
    if (shifts.length >= 3 && link) { leave(link.href); }
  });

  document.addEventListener("click", function (e) {
    var link = e.target.closest && e.target.closest("[data-quick-exit]");
    if (link) {
      e.preventDefault();
      leave(link.href);
    }
  });

  document.addEventListener("submit", function (e) {
    var form = e.target;
    var button = e.submitter;
    var action = button && button.name === "do" ? button.value : "";
    // Downloads (save, transcript) are left to the browser.
    if (action === "save" || action === "transcript") { return; }
    e.preventDefault();
    var data = new FormData(form, button || undefined);
    var body = form.enctype === "multipart/form-data" ? data : new URLSearchParams(data);
    fetch(form.action, { method: "POST", body: body, credentials: "omit", cache: "no-store" })
      .then(function (res) { return res.text(); })
      .then(swap)
      .catch(function () { form.submit(); });
  });

  document.addEventListener("DOMContentLoaded", function () {
    reveal();
    focusStep();
  });
})();
