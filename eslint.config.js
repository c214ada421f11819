// ESLint 9 flat config: typescript-eslint (strict, type-checked) and the layer table of DESIGN §1,
// enforced by eslint-plugin-boundaries so an upward import fails `npm run lint`.
import boundaries from 'eslint-plugin-boundaries'
import tseslint from 'typescript-eslint'

/** DESIGN §1: each layer and the layers it may import. Arrows point down only. */
export const LAYERS = {
  core: [],
  providers: ['core'],
  bus: ['core'],
  plugins: ['providers', 'core'],
  store: ['core'],
  sem: ['bus', 'core'],
  engine: ['plugins', 'providers', 'bus', 'store', 'core'],
  conversation: ['engine', 'sem', 'plugins', 'providers', 'bus', 'store', 'core'],
  fixtures: ['conversation', 'engine', 'sem', 'plugins', 'providers', 'bus', 'store', 'core'],
  webchat: ['fixtures', 'conversation', 'engine', 'sem', 'plugins', 'providers', 'bus', 'store', 'core'],
  cli: ['webchat', 'fixtures', 'conversation', 'engine', 'sem', 'plugins', 'providers', 'bus', 'store', 'core'],
  commands: ['cli', 'webchat', 'fixtures', 'conversation', 'engine', 'sem', 'plugins', 'providers', 'bus', 'store', 'core'],
  testing: ['webchat', 'fixtures', 'conversation', 'engine', 'sem', 'plugins', 'providers', 'bus', 'store', 'core'],
  entry: ['testing', 'webchat', 'fixtures', 'conversation', 'engine', 'sem', 'plugins', 'providers', 'bus', 'store', 'core'],
}

export default tseslint.config(
  {ignores: ['dist/**', 'node_modules/**', 'web/vendor/**', 'coverage/**', '**/*.js', '**/*.mjs']},
  {
    files: ['src/**/*.ts'],
    extends: [...tseslint.configs.strictTypeChecked],
    languageOptions: {
      parserOptions: {
        // The probe files of test/lint/boundaries.test.ts are linted as text, never written to src/.
        projectService: {allowDefaultProject: ['src/*/__layer_probe__.ts']},
        tsconfigRootDir: import.meta.dirname,
      },
    },
    plugins: {boundaries},
    settings: {
      'boundaries/include': ['src/**/*.ts'],
      'boundaries/elements': [
        {type: 'entry', pattern: 'src/index.ts', mode: 'file'},
        ...Object.keys(LAYERS)
          .filter((layer) => layer !== 'entry')
          .map((layer) => ({type: layer, pattern: `src/${layer}`, mode: 'folder'})),
      ],
      'import/resolver': {typescript: {alwaysTryTypes: true}, node: {extensions: ['.ts', '.js']}},
    },
    rules: {
      'boundaries/element-types': [
        'error',
        {
          default: 'disallow',
          message: '${file.type} must not import ${dependency.type} (DESIGN §1: arrows point down only)',
          rules: Object.entries(LAYERS).map(([from, allow]) => ({from, allow: [from, ...allow]})),
        },
      ],
      'boundaries/no-unknown': 'error',
      // Style-only rules of the strict set that fight idioms this codebase uses on purpose: arrow
      // shorthands that return a listener call, and `!` after a bounds check the compiler cannot see.
      '@typescript-eslint/no-confusing-void-expression': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
      // Interface implementations (Bus, SnapshotStore, ToolExecutor) are async without awaiting.
      '@typescript-eslint/require-await': 'off',
      // False positives on state that changes across an await (closed flags) and on defensive checks of
      // values that come from outside (plugins, JSON) typed by their schema.
      '@typescript-eslint/no-unnecessary-condition': 'off',
      '@typescript-eslint/restrict-template-expressions': ['error', {allowNumber: true, allowBoolean: true}],
      '@typescript-eslint/no-unused-vars': ['error', {argsIgnorePattern: '^_', varsIgnorePattern: '^_'}],
    },
  },
)
