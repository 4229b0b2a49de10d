// Starts Swagger UI on the service's own OpenAPI document (chassis/http/api_docs.py).
// A file, not an inline script, so that the page's Content-Security-Policy allows no inline script.
// No validator badge: it would send the document to an outside server.
(function () {
  "use strict";
  var script = document.getElementById("guichet-swagger-ui");
  var specUrl = new URL(script.getAttribute("data-spec-url"), window.location.href).href;
  window.addEventListener("DOMContentLoaded", function () {
    window.ui = window.SwaggerUIBundle({
      url: specUrl,
      dom_id: "#swagger-ui",
      deepLinking: true,
      validatorUrl: null,
      displayOperationId: true,
      tryItOutEnabled: false,
      presets: [window.SwaggerUIBundle.presets.apis],
      layout: "BaseLayout"
    });
  });
})();
