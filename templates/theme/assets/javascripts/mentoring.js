/* mentoring-site: keyboard behaviour the theme lacks, for the navigation drawer on narrow screens
   and the language switcher. A file of the site (the Content-Security-Policy allows the site's
   own script files, no inline script); published from the theme's custom_dir
   (templates/theme/assets/javascripts/), loaded by templates/theme/main.html after the theme's
   own script. Without it the drawer and the switcher still work, as the theme made them. */
(() => {
  "use strict";

  /* Elements a reader can Tab to and see: not hidden, not removed from the tab order. */
  const focusable = root => [...root.querySelectorAll("a[href], button, input, [tabindex]")].filter(
    el => el.tabIndex >= 0 && !el.disabled && el.getClientRects().length > 0
      && getComputedStyle(el).visibility === "visible");

  /* The drawer is a checkbox (#__drawer) that the theme's menu button, a label, toggles; the
     theme opens it on Enter. Here: the button says whether the drawer is open (aria-expanded);
     opened from the keyboard, focus moves to the first link in it; Tab stays in it while it is
     open (the button lies under it); Escape closes it; closing it returns focus to the button. */
  const drawer = document.getElementById("__drawer");
  const menu = document.querySelector('.md-header label[for="__drawer"]');
  const sidebar = document.querySelector(".md-sidebar--primary");
  if (drawer && menu && sidebar) {
    let byKeyboard = false;
    // Where the sidebar is a drawer (the theme's breakpoint, as in mentoring.css); wider, it is
    // part of the page, whatever the checkbox says.
    const narrow = matchMedia("(max-width: 76.234375em)");
    const state = () => menu.setAttribute("aria-expanded", String(drawer.checked));
    state();
    // The theme also closes the drawer from its script (after a link to a part of this page, for
    // one), by setting `checked`, which fires no event: watch that setter too.
    const checked = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, "checked");
    Object.defineProperty(drawer, "checked", {
      configurable: true,
      get() { return checked.get.call(this); },
      set(value) { checked.set.call(this, value); state(); },
    });
    menu.addEventListener("keydown", event => { byKeyboard = event.key === "Enter" || event.key === " "; });
    menu.addEventListener("keydown", event => {
      if (event.key === " ") {  // a button opens on Space too (the theme answers Enter only)
        event.preventDefault();
        menu.click();
      }
    });
    drawer.addEventListener("change", () => {
      state();
      if (drawer.checked && byKeyboard) {
        // The drawer's own stylesheet makes it visible at once (it slides in over .25 s).
        const first = focusable(sidebar)[0];
        if (first) first.focus({ preventScroll: true });
      } else if (!drawer.checked && sidebar.contains(document.activeElement)) {
        menu.focus();
      }
      byKeyboard = false;
    });
    document.addEventListener("keydown", event => {
      if (event.key === "Escape" && drawer.checked) {
        drawer.checked = false;  // as the theme closes it
        menu.focus();
      } else if (event.key === "Tab" && drawer.checked && narrow.matches) {
        // While the drawer is open, Tab goes round the drawer: the page, the header's logo and
        // the menu button itself lie under the drawer and its shade, where focus is unseen.
        const items = focusable(sidebar);
        const [first, last] = [items[0], items[items.length - 1]];
        const at = document.activeElement;
        const inside = sidebar.contains(at);
        const to = event.shiftKey ? (at === first || !inside ? last : null) : (at === last || !inside ? first : null);
        if (to) {
          event.preventDefault();
          to.focus();
        }
      }
    });
  }

  /* The language switcher opens while it has focus or the pointer (the theme's stylesheet);
     Escape closes it and leaves focus on its button, Enter, Space or Down opens it again. The
     button says whether the list is shown (aria-expanded). */
  for (const select of document.querySelectorAll(".md-select")) {
    const button = select.querySelector("button");
    if (!button) continue;
    const state = () => button.setAttribute("aria-expanded", String(
      !select.hasAttribute("data-ms-closed") && (select.matches(":focus-within") || select.matches(":hover"))));
    state();
    const open = () => { select.removeAttribute("data-ms-closed"); state(); };
    select.addEventListener("focusin", event => { if (!select.contains(event.relatedTarget)) open(); });
    select.addEventListener("mouseenter", open);
    select.addEventListener("mouseleave", () => requestAnimationFrame(state));
    select.addEventListener("focusout", () => requestAnimationFrame(() => {
      if (!select.matches(":focus-within")) select.removeAttribute("data-ms-closed");
      state();
    }));
    select.addEventListener("keydown", event => {
      if (event.key === "Escape" && !select.hasAttribute("data-ms-closed")) {
        event.stopPropagation();  // Escape closes the list here, nothing else
        select.setAttribute("data-ms-closed", "");
        button.focus();  // from a link of the list: focus stays inside, the list stays closed
        state();
      } else if (event.target === button && ["Enter", " ", "ArrowDown"].includes(event.key)) {
        event.preventDefault();
        open();
        const first = select.querySelector(".md-select__link");
        if (event.key === "ArrowDown" && first) first.focus();
      } else if (event.target !== button && ["ArrowDown", "ArrowUp"].includes(event.key)) {
        const links = [...select.querySelectorAll(".md-select__link")];
        const at = links.indexOf(event.target);
        const next = links[(at + (event.key === "ArrowDown" ? 1 : links.length - 1)) % links.length];
        event.preventDefault();
        next.focus();
      }
    });
  }
})();
