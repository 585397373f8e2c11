// The demo shop's own script (served from 'self': the pages run under a strict CSP).
// The checkout listens for `cardkeep-updated`, as a merchant's checkout would.
const cardLine = document.getElementById('card-on-file');
const order = document.getElementById('order');
const status = document.getElementById('order-status');

document.addEventListener('cardkeep-updated', (event) => {
  const { brand, last4, expMonth, expYear } = event.card;
  if (cardLine) {
    cardLine.textContent = `${brand.toUpperCase()} •••• ${last4} — ${String(expMonth).padStart(2, '0')} / ${String(expYear).slice(-2)}`;
  }
  if (status) status.textContent = '';
});

order?.addEventListener('submit', async (event) => {
  event.preventDefault();
  const response = await fetch('/demo/order', { method: 'POST', credentials: 'same-origin' });
  status.textContent = response.ok ? order.dataset.ok : order.dataset.failed;
  status.className = response.ok ? 'ok' : 'failed';
});
