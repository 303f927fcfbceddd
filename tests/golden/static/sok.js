// The search page: Pagefind's ready-made search field (in Swedish, from lang="sv"), nothing else.
// The site can live under any base path, so result links are made relative to the folder above /sok/.
window.addEventListener("DOMContentLoaded", function () {
  new PagefindUI({
    element: "#sok",
    baseUrl: new URL("../", document.baseURI).pathname,
    showImages: false,
    resetStyles: false,
    autofocus: false,
  });
  document.getElementById("utan-javascript").hidden = true;
});
