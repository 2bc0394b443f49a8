#!/usr/bin/env node
// Launcher: runs the TypeScript sources directly through tsx (no build step to forget).
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
