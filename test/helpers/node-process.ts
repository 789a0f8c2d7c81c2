// A federating node in its own process, so a crash-safety test can kill it with SIGKILL at a
// fault point (ACCORD_FAULT_POINT) while a partner delivers to it, and a bench can run two nodes
// as two processes. Prints "listening" once it accepts messages (with `warm`, once its spare
// workers have loaded too, as a running server keeps them).
// Usage: node-process.ts <json { url, dataDir, port, env, warm? }>
import { buildApp } from '../../src/app.ts';
import { keepWarm, sparesLoaded, stopSpares } from '../../src/domain/records/worker-spares.ts';
import { WARM_WORKERS } from '../../src/server.ts';
import { openServices } from '../../src/services.ts';
import { testConfig } from './app.ts';

interface Place {
  url: string;
  dataDir: string;
  port: number;
  env: Record<string, string>;
  warm?: boolean;
}
const place = JSON.parse(process.argv[2]!) as Place;
const services = await openServices(testConfig(place.url, place.dataDir, place.env), {
  actor: 'node',
});
const app = await buildApp(services, { https: services.federation!.identity.tls });
await app.listen({ port: place.port, host: '127.0.0.1' });
if (place.warm) {
  keepWarm(WARM_WORKERS);
  await sparesLoaded();
}
console.log('listening');
process.on('SIGTERM', () => {
  void stopSpares()
    .then(() => app.close())
    .then(() => services.close())
    .then(() => process.exit(0));
});
