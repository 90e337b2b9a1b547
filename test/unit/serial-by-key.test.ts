import { SerialByKey } from '../../src/app/serial-by-key';

describe('SerialByKey', () => {
  it('runs work of one key one at a time in order, keys independently, and forgets a key once idle', async () => {
    const queue = new SerialByKey();
    const order: string[] = [];
    let releaseFirst: () => void = () => undefined;
    const first = queue.run(
      'a',
      () =>
        new Promise<void>(
          (r) =>
            (releaseFirst = () => {
              order.push('a1');
              r();
            }),
        ),
    );
    const second = queue.run('a', async () => {
      order.push('a2');
    });
    const other = queue.run('b', async () => {
      order.push('b1');
    });
    await other;
    expect(order).toEqual(['b1']); // b did not wait for a; a2 waits for a1
    releaseFirst();
    await Promise.all([first, second]);
    expect(order).toEqual(['b1', 'a1', 'a2']);
    await new Promise((r) => setImmediate(r));
    expect(queue.size).toBe(0);
  });

  it('a failure is returned to its caller and does not stop the next piece of work', async () => {
    const queue = new SerialByKey();
    const failed = queue.run('a', async () => {
      throw new Error('card edit refused');
    });
    const next = queue.run('a', async () => undefined);
    await expect(failed).rejects.toThrow('card edit refused');
    await expect(next).resolves.toBeUndefined();
    await new Promise((r) => setImmediate(r));
    expect(queue.size).toBe(0);
  });
});
