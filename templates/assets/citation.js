/* Citation boxes (templates/quote.html, and each result of templates/check.html): today's
   date as the access date, and on the quote page a Copy button. Without this script the boxes
   are still there: readonly text to select and copy, dated the day the server made the page. */
document.addEventListener("DOMContentLoaded", () => {
  const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
    "September", "October", "November", "December"];
  const now = new Date();
  const today = `${now.getDate()} ${MONTHS[now.getMonth()]} ${now.getFullYear()}`;
  for (const each of document.querySelectorAll("textarea.citation")) {
    each.value = each.value.replace(/Accessed [^.]*\.$/, `Accessed ${today}.`);
    each.addEventListener("focus", () => each.select());
  }
  const box = document.querySelector("textarea.citation");
  const button = document.querySelector("button.copy-citation");
  const status = document.querySelector(".copy-status");
  if (!box || !button) return;
  button.hidden = false;
  button.addEventListener("click", async () => {
    box.focus();
    box.select();
    let copied = false;
    try {
      await navigator.clipboard.writeText(box.value);
      copied = true;
    } catch (error) {
      copied = document.execCommand && document.execCommand("copy");
    }
    if (status) status.textContent = copied ? "Copied." : "Selected: press Ctrl+C (⌘C) to copy.";
  });
});
