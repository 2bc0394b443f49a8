// The workload read surface (users, groups, mail, files, sites, chats) as one route module.
import type { GraphApp } from '../app.js';
import type { AppDeps } from '../deps.js';
import { userRoutes } from './users.js';
import { groupRoutes } from './groups.js';
import { mailRoutes } from './mail.js';
import { siteRoutes } from './sites.js';
import { driveRoutes } from './drive.js';
import { chatRoutes } from './chats.js';
import { driveWriteRoutes } from './driveWrites.js';
import { mailWriteRoutes } from './mailWrites.js';
import { deltaRoutes } from './delta.js';

export async function directoryRoutes(app: GraphApp, deps: AppDeps): Promise<void> {
  userRoutes(app, deps);
  groupRoutes(app, deps);
  mailRoutes(app, deps);
  siteRoutes(app, deps);
  driveRoutes(app, deps);
  chatRoutes(app, deps);
  mailWriteRoutes(app, deps);
  deltaRoutes(app, deps);
  await driveWriteRoutes(app, deps);
}
