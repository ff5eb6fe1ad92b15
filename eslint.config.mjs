import js from '@eslint/js'
import tseslint from 'typescript-eslint'

export default tseslint.config(
  { ignores: ['dist/**', 'build/**', 'node_modules/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    // Plain CommonJS modules (workload examples and fixtures, loaded with --workload).
    files: ['**/*.js'],
    languageOptions: { sourceType: 'commonjs', globals: { require: 'readonly', module: 'writable', Buffer: 'readonly', setTimeout: 'readonly' } }
  },
  {
    // Standalone reproductions of upstream bugs: plain Node scripts, to run (and send) as they are.
    files: ['test/upstream-bugs/**/*.js'],
    languageOptions: { globals: { __dirname: 'readonly', console: 'readonly', process: 'readonly', setImmediate: 'readonly' } }
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-require-imports': 'off'
    }
  },
  {
    // The report's page script brings DOM types into the program; only it may use the DOM.
    files: ['src/**/*.ts'],
    ignores: ['src/sim/report/page/**'],
    rules: {
      'no-restricted-globals': ['error', 'window', 'document', 'navigator', 'location', 'HTMLElement', 'requestAnimationFrame'],
      // Shipped declarations keep the import: a default import of hypercore (an `export =`
      // module) breaks TypeScript users without esModuleInterop (TS1259).
      'no-restricted-syntax': ['error', {
        selector: "ImportDeclaration[source.value='hypercore'] > ImportDefaultSpecifier",
        message: "import hypercore with `import Hypercore = require('hypercore')` (or `import type Hypercore = require(...)`): a default import breaks consumers without esModuleInterop"
      }]
    }
  }
)
