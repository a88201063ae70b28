import assert from 'node:assert/strict';
import { billingSettingsCard } from '../../../src/cards/billingSettingsCard';
import { confirmCard, organizationPickerCard, resultCard, subscriptionPickerCard } from '../../../src/cards/flowCards';
import { statusCard } from '../../../src/cards/infoCards';
import * as managerTemplates from '../../../src/cards/managerTemplates';
import { notificationDigest, notificationMessage } from '../../../src/cards/notificationCards';
import * as quantityTemplates from '../../../src/cards/quantityTemplates';
import { renderCard, type CardJson } from '../../../src/cards/render';
import { MAX_TEXT_LENGTH, safeText } from '../../../src/cards/safeText';
import { unknownTextHint } from '../../../src/teams/commands';
import type { ChangeEvent } from '../../../src/domain/changeEvent';
import type { OutboxEntry } from '../../../src/domain/model';
import { assertWellFormed, choiceTitles, facts, findAll, input, type Node } from './inspect';
import { change, confirmStep, FLOW_ID, KINDS, organizationStep, pendingChange, SELECTABLE_SUB, STATUS_DETAILS, subscriptionStep } from './samples';

/**
 * What a user sees of markdown text in Teams: a backslash before ASCII punctuation is not shown,
 * and neither is the invisible word joiner the bot puts into "${", "://" and "www.".
 */
