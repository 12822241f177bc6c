(function () {
  var charts = document.querySelectorAll("div.$cls");
  charts.forEach(function (el) {
    var fail = function (message) {
      el.innerHTML = '<p class="chart-error"></p>';
      el.firstChild.textContent = "This chart could not be drawn: " + message;
    };
    if (typeof vegaEmbed !== "function") {
      fail("the chart library ($bundle) is missing next to this page.");
      console.error("vegaEmbed not loaded");
      return;
    }
    var spec = JSON.parse(document.getElementById(el.dataset.spec).textContent);
    vegaEmbed(el, spec, $options).then(function () {
      // Vega marks its container a "graphics-document"; the page presents each chart as one
      // image whose label is the chart's description; the drawing inside is hidden from
      // assistive technology (its marks would otherwise each be read out).
      el.setAttribute("role", "img");
      el.removeAttribute("aria-roledescription");
      el.querySelectorAll("svg").forEach(function (svg) { svg.setAttribute("aria-hidden", "true"); });
      // A tap shows the tooltip of what was tapped: Vega shows tooltips on pointer moves, and a
      // finger that does not move sends none. After the touch ends (and its pointerout has
      // hidden any tooltip), replay the tap as a move over the same point.
      el.addEventListener("pointerup", function (e) {
        if (e.pointerType !== "touch") return;
        var target = e.target, x = e.clientX, y = e.clientY;
        setTimeout(function () {
          target.dispatchEvent(new PointerEvent("pointermove", {
            bubbles: true, clientX: x, clientY: y, pointerType: "mouse", isPrimary: true}));
        }, 50);
      });
    }).catch(function (err) {
      fail(err.message);
      console.error(err);
    });
  });
})();
