import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { backend } from './helpers/models.js';

const run = promisify(execFile);

async function example(name: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run('npx', ['tsx', `examples/${name}.ts`, ...args], { timeout: 150_000 });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

// The examples pick their own backend (the fastest that loads), so they run once, in the wasm project.
describe.skipIf(backend() !== 'wasm')('examples, as the README shows them', { timeout: 180_000 }, () => {
  it('the demo trains on real digits and prints a healthy per-layer report', async () => {
    const { code, stdout, stderr } = await example('mnist');
    expect(code, `${stdout}\n${stderr}`).toBe(0);
    expect(stdout).toMatch(/^backend: (tensorflow|wasm|cpu)$/m);
    expect(stdout).toMatch(/accuracy on 2000 held-out digits: (8\d|9\d)\.\d%/);
    expect(stdout).toMatch(/status: healthy/);
    expect(stdout).toMatch(/^hidden1 +Dense/m);
    expect(stdout).toMatch(/findings:\n {2}none/);
    expect(stdout).toMatch(/^HTML report: .*mnist-report\.html$/m);
  });

  it('the diverging run exits non-zero with one line naming epoch, batch, layer and weight', async () => {
    const { code, stdout, stderr } = await example('diverging');
    expect(code, `${stdout}\n${stderr}`).toBe(1);
    const lines = stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^first NaN\/Infinity at epoch \d+, batch \d+ \(step \d+\): .*layer \w+, weight \w+\/\w+/);
  });

  it('the custom loop trains plain variables under watch, and fails at the step of a bad gradient', async () => {
    const healthy = await example('custom-loop');
    expect(healthy.code, `${healthy.stdout}\n${healthy.stderr}`).toBe(0);
    expect(healthy.stdout).toMatch(/accuracy on the training digits: (8\d|9\d)\.\d%/);
    expect(healthy.stdout).toMatch(/status: healthy \(3 epoch\(s\), 120 step\(s\), 120 check\(s\)/);
    expect(healthy.stdout).toMatch(/^hidden +Variable/m);
    const poisoned = await example('custom-loop', '--poison', '40');
    expect(poisoned.code).toBe(1);
    expect(poisoned.stderr.trim()).toBe(
      "Training became numerically unstable at epoch 1, batch 0 (step 40): first non-finite value: the gradient of 'logits/bias' has 0 NaN and 10 Infinity among 10 values",
    );
  });

  it('the dead-ReLU example names the dead layer and no other', async () => {
    const { code, stdout, stderr } = await example('dead-relu');
    expect(code, `${stdout}\n${stderr}`).toBe(0);
    expect(stdout).toMatch(/dead layers: hidden2$/m);
  });

  it('the parity example names exactly the feature with the unit bug, and the affected examples', async () => {
    const { code, stdout, stderr } = await example('parity');
    expect(code, `${stdout}\n${stderr}`).toBe(0);
    expect(stdout).toMatch(/^features with skew: 1 \(petal_length_cm: 5 example\(s\)\)$/m);
    expect(stdout).toMatch(/^petal_length_cm: id iris-3: training 1\.5, serving 15; id iris-13/m);
    expect(stdout).toMatch(/INVARIANT field petalLengthCm is broken by 6\.67% of served examples/);
  });

  it('the quality example: a period like training has no finding; petal width in mm and fewer setosa drift, and the android slice regresses', async () => {
    const { code, stdout, stderr } = await example('quality');
    expect(code, `${stdout}\n${stderr}`).toBe(0);
    const [a, b] = stdout.split('== period B');
    expect(a).toMatch(/== period A: like training ==[\s\S]*\nfindings: none\n/);
    expect(b).toMatch(/^ {2}DRIFT input drift in petal_width_cm \(.*\): Jensen-Shannon 0\.\d+ > threshold 0\.02, beyond noise/m);
    expect(b).toMatch(/^ {2}DRIFT output drift of version v1 \(.*\): L-infinity 0\.\d+ \(virginica\) > threshold 0\.05/m);
    expect(b).toMatch(/^ {2}REGRESSION quality regression of version v1 on slice client=android \(.*\): accuracy 0\.\d+ against 0\.9\d+ on validation/m);
    expect(b).not.toMatch(/slice client=(web|ios)/);
    // Petal width, whose unit changed, drifts most.
    const js = [...b!.matchAll(/^(\w+_cm) +Jensen-Shannon +([\d.e-]+)/gm)].map((m) => [m[1], Number(m[2])] as const).sort((x, y) => y[1] - x[1]);
    expect(js[0]![0]).toBe('petal_width_cm');
    expect(stdout).toMatch(/^period A: 0 finding\(s\); period B: \d+ finding\(s\)$/m);
  });
});
