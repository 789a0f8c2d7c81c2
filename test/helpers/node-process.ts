// A federating node in its own process, so a crash-safety test can kill it with SIGKILL at a
// fault point (ACCORD_FAULT_POINT) while a partner delivers to it. Prints "listening" once it
// accepts messages. Usage: node-process.ts <json { url, dataDir, port, env }>
import { buildApp } from '../../src/app.ts';
import { openServices } from '../../src/services.ts';
import { testConfig } from './app.ts';

interface Place {
  url: string;
  dataDir: string;
  port: number;
  env: Record<string, string>;
}
const place = JSON.parse(process.argv[2]!) as Place;
const services = await openServices(testConfig(place.url, place.dataDir, place.env), {
  actor: 'node',
});
const app = await buildApp(services, { https: services.federation!.identity.tls });
await app.listen({ port: place.port, host: '127.0.0.1' });
console.log('listening');
process.on('SIGTERM', () => {
  void app
    .close()
    .then(() => services.close())
    .then(() => process.exit(0));
});
