import assert from 'node:assert/strict';
import { notAllowedMs, type LoggedRequest } from '../../../bench/lib/retryAfterWaits';

describe('The time a fan-out was not allowed to send', () => {
  const request = (at: number, key: string, refused = false): LoggedRequest => ({ at, key, refused });

  it('counts, after the last new conversation, the time every conversation still owed a message waited out its Retry-After', () => {
    const log = [
      request(0, 'a'),
      request(100, 'b', true), // b may come back at 1,100
      request(200, 'c', true), // c at 1,200; c is the last new contact
      request(1150, 'b'), // b free since 1,100: 200 → 1,100 could not send (900 ms), 1,100 → 1,150 was the sender's
      request(1400, 'c'), // c free since 1,200: 1,150 → 1,200 not allowed (50 ms)
    ];
    assert.equal(notAllowedMs(log, 200, 1000), 950);
  });

  it('counts nothing while a first message is still to be sent, or when nothing was refused', () => {
    assert.equal(notAllowedMs([request(0, 'a', true), request(500, 'b'), request(1200, 'a')], 500, 1000), 500, 'only from b, the last new contact, to when a is free');
    assert.equal(notAllowedMs([request(0, 'a'), request(20, 'b'), request(40, 'c')], 40, 1000), 0);
  });
});
