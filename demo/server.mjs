// Placeholder until the demo lands: serves one honest page on http://localhost:8000.
import { createServer } from 'node:http';

const port = Number(process.env.PORT ?? 8000);
const page = `<!doctype html><html lang="en"><meta charset="utf-8"><title>Cardkeep demo</title>
<h1>Cardkeep</h1><p>The demo shop is not built yet. The expiry core works: see the README.</p></html>`;
createServer((_req, res) => {
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
  res.end(page);
}).listen(port, '127.0.0.1', () =>
  console.log(`Cardkeep demo (placeholder): http://localhost:${port}/`),
);
