// Draws every chart on the page from the Vega-Lite specification the server embedded
// (a <script type="application/json"> element named by data-spec), so no inline script runs.
// The same specifications make the PDF's charts (vl-convert), so nothing here changes them
// beyond what a screen needs: the width of the container.
(function () {
  "use strict";
  var OPTIONS = {
    actions: false,
    renderer: "svg",
    defaultStyle: false,
    // Parse expressions to an AST and interpret them: no eval under our CSP.
    ast: true,
    tooltip: { theme: "light" },
  };

  function drawOne(element) {
    var source = document.getElementById(element.dataset.spec);
    if (!source) return;
    var spec;
    try {
      spec = JSON.parse(source.textContent);
    } catch (error) {
      console.error(error);
      return;
    }
    var options = Object.assign({}, OPTIONS, { expr: window.vegaExpressionInterpreter });
    // The page gave the chart its role and label; vega-embed replaces them with its own.
    var role = element.getAttribute("role");
    var label = element.getAttribute("aria-label");
    // The fallback sentence is for pages without JavaScript; the chart replaces it.
    element.replaceChildren();
    vegaEmbed(element, spec, options)
      .then(function (result) {
        element.classList.add("is-drawn");
        if (role) element.setAttribute("role", role);
        if (label) element.setAttribute("aria-label", label);
        element.removeAttribute("aria-roledescription");
        // The container is one image with a label, its figures in the table beside it; the
        // SVG's own marks would only repeat them, point by point.
        var svg = element.querySelector("svg");
        if (svg) svg.setAttribute("aria-hidden", "true");
        return result;
      })
      .catch(function (error) {
        element.textContent = "The chart could not be drawn; its figures are in the table.";
        console.error(error);
      });
  }

  function draw() {
    if (typeof vegaEmbed !== "function") return;
    document.querySelectorAll("[data-spec]").forEach(drawOne);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
})();
