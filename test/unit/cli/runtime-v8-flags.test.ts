import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { applyRuntimeV8Flags, heapGrowthFlag, turbofanThresholdFlag } from '../../../src/cli/runtime-v8-flags.ts';

const moduleUrl = new URL('../../../src/cli/runtime-v8-flags.ts', import.meta.url).href;

function runChild(script: string, nodeFlags: readonly string[] = []): string {
  return execFileSync(
    process.execPath,
    ['--max-semi-space-size=4', ...nodeFlags, '--input-type=module', '-e', script],
    {
      encoding: 'utf8',
    },
  );
}

/**
 * How many times TurboFan compiled a small function called 2,000 times, as the launchers run Node
 * (`--no-maglev`), with `applyRuntimeV8Flags(execArgv)` run first or not. The calls are spread over
 * event-loop turns, so no caller loop runs long enough to be compiled itself with the function inlined.
 */
function turbofanCompiles(execArgv: readonly string[] | undefined): number {
  const output = runChild(
    `
    import { applyRuntimeV8Flags } from ${JSON.stringify(moduleUrl)};
    ${execArgv === undefined ? '' : `applyRuntimeV8Flags(${JSON.stringify(execArgv)});`}
    function hot(x) { return (x * 3) % 7; }
    let calls = 0;
    let total = 0;
    function batch() {
      for (let i = 0; i < 50; i++) total += hot(calls++);
      if (calls < 2000) setImmediate(batch);
      else console.log(total);
    }
    batch();
  `,
    ['--no-maglev', '--trace-opt'],
  );
  return output.split('\n').filter((line) => /JSFunction hot\b.*TURBOFAN/.test(line)).length;
}

describe('applyRuntimeV8Flags', () => {
  it('sets the heap growth and TurboFan threshold flags', () => {
    const set: string[] = [];
    const applied = applyRuntimeV8Flags(['--max-semi-space-size=4', '--no-maglev'], (flags) => set.push(flags));
    assert.deepEqual(set, [heapGrowthFlag, turbofanThresholdFlag]);
    assert.deepEqual(applied, set);
  });

  it('leaves a setting given on the command line alone, in either spelling', () => {
    const set: string[] = [];
    const record = (flags: string): void => {
      set.push(flags);
    };
    assert.deepEqual(applyRuntimeV8Flags(['--heap-growing-percent=80'], record), [turbofanThresholdFlag]);
    assert.deepEqual(applyRuntimeV8Flags(['--max-semi-space-size=4', '--heap_growing_percent=80'], record), [
      turbofanThresholdFlag,
    ]);
    assert.deepEqual(applyRuntimeV8Flags(['--invocation_count_for_turbofan=3000'], record), [heapGrowthFlag]);
    assert.deepEqual(
      applyRuntimeV8Flags(['--invocation-count-for-turbofan=500', '--heap-growing-percent=80'], record),
      [],
    );
    assert.deepEqual(set, [turbofanThresholdFlag, turbofanThresholdFlag, heapGrowthFlag]);
  });

  it('has TurboFan take a function called 2,000 times, which V8 alone leaves in the baseline tier', () => {
    assert.equal(turbofanCompiles(undefined), 0);
    assert.ok(turbofanCompiles([]) > 0);
    // A threshold of the caller's own wins.
    assert.equal(turbofanCompiles(['--invocation-count-for-turbofan=3000']), 0);
  });
});
