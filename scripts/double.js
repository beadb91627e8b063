#!/usr/bin/env node
// The contract-double suite: `node scripts/double.js plain|asan|tsan|all [--stress SECONDS] [--seed N] [-- JEST ARGS]`.
// For each variant it builds the Linux addon against the WinHTTP contract double with plain cmake into
// build/double-<variant>/ (plain: g++; asan: clang with AddressSanitizer + UndefinedBehaviorSanitizer; tsan: clang with
// ThreadSanitizer), compiles the TypeScript, then runs jest (scripts/jest.double.config.js) in one Linux node process
// with the sanitizer's runtime preloaded. A variant fails on a failed test, a non-zero exit, or any sanitizer report
// in its output. The stress test runs for --stress seconds (default 5) from --seed (default: random, printed). Arguments
// after `--` go to jest (e.g. `-- -t cancel` or a test file), to run part of the suite.
// Ends with one line "double: N passed, N failed" over the variants run.
'use strict';
const fs = require('fs');
const path = require('path');
const { execFileSync, spawn, spawnSync } = require('child_process');

const ROOT = path.resolve(__dirname, '..');
const SANITIZER_DIR = path.join(ROOT, 'test', 'double', 'native', 'sanitizer');
const REPORT_PATTERNS = ['ERROR: AddressSanitizer', 'runtime error:', 'WARNING: ThreadSanitizer', 'ERROR: LeakSanitizer'];

function usage(message) {
  if (message) console.error(`double: ${message}`);
  console.error('usage: node scripts/double.js plain|asan|tsan|all [--stress SECONDS] [--seed N] [-- JEST ARGS]');
  process.exit(2);
}

function parseArgs(argv) {
  const options = { variants: [], stressSeconds: 5, seed: undefined, jestArgs: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      options.jestArgs = argv.slice(i + 1);
      break;
    } else if (arg === '--stress' || arg === '--seed') {
      const value = Number(argv[++i]);
      if (!Number.isInteger(value) || value < 0) usage(`${arg} needs a whole number`);
      if (arg === '--stress') options.stressSeconds = value;
      else options.seed = value;
    } else if (arg === 'all') {
      options.variants.push('plain', 'asan', 'tsan');
    } else if (['plain', 'asan', 'tsan'].includes(arg)) {
      options.variants.push(arg);
    } else {
      usage(`unknown argument ${arg}`);
    }
  }
  if (options.variants.length === 0) usage();
  if (options.seed === undefined) options.seed = Math.floor(Math.random() * 2 ** 31);
  return options;
}

const clangRuntime = (name) => execFileSync('clang', [`-print-file-name=${name}`], { encoding: 'utf8' }).trim();
const symbolizer = () => execFileSync('clang', ['-print-prog-name=llvm-symbolizer'], { encoding: 'utf8' }).trim();

// Compilers, the CMake sanitizer setting, and the environment jest runs in.
const VARIANTS = {
  plain: () => ({ cc: 'gcc', cxx: 'g++', sanitizer: 'none', env: {} }),
  asan: () => ({
    cc: 'clang',
    cxx: 'clang++',
    sanitizer: 'address',
    env: {
      LD_PRELOAD: clangRuntime('libclang_rt.asan-x86_64.so'),
      ASAN_OPTIONS: 'detect_leaks=1:halt_on_error=1:detect_stack_use_after_return=0',
      LSAN_OPTIONS: `suppressions=${path.join(SANITIZER_DIR, 'lsan_node.supp')}:print_suppressions=0`,
      UBSAN_OPTIONS: 'halt_on_error=1:print_stacktrace=1',
      ASAN_SYMBOLIZER_PATH: symbolizer(),
    },
  }),
  tsan: (buildDir) => ({
    cc: 'clang',
    cxx: 'clang++',
    sanitizer: 'thread',
    env: {
      LD_PRELOAD: `${path.join(buildDir, 'tsan_early_init.so')} ${clangRuntime('libclang_rt.tsan-x86_64.so')}`,
      TSAN_OPTIONS: `halt_on_error=1:second_deadlock_stack=1:suppressions=${path.join(SANITIZER_DIR, 'tsan_node.supp')}:` +
        `print_suppressions=0:external_symbolizer_path=${symbolizerWithoutPreload(buildDir)}`,
    },
  }),
};

