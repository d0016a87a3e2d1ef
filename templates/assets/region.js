/* The home page's search form, with this script: the answer is the search
 * page (the form's action without its #fallback, in this window, not in the
 * <noscript> frame the form targets without script), and the region menu
 * starts at the region the resident searched in last (search.js remembers it
 * in localStorage), so a search from here answers from that region's lists.
 * Without script the menu starts at 全部地区 and the frame answers
 * (assets/noscript.css). A classic script, so a browser without modules also
 * sends the form to the search page. */
(() => {
  const REMEMBERED = "region"; // the key search.js writes
  const select = document.querySelector("select[data-remember]");
  if (!select) return;
  select.form.removeAttribute("target");
  select.form.setAttribute("action", select.form.getAttribute("action").split("#")[0]);
  try {
    const last = localStorage.getItem(REMEMBERED);
    if (last && [...select.options].some((o) => o.value === last)) select.value = last;
  } catch (err) {
    // storage off (private mode): the menu keeps 全部地区
  }
})();
