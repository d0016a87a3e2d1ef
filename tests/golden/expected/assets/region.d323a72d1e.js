/* The home page's search form: its region menu starts at the region the
 * resident searched in last (search.js remembers it in localStorage), so a
 * search from here answers from that region's lists. Without this script the
 * menu starts at 全部地区 and works the same. */
const REMEMBERED = "region"; // the key search.js writes
const select = document.querySelector("select[data-remember]");
try {
  const last = localStorage.getItem(REMEMBERED);
  if (select && last && [...select.options].some((o) => o.value === last)) select.value = last;
} catch (err) {
  // storage off (private mode): the menu keeps 全部地区
}
