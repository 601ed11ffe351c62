// Starts Swagger UI on /api/docs. It lives in a file because the Content-Security-Policy
// forbids inline script; swagger-ui-bundle.js (loaded before it) defines SwaggerUIBundle.
const root = document.getElementById("swagger-ui");

window.SwaggerUIBundle({
  url: root.dataset.specUrl,
  domNode: root,
  deepLinking: true,
  validatorUrl: null,
  persistAuthorization: false,
});
