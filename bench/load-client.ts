// A load generator in its own process (so it does not share the server's event loop): runs
// autocannon against a URL and prints its summary as one line of JSON. With `people` set, each
// request is a yes/no check about a random person among the first `people` stored.
import autocannon from 'autocannon';
import { person } from '../test/helpers/records.ts';

interface Job {
  url: string;
  connections: number;
  seconds: number;
  token?: string;
  providerOrgId?: string;
  checkKey?: string;
  people?: number;
}

const job = JSON.parse(process.argv[2] as string) as Job;
let seed = 42;
const nextPerson = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % job.people!;

const result = await autocannon({
  url: job.url,
  connections: job.connections,
  duration: job.seconds,
  method: 'POST',
  headers: {
    'content-type': 'application/json',
    ...(job.token ? { authorization: `Bearer ${job.token}` } : {}),
  },
  body: '{}',
  requests: [
    {
      setupRequest: (req) =>
        job.people
          ? {
              ...req,
              body: JSON.stringify({
                providerOrgId: job.providerOrgId,
                purpose: 'safeguarding',
                checkKey: job.checkKey,
                identifiers: { nhsNumber: String(person(nextPerson()).nhsNumber) },
              }),
            }
          : req,
    },
  ],
});
console.log(
  JSON.stringify({
    rps: result.requests.average,
    total: result.requests.total,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
  }),
);