function shown(markdown: string): string {
  return markdown.replace(/\\([!-/:-@[-`{-~])/g, '$1').replace(/\u2060/g, '');
}

/** Markdown that Teams would turn into formatting, looked for in text as the bot sends it. */
const FORMATTING: readonly { readonly what: string; readonly pattern: RegExp }[] = [
  { what: 'a link', pattern: /(?<!\\)\[[^\]]*(?<!\\)\]\(/ },
  { what: 'an autolink', pattern: /(?<!\\)<[a-z]+:/i },
  { what: 'a bare web address', pattern: /[a-z]+:\/\/|www\./i },
  { what: 'bold or italic with *', pattern: /(?<!\\)\*/ },
  { what: 'italic with _', pattern: /(?<![\\\p{L}\p{N}])_|(?<!\\)_(?![\p{L}\p{N}])/u },
  { what: 'a list or heading started by the data', pattern: /(?:^|\n)\s*(?:[-+#>]|\d+[.)])\s/ },
];

// eslint-disable-next-line no-control-regex -- matching control characters is the point
const INVISIBLE_OR_REORDERING = /[\u202A-\u202E\u2066-\u2069\u200B-\u200F\u061C\uFEFF\u0000-\u0008\u000B-\u001F\u007F-\u009F]/;

interface Hostile {
  readonly what: string;
  readonly name: string;
  /** What a user reads where the name is shown: markdown fields (after Teams renders them) and plain fields alike. */
  readonly reads: string;
}

const LONG = 'A'.repeat(5000);
const HOSTILE: readonly Hostile[] = [
  { what: 'a markdown link', name: '[Billing suspended - verify here](https://evil.example/login)', reads: '[Billing suspended - verify here](https://evil.example/login)' },
  { what: 'bold and italic', name: '**URGENT** _pay_ *now*', reads: '**URGENT** _pay_ *now*' },
  { what: 'an autolink and a bare address', name: '<https://evil.example> or www.evil.example', reads: '<https://evil.example> or www.evil.example' },
  { what: 'a bidi override', name: 'contoso-\u202Eexe.txt', reads: 'contoso-exe.txt' },
  { what: 'bidi isolates and marks', name: '\u2067admin\u2069\u200F\u061C-ops\u200E', reads: 'admin-ops' },
  { what: 'zero-width characters', name: 'Ad\u200Bele\u200D Va\u2060nce\uFEFF', reads: 'Adele Vance' },
  { what: 'a very long name', name: LONG, reads: `${'A'.repeat(MAX_TEXT_LENGTH - 1)}…` },
  { what: 'a template expression', name: '${expression} ${flowId}', reads: '${expression} ${flowId}' },
  { what: 'a newline injection starting a list', name: 'contoso\n\n- [verify](https://evil.example)\r\n# Notice\n1. pay', reads: 'contoso - [verify](https://evil.example) # Notice 1. pay' },
  { what: 'HTML', name: '<b>bold</b><img src=x onerror=alert(1)>', reads: '<b>bold</b><img src=x onerror=alert(1)>' },
  { what: 'control characters', name: 'con\u0000tos\u0007o\u001B[31m', reads: 'contoso[31m' },
  { what: 'a list marker and a backslash at the start', name: '- 1. \\*not bold\\*', reads: '- 1. \\*not bold\\*' },
];

/** Every card a hostile organization, subscription or person name reaches, built the way the bot builds them. */
function cardsShowing(name: string): { readonly card: CardJson; readonly label: string }[] {
  const org = { id: 'org-hostile', name };
  const sub = { id: 'sub-hostile', name };
  const person = { id: 'user-hostile', name };
  const cards: { card: CardJson; label: string }[] = [];
  for (const kind of KINDS) {
    cards.push({ label: `${kind} organization picker`, card: organizationPickerCard(organizationStep(kind, [{ ...org, selectable: true }, { ...org, id: 'org-2', selectable: false, reason: `Ask ${name}.` }])) });
    cards.push({ label: `${kind} subscription picker`, card: subscriptionPickerCard({ ...subscriptionStep(kind, [{ ...SELECTABLE_SUB, name }, { ...SELECTABLE_SUB, id: 'sub-2', name, selectable: false, problems: [{ reason: `${name} is disabled.`, fix: `Ask ${name}.` }] }]), organization: org }) });
    const step = confirmStep(kind);
    cards.push({ label: `${kind} confirmation`, card: confirmCard({ ...step, organization: org, ...(step.from ? { from: sub } : {}), ...(step.to ? { to: sub } : {}) }) });
    cards.push({ label: `${kind} result`, card: resultCard(kind, { ...change(kind), organization: org, by: person, managers: kind === 'remove' ? undefined : [person] }) });
    cards.push({ label: `${kind} billing settings step`, card: billingSettingsCard({ ...pendingChange(kind, `Not yet: ${name} still pays.`), organization: org }) });
  }
  cards.push({ label: 'status', card: statusCard([{ ...STATUS_DETAILS, organization: org, subscription: sub, setUpBy: person, changedBy: person, warnings: [`${name} is not active any more.`] }]) });
  for (const event of notificationEvents(org, sub, person)) {
    for (const recipient of ['megan', person.id]) {
      const entry: OutboxEntry = { key: `${event.id}/${recipient}`, recipientId: recipient, tenantId: 't', card: 'change', event, createdAt: event.at, status: 'pending', attempts: 0 };
      cards.push({ label: `notification of ${event.kind} to ${recipient}`, card: notificationMessage(entry).card });
      if (event.kind === 'manager.add') cards.push({ label: 'manager welcome', card: notificationMessage({ ...entry, card: 'welcome' }).card });
    }
  }
  const together: OutboxEntry[] = notificationEvents(org, sub, person).map((event) => ({ key: `${event.id}/megan`, recipientId: 'megan', tenantId: 't', card: 'change', event, createdAt: event.at, status: 'pending', attempts: 0 }));
  cards.push({ label: 'several changes told in one notification', card: notificationDigest(together).card });
  const fact = { title: name, value: name };
  const choice = { title: name, value: 'choice-1' };
  cards.push(
    { label: 'billing managers', card: renderCard(managerTemplates.managersTemplate, { intro: name, organizations: [{ id: org.id, name, headline: name, managers: [{ title: name, lines: [name] }], warnings: [name], canChange: true }] }) },
    { label: 'manager organization picker', card: renderCard(managerTemplates.managerOrganizationPickerTemplate, { title: name, step: name, prompt: name, flowId: FLOW_ID, choiceStyle: 'expanded', defaultChoice: '', choices: [choice], unavailableHeading: name, unavailable: [{ name, reason: name }] }) },
    { label: 'manager person picker', card: renderCard(managerTemplates.managerPersonPickerTemplate, { title: name, step: name, facts: [fact], prompt: name, flowId: FLOW_ID, showFilter: true, filter: name, choiceStyle: 'compact', defaultChoice: '', choices: [choice], searchable: false, dataset: `people:${FLOW_ID}`, unavailableHeading: name, unavailable: [{ name, reason: name }] }) },
    { label: 'manager person search', card: renderCard(managerTemplates.managerPersonPickerTemplate, { title: name, step: name, facts: [fact], prompt: name, flowId: FLOW_ID, showFilter: false, filter: '', choiceStyle: 'compact', defaultChoice: '', choices: [choice], searchable: true, dataset: `people:${FLOW_ID}`, unavailableHeading: name, unavailable: [{ name, reason: name }] }) },
    { label: 'manager role picker', card: renderCard(managerTemplates.managerRolePickerTemplate, { title: name, step: name, facts: [fact], prompt: name, flowId: FLOW_ID, choices: [choice] }) },
    { label: 'manager confirmation', card: renderCard(managerTemplates.managerConfirmTemplate, { title: name, step: name, facts: [fact], summary: name, warning: name, confirmTitle: name, confirmStyle: 'positive', flowId: FLOW_ID }) },
    { label: 'quantities organization picker', card: renderCard(quantityTemplates.quantitiesOrganizationPickerTemplate, { title: name, step: name, prompt: name, flowId: FLOW_ID, choiceStyle: 'expanded', defaultChoice: '', choices: [choice], unavailableHeading: name, unavailable: [{ name, reason: name }] }) },
    {
      label: 'quantities',
      card: renderCard(quantityTemplates.quantitiesTemplate, {
        title: name, step: name, facts: [fact], firstPurchaseNote: name, problems: [name], intro: name,
        meters: [{ id: 'microsoftHostedJobs', name, details: name, label: name, max: 10, value: 1, errorMessage: name }],
        artifactsDetails: name, artifactsWarning: name, artifactsValue: 'free', notes: [name], estimate: name, footnote: name, flowId: FLOW_ID,
      }),
    },
    { label: 'quantities confirmation', card: renderCard(quantityTemplates.quantitiesConfirmTemplate, { title: name, step: name, facts: [fact], changes: [fact], estimate: name, reduction: name, footnote: name, flowId: FLOW_ID }) },
  );
  return cards;
}

function notificationEvents(organization: { id: string; name: string }, subscription: { id: string; name: string }, person: { id: string; name: string }): ChangeEvent[] {
  const base = { id: 'e1', organization, actor: person, at: '2026-11-26T09:30:00.000Z' };
  const quantities = { changes: [{ what: 'Basic users', from: '0', to: '10' }], monthlyCents: { from: 0, to: 6000 } };
  return [
    { ...base, kind: 'billing.setup', to: subscription, quantities },
    { ...base, kind: 'billing.change', from: subscription, to: subscription },
    { ...base, kind: 'billing.remove', from: subscription, quantities },
    { ...base, kind: 'quantities.change', subscription, changes: quantities.changes },
    { ...base, kind: 'manager.add', subscription, person, roles: ['Owner'] },
    { ...base, kind: 'manager.remove', subscription, person, roles: ['Contributor'] },
  ];
}

/** The markdown fields of a card (TextBlock texts, fact titles and values), as the bot sends them. */
function markdownTexts(card: CardJson): string[] {
  return [
    ...findAll(card, (n) => n.type === 'TextBlock').map((n) => String(n.text)),
    ...facts(card).flat(),
  ];
}

/** The plain-text fields a user reads: choice titles, labels, button and toggle titles, input values. */
function plainTexts(card: CardJson): string[] {
  const texts: string[] = [];
  for (const node of findAll(card, (n) => typeof n.type === 'string')) {
    for (const key of ['title', 'label', 'placeholder', 'errorMessage']) if (typeof node[key] === 'string' && node.type !== 'TextBlock') texts.push(String(node[key]));
    if (node.type === 'Input.Text' && typeof node.value === 'string') texts.push(node.value);
    if (node.type === 'Input.ChoiceSet') texts.push(...((node.choices ?? []) as Node[]).map((c) => String(c.title)));
  }
  return texts;
}

describe('Names and text chosen by users or the directory, on every card', () => {
  for (const hostile of HOSTILE) {
    describe(hostile.what, () => {
      const cards = cardsShowing(hostile.name);

      it('is read as it was meant, in every markdown field where it is shown, and formats nothing', () => {
        for (const { card, label } of cards) {
          assertWellFormed(card);
          const texts = markdownTexts(card);
          assert.ok(texts.some((text) => shown(text).includes(hostile.reads)), `${label}: "${hostile.reads}" is not shown in ${JSON.stringify(texts)}`);
          for (const text of texts.filter((t) => shown(t).includes(hostile.reads))) {
            for (const { what, pattern } of FORMATTING) {
              // Two templates list items ("- ${...}") and one bolds each fix ("**${fix}**") on purpose: only the data's part counts there.
              const own = (label.endsWith('subscription picker') || label === 'quantities') && text.startsWith('- ');
              const checked = own ? text.slice(2).replace(/ \*\*(.*)\*\*$/, ' $1') : text;
              assert.doesNotMatch(checked, pattern, `${label}: the name makes ${what} in ${JSON.stringify(text)}`);
            }
            assert.doesNotMatch(text, INVISIBLE_OR_REORDERING, `${label}: ${JSON.stringify(text)}`);
          }
        }
      });

      it('shows only the controls and length step in plain fields: choice titles, labels, inputs', () => {
        for (const { card, label } of cards) {
          const texts = plainTexts(card).filter((t) => t.replace(/\u2060/g, '').includes(hostile.reads));
          for (const text of texts) {
            assert.doesNotMatch(text, INVISIBLE_OR_REORDERING, `${label}: ${JSON.stringify(text)}`);
            assert.ok(!/\\[*_[\]<]/.test(text) || hostile.name.includes('\\'), `${label}: plain text must not be markdown-escaped: ${JSON.stringify(text)}`);
          }
        }
        const picker = cards[0]?.card ?? assert.fail('no card');
        assert.deepEqual(choiceTitles(picker, 'organizationId').map((t) => t.replace(/\u2060/g, '')), [hostile.reads]);
      });

      it('keeps ids and action data exactly as they were, so clicks come back unchanged', () => {
        const picker = cards[0]?.card ?? assert.fail('no card');
        assert.deepEqual(((input(picker, 'organizationId')?.choices ?? []) as Node[]).map((c) => c.value), ['org-hostile']);
        for (const { card } of cards) {
          for (const action of findAll(card, (n) => n.type === 'Action.Execute')) {
            const flowId = (action.data as Node | undefined)?.flowId;
            if (flowId !== undefined) assert.equal(flowId, FLOW_ID);
          }
        }
      });

      it('keeps every card within what Teams accepts', () => {
        for (const { card, label } of cards) assert.ok(JSON.stringify(card).length < 28_000, `${label} is ${JSON.stringify(card).length} characters`);
      });
    });
  }

  it('keeps the formatting the templates themselves use', () => {
    const card = subscriptionPickerCard(subscriptionStep('setup', [{ ...SELECTABLE_SUB, id: 'sub-2', selectable: false, problems: [{ reason: 'It is disabled.', fix: 'Enable it.' }] }]));
    assert.ok(markdownTexts(card).includes('- It is disabled. **Enable it.**'), JSON.stringify(markdownTexts(card)));
  });

  it('puts the same step on the line the activity feed shows for a notification', () => {
    const event: ChangeEvent = { id: 'e1', kind: 'billing.change', organization: { id: 'o', name: 'contoso\u202E-web' }, actor: { id: 'a', name: `Al\u200Bex\n${LONG}` }, at: '2026-11-26T09:30:00.000Z', from: { id: 's1', name: 'A' }, to: { id: 's2', name: 'B' } };
    const summary = notificationMessage({ key: 'k', recipientId: 'megan', tenantId: 't', card: 'change', event, createdAt: event.at, status: 'pending', attempts: 0 }).summary;
    assert.doesNotMatch(summary, INVISIBLE_OR_REORDERING);
    assert.ok(summary.startsWith('Alex AAAA'), summary.slice(0, 40));
    assert.equal(summary.length, MAX_TEXT_LENGTH);
    assert.ok(summary.endsWith('…'));
  });
});

describe('safeText', () => {
  const cases: readonly { readonly text: string; readonly markdown: string; readonly plain: string; readonly atLineStart?: boolean }[] = [
    { text: '[a](https://x.example)', markdown: '\\[a\\]\\(https:\u2060//x.example)', plain: '[a](https://x.example)' },
    { text: 'contoso_web_team', markdown: 'contoso_web_team', plain: 'contoso_web_team' },
    { text: '_italic_', markdown: '\\_italic\\_', plain: '_italic_' },
    { text: 'C:\\temp\\*', markdown: 'C:\\temp\\\\\\*', plain: 'C:\\temp\\*' },
    { text: 'Contoso (EU)', markdown: 'Contoso (EU)', plain: 'Contoso (EU)' },
    { text: '- item', markdown: '\\- item', plain: '- item', atLineStart: true },
    { text: '- item', markdown: '- item', plain: '- item', atLineStart: false },
    { text: '12. item', markdown: '12\\. item', plain: '12. item', atLineStart: true },
    { text: 'a\u202Eb\u2066c\u200Dd\uFEFFe\u0000f', markdown: 'abcdef', plain: 'abcdef' },
    { text: 'line\r\nbreak\u2028here', markdown: 'line break here', plain: 'line break here' },
    { text: '👩‍💻', markdown: '👩💻', plain: '👩💻' },
  ];
  for (const { text, markdown, plain, atLineStart } of cases) {
    it(`${JSON.stringify(text)}: ${JSON.stringify(markdown)} where markdown renders, ${JSON.stringify(plain)} elsewhere`, () => {
      assert.equal(safeText(text, { markdown: true, atLineStart: atLineStart ?? false }), markdown);
      assert.equal(safeText(text, { markdown: false }), plain);
    });
  }

  it('cuts a long text with an ellipsis, never inside a surrogate pair', () => {
    assert.equal(safeText('x'.repeat(8) + '😀'.repeat(5), { markdown: false, maxLength: 10 }), `${'x'.repeat(8)}…`);
    assert.equal(safeText('😀'.repeat(20), { markdown: false, maxLength: 10 }).length, 9);
    assert.equal(safeText('short', { markdown: false, maxLength: 10 }), 'short');
  });
});

describe('The hint for text that is no command', () => {
  it('repeats what was typed in the personal chat, as plain text, cleaned and cut short', () => {
    const hint = unknownTextHint(`[click](https://evil.example) \u202Enow\u200B ${'x'.repeat(100)}`, false);
    assert.match(hint, /^I don't know "\[click\]\(https:\/\/evil\.example\) now x+\.\.\."\. Type "help" to see what I can do\.$/);
    assert.ok(hint.length < 120, hint);
  });

  it('does not repeat what was typed in a group chat or channel', () => {
    const hint = unknownTextHint('[Billing suspended - verify here](https://evil.example)', true);
    assert.equal(hint, 'I don\'t know that command. Type "help" to see what I can do.');
  });
});
