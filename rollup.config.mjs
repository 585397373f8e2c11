// The script-tag bundle: one self-registering IIFE with Lit inside, minified.
// The ESM build for bundlers is tsc's output (dist/*.js), which keeps Lit external.
import resolve from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import esbuild from 'rollup-plugin-esbuild';

const minify = terser({
  ecma: 2022,
  compress: { passes: 2 },
  format: { comments: false },
});

export default [
  {
    input: 'src/define.ts',
    output: {
      file: 'dist/cardkeep.min.js',
      format: 'iife',
      name: 'Cardkeep',
      sourcemap: true,
      plugins: [minify],
    },
    plugins: [
      resolve({ browser: true, exportConditions: ['production', 'browser', 'default'] }),
      esbuild({ target: 'es2022', tsconfig: 'tsconfig.json', minify: false }),
    ],
  },
];
