import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { compileTemplate } from '../../../src/cards/compiledTemplate';
import { byEngine, CardRenderError, crossCheckExpansions, renderCard, template } from '../../../src/cards/render';
import { PROJECT_ROOT } from '../../support/demoWorld';

// At the root of the suite: every card any test of this run renders in this process is expanded both
// directly and by adaptivecards-templating, and a difference fails that test.
before(() => crossCheckExpansions(true));
after(() => crossCheckExpansions(false));

/** What adaptivecards-templating makes of the template, its data's text made safe afterwards: what the direct expansion must give. */
function engineExpansion(json: object, data: object): unknown {
  return byEngine(template<object>('features', json), data);
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
    { type: 'TextBlock', text: '${count}. ${title}\n- ${title} and ${title}\r${title}' },
    { type: 'RichTextBlock', inlines: [{ type: 'TextRun', text: '${title}' }] },
    { type: 'Input.Text', id: 'typed', label: 'Name ${title}', value: '${title}', placeholder: '${id}' },
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
    for (const data of DATA) assert.deepEqual(compiled.expand(data), engineExpansion(FEATURES, data));
  });

  it('makes the data\'s text safe as the engine\'s expansion does afterwards, field by field', () => {
    const compiled = compileTemplate(FEATURES);
    assert.ok(compiled);
    const [first] = DATA;
    assert.ok(first);
    const hostile = ['**bold** [link](https://x.example) <b>', '- item', '1. item', '# head', 'a\nb\r\n- c', '${title} and $' + '{x}', '\uFDD0marked\uFDD1', 'tab\there \u202Eevil', 'snake_case_name', 'x'.repeat(1200), ''];
    for (const text of hostile) {
      const data = {
        ...first,
        title: text || 'empty',
        id: text,
        rows: [{ name: text, value: text, note: text }],
        facts: [{ title: text, value: text }],
        tags: [text || 'none', text || 'none'],
        choices: [{ title: text, value: text }],
        choice: text,
        single: { name: text },
      };
      const expanded = compiled.expand(data);
      assert.notEqual(expanded, undefined, JSON.stringify(text));
      assert.deepEqual(expanded, engineExpansion(FEATURES, data), JSON.stringify(text));
    }
  });

  it('makes text safe in values the data gives whole: elements, facts and action data', () => {
    const json = { type: 'AdaptiveCard', body: [{ type: 'FactSet', facts: '${facts}' }, { type: 'Container', items: '${items}' }], actions: '${actions}' };
    const compiled = compileTemplate(json);
    assert.ok(compiled);
    const text = '*one* - [two](three) ${four}';
    const data = {
      facts: [{ title: text, value: text, extra: text }],
      items: [{ type: 'TextBlock', text, id: text }, { type: 'FactSet', facts: [{ title: text, value: text }] }, { type: 'TextRun', text }],
      actions: [{ type: 'Action.Execute', title: text, verb: text, data: { text, nested: [{ text, type: 'TextBlock' }] } }],
    };
    assert.deepEqual(compiled.expand(data), engineExpansion(json, data));
  });

  it('leaves to adaptivecards-templating what it handles in its own way: a missing value, a count of no list, a condition not a boolean', () => {
    const compiled = compileTemplate(FEATURES);
    assert.ok(compiled);
    const [first] = DATA;
    assert.ok(first);
    for (const changed of [{ title: undefined }, { tags: 'not a list' }, { hidden: 'yes' }, { rows: [{ name: 'a', value: null, note: '' }] }]) {
      assert.equal(compiled.expand({ ...first, ...changed }), undefined, JSON.stringify(changed));
    }
    for (const unsupported of ['${concat(a, b)}', '${a[0]}', '${$index}', 'a `quoted` ${b}', "${a == 'b'}"]) {
      assert.equal(compileTemplate({ type: 'AdaptiveCard', body: [{ type: 'TextBlock', text: unsupported }] }), undefined, unsupported);
    }
    // An element whose type the data decides: the kind of each of its fields is not known beforehand.
    assert.equal(compileTemplate({ type: 'AdaptiveCard', body: [{ type: '${kind}', text: 'x' }] }), undefined);
    // Data text directly in a list, which the engine's expansion leaves marked.
    const listed = compileTemplate({ type: 'AdaptiveCard', body: [], fallbackTexts: ['${title}'] });
    assert.ok(listed);
    assert.equal(listed.expand({ title: 'a' }), undefined);
  });

  it('still fails loudly when a card\'s data lacks a field, naming it', () => {
    const card = template<{ readonly present: string }>('test', { type: 'AdaptiveCard', body: [{ type: 'TextBlock', text: '${present} and ${missing}' }] });
    assert.throws(() => renderCard(card, { present: 'here' }), (error: unknown) => error instanceof CardRenderError && error.message.includes('${missing}'));
  });
});
