import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { AppManifestUtils, TeamsManifestConverter, type TeamsManifest } from '@microsoft/app-manifest';
import sinon from 'sinon';
import { PROVISIONED_DEV_VALUES, PROVISIONED_LOCAL_VALUES, environmentFile, placeholders, resolvePlaceholders } from '../../support/toolkitProject';
import { decodePng, type DecodedPng } from './png';

/** From dist/test/unit/appPackage/ up to the project root. */
const PROJECT_ROOT = path.resolve(__dirname, '../../../..');
const PACKAGE_DIR = path.join(PROJECT_ROOT, 'appPackage');

const SCOPES = ['personal', 'team', 'groupChat'] as const;
// Teams allows ten commands a list: the aliases ("quantities", "licenses", "spend"), "cancel" and
// "remove manager" are left out of the menu; they are typed, and "help" lists every command.
const COMMANDS = ['help', 'set up billing', 'status', 'users', 'costs', 'change billing', 'remove billing', 'buy', 'managers', 'add manager'];

type ManifestSchema = NonNullable<Parameters<typeof AppManifestUtils.validateAgainstSchema>[1]>;

/** The parts of the manifest these tests read; their shape is the schema's, checked first. */
interface ManifestView {
  readonly manifestVersion: string;
  readonly id: string;
  readonly icons: { readonly color: string; readonly outline: string };
  readonly validDomains?: readonly string[];
  readonly webApplicationInfo?: { readonly id: string; readonly resource?: string };
  readonly bots: readonly {
    readonly botId: string;
    readonly scopes: readonly string[];
    readonly supportsFiles?: boolean;
    readonly commandLists?: readonly {
      readonly scopes: readonly string[];
      readonly commands: readonly { readonly title: string; readonly description: string }[];
    }[];
  }[];
}

/** The schema file @microsoft/app-manifest ships for a manifest version, read from disk. */
async function shippedSchema(manifestVersion: string): Promise<ManifestSchema> {
  const packageBuild = path.dirname(require.resolve('@microsoft/app-manifest'));
  const file = path.join(packageBuild, 'json-schemas', 'teams', `v${manifestVersion}`, 'MicrosoftTeams.schema.json');
  // The package reads its own schemas the same way: some contain \a or \v, which JSON does not allow.
  const text = (await fs.readFile(file, 'utf8')).replace(/\\a/g, '\\u0007').replace(/\\v/g, '\\u000b');
  const schema: ManifestSchema = JSON.parse(text);
  return schema;
}

function versionNumber(manifestVersion: string): number {
  const [major = 0, minor = 0] = manifestVersion.split('.').map(Number);
  return major * 1000 + minor;
}

