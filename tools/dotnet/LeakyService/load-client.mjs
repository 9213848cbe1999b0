// A bounded load client for LeakyService on loopback: sends exactly COUNT requests with at most
// CONCURRENCY in flight over keep-alive connections, then exits (non-zero if any failed).
//   node load-client.mjs URL COUNT CONCURRENCY [METHOD]
import http from 'node:http';

const [url, countText, concurrencyText, method = 'POST'] = process.argv.slice(2);
const count = Number(countText);
const concurrency = Number(concurrencyText);
if (!url || !Number.isInteger(count) || count < 0 || !Number.isInteger(concurrency) || concurrency < 1) {
  console.error('usage: node load-client.mjs URL COUNT CONCURRENCY [METHOD]');
  process.exit(2);
}
const target = new URL(url);
if (!['127.0.0.1', 'localhost', '[::1]'].includes(target.hostname)) {
  console.error(`load-client: refusing ${target.hostname}: loopback only`);
  process.exit(2);
}
const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
const skus = ['PALLET-EU', 'CRATE-40', 'BOX-S', 'BOX-M', 'TAPE-50'];

function send(i) {
  const body = method === 'POST' ? JSON.stringify({ orderId: i, sku: skus[i % skus.length], qty: 1 + (i % 7) }) : '';
  return new Promise((resolve, reject) => {
    const req = http.request(
      target,
      {
        method,
        agent,
        headers: body ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } : {},
      },
      (res) => {
        res.resume();
        res.on('end', () =>
          res.statusCode === 200 ? resolve() : reject(new Error(`request ${i}: HTTP ${res.statusCode}`)),
        );
      },
    );
    req.setTimeout(30_000, () => req.destroy(new Error(`request ${i}: timed out`)));
    req.on('error', reject);
    req.end(body);
  });
}

const started = Date.now();
let next = 0;
let failed = 0;
async function worker() {
  while (next < count) {
    const i = next++;
    try {
      await send(i);
    } catch (error) {
      failed++;
      if (failed <= 5) console.error(String(error));
    }
  }
}
await Promise.all(Array.from({ length: Math.min(concurrency, Math.max(count, 1)) }, worker));
agent.destroy();
const seconds = (Date.now() - started) / 1000;
console.log(`load-client: ${method} ${target.pathname}: ${count - failed}/${count} ok in ${seconds.toFixed(1)} s`);
process.exit(failed === 0 ? 0 : 1);
