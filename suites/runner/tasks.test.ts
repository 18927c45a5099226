import assert from 'node:assert/strict';
import { TaskStack } from './tasks.js';

describe('TaskStack', () => {
  it('undoes in reverse, keeps going past a failing step and reports it', async () => {
    const stack = new TaskStack();
    const order: string[] = [];
    stack.defer('a', async () => void order.push('a'));
    stack.defer('b', async () => {
      order.push('b');
      throw new Error('b broke');
    });
    stack.defer('c', async () => void order.push('c'));
    const failures = await stack.unwind();
    assert.deepEqual(order, ['c', 'b', 'a']);
    assert.equal(failures.length, 1);
    assert.equal(failures[0]!.title, 'b');
    assert.deepEqual(await stack.unwind(), failures, 'a second unwind returns the first result');
  });

  it('runs an early undo once and forgets it', async () => {
    const stack = new TaskStack();
    let runs = 0;
    const undo = stack.defer('x', async () => void runs++);
    await undo();
    await undo();
    await stack.unwind();
    assert.equal(runs, 1);
  });

  it('hurry reaches the step that is running and every step after it, and skips none', async () => {
    const stack = new TaskStack();
    const seen: [string, boolean][] = [];
    stack.defer('last', async (hurry) => void seen.push(['last', hurry.aborted]));
    stack.defer('slow', async (hurry) => {
      seen.push(['slow', hurry.aborted]);
      // Waits for the hurry itself: without it this step never ends and the test times out.
      await new Promise((resolve) => hurry.addEventListener('abort', resolve, { once: true }));
    });
    const unwinding = stack.unwind();
    stack.hurry();
    await unwinding;
    assert.deepEqual(seen, [
      ['slow', false],
      ['last', true],
    ]);
  });
});
