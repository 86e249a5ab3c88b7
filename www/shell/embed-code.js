// The embed code the toolbar copies (embed.js loads this module at the first press of Copy embed code). It imports
// nothing: it is fetched on its own.

/**
 * The HTML to paste into another page: the iframe showing `sections` of the page at `pageUrl`, and the few lines
 * that size it from its height messages (`message`, embed.js's).
 */
export function embedCode(pageUrl, sections, message) {
  const url = new URL(pageUrl);
  url.search = `?embed&sections=${sections.join(',')}`;
  const src = url.href.replace(/&/g, '&amp;').replace(/"/g, '&quot;');
  return `<iframe src="${src}" title="gpt1-playground" style="width: 100%; height: 40rem; border: 0" loading="lazy"></iframe>
<script>
  // sizes every gpt1-playground iframe on this page to its content
  addEventListener('message', (event) => {
    if (!event.data || event.data.type !== '${message}') return;
    for (const frame of document.querySelectorAll('iframe')) {
      if (frame.contentWindow === event.source) frame.style.height = event.data.height + 'px';
    }
  });
</script>`;
}
