import assert from 'node:assert/strict';
import { meterOf } from '../../../src/billing/meters';
import { readQuantities, readQuantity } from '../../../src/billing/quantityInput';

describe('reading typed quantities', () => {
  const users = meterOf('basicUsers');
  const jobs = meterOf('microsoftHostedJobs');
  const storage = meterOf('artifactsGiB');

  const accepted: { raw: unknown; meter?: typeof users; value: number }[] = [
    { raw: 0, value: 0 },
    { raw: 7, value: 7 },
    { raw: '7', value: 7 },
    { raw: ' 12 ', value: 12 },
    { raw: '007', value: 7 },
    { raw: '3.0', value: 3 },
    { raw: -0, value: 0 },
    { raw: 1000, value: 1000 },
    { raw: '200', meter: jobs, value: 200 },
    { raw: 10_000, meter: storage, value: 10_000 },
  ];
  for (const { raw, meter = users, value } of accepted) {
    it(`accepts ${JSON.stringify(raw)} for ${meter.name} as ${value}`, () => {
      const reading = readQuantity(meter, raw);
      assert.deepEqual(reading, { ok: true, value });
      assert.ok(!Object.is(reading.ok && reading.value, -0));
    });
  }

  const refused: { raw: unknown; meter?: typeof users; says: RegExp }[] = [
    { raw: undefined, says: /^Basic users: nothing was entered; enter 0 to pay for none\. Enter a whole number from 0 to 1,000\.$/ },
    { raw: null, says: /nothing was entered/ },
    { raw: '', says: /nothing was entered/ },
    { raw: '   ', says: /nothing was entered/ },
    { raw: '-1', says: /^Basic users: "-1" is negative\./ },
    { raw: -1, says: /^Basic users: -1 is negative\./ },
    { raw: '- 3', says: /negative/ },
    { raw: '2.5', says: /"2\.5" is not a whole number/ },
    { raw: 2.5, says: /2\.5 is not a whole number/ },
    { raw: '1e3', says: /"1e3" is not written in plain digits/ },
    { raw: '0x10', says: /not written in plain digits/ },
    { raw: '+5', says: /not written in plain digits/ },
    { raw: '1,000', says: /"1,000" is not a number/ },
    { raw: 'ten', says: /"ten" is not a number/ },
    { raw: 'Infinity', says: /not written in plain digits|not a number/ },
    { raw: '1001', says: /"1001" is more than 1,000, the most this bot buys/ },
    { raw: '99999999999999999999999999', says: /is more than 1,000/ },
    { raw: 1e21, says: /is more than 1,000/ },
    { raw: 201, meter: jobs, says: /^Microsoft-hosted parallel jobs: 201 is more than 200.*from 0 to 200\.$/ },
    { raw: 10_001, meter: storage, says: /^Artifacts storage \(GiB\): 10001 is more than 10,000/ },
    { raw: true, says: /that is not a number/ },
    { raw: { $gt: 0 }, says: /that is not a number/ },
    { raw: [3], says: /that is not a number/ },
  ];
  for (const { raw, meter = users, says } of refused) {
    it(`refuses ${JSON.stringify(raw) ?? 'a missing value'} for ${meter.name}, saying what to enter`, () => {
      const reading = readQuantity(meter, raw);
      assert.equal(reading.ok, false);
      if (!reading.ok) {
        assert.match(reading.message, says);
        assert.match(reading.message, /Enter a whole number from 0 to [\d,]+\.$/);
      }
    });
  }

  it('reads the parallel jobs and the Artifacts switch, or none: every bad one is named and the good ones are kept for the card', () => {
    const all = readQuantities({ microsoftHostedJobs: '2', selfHostedJobs: 1, artifactsLimit: 'payAsYouGo' });
    assert.deepEqual(all.quantities, { basicUsers: 0, basicTestPlansUsers: 0, microsoftHostedJobs: 2, selfHostedJobs: 1, artifactsGiB: 0 });
    assert.equal(all.artifactsLimit, 'payAsYouGo');
    assert.deepEqual(all.problems, []);

    const some = readQuantities({ microsoftHostedJobs: '2.5', selfHostedJobs: 1, artifactsLimit: 'unlimited', flowId: 'x' });
    assert.equal(some.quantities, undefined);
    assert.deepEqual(some.valid, { selfHostedJobs: 1 });
    assert.equal(some.problems.length, 2);
    assert.match(some.problems.join('\n'), /Microsoft-hosted parallel jobs: "2\.5"[\s\S]*Artifacts storage: choose "Free tier only" or "Pay for what you use"/);
  });

  it('no longer reads user seats or Artifacts GiB: they are not bought', () => {
    const reading = readQuantities({ basicUsers: '10', basicTestPlansUsers: '3', artifactsGiB: '8', microsoftHostedJobs: 0, selfHostedJobs: 0, artifactsLimit: 'free' });
    assert.deepEqual(reading.quantities, { basicUsers: 0, basicTestPlansUsers: 0, microsoftHostedJobs: 0, selfHostedJobs: 0, artifactsGiB: 0 });
  });
});
