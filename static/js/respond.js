/* Survey page: save the score chosen in the email once the page is shown, save a score the
   person chooses on the scale, and stop double submits. Mail scanners pre-open links with GET,
   so nothing is saved until this runs (or the person presses the plain button, which is what
   happens without JavaScript). */
(function () {
  "use strict";
  var scoreForm = document.getElementById("score-form");
  var surveyForm = document.getElementById("survey-form");
  var scoreGroup = document.getElementById("q-nps");
  var status = document.getElementById("score-status");
  var lastSaved = scoreForm ? scoreForm.dataset.savedScore : "";

  function showChoiceButton(visible) {
    var choice = document.getElementById("score-choice");
    if (choice) { choice.hidden = !visible; }
  }

  function saveScore(score) {
    if (!scoreForm || score === "" || score === lastSaved) { return; }
    scoreForm.score.value = score;
    var body = new FormData(scoreForm);
    fetch(scoreForm.action, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "Accept": "application/json" }
    }).then(function (response) {
      return response.ok ? response.json() : Promise.reject(response.status);
    }).then(function (result) {
      if (!result.saved) { return; }
      lastSaved = score;
      scoreForm.dataset.saved = "1";
      // The live region sits below the scale in space kept for it: announcing never moves
      // the scale under the finger.
      if (status) { status.textContent = status.dataset.savedText.replace("%s", score); }
    }).catch(function () {
      if (scoreForm.dataset.autosave === "1" && lastSaved === "") { showChoiceButton(true); }
    });
  }

  function saveWhenShown() {
    var score = scoreForm.score.value;
    if (document.visibilityState === "visible") { saveScore(score); return; }
    document.addEventListener("visibilitychange", function onShow() {
      if (document.visibilityState !== "visible") { return; }
      document.removeEventListener("visibilitychange", onShow);
      saveScore(score);
    });
  }

  function checkedScore() {
    var checked = scoreGroup.querySelector("input[name=nps]:checked");
    return checked ? checked.value : "";
  }

  function watchScoreGroup() {
    // Save on a deliberate choice only: a tap or click saves at once, while arrow keys just
    // move through the scale; the score they land on is saved when the focus leaves the
    // group (or on Space), never one save per step.
    var pointerChoice = false;
    scoreGroup.addEventListener("pointerdown", function () { pointerChoice = true; });
    scoreGroup.addEventListener("keydown", function () { pointerChoice = false; });
    scoreGroup.addEventListener("change", function (event) {
      if (pointerChoice && event.target.name === "nps") {
        pointerChoice = false;
        saveScore(event.target.value);
      }
    });
    scoreGroup.addEventListener("keyup", function (event) {
      if (event.key === " ") { saveScore(checkedScore()); }
    });
    scoreGroup.addEventListener("focusout", function (event) {
      if (event.relatedTarget && scoreGroup.contains(event.relatedTarget)) { return; }
      saveScore(checkedScore());
    });
  }

  if (scoreForm) {
    // With the script, the whole survey shows at once and the score saves by itself.
    showChoiceButton(false);
    if (surveyForm && surveyForm.dataset.afterScore === "1") { surveyForm.hidden = false; }
    if (scoreForm.dataset.autosave === "1") { saveWhenShown(); }
    if (scoreGroup) { watchScoreGroup(); }
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
