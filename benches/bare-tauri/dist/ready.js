// Says the page is ready the way the Tweevoud app does (document.body.dataset.ready), so
// that `make bench` waits for both in the same way.
document.addEventListener("DOMContentLoaded", () => {
  document.body.dataset.ready = "true";
});
