// Live updates for a page that is complete without them: the element marked data-live is fetched
// again every 2 s and replaced, until the server marks it data-settled="true".
const live = document.querySelector('[data-live]');
if (live && live.dataset.settled !== 'true') {
  const refresh = async () => {
    const response = await fetch(location.href, { headers: { accept: 'text/html' }, credentials: 'same-origin' });
    if (!response.ok) return;
    const next = new DOMParser().parseFromString(await response.text(), 'text/html').querySelector('[data-live]');
    const current = document.querySelector('[data-live]');
    if (!next || !current) return;
    current.replaceWith(next);
    if (next.dataset.settled !== 'true') setTimeout(refresh, 2000);
  };
  setTimeout(refresh, 2000);
}
