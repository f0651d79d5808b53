// The review page (templates/review-article.html): words selected in an entry's paragraph
// fill that entry's "fix the words" form, with their offset in the article, so a passage
// that occurs more than once is saved as the very occurrence selected.
(function () {
  'use strict';

  function offsetIn(paragraph, node, offset) {
    const range = document.createRange();
    range.selectNodeContents(paragraph);
    range.setEnd(node, offset);
    return range.toString().length;
  }

  function fill(paragraph) {
    const selection = window.getSelection();
    if (!selection || selection.rangeCount === 0 || selection.isCollapsed) return;
    const range = selection.getRangeAt(0);
    if (!paragraph.contains(range.startContainer) || !paragraph.contains(range.endContainer)) return;
    const words = range.toString();
    if (!words.trim()) return;
    const form = paragraph.closest('.review-entry').querySelector('form.review-words-form');
    if (!form) return;
    const start = Number(paragraph.dataset.start) + offsetIn(paragraph, range.startContainer, range.startOffset);
    form.elements.words.value = words;
    form.elements.start.value = String(start);
    form.classList.add('review-selected');
  }

  // Linked from the page's head, so it listens on the document (the paragraphs come later).
  function onRelease(event) {
    const paragraph = event.target instanceof Element ? event.target.closest('.review-paragraph[data-start]') : null;
    if (paragraph) fill(paragraph);
  }
  document.addEventListener('mouseup', onRelease);
  document.addEventListener('keyup', onRelease);
  document.addEventListener('touchend', (event) => window.setTimeout(() => onRelease(event), 0));
})();
