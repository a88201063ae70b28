// ESLint flat config.
//
// Two jobs:
//   1. the correctness rules of `@eslint/js` recommended + `typescript-eslint`
//      recommended (not the type-checked set: it needs a full TypeScript
//      program and takes minutes on a small machine; `tsc` already runs in
//      `npm run build`), and no stylistic rules;
//   2. the layer rules of the design, written as import boundaries for the
//      folders under src/ (see LAYERS below).
//
// Linted: src/, test/, bench/, scripts/ (and this file). No build is needed.
// Run `npm run lint`; `npm test` runs it first.

import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

// ---------------------------------------------------------------------------
// Layer rules
// ---------------------------------------------------------------------------

// The Bot Framework / Teams SDKs and the HTTP server. Only src/teams/**,
// src/host/** and the composition root (src/compose.ts, src/index.ts) may
// import them. Sub-packages (botbuilder-core, restify-errors, ...) and deep
// paths (@microsoft/teams-ai/lib/...) count too.
const SDK = String.raw`^(?:botbuilder(?:-[\w.-]+)?|botframework-[\w.-]+|@microsoft/teams-ai|restify(?:-[\w.-]+)?)(?:/|$)`;
const SDK_MESSAGE =
  'Only src/teams, src/host and the composition root (src/compose.ts, src/index.ts) may import the Bot Framework/Teams SDKs or restify: ' +
  'move this code into src/host or src/teams, or define a port in src/domain/ports and implement it there.';

// How a layer may reach the rest of src/ and the outside world.
//   allow:     other folders directly under src/ that relative imports may
//              reach. The layer's own folder is always allowed; everything
//              else under src/ (other folders, and top-level files such as
//              config.ts or logger.ts) is not: pass those values in instead.
//   outside:   paths relative to the repository root that may be imported
//              from outside src/ (regex fragments).
//   packages:  regex for package specifiers (anything not starting with `.`)
//              that are forbidden, and the message to show.
//   message:   shown when a relative import leaves the allowed folders.
const LAYERS = {
  domain: {
    allow: [],
    packages: {
      regex: '^(?!\\.)',
      message:
        'src/domain is pure (no I/O, no frameworks): no npm packages and no node: built-ins. ' +
        'Describe what you need as a port in src/domain/ports and implement it in src/store, src/directory or src/notifications.',
    },
    message:
      'src/domain may import only src/domain: move the type or function you need into src/domain, ' +
      'or describe it as a port in src/domain/ports and let the composition root pass the implementation in.',
  },
  billing: {
    allow: ['domain'],
    packages: {
      regex: '^(?!\\.|node:crypto$)',
      message:
        'billing may use only node:crypto from outside src (no npm packages, no I/O built-ins): ' +
        'reach storage, directory or notifications through a port from src/domain/ports that the composition root passes in.',
    },
    message:
      'billing may import only domain: put the type in src/domain, or pass the port in ' +
      '(declare it in src/domain/ports; src/compose.ts wires the implementation).',
  },
  store: {
    allow: ['domain'],
    packages: { regex: SDK, message: SDK_MESSAGE },
    message:
      'src/store implements domain ports: it may import only src/domain and src/store (and npm packages other than the SDKs), never billing. ' +
      'Move the shared type into src/domain, or receive the dependency as a constructor argument from the composition root.',
  },
  directory: {
    allow: ['domain', 'auth', 'config'],
    packages: { regex: SDK, message: SDK_MESSAGE },
    message:
      'src/directory implements domain ports: it may import only src/domain, src/directory, src/auth and the settings types of src/config (and npm packages other than the SDKs), never billing. ' +
      'Move the shared type into src/domain, or receive the value (e.g. settings) as a constructor argument from the composition root.',
  },
  notifications: {
    allow: ['domain', 'cards'],
    packages: { regex: SDK, message: SDK_MESSAGE },
    message:
      'src/notifications implements domain ports: it may import only src/domain, src/notifications and src/cards (and npm packages other than the SDKs), never billing. ' +
      'Move the shared type into src/domain; anything that talks to the Bot Framework (transport, adapter) goes behind a port implemented in src/teams or src/host.',
  },
  cards: {
    allow: ['domain', 'billing'],
    // the Adaptive Card templates live in /cards/*.json at the repository root
    outside: [String.raw`cards/[^/]+\.json$`],
    packages: {
      regex: String.raw`^(?!\.|adaptivecards-templating(?:/|$)|node:)`,
      message:
        'src/cards renders plain card JSON and may use only adaptivecards-templating from npm (no SDKs): ' +
        'return the card and let src/teams or src/notifications send it.',
    },
    message:
      'src/cards may import only src/domain, src/billing (view types), src/cards and the /cards/*.json templates: ' +
      'move the view type into src/domain or src/billing, or pass the value in as an argument.',
  },
};

// `process.env` is read only by src/config/; everything else gets settings
// passed in.
const ENV_MESSAGE =
  'Only src/config/ reads the environment: add the setting to src/config/ and pass the value in.';
const ENV_IMPORTS = ['process', 'node:process'].map((name) => ({
  name,
  importNames: ['env'],
  message: ENV_MESSAGE,
}));

// Relative import paths are matched per folder depth, so `../x` from
// src/billing/links/ (still billing) and `../x` from src/billing/ (leaves
// billing) are told apart. Depth 0 is src/<layer>/*.ts; files nested deeper
// than MAX_DEPTH folders get only the src-wide SDK rule, so raise it if the
// tree ever grows that deep. Paths are taken as written (not resolved), which
// is enough for the plain `./` / `../` specifiers tsc's Node16 mode uses.
const MAX_DEPTH = 8;

