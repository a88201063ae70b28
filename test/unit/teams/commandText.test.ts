import assert from 'node:assert/strict';
import fc from 'fast-check';
import { commandText } from '../../../src/teams/commandText';
import { COMMANDS } from '../../../src/teams/commands';

describe('Reducing a message to the words a command is matched against', () => {
  const cases: { raw: string; words: string }[] = [
    { raw: '<at>DevOps Billing</at>&nbsp;set up billing', words: 'set up billing' },
    { raw: '<p>status</p>', words: 'status' },
    { raw: 'help!?.', words: 'help' },
    { raw: '\u0000help\u0007', words: 'help' },
    { raw: 'pay\u001b[31mme', words: 'pay [31mme' },
    { raw: '<<<<help', words: '<<<<help' },
    { raw: '!!!', words: '' },
  ];
  for (const { raw, words } of cases) {
    it(`reads ${JSON.stringify(raw)} as ${JSON.stringify(words)}`, () => {
      assert.equal(commandText(raw), words);
    });
  }

  it('gives back no control characters and no outer spaces, whatever it is given', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (raw) => {
        const words = commandText(raw);
        // eslint-disable-next-line no-control-regex -- matching control characters is the point
        assert.doesNotMatch(words, /[\u0000-\u001f\u007f-\u009f]/);
        assert.equal(words, words.trim());
      }),
      { numRuns: 500 },
    );
  });

  it('still recognises every command inside a mention, markup, odd spacing and trailing punctuation', () => {
    const spacing = fc.constantFrom(' ', '\u00a0', '&nbsp;', '\t', '\n', '\u0000');
    const punctuation = fc.stringMatching(/^[.!?]{0,4}$/);
    const command = fc.constantFrom(...COMMANDS.map((c) => c.name));
    fc.assert(
      fc.property(command, spacing, spacing, punctuation, fc.boolean(), (name, before, after, end, mention) => {
        const typed = `${mention ? '<at>DevOps Billing</at>' : ''}${before}<p>${name.toUpperCase()}</p>${end}${after}`;
        const matched = COMMANDS.filter((c) => c.pattern.test(commandText(typed))).map((c) => c.name);
        assert.deepEqual(matched, [name], `${JSON.stringify(typed)} matched ${JSON.stringify(matched)}`);
      }),
      { numRuns: 300 },
    );
  });
});
