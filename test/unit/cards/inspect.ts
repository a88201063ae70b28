import assert from 'node:assert/strict';
import type { CardJson } from '../../../src/cards/render';
import { CARD_ACTIONS } from '../../../src/teams/cardActions';

/** Reading rendered cards the way a user (and Teams) would: buttons, inputs, visible text. */

export type Node = Record<string, unknown>;

export function findAll(node: unknown, match: (n: Node) => boolean): Node[] {
  if (Array.isArray(node)) return node.flatMap((n) => findAll(n, match));
  if (node && typeof node === 'object') {
    const record = node as Node;
    return [...(match(record) ? [record] : []), ...Object.values(record).flatMap((v) => findAll(v, match))];
  }
  return [];
}

export interface Button {
  readonly title: string;
  readonly verb: string;
  readonly data: Node;
  readonly style: unknown;
}

export function buttons(card: CardJson): Button[] {
  return findAll(card, (n) => n.type === 'Action.Execute').map((a) => ({
    title: String(a.title),
    verb: String(a.verb),
    data: (a.data ?? {}) as Node,
    style: a.style,
  }));
}

export function input(card: CardJson, id: string): Node | undefined {
  return findAll(card, (n) => typeof n.type === 'string' && n.type.startsWith('Input.') && n.id === id)[0];
}

export function choiceValues(card: CardJson, id: string): string[] {
  const choices = (input(card, id)?.choices ?? []) as { value: string }[];
  return choices.map((c) => c.value);
}

export function choiceTitles(card: CardJson, id: string): string[] {
  const choices = (input(card, id)?.choices ?? []) as { title: string }[];
  return choices.map((c) => c.title);
}

export function facts(card: CardJson): [string, string][] {
  return findAll(card, (n) => n.type === 'FactSet').flatMap((f) => (f.facts as { title: string; value: string }[]).map((x): [string, string] => [x.title, x.value]));
}

/** Every string a user reads on the card, joined with newlines, with the invisible joiner removed. */
export function visibleText(card: CardJson): string {
  const texts: string[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      for (const [key, value] of Object.entries(node as Node)) {
        if (typeof value === 'string' && ['text', 'title', 'value', 'label', 'errorMessage'].includes(key)) texts.push(value);
        else walk(value);
      }
    }
  };
  walk(card);
  return texts.join('\n').replace(/\u2060/g, '');
}

export const KNOWN_VERBS: readonly string[] = Object.keys(CARD_ACTIONS);

/**
 * What every rendered card must be: an AdaptiveCard with nothing left unbound, whose buttons all use
 * a verb the bot handles and, on a flow's card, carry that flow's id.
 */
export function assertWellFormed(card: CardJson, flowId?: string): void {
  assert.equal(card.type, 'AdaptiveCard');
  const json = JSON.stringify(card);
  assert.ok(!json.includes('${'), `unexpanded binding in ${json}`);
  assert.ok(!json.includes('$data') && !json.includes('$when'), 'template directives are gone');
  for (const button of buttons(card)) {
    assert.ok(KNOWN_VERBS.includes(button.verb), `verb "${button.verb}" is not in CARD_ACTIONS`);
    if (flowId !== undefined && button.verb.startsWith('flow.') && button.verb !== 'flow.start') {
      assert.equal(button.data.flowId, flowId, `"${button.title}" must carry the flow id`);
    }
  }
}
