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
});
