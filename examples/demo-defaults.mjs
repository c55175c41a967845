/**
 * The demo's own defaults, apart from the collector's (no imports: `npm start` reads them
 * before the build, scripts/start.mjs). The demo binds the loopback interface unless
 * HOST or --host says otherwise: its shop and its fresh demo keys are for this machine,
 * while `cartbeacon serve` binds what it is told (every interface by default).
 */
export const DEMO_HOST = '127.0.0.1';

/** The collector's default port (PORT), as the demo checks it before the build. */
export const DEMO_PORT = 8080;
