#!/usr/bin/env node
// Prints a signed Cardkeep update link for a dunning e-mail:
//   CARDKEEP_LINK_SECRET=… npx cardkeep-link cus_123 --base-url https://shop.example/account --ttl 72h
let server;
try {
  server = await import('../dist/server/index.js');
} catch (error) {
  if (error?.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).includes('dist')) {
    console.error(
      'cardkeep-link: the built server (dist/server/index.js) is missing. ' +
        'In a clone of the repository, run "npm run build" first.',
    );
    process.exit(1);
  }
  throw error;
}
process.exitCode = server.runLinkCli(process.argv.slice(2), process.env, {
  out: (line) => console.log(line),
  err: (line) => console.error(line),
});
