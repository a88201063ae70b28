import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { billingSettingsCard, billingSettingsTemplate } from '../../../src/cards/billingSettingsCard';
import { confirmCard, organizationPickerCard, resultCard, subscriptionPickerCard } from '../../../src/cards/flowCards';
import { helpCard, noticeCard, statusCard } from '../../../src/cards/infoCards';
import { CardRenderError, renderCard, type CardJson } from '../../../src/cards/render';
import * as managerTemplates from '../../../src/cards/managerTemplates';
import * as quantityTemplates from '../../../src/cards/quantityTemplates';
import * as usersTemplates from '../../../src/cards/usersTemplates';
import { accessModelCard } from '../../../src/cards/usersCards';
import { costsCard, costsTemplate } from '../../../src/cards/costsCard';
import { signInCard, signInTemplate } from '../../../src/cards/signInCard';
import * as templates from '../../../src/cards/templates';
import { PROJECT_ROOT } from '../../support/demoWorld';
import { buttons, findAll, KNOWN_VERBS } from './inspect';
import {
  change, COMMANDS, confirmStep, pendingChange, FREE_TRIAL_SUB, KINDS, LINKED_ORG, manyOrganizations, organizationStep, SELECTABLE_ORG, SELECTABLE_SUB, STATUS_DETAILS,
  STATUS_MEMBER, subscriptionStep, UNAVAILABLE_ORG,
} from './samples';

const CARDS_DIR = path.join(PROJECT_ROOT, 'cards');

/** The template files as they are on disk. */
function templateFiles(): Map<string, unknown> {
  return new Map(
    readdirSync(CARDS_DIR)
      .filter((f) => f.endsWith('.json'))
      .map((f) => [f, JSON.parse(readFileSync(path.join(CARDS_DIR, f), 'utf8')) as unknown]),
  );
}

const TEMPLATES = [
  templates.helpTemplate,
  templates.organizationPickerTemplate,
  templates.subscriptionPickerTemplate,
  templates.confirmTemplate,
  templates.resultTemplate,
  templates.statusTemplate,
  templates.noticeTemplate,
  quantityTemplates.quantitiesOrganizationPickerTemplate,
  quantityTemplates.quantitiesTemplate,
  quantityTemplates.quantitiesConfirmTemplate,
  billingSettingsTemplate,
  signInTemplate,
  managerTemplates.managersTemplate,
  managerTemplates.managerOrganizationPickerTemplate,
  managerTemplates.managerPersonPickerTemplate,
  managerTemplates.managerRolePickerTemplate,
  managerTemplates.managerConfirmTemplate,
  managerTemplates.changeNotificationTemplate,
  managerTemplates.managerWelcomeTemplate,
  usersTemplates.usersOrganizationPickerTemplate,
  usersTemplates.usersTemplate,
  usersTemplates.usersConfirmTemplate,
  usersTemplates.accessModelTemplate,
  costsTemplate,
];

/** One of everything the builders produce. */
function renderEverything(): CardJson[] {
  return [
    helpCard(COMMANDS, true),
    helpCard(COMMANDS, false),
    ...KINDS.flatMap((kind) => [
      organizationPickerCard(organizationStep(kind, [SELECTABLE_ORG, LINKED_ORG, UNAVAILABLE_ORG])),
      organizationPickerCard(organizationStep(kind, [])),
      organizationPickerCard(organizationStep(kind, manyOrganizations(9))),
      confirmCard(confirmStep(kind)),
      resultCard(kind, change(kind)),
      billingSettingsCard(pendingChange(kind)),
      billingSettingsCard(pendingChange(kind, 'Not yet: the billing settings still show no subscription.')),
    ]),
    signInCard({ title: 'Sign in to Azure DevOps', message: 'I act with your own permissions.', buttonTitle: 'Sign in and continue', command: 'status', audience: 'azure-devops' }),
    resultCard('setup', { ...change('setup'), managers: [{ id: 'user-alex', name: 'Alex Wilber' }] }),
    subscriptionPickerCard(subscriptionStep('setup', [SELECTABLE_SUB, FREE_TRIAL_SUB])),
    subscriptionPickerCard(subscriptionStep('change', [FREE_TRIAL_SUB])),
    statusCard([STATUS_DETAILS, STATUS_MEMBER]),
    statusCard([]),
    noticeCard('Cancelled', 'Nothing was changed.'),
    accessModelCard(),
    costsCard({ month: 'December 2026', dayOfMonth: 7, daysInMonth: 31, organizations: [], subscriptions: [], hidden: [] }),
  ];
}

