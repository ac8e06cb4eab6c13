/*
 * Starts Swagger UI on the API docs page (/api/docs) with our OpenAPI document. A file of its
 * own because the Content-Security-Policy allows no inline scripts.
 */
/* global document, window, SwaggerUIBundle */
(function () {
  'use strict';

  var container = document.getElementById('swagger-ui');
  if (!container || typeof SwaggerUIBundle !== 'function') return;

  window.ui = SwaggerUIBundle({
    url: container.getAttribute('data-spec-url'),
    domNode: container,
    deepLinking: true,
    // The default sends the document to validator.swagger.io; nothing leaves this server.
    validatorUrl: null,
    presets: [SwaggerUIBundle.presets.apis],
    layout: 'BaseLayout',
    docExpansion: 'list',
    defaultModelsExpandDepth: 0,
  });
})();
