// The full card form's script: send every field, show the outcome.
const form = document.getElementById('card');
const status = document.getElementById('status');
form.addEventListener('submit', async (event) => {
  event.preventDefault();
  const response = await fetch('/card', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(Object.fromEntries(new FormData(form))),
  });
  status.textContent = response.ok ? 'Card saved' : 'Could not save';
  status.dataset.done = response.ok ? 'ok' : 'failed';
});
