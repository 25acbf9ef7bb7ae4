/** Import boundaries of the server and portal packages; see docs/architecture.md. */
const src = '^packages/server/src/';
const portal = '^packages/portal/src/';
module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', from: {}, to: { circular: true } },
    {
      name: 'lib-imports-nothing-internal',
      severity: 'error',
      from: { path: `${src}lib/` },
      to: { path: `${src}(?!lib/)` },
    },
    {
      name: 'domain-imports-only-lib',
      severity: 'error',
      from: { path: `${src}domain/` },
      to: { path: `${src}(?!lib/|domain/)` },
    },
    {
      name: 'ports-are-interfaces',
      severity: 'error',
      from: { path: `${src}ports/` },
      to: { path: `${src}(?!lib/|domain/|ports/)` },
    },
    {
      name: 'events-sit-below-core-and-services',
      comment: 'The unit of work, the bus and the outbox relay know the ports, never the code that uses them.',
      severity: 'error',
      from: { path: `${src}events/`, pathNot: '\\.test\\.ts$' },
      to: { path: `${src}(?!lib/|domain/|ports/|events/)` },
    },
    {
      name: 'registry-core-does-not-know-services',
      comment: 'The core is the only writer of registry state; management services call it, never the reverse.',
      severity: 'error',
      from: { path: `${src}registry-core/` },
      to: { path: `${src}(services|auth|jobs)/` },
    },
    {
      name: 'adapters-are-leaves',
      severity: 'error',
      from: { path: `${src}adapters/` },
      to: { path: `${src}(registry-core|services|http|jobs|features|events|cli|main)` },
    },
    {
      name: 'only-composition-root-imports-adapters',
      severity: 'error',
      from: {
        path: src,
        pathNot: `(${src}(main\\.ts|main-[a-z]+\\.ts|cli/|adapters/))|\\.test\\.ts$|\\.suite\\.ts$`,
      },
      to: { path: `${src}adapters/` },
    },
    {
      name: 'config-only-from-root',
      severity: 'error',
      from: {
        path: src,
        pathNot: `(${src}(main\\.ts|main-[a-z]+\\.ts|cli/|config/))|\\.test\\.ts$`,
      },
      to: { path: `${src}config/` },
    },
    {
      name: 'core-does-not-know-http',
      severity: 'error',
      from: { path: `${src}(registry-core|events|jobs|domain|ports|lib)/` },
      to: { path: `${src}http/` },
    },
    {
      name: 'services-and-auth-do-not-know-http',
      comment: 'HTTP stays at the edge: headers, paths and methods are read in http/ and handed over as values.',
      severity: 'error',
      from: { path: `${src}(services|auth)/` },
      to: { path: `${src}http/` },
    },
    {
      name: 'oci-does-not-import-api',
      comment: 'The /v2 and /api/v2.0 edges share only what lives in http/ itself (credentials, cookies, errors).',
      severity: 'error',
      from: { path: `${src}http/oci/` },
      to: { path: `${src}http/api/` },
    },
    {
      name: 'api-does-not-import-oci',
      severity: 'error',
      from: { path: `${src}http/api/` },
      to: { path: `${src}http/oci/` },
    },
    {
      name: 'portal-is-a-browser-app',
      comment: 'The portal talks to the server over HTTP only.',
      severity: 'error',
      from: { path: portal },
      to: { path: '^packages/server/' },
    },
    {
      name: 'portal-api-is-a-leaf',
      comment: 'The API client knows nothing of pages, components or hooks.',
      severity: 'error',
      from: { path: `${portal}api/`, pathNot: '\\.test\\.tsx?$' },
      to: { path: `${portal}(?!api/)` },
    },
    {
      name: 'portal-lib-is-pure',
      comment: 'Pure helpers: they may read API types, never React components, hooks or pages.',
      severity: 'error',
      from: { path: `${portal}lib/` },
      to: { path: `${portal}(?!lib/|api/)` },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
  },
};