describe('Card templates', () => {
  it('every template file in cards/ is one the builders render', () => {
    const files = templateFiles();
    assert.equal(files.size, TEMPLATES.length, `cards/ holds ${[...files.keys()].join(', ')}`);
    for (const [file, json] of files) {
      assert.ok(TEMPLATES.some((t) => { try { assert.deepEqual(t.json, json); return true; } catch { return false; } }), `${file} has no builder`);
    }
  });

  it('the cards use exactly the Action.Execute verbs the bot handles (CARD_ACTIONS)', () => {
    const inTemplates = new Set(TEMPLATES.flatMap((t) => findAll(t.json, (n) => n.type === 'Action.Execute').map((a) => String(a.verb))));
    const rendered = new Set(renderEverything().flatMap((card) => buttons(card).map((b) => b.verb)));
    assert.deepEqual([...inTemplates].sort(), [...KNOWN_VERBS].sort(), 'templates: no unhandled verb, and no handler without a button');
    // The quantity, manager and users cards are rendered by their own tests (quantityCards.test.ts,
    // managerFlows.test.ts, usersCards.test.ts); the flow and status cards only lead into them.
    const ownTests = (v: string): boolean =>
      (v.startsWith('quantities.') && v !== 'quantities.start') || (v.startsWith('manager') && v !== 'manager.start') || (v.startsWith('users.') && v !== 'users.start');
    assert.deepEqual([...rendered].sort(), KNOWN_VERBS.filter((v) => !ownTests(v)).sort());
  });

  it('the inputs are named as the card actions read them', () => {
    const ids = new Set(TEMPLATES.flatMap((t) => findAll(t.json, (n) => typeof n.type === 'string' && n.type.startsWith('Input.')).map((n) => String(n.id))));
    // The quantity inputs are named per meter by a binding; their names are checked in quantityCards.test.ts.
    assert.deepEqual([...ids].filter((id) => !id.startsWith('${')).sort(), ['acknowledged', 'artifactsLimit', 'filter', 'organizationId', 'principalId', 'role', 'selected', 'subscriptionId']);
  });

  it('rendering leaves the template objects exactly as the files define them', () => {
    const before = TEMPLATES.map((t) => structuredClone(t.json));
    renderEverything();
    renderEverything();
    assert.deepEqual(TEMPLATES.map((t) => t.json), before);
    const files = templateFiles();
    for (const t of TEMPLATES) {
      assert.ok([...files.values()].some((json) => { try { assert.deepEqual(t.json, json); return true; } catch { return false; } }), `${t.name} differs from its file`);
    }
  });

  it('renders the same card twice from the same data', () => {
    assert.deepEqual(confirmCard(confirmStep('remove')), confirmCard(confirmStep('remove')));
  });

  it('keeps each rendering its own: changing a sent card does not change the next one', () => {
    const first = confirmCard(confirmStep('remove'));
    const expected = structuredClone(first);
    const scribble = (node: unknown): void => {
      if (Array.isArray(node)) node.forEach(scribble);
      else if (node && typeof node === 'object') {
        for (const [key, value] of Object.entries(node)) {
          if (typeof value === 'string') (node as Record<string, unknown>)[key] = 'changed';
          else scribble(value);
        }
      }
    };
    scribble(first);
    assert.deepEqual(confirmCard(confirmStep('remove')), expected);
  });

  describe('data that lacks a bound field', () => {
    it('fails loudly with CardRenderError naming the card and the binding', () => {
      const incomplete = { title: 'Cancelled' } as unknown as templates.NoticeCardData;
      assert.throws(() => renderCard(templates.noticeTemplate, incomplete), (error: unknown) => {
        assert.ok(error instanceof CardRenderError);
        assert.match(error.message, /notice card left "\$\{message\}" unbound/);
        return true;
      });
    });

    it('fails for a missing field inside a repeated item too', () => {
      const data = {
        title: 'Remove billing', step: 'Step 2 of 2: confirm', summary: 's', warning: '', acknowledgement: '', confirmTitle: 'Remove billing',
        confirmStyle: 'destructive', flowId: 'f', facts: [{ title: 'Organization' }],
      } as unknown as templates.ConfirmCardData;
      assert.throws(() => renderCard(templates.confirmTemplate, data), CardRenderError);
    });

    it('fails when the flow id a button must carry is missing', () => {
      const data = {
        title: 'Set up billing', step: 'Step 1 of 3', prompt: 'p', choiceStyle: 'expanded', defaultChoice: '',
        choices: [{ title: 'contoso-web', value: 'org-web' }], unavailableHeading: 'Not available', unavailable: [],
      } as unknown as templates.OrganizationPickerData;
      assert.throws(() => renderCard(templates.organizationPickerTemplate, data), /flowId/);
    });
  });
});
