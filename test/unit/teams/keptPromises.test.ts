import assert from 'node:assert/strict';
import { KeptPromises } from '../../../src/teams/keptPromises';

describe('Clients kept from turn to turn (KeptPromises)', () => {
  it('makes a thing once per key, drops the oldest beyond the bound, and makes again one whose making failed', async () => {
    const kept = new KeptPromises<string>(2);
    let made = 0;
    const make = (value: string) => () => {
      made++;
      return Promise.resolve(value);
    };
    assert.equal(await kept.get('a', make('A')), 'A');
    assert.equal(await kept.get('a', make('A again')), 'A', 'the kept one is reused');
    await kept.get('b', make('B'));
    await kept.get('c', make('C'));
    assert.equal(await kept.get('a', make('A made anew')), 'A made anew', 'the oldest was dropped to keep two');
    assert.equal(made, 4);

    await assert.rejects(kept.get('d', () => Promise.reject(new Error('no credentials'))));
    assert.equal(await kept.get('d', make('D')), 'D', 'a failed making is not kept');
  });
});
