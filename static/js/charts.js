// Draw every server-built figure on the page: each [data-figure] holds Plotly JSON.
// No inline script (the Content-Security-Policy forbids it): pages carry data, this draws.
(function () {
  "use strict";

  var config = { responsive: true, displaylogo: false, displayModeBar: false };

  function draw(element) {
    var figure;
    try {
      figure = JSON.parse(element.getAttribute("data-figure"));
    } catch (error) {
      element.setAttribute("data-chart-state", "broken");
      return;
    }
    var layout = figure.layout || {};
    layout.autosize = true;
    delete layout.width;
    window.Plotly.newPlot(element, figure.data || [], layout, config).then(function () {
      element.setAttribute("data-chart-state", "drawn");
    });
  }

  function drawAll() {
    if (!window.Plotly) {
      return;
    }
    var elements = document.querySelectorAll("[data-figure]");
    for (var i = 0; i < elements.length; i += 1) {
      draw(elements[i]);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawAll);
  } else {
    drawAll();
  }
})();
