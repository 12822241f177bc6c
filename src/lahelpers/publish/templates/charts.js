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
    vegaEmbed(el, spec, $options).catch(function (err) {
      fail(err.message);
      console.error(err);
    });
  });
})();
