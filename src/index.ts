/**
 * The package's entry point for host CRMs: `import { createChurnPlugin } from 'churn-winback'`.
 * See src/plugin.ts for the options and examples/host-crm/ for a runnable host.
 */
export { createChurnPlugin, type ChurnPlugin, type ChurnPluginOptions, type HostStaffUser, type StaffRole } from './plugin';
export { configureMongoose } from './shared/db/connection';
export { startEmbeddedMongo, type EmbeddedMongo } from './shared/db/embedded';
export type { Mailer } from './shared/mail';
