import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/**
 * The layers, held by lint (src/README.md): each folder names what it may not import. Tests and test
 * helpers may reach across (they load real files to check a layer), product code may not.
 *   heap → nothing · formats → heap · analysis → heap · permalink → heap, formats, analysis
 *   session → analysis, heap, formats, permalink · worker → session, permalink · cli → session
 *   ui → session's answers, answer-text and visible-text, the worker's API type, permalink
 */
const layer = (folder, forbidden, message) => ({
  files: [`src/${folder}/**/*.{ts,tsx}`],
  ignores: ['**/*.test.ts', '**/*.test-helper.ts', '**/test-support.ts'],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: [
          {
            // A folder name forbids the folder; `folder/*` forbids its files but lets `!folder/file` through.
            group: forbidden.flatMap((name) =>
              name.startsWith('!') || name.endsWith('/*')
                ? [name.replace(/^(!?)/, '$1**/')]
                : [`**/${name}`, `**/${name}/**`],
            ),
            message,
          },
        ],
      },
    ],
  },
});
const LAYERS = [
  layer(
    'heap',
    ['formats', 'analysis', 'permalink', 'session', 'worker', 'cli', 'ui', 'tools'],
    'heap/ is the bottom layer: it imports nothing of the project.',
  ),
  layer(
    'formats',
    ['analysis', 'permalink', 'session', 'worker', 'cli', 'ui', 'tools'],
    'formats/ may import heap/ only.',
  ),
  layer(
    'analysis',
    ['formats', 'permalink', 'session', 'worker', 'cli', 'ui', 'tools'],
    'analysis/ may import heap/ only.',
  ),
  layer(
    'permalink',
    ['session', 'worker', 'cli', 'ui', 'tools'],
    'permalink/ may import heap/, formats/ and analysis/ only.',
  ),
  layer(
    'session',
    ['worker', 'cli', 'ui', 'tools'],
    'session/ may import analysis/, heap/, formats/ and permalink/ only (it runs in Node and in the worker).',
  ),
  layer(
    'worker',
    ['formats', 'heap', 'analysis', 'cli', 'ui', 'tools'],
    'worker/ is the comlink transport of session/: import the session, not what is below it.',
  ),
  layer(
    'cli',
    ['formats', 'heap', 'analysis', 'permalink', 'worker', 'ui', 'tools'],
    'cli/ is a caller of session/: import the session, not what is below it.',
  ),
  layer(
    'ui',
    [
      'formats',
      'heap',
      'analysis',
      'cli',
      'tools',
      'session/*',
      '!session/answers',
      '!session/answer-text',
      '!session/visible-text',
      'worker/*',
      '!worker/api',
    ],
    "ui/ imports only the session's answer shapes and text renderings (session/answers, session/answer-text, session/visible-text), the worker API, and permalink/.",
  ),
];

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      'test-results/**',
      'playwright-report/**',
      'sample-dumps/**',
      'tools/dotnet/**/bin/**',
      'tools/dotnet/**/obj/**',
      'docs/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.{ts,tsx}'],
    languageOptions: {
      ecmaVersion: 2022,
      globals: { ...globals.browser, ...globals.node },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/ui/**/*.tsx', 'src/ui/**/*.ts', 'src/main.tsx'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      // Type names and strings from a dump are untrusted: React text only, never raw HTML.
      'no-restricted-syntax': [
        'error',
        {
          selector: "JSXAttribute[name.name='dangerouslySetInnerHTML']",
          message: 'Render dump content as text: dangerouslySetInnerHTML is not allowed.',
        },
        {
          selector: "AssignmentExpression[left.property.name='innerHTML']",
          message: 'Render dump content as text: innerHTML is not allowed.',
        },
      ],
    },
  },
  ...LAYERS,
  {
    files: ['**/*.{js,mjs,cjs}'],
    languageOptions: { globals: { ...globals.node } },
  },
);
