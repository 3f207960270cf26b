/* Survey page: save the score chosen in the email once the page is shown, and stop double
   submits. Mail scanners pre-open links with GET, so nothing is saved until this runs (or the
   person presses the plain button, which is what happens without JavaScript). */
(function () {
  "use strict";
  var scoreForm = document.getElementById("score-form");
  var surveyForm = document.getElementById("survey-form");

  function saveScore() {
    if (!scoreForm || scoreForm.score.value === "") { return; }
    var status = document.getElementById("score-status");
    var body = new FormData(scoreForm);
    fetch(scoreForm.action, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "Accept": "application/json" }
    }).then(function (response) {
      return response.ok ? response.json() : Promise.reject(response.status);
    }).then(function (result) {
      scoreForm.dataset.saved = "1";
      if (status && result.saved) {
        status.textContent = status.dataset.savedText.replace("%s", scoreForm.score.value);
      }
    }).catch(function () {
      var button = document.getElementById("score-button");
      if (button) { button.hidden = false; }
    });
  }

  function saveWhenShown() {
    if (document.visibilityState === "visible") { saveScore(); return; }
    document.addEventListener("visibilitychange", function onShow() {
      if (document.visibilityState !== "visible") { return; }
      document.removeEventListener("visibilitychange", onShow);
      saveScore();
    });
  }

  if (scoreForm) {
    var button = document.getElementById("score-button");
    if (button) { button.hidden = true; }
    if (scoreForm.dataset.autosave === "1") { saveWhenShown(); }
    // A new tap on the scale is saved too, so an abandoned page still keeps the score.
    var radios = document.querySelectorAll("input[name=nps]");
    Array.prototype.forEach.call(radios, function (radio) {
      radio.addEventListener("change", function () {
        scoreForm.score.value = radio.value;
        saveScore();
      });
    });
  }

  if (surveyForm) {
    surveyForm.addEventListener("submit", function (event) {
      if (surveyForm.dataset.sending === "1") { event.preventDefault(); return; }
      surveyForm.dataset.sending = "1";
      var send = document.getElementById("send-button");
      if (send) { send.setAttribute("aria-disabled", "true"); }
    });
  }

  // A page restored from the back/forward cache keeps its "sending" flag: clear it, or the
  // send button would stay dead.
  window.addEventListener("pageshow", function (event) {
    if (event.persisted && surveyForm) {
      surveyForm.dataset.sending = "0";
      var send = document.getElementById("send-button");
      if (send) { send.removeAttribute("aria-disabled"); }
    }
  });

  var summary = document.getElementById("error-summary");
  if (summary) { summary.focus(); }
})();
