/* The API documentation page (/api/docs/): Redoc renders the OpenAPI schema named by the
   container's data-schema-url into it. Without JavaScript the page's link to the schema stays. */
(function () {
  "use strict";
  var container = document.getElementById("api-reference");
  if (!container || !window.Redoc) {
    return;
  }
  // Redoc jumps from an operation's h2 to h5 ("Authorizations", "Response Schema"): give each
  // heading it writes a level at most one below the one before it (aria-level), so the page's
  // outline has no gaps for screen readers (axe heading-order).
  function evenHeadings() {
    var last = 1; // the page's own h1 comes before the reference
    container.querySelectorAll("h1, h2, h3, h4, h5, h6").forEach(function (heading) {
      var level = Number(heading.tagName.charAt(1));
      if (level > last + 1) {
        level = last + 1;
        heading.setAttribute("aria-level", String(level));
      }
      last = level;
    });
  }
  new MutationObserver(evenHeadings).observe(container, { childList: true, subtree: true });

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
      evenHeadings();
      container.removeAttribute("aria-busy");
    }
  );
})();
