// Draws every chart on the page from the Vega-Lite specification the server embedded
// (a <script type="application/json"> element named by data-spec), so no inline script runs.
(function () {
  "use strict";
  function draw() {
    if (typeof vegaEmbed !== "function") return;
    document.querySelectorAll("[data-spec]").forEach(function (element) {
      var source = document.getElementById(element.dataset.spec);
      if (!source) return;
      var spec = JSON.parse(source.textContent);
      vegaEmbed(element, spec, {
        actions: false, renderer: "svg", defaultStyle: false,
        // Parse expressions to an AST and interpret them: no eval under our CSP.
        ast: true, expr: window.vegaExpressionInterpreter,
      })
        .catch(function (error) { element.textContent = "The chart could not be drawn."; console.error(error); });
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
})();