// The runtime starts llvm-symbolizer with node's environment, LD_PRELOAD included, and llvm-symbolizer crashes with
// the ThreadSanitizer runtime preloaded: reports would name no function, and no suppression would match. So it gets
// a wrapper that drops LD_PRELOAD (its name must start with llvm-symbolizer for the runtime to accept it).
function symbolizerWithoutPreload(buildDir) {
  const wrapper = path.join(buildDir, 'llvm-symbolizer');
  fs.mkdirSync(buildDir, { recursive: true });
  fs.writeFileSync(wrapper, `#!/bin/sh\nunset LD_PRELOAD\nexec '${symbolizer()}' "$@"\n`);
  fs.chmodSync(wrapper, 0o755);
  return wrapper;
}

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { cwd: ROOT, stdio: 'inherit', ...options });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${result.status ?? result.signal})`);
}

function build(name, buildDir) {
  const variant = VARIANTS[name](buildDir);
  // CC/CXX pick the compilers when the build folder is first configured (each variant has its own folder).
  run('cmake', ['-S', ROOT, '-B', buildDir, '-DWINHTTP_CONTRACT_DOUBLE=ON', `-DWINHTTP_DOUBLE_SANITIZER=${variant.sanitizer}`,
    '-DCMAKE_BUILD_TYPE=', '--log-level=WARNING'],
  { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, CC: variant.cc, CXX: variant.cxx } });
  run('cmake', ['--build', buildDir, '--parallel', '2'], { stdio: ['ignore', 'ignore', 'inherit'] });
  return variant;
}

// Runs jest, echoing and keeping its output; resolves with the exit code and the output.
function runJest(variant, buildDir, options) {
  const reportFile = path.join(buildDir, 'jest-report.json');
  fs.rmSync(reportFile, { force: true });
  const env = {
    ...process.env,
    ...variant.env,
    WINHTTP_NATIVE_PATH: path.join(buildDir, 'winhttp.node'),
    DOUBLE_STRESS_SECONDS: String(options.stressSeconds),
    DOUBLE_SEED: String(options.seed),
  };
  const args = ['--expose-gc', 'node_modules/jest/bin/jest.js', '--config', 'scripts/jest.double.config.js', '--runInBand',
    '--json', `--outputFile=${reportFile}`, ...options.jestArgs];
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const keep = (stream, sink) => stream.on('data', (data) => {
      output += data;
      sink.write(data);
    });
    keep(child.stdout, process.stdout);
    keep(child.stderr, process.stderr);
    child.on('close', (code, signal) => {
      const report = fs.existsSync(reportFile) ? JSON.parse(fs.readFileSync(reportFile, 'utf8')) : undefined;
      resolve({ code: code ?? 128, signal, output, report });
    });
  });
}

const LSAN_TRACER_FAILED = 'LeakSanitizer has encountered a fatal error';

async function main() {
  const options = parseArgs(process.argv.slice(2));
  console.log(`double: seed ${options.seed}, stress ${options.stressSeconds} s (rerun with --seed ${options.seed})`);
  run(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.json']);
  const totals = { passed: 0, failed: 0 };
  for (const name of options.variants) {
    const started = Date.now();
    const buildDir = path.join(ROOT, 'build', `double-${name}`);
    const variant = build(name, buildDir);
    const built = Date.now();
    let { code, signal, output, report } = await runJest(variant, buildDir, options);
    // LeakSanitizer's tracer can crash at exit ("Tracer caught signal 11 ... has encountered a fatal error"): then the
    // leak check did not run at all, so the variant runs once more rather than pass or fail without one.
    if (output.includes(LSAN_TRACER_FAILED) && report?.numFailedTests === 0) {
      console.log(`double: ${name}: LeakSanitizer's tracer failed at exit, so no leak check ran: running ${name} again`);
      ({ code, signal, output, report } = await runJest(variant, buildDir, options));
    }
    const reports = REPORT_PATTERNS.filter((pattern) => output.includes(pattern));
    const passed = report?.numPassedTests ?? 0;
    const failed = (report?.numFailedTests ?? 0) + (report?.numRuntimeErrorTestSuites ?? 0);
    const ok = code === 0 && reports.length === 0 && report !== undefined && failed === 0;
    totals.passed += passed;
    totals.failed += ok ? failed : Math.max(failed, 1);
    const seconds = (ms) => (ms / 1000).toFixed(0);
    console.log(`double: ${name}: ${ok ? 'ok' : 'FAILED'} (${passed} passed, ${failed} failed; exit ${signal ?? code}` +
      `${reports.length > 0 ? `; sanitizer reports: ${reports.join(', ')}` : ''}); build ${seconds(built - started)} s, ` +
      `tests ${seconds(Date.now() - built)} s`);
  }
  console.log(`double: ${totals.passed} passed, ${totals.failed} failed`);
  process.exitCode = totals.failed > 0 ? 1 : 0;
}

main().catch((error) => {
  console.error(`double: ${error.message}`);
  process.exitCode = 1;
});
