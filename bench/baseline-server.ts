import fs from 'node:fs';
import Fastify from 'fastify';

/**
 * The baseline: a bare Fastify server answering every GET with the very bytes invoicehub returned,
 * so the ratio measures what invoicehub adds (auth, rate limits, validation, the database).
 */
const body = fs.readFileSync(process.argv[2] as string);
const app = Fastify({ logger: false, bodyLimit: 64 * 1024 * 1024 });
// Uploads are read whole and not parsed: the baseline of receiving the bytes.
app.removeAllContentTypeParsers();
app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, raw, done) => done(null, raw));
app.get('/*', async (_req, reply) => reply.type('application/json; charset=utf-8').send(body));
app.post('/*', async (_req, reply) => reply.code(201).type('application/json; charset=utf-8').send(body));
await app.listen({ port: 0, host: '127.0.0.1' });
const address = app.server.address();
console.log(`LISTENING ${typeof address === 'object' && address ? address.port : 0}`);
process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
