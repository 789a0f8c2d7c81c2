#!/usr/bin/env node
// The `accord` command. Accord runs its TypeScript sources directly through tsx.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
