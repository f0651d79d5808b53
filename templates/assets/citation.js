/* The quote page's citation box (templates/quote.html): a Copy button, and today's date as
   the access date. Without this script the box is still there: readonly text to select and
   copy, dated the day the server made the page. */
document.addEventListener("DOMContentLoaded", () => {
  const box = document.querySelector("textarea.citation");
  const button = document.querySelector("button.copy-citation");
  const status = document.querySelector(".copy-status");
  if (!box) return;
  const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
    "September", "October", "November", "December"];
  const now = new Date();
  const today = `${now.getDate()} ${MONTHS[now.getMonth()]} ${now.getFullYear()}`;
  box.value = box.value.replace(/Accessed [^.]*\.$/, `Accessed ${today}.`);
  box.addEventListener("focus", () => box.select());
  if (!button) return;
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
