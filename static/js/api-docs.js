/* The API documentation page (/api/docs/): Redoc renders the OpenAPI schema named by the
   container's data-schema-url into it. Without JavaScript the page's link to the schema stays. */
(function () {
  "use strict";
  var container = document.getElementById("api-reference");
  if (!container || !window.Redoc) {
    return;
  }
  window.Redoc.init(
    container.dataset.schemaUrl,
    {
      hideDownloadButton: false,
      disableSearch: false,
      expandResponses: "200",
      scrollYOffset: 0,
      theme: {
        typography: { fontFamily: "inherit", headings: { fontFamily: "inherit" } },
        sidebar: { backgroundColor: "#f4f5f6" },
      },
    },
    container,
    function () {
      container.removeAttribute("aria-busy");
    }
  );
})();
