// ESLint flat config. Type-aware rules run on the shipped code (src/, worklets/); test/, bench/, demo/ and
// scripts/ get the syntactic set only, so `npm run lint` stays well under a minute on the 2-core CI machine.
// The layer rules of docs (BRIEF "layout", issue 10) are encoded as `no-restricted-imports` per folder:
// environment → audio / protocols → transport → session; dsp and errors are leaves; worklets run on the audio
// thread and may only reach worklets/ and src/dsp.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** Import patterns (relative paths, as written in the source) that reach a given layer from a sibling folder. */
const layer = (name) => [`../${name}`, `../${name}/*`, `../../${name}`, `../../${name}/*`];
const src = (name) => [`../src/${name}`, `../src/${name}/*`, `../../src/${name}`, `../../src/${name}/*`];

/** A `no-restricted-imports` rule forbidding the listed layers, with a message naming the rule it encodes. */
function forbid(why, ...groups) {
  return ['error', { patterns: [{ group: groups.flat(2), message: why }] }];
}

const ALL = ['environment', 'errors', 'dsp', 'audio', 'codecs', 'protocols', 'transport', 'session', 'react', 'doctor'];
const except = (...allowed) => ALL.filter((l) => !allowed.includes(l)).map(layer);

export default tseslint.config(
  { ignores: ['dist/**', 'docs/api/**', 'node_modules/**', 'packages/**/node_modules/**', 'coverage/**',
  // Deliberately unparsable: the worklet-load failure test needs a processor with a syntax error.
  'test/browser/fixtures/worklets/syntax-error.processor.js'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2022, sourceType: 'module', globals: { ...globals.node } },
    rules: {
      // `typeof import('x')` stays allowed: it types the lazily loaded optional modules (opus encoders, msgpack)
      // right next to their dynamic import(), which a static `import type` would separate from.
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'separate-type-imports', disallowTypeAnnotations: false }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // Empty catch blocks are deliberate where a best-effort close/cleanup may fail; they carry a comment.
      'no-empty': ['error', { allowEmptyCatch: true }],
    },
  },
  {
    files: ['src/**/*.ts', 'worklets/**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false, attributes: false } }],
    },
  },
  // ---- layer rules ----
  { files: ['src/errors/**/*.ts'], rules: { 'no-restricted-imports': forbid('src/errors is a leaf: it imports no other layer.', except()) } },
  {
    files: ['src/environment/**/*.ts'],
    rules: { 'no-restricted-imports': forbid('src/environment is the bottom layer: it imports only src/errors.', except('errors')) },
  },
  { files: ['src/dsp/**/*.ts'], rules: { 'no-restricted-imports': forbid('src/dsp is shared with the audio thread: it imports nothing outside src/dsp.', except(), ['../../worklets', '../../worklets/*']) } },
  {
    files: ['worklets/**/*.ts'],
    rules: {
      'no-restricted-imports': forbid(
        'worklets/ runs on the audio thread: it imports only worklets/ and src/dsp.',
        ALL.filter((l) => l !== 'dsp').map(src),
        ['../src/index', '../src/*.ts'],
      ),
    },
  },
  {
    files: ['src/audio/**/*.ts', 'src/codecs/**/*.ts'],
    rules: { 'no-restricted-imports': forbid('audio and codecs sit below transport/session: they import environment, errors, dsp (and codecs).', except('environment', 'errors', 'dsp', 'codecs', 'audio')) },
  },
  {
    files: ['src/protocols/**/*.ts'],
    rules: {
      'no-restricted-imports': forbid('protocols sit below transport/session: they import environment, errors, dsp and codecs.', except('environment', 'errors', 'dsp', 'codecs', 'protocols')),
    },
  },
  {
    files: ['src/transport/**/*.ts'],
    rules: { 'no-restricted-imports': forbid('src/transport sits below the session and knows no audio.', ['session', 'audio', 'react', 'doctor'].map(layer)) },
  },
  { files: ['src/session/**/*.ts'], rules: { 'no-restricted-imports': forbid('src/session is the top of the SDK; react and doctor sit on it.', ['react', 'doctor'].map(layer)) } },
  // ---- lighter set for tests, benches, demo, scripts ----
  {
    files: ['test/**/*.{ts,mts,js,mjs}', 'bench/**/*.{ts,js}', 'demo/**/*.{ts,js,mjs}', 'scripts/**/*.{mjs,ts}', 'packages/**/*.{js,mts}', '*.{ts,mjs}'],
    rules: { '@typescript-eslint/no-explicit-any': 'off', '@typescript-eslint/no-non-null-assertion': 'off', 'no-control-regex': 'off' },
  },
  // Page scripts and worklet processors loaded straight into the browser.
  {
    files: ['demo/page/**/*.js', 'test/browser/fixtures/**/*.js', 'bench/fixtures/**/*.js'],
    languageOptions: {
      globals: { ...globals.browser, AudioWorkletProcessor: 'readonly', registerProcessor: 'readonly', currentFrame: 'readonly', currentTime: 'readonly', sampleRate: 'readonly' },
    },
  },
  // The Artillery engine is CommonJS because Artillery loads engines with require().
  {
    files: ['packages/**/*.js'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
