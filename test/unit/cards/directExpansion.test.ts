import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import * as ACData from 'adaptivecards-templating';
import { compileTemplate } from '../../../src/cards/compiledTemplate';
import { CardRenderError, crossCheckExpansions, renderCard, template } from '../../../src/cards/render';
import { PROJECT_ROOT } from '../../support/demoWorld';

// At the root of the suite: every card any test of this run renders in this process is expanded both
// directly and by adaptivecards-templating, and a difference fails that test.
before(() => crossCheckExpansions(true));
after(() => crossCheckExpansions(false));

function byEngine(json: object, data: unknown): unknown {
  return new ACData.Template(structuredClone(json)).expand({ $root: data });
}

const FEATURES = {
  type: 'AdaptiveCard',
  version: '1.5',
  body: [
    { type: 'TextBlock', text: 'Fixed text' },
    { type: 'TextBlock', text: '${title}', size: 'Large' },
    { type: 'TextBlock', text: 'You have ${count} of ${$root.limit}, ok: ${ok}' },
    { $data: '${rows}', type: 'Container', items: [{ type: 'TextBlock', text: '${name}: ${$data.value} (${$root.title})' }, { $when: "${note != ''}", type: 'TextBlock', text: '${note}' }] },
    { type: 'FactSet', facts: [{ $data: '${facts}', title: '${title}', value: '${value}' }] },
    { $data: '${tags}', type: 'TextBlock', text: '- ${$data}' },
    { $when: '${count(rows) > 0 && !hidden}', type: 'TextBlock', text: 'rows' },
    { $when: '${hidden || count(tags) >= 2}', type: 'TextBlock', text: 'tags' },
    { $when: '${page >= 0}', type: 'TextBlock', text: 'page ${page}' },
    { type: 'Input.ChoiceSet', id: 'pick', choices: '${choices}', value: '${choice}', isMultiSelect: false },
    { $data: '${single}', type: 'TextBlock', text: 'single ${name}' },
  ],
  actions: [{ type: 'Action.Execute', title: 'Go', verb: 'go', data: { id: '${id}', count: '${count}' }, selectAction: { $when: '${hidden}', type: 'Action.Submit' } }],
};

const DATA = [
  { title: 'Billing', count: 3, limit: 10, ok: true, rows: [{ name: 'a', value: 'x', note: '' }, { name: 'b', value: 'y', note: 'see this' }], facts: [{ title: 't', value: 'v' }], tags: ['one', 'two'], hidden: false, page: 0, choices: [{ title: 'A', value: 'a' }], choice: 'a', single: { name: 'only' }, id: 'id-1' },
  { title: 'Empty', count: 0, limit: 1.5, ok: false, rows: [], facts: [], tags: [], hidden: true, page: -1, choices: [], choice: '', single: { name: 'x' }, id: '' },
  { title: 'One', count: 1, limit: 2, ok: true, rows: [{ name: 'c', value: 'z', note: 'n' }], facts: [{ title: 'a', value: 'b' }, { title: 'c', value: 'd' }], tags: ['t'], hidden: false, page: 4, choices: [{ title: 'B', value: 'b' }, { title: 'C', value: 'c' }], choice: 'c', single: [{ name: 'p' }, { name: 'q' }], id: 'id-2' },
];

describe('Cards expanded directly', () => {
  it('every template in cards/ is expanded directly', () => {
    const folder = path.join(PROJECT_ROOT, 'cards');
    for (const file of readdirSync(folder).filter((f) => f.endsWith('.json'))) {
      assert.ok(compileTemplate(JSON.parse(readFileSync(path.join(folder, file), 'utf8')) as unknown), `${file} should compile`);
    }
  });

  it('gives what adaptivecards-templating gives: lists, conditions, counts, values inside text and values kept as they are', () => {
    const compiled = compileTemplate(FEATURES);
    assert.ok(compiled);
    for (const data of DATA) assert.deepEqual(compiled.expand(data), byEngine(FEATURES, data));
  });

  it('leaves to adaptivecards-templating what it handles in its own way: a missing value, a count of no list, a condition not a boolean', () => {
    const compiled = compileTemplate(FEATURES);
    assert.ok(compiled);
    const [first] = DATA;
    assert.ok(first);
    for (const changed of [{ title: undefined }, { tags: 'not a list' }, { hidden: 'yes' }, { rows: [{ name: 'a', value: null, note: '' }] }]) {
      assert.equal(compiled.expand({ ...first, ...changed }), undefined, JSON.stringify(changed));
    }
    for (const unsupported of ['${concat(a, b)}', '${a[0]}', '${$index}', 'a `quoted` ${b}']) {
      assert.equal(compileTemplate({ type: 'AdaptiveCard', body: [{ type: 'TextBlock', text: unsupported }] }), undefined, unsupported);
    }
  });

  it('still fails loudly when a card\'s data lacks a field, naming it', () => {
    const card = template<{ readonly present: string }>('test', { type: 'AdaptiveCard', body: [{ type: 'TextBlock', text: '${present} and ${missing}' }] });
    assert.throws(() => renderCard(card, { present: 'here' }), (error: unknown) => error instanceof CardRenderError && error.message.includes('${missing}'));
  });
});
