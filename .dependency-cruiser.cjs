/**
 * Layering rules of SOA Bot (ports and adapters). Run: npm run lint:layers
 *   src/domain   pure rules: imports nothing outside src/domain (no node: builtins, no npm packages)
 *   src/cards    card rendering: only src/domain and zod
 *   src/ports    interfaces: only src/domain (and other ports)
 *   src/app      use cases: domain, cards, ports; never an adapter
 *   src/adapters one folder per technology; each SDK stays inside its folder, so replacing one
 *                (e.g. botbuilder -> Microsoft 365 Agents SDK) is a one-folder change.
 * Type-only imports count too (tsPreCompilationDeps).
 */
const sdk = (names) => `(^|/)node_modules/(${names.join('|')})(/|$)`;

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'domain-is-pure',
      comment: 'src/domain holds the business rules: it may import only other src/domain modules (no node: builtins, no npm packages).',
      severity: 'error',
      from: { path: '^src/domain/' },
      to: { pathNot: '^src/domain/' },
    },
    {
      name: 'cards-only-domain-and-zod',
      comment: 'src/cards renders Adaptive Cards from domain objects: it may import only src/domain, src/cards and zod.',
      severity: 'error',
      from: { path: '^src/cards/' },
      to: { pathNot: ['^src/(domain|cards)/', sdk(['zod'])] },
    },
    {
      name: 'ports-only-domain',
      comment: 'src/ports are interfaces: they may import only src/domain and other ports.',
      severity: 'error',
      from: { path: '^src/ports/' },
      to: { pathNot: '^src/(domain|ports)/' },
    },
    {
      name: 'core-not-to-adapters',
      comment: 'domain, cards, ports and app (use cases) must not depend on an adapter; adapters are wired in src/composition-root.ts.',
      severity: 'error',
      from: { path: '^src/(domain|cards|ports|app)/' },
      to: { path: '^src/adapters/' },
    },
    {
      name: 'botbuilder-only-in-teams-adapter',
      comment: 'Bot Framework SDK (botbuilder, botframework-*) only in src/adapters/teams.',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/adapters/teams/' },
      to: { path: sdk(['botbuilder[^/]*', 'botframework-[^/]+']) },
    },
    {
      name: 'graph-sdk-only-in-graph-adapter',
      comment: '@microsoft/microsoft-graph-client and @azure/identity only in src/adapters/graph.',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/adapters/graph/' },
      to: { path: sdk(['@microsoft/microsoft-graph-client', '@azure/identity']) },
    },
    {
      name: 'msal-only-in-identity-adapters',
      comment:
        "MSAL directly only where a token is acquired: Graph (through @azure/identity) and the bot's outbound Bot Framework token (botbuilder takes an MSAL app).",
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/adapters/(graph|teams)/' },
      to: { path: sdk(['@azure/msal-node']) },
    },
    {
      name: 'sqlite-only-in-storage-adapter',
      comment: 'Database drivers (better-sqlite3, pg) only in src/adapters/storage.',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/adapters/storage/' },
      to: { path: sdk(['better-sqlite3', 'pg']) },
    },
    {
      name: 'jose-only-in-entra-adapter',
      comment: "Token validation with jose (the tab API's SSO tokens) only in src/adapters/entra.",
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/adapters/entra/' },
      to: { path: sdk(['jose']) },
    },
    {
      name: 'restify-only-in-http-adapter',
      comment: 'restify only in src/adapters/http.',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/adapters/http/' },
      to: { path: sdk(['restify']) },
    },
    {
      name: 'src-not-to-test-code',
      comment: 'Production code never imports the emulator, tests or scripts.',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^(emulator|test|scripts)/' },
    },
    {
      name: 'no-circular',
      comment:
        'Circular imports make the layering meaningless and, at run time, break module initialisation order. ' +
        'Type-only cycles count too: they mean two files share one idea that belongs in a module of its own.',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'not-to-unresolvable',
      comment: 'An import that does not resolve is a missing dependency or a typo.',
      severity: 'error',
      from: { path: '^src/' },
      to: { couldNotResolve: true },
    },
    {
      name: 'not-to-dev-dependency',
      comment: 'src/ ships to production: it must not import devDependencies.',
      severity: 'error',
      from: { path: '^src/' },
      to: { dependencyTypes: ['npm-dev'], dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'bench-without-card-sdk',
      comment:
        "The benchmark reports its own process's memory as the bot side's, and the bot never loads the Adaptive Cards " +
        'SDK (a test-only library: about 10 MB of script and source map, which V8 then multiplies as it sizes the heap). ' +
        'Read cards in bench/ through test/support/card-text.ts, not card-validation.ts.',
      severity: 'error',
      from: { path: '^bench/' },
      to: { path: sdk(['adaptivecards']), reachable: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|coverage)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['module', 'main', 'types', 'typings'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
