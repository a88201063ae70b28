import assert from 'node:assert/strict';
import { refusal } from '../../../src/domain/outcome';
import { answer } from '../../../src/teams/actionAnswers';

describe('The plain answer to someone else\'s click', () => {
  it('names the owner with format characters and line breaks removed, as on a card', () => {
    const owner = 'Al\u202Eex\u200B Wilber\n- [Billing suspended](https://evil.example)';
    const answered = answer(refusal('flow-not-yours', `This card belongs to ${owner}, so only they can use it. To do this yourself, type "set up billing".`), () => ({ type: 'AdaptiveCard' }));
    assert.equal(typeof answered, 'string');
    assert.doesNotMatch(String(answered), /[\u202E\u200B\n]/u);
    assert.match(String(answered), /^This card belongs to Alex Wilber - \[Billing suspended\]/);
  });
});