function escapeRegex(text) {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

// Matches a relative specifier that, from a file `depth` folders below
// src/<layer>/, climbs to src/ (or above) and then goes somewhere other than
// an allowed entry.
function leavesLayer(layer, depth, { allow, outside = [] }) {
  const up = String.raw`(?:\.\.(?:/|$))`;
  const allowed = [
    ...[layer, ...allow].map((entry) => `${escapeRegex(entry)}(?:/|$)`),
    ...outside.map((path) => String.raw`\.\./${path}`),
  ];
  return String.raw`^(?:\./)?${up}{${depth + 1}}(?!${allowed.join('|')})`;
}

function restrictedImports(patterns, paths = []) {
  return {
    // type-only imports are held to the same boundaries
    '@typescript-eslint/no-restricted-imports': ['error', { paths, patterns }],
    // the same patterns for `import('...')` and `require('...')`
    'layers/no-restricted-dynamic-imports': ['error', { patterns }],
  };
}

const pattern = (regex, message) => ({ regex, message, caseSensitive: true });

function layerConfigs() {
  const configs = [
    {
      name: 'layers/src (SDKs only in src/teams, src/host, composition root)',
      files: ['src/**/*.ts'],
      ignores: ['src/config/**/*.ts'],
      rules: restrictedImports([pattern(SDK, SDK_MESSAGE)], ENV_IMPORTS),
    },
    {
      name: 'layers/src/config',
      files: ['src/config/**/*.ts'],
      rules: restrictedImports([pattern(SDK, SDK_MESSAGE)]),
    },
    {
      name: 'layers/composition root and Bot Framework edge',
      files: ['src/teams/**/*.ts', 'src/host/**/*.ts', 'src/compose.ts', 'src/index.ts'],
      rules: restrictedImports([], ENV_IMPORTS),
    },
  ];
  for (const [layer, spec] of Object.entries(LAYERS)) {
    const packagesAllowNode = !new RegExp(spec.packages.regex).test('node:process');
    for (let depth = 0; depth <= MAX_DEPTH; depth += 1) {
      configs.push({
        name: `layers/${layer} (depth ${depth})`,
        files: [`src/${layer}/${'*/'.repeat(depth)}*.ts`],
        rules: restrictedImports(
          [
            pattern(leavesLayer(layer, depth, spec), spec.message),
            pattern(spec.packages.regex, spec.packages.message),
          ],
          packagesAllowNode ? ENV_IMPORTS : [],
        ),
      });
    }
  }
  return configs;
}

// `no-restricted-imports` does not look at `import()` or `require()`; this
// applies the same `{ regex, message }` patterns to them.
const layersPlugin = {
  rules: {
    'no-restricted-dynamic-imports': {
      meta: {
        type: 'problem',
        docs: { description: 'apply the layer import patterns to import() and require()' },
        schema: [
          {
            type: 'object',
            properties: {
              patterns: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    regex: { type: 'string' },
                    message: { type: 'string' },
                    caseSensitive: { type: 'boolean' },
                  },
                  required: ['regex', 'message'],
                },
              },
            },
            additionalProperties: false,
          },
        ],
        messages: { restricted: "'{{source}}' import is restricted. {{message}}" },
      },
      create(context) {
        const patterns = (context.options[0]?.patterns ?? []).map(({ regex, message, caseSensitive }) => ({
          matcher: new RegExp(regex, caseSensitive ? 'u' : 'iu'),
          message,
        }));
        const check = (node) => {
          let source;
          if (node?.type === 'Literal' && typeof node.value === 'string') source = node.value;
          else if (node?.type === 'TemplateLiteral' && node.expressions.length === 0) source = node.quasis[0].value.cooked;
          if (source === undefined) return;
          for (const { matcher, message } of patterns) {
            if (matcher.test(source)) context.report({ node, messageId: 'restricted', data: { source, message } });
          }
        };
        return {
          ImportExpression: (node) => check(node.source),
          'CallExpression[callee.type="Identifier"][callee.name="require"]': (node) => check(node.arguments[0]),
        };
      },
    },
  },
};

// ---------------------------------------------------------------------------
// Config
// ---------------------------------------------------------------------------

export default defineConfig(
  {
    name: 'ignores',
    ignores: ['dist/', 'test-artifacts/', 'bench/results/', 'data/', 'appPackage/'],
  },
  {
    name: 'linter options',
    linterOptions: { reportUnusedDisableDirectives: 'error' },
  },
  {
    name: 'javascript',
    files: ['**/*.{js,mjs,cjs}'],
    extends: [js.configs.recommended],
  },
  {
    name: 'typescript',
    files: ['**/*.ts'],
    extends: [js.configs.recommended, tseslint.configs.recommended],
    plugins: { layers: layersPlugin },
    rules: {
      // A variable declared first so that a callback created before it can refer to it (a server
      // handler that needs the object the server is part of) is assigned once, later, on purpose.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
      // Same convention as tsc's noUnusedParameters: a leading underscore
      // marks a parameter (or destructured-away property) that is
      // intentionally unused, e.g. to satisfy an interface.
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          caughtErrorsIgnorePattern: '^_',
          destructuredArrayIgnorePattern: '^_',
          ignoreRestSiblings: true,
        },
      ],
    },
  },
  {
    name: 'src',
    files: ['src/**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: ENV_MESSAGE },
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector: "MemberExpression[object.type='MemberExpression'][object.property.name='process'][property.name='env']",
          message: ENV_MESSAGE,
        },
      ],
    },
  },
  {
    name: 'src/config reads the environment',
    files: ['src/config/**/*.ts'],
    rules: {
      'no-restricted-properties': 'off',
      'no-restricted-syntax': 'off',
    },
  },
  ...layerConfigs(),
);