describe('the Teams app manifest', () => {
  let text: string;
  let view: ManifestView;

  before(async () => {
    text = await fs.readFile(path.join(PACKAGE_DIR, 'manifest.json'), 'utf8');
    view = JSON.parse(text) as ManifestView;
  });

  afterEach(() => {
    sinon.restore();
  });

  // What teamsApp/zipAppPackage builds: the manifest with the environment's variables filled in.
  const environments: { name: string; provisioned: Readonly<Record<string, string>> }[] = [
    { name: 'dev', provisioned: PROVISIONED_DEV_VALUES },
    { name: 'local', provisioned: PROVISIONED_LOCAL_VALUES },
  ];
  for (const environment of environments) {
    it(`is valid, as produced for ${environment.name}, against the schema shipped in @microsoft/app-manifest, checked offline`, async () => {
      const fetch = sinon.stub(globalThis, 'fetch').rejects(new Error('Tests must not reach the network.'));
      const values = { ...environmentFile(environment.name), ...environment.provisioned };
      const produced = resolvePlaceholders(text, values);
      const manifest: TeamsManifest = TeamsManifestConverter.jsonToManifest(produced);
      const failures = await AppManifestUtils.validateAgainstSchema(manifest, await shippedSchema(view.manifestVersion));
      assert.deepEqual(failures, []);
      assert.equal(fetch.callCount, 0);
      const producedView = JSON.parse(produced) as ManifestView;
      assert.equal(producedView.id, environment.provisioned.TEAMS_APP_ID);
      assert.equal(producedView.bots[0]?.botId, environment.provisioned.BOT_ID);
    });
  }

  it('uses schema v1.19 or newer, named in $schema', () => {
    assert.ok(versionNumber(view.manifestVersion) >= versionNumber('1.19'), `manifestVersion is ${view.manifestVersion}.`);
    assert.match(text, new RegExp(`"\\$schema": "https://developer\\.microsoft\\.com/json-schemas/teams/v${view.manifestVersion.replace('.', '\\.')}/MicrosoftTeams\\.schema\\.json"`));
  });

  it('takes the app id, the bot id and the sign-in app from the toolkit\'s variables, and nothing else', () => {
    assert.equal(view.id, '${{TEAMS_APP_ID}}');
    assert.equal(view.bots[0]?.botId, '${{BOT_ID}}');
    assert.deepEqual(placeholders(text).sort(), ['AAD_APP_CLIENT_ID', 'BOT_ID', 'TEAMS_APP_ID']);
  });

  it('offers the bot in personal chats, teams and group chats, without files; the only extra domain is the sign-in page', () => {
    const bot = view.bots[0];
    assert.ok(bot);
    assert.deepEqual([...bot.scopes].sort(), [...SCOPES].sort());
    assert.equal(bot.supportsFiles, false);
    // DIRECTORY=azure's sign-in card opens the Bot Framework token service's page.
    assert.deepEqual(view.validDomains, ['token.botframework.com']);
  });

  it('names the sign-in app registration for Teams single sign-on, with the resource it exposes for the bot', () => {
    assert.deepEqual(view.webApplicationInfo, { id: '${{AAD_APP_CLIENT_ID}}', resource: 'api://botid-${{BOT_ID}}' });
  });

  for (const scope of SCOPES) {
    it(`lists the ${COMMANDS.length} commands, each described, in the ${scope} scope`, () => {
      const lists = view.bots[0]?.commandLists?.filter((list) => list.scopes.includes(scope)) ?? [];
      assert.equal(lists.length, 1, `Expected one command list for ${scope}.`);
      const commands = lists[0]?.commands ?? [];
      assert.deepEqual(
        commands.map((command) => command.title),
        COMMANDS,
      );
      for (const command of commands) assert.match(command.description, /^[A-Z].{10,}\.$/, `"${command.title}" needs a one-sentence description.`);
    });
  }
});

describe('the Teams app icons', () => {
  async function icon(name: string): Promise<DecodedPng> {
    return decodePng(await fs.readFile(path.join(PACKAGE_DIR, name)));
  }

  function everyPixel(image: DecodedPng): (readonly [number, number, number, number])[] {
    const pixels: (readonly [number, number, number, number])[] = [];
    for (let y = 0; y < image.height; y++) for (let x = 0; x < image.width; x++) pixels.push(image.pixel(x, y));
    return pixels;
  }

  it('are the files the manifest names', async () => {
    const manifest = JSON.parse(await fs.readFile(path.join(PACKAGE_DIR, 'manifest.json'), 'utf8')) as ManifestView;
    assert.deepEqual(manifest.icons, { color: 'color.png', outline: 'outline.png' });
  });

  it('has a 192×192 colour icon that draws something rather than a flat square', async () => {
    const color = await icon('color.png');
    assert.equal(color.width, 192);
    assert.equal(color.height, 192);
    assert.ok([2, 6].includes(color.colorType), `Colour type ${color.colorType} is not RGB or RGBA.`);
    const colours = new Set(everyPixel(color).map((pixel) => pixel.join(',')));
    assert.ok(colours.size >= 5, `Only ${colours.size} distinct colours.`);
  });

  it('has a 32×32 outline icon that is only white on a fully transparent background', async () => {
    const outline = await icon('outline.png');
    assert.equal(outline.width, 32);
    assert.equal(outline.height, 32);
    assert.equal(outline.colorType, 6, 'The outline icon needs an alpha channel (RGBA).');
    const pixels = everyPixel(outline);
    const white = pixels.filter(([red, green, blue, alpha]) => red === 255 && green === 255 && blue === 255 && alpha === 255);
    const clear = pixels.filter(([, , , alpha]) => alpha === 0);
    assert.equal(white.length + clear.length, pixels.length, 'Some pixels are neither opaque white nor fully transparent.');
    assert.ok(white.length > pixels.length * 0.15 && clear.length > pixels.length * 0.3, `${white.length} white and ${clear.length} clear pixels: draw a shape.`);
  });
});
