// The demo shop's own script (served from 'self': the pages run under a strict CSP).
// The checkout listens for `cardkeep-updated`, as a merchant's checkout would.
const cardLine = document.getElementById('card-on-file');
const order = document.getElementById('order');
const status = document.getElementById('order-status');

// A card by brand, last four and expiry; another method (a form widened to Link) by its name.
const describeCard = ({ kind, brand, last4, expMonth, expYear }) =>
  kind && kind !== 'card'
    ? kind === 'link'
      ? 'Link'
      : kind
    : `${brand.toUpperCase()} •••• ${last4} — ${String(expMonth).padStart(2, '0')} / ${String(expYear).slice(-2)}`;

document.addEventListener('cardkeep-updated', (event) => {
  if (cardLine) cardLine.textContent = describeCard(event.card);
  // The refusal above "Place order" no longer applies: the card works again.
  if (status) {
    status.textContent = '';
    status.className = '';
  }
});

order?.addEventListener('submit', async (event) => {
  event.preventDefault();
  let ok;
  try {
    const response = await fetch('/demo/order', { method: 'POST', credentials: 'same-origin' });
    ok = response.ok && (await response.json()).ok === true;
  } catch {
    ok = false; // Offline: the order did not go through either.
  }
  status.textContent = ok ? order.dataset.ok : order.dataset.failed;
  status.className = ok ? 'ok' : 'failed';
});
