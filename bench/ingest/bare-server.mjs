#!/usr/bin/env node
// The baseline of bench/ingest.mjs: a bare node:http server that reads the whole request
// body, as the collector must, and answers 204. Whatever the collector adds on top
// (routing, parsing, validation, enrichment, storage) shows as the ratio between the two.
import { createServer } from 'node:http';

const port = Number(process.env.PORT || 0);
const server = createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    Buffer.concat(chunks).toString('utf8');
    res.statusCode = 204;
    res.end();
  });
});
// As the collector does (server.ts), so that neither closes kept-alive connections first.
server.keepAliveTimeout = 65_000;
server.listen(port, process.env.HOST || '127.0.0.1', () => {
  console.log(`listening ${server.address().port}`);
});
process.once('SIGTERM', () => server.close(() => process.exit(0)));
