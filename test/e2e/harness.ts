/**
 * End-to-end harness: the real bot, the Microsoft 365 Agents Playground (a Teams-like chat client that
 * runs offline) and headless Chromium driving the playground's page like a person would.
 *
 *   const h = await startHarness();
 *   try {
 *     await h.step('help', async () => {
 *       await h.say('help');
 *       await h.waitForBotText(/commands/i);
 *     });
 *   } finally {
 *     await h.stop();
 *   }
 *
 * Every start gets a fresh temp dir for the bot's state (STATE_FILE) and free ports for the bot and
 * the playground. The bot gets DIRECTORY_FILE=demo/directory.json (override with `botEnv`).
 * Output goes to test-artifacts/e2e/: `<nn>-<step>.png` after every step (`-FAILED` when it threw),
 * `<name>.bot.log`, `<name>.playground.log`, `<name>.browser.log` (console errors, blocked requests),
 * `<name>.traffic.log` (the playground's Log Panel: every activity to and from the bot, one JSON per
 * line) and `<name>.state.json` (the bot's saved state, its journals folded in, as it was at stop()).
 *
 * Environment:
 *   E2E_BOT_COMMAND    run another bot instead of `node dist/src/index.js` (command line split at
 *                      whitespace, or a JSON array of strings); it gets PORT, STATE_FILE, DIRECTORY_FILE
 *   E2E_CHROMIUM       the browser (default /usr/bin/chromium, from Debian's `chromium` package)
 *   E2E_KEEP_ARTIFACTS=1  do not empty test-artifacts/e2e at the first start of a test run
 *   E2E_KEEP_STATE=1   do not delete the temp state dir at stop()
 *   LOG_LEVEL          passed to the bot (default "debug")
 *
 * Facts about the playground this relies on (measured with @microsoft/teams-app-test-tool 0.2.28):
 * - Loading the page POSTs /_debug/conversation/<id>/installation, which makes the playground send
 *   `installationUpdate` (action "add") and `conversationUpdate` (membersAdded: the user AND the bot,
 *   in one activity) to the bot, concurrently (their order is not fixed). start() waits until that
 *   POST has been answered, which is before the bot has necessarily replied: wait for a welcome text
 *   with waitForBotText().
 * - The conversation id stays the same for the life of the playground process; reload() shows an
 *   empty chat and sends both activities again.
 * - Bot messages are `.fai-OutputCard` (the user's own bubbles are not). Action.Execute's returned
 *   card replaces the old one in place (same bubble, same index).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium, type BrowserContext, type Locator, type Page, type Response } from 'playwright-core';
import { readSavedStateSync } from '../support/savedState';
import {
  DEFAULT_DIRECTORY_FILE,
  ManagedProcess,
  PROJECT_ROOT,
  botCommandLine,
  describeExit,
  getFreePorts,
  parseListeningPort,
  playgroundCommandLine,
  playgroundEnv,
  waitForHttpOk,
} from '../../scripts/lib/processes';

/** The little of the DOM that code evaluated in the page uses (the project has no DOM lib). */
interface PageElement {
  readonly innerText: string;
  querySelector(selector: string): PageElement | null;
}
interface PageDocument {
  querySelectorAll(selector: string): ArrayLike<PageElement>;
}

export const ARTIFACTS_DIR = path.join(PROJECT_ROOT, 'test-artifacts', 'e2e');

/** Chromium switches for a quiet, offline, headless run (Playwright adds `--headless` itself). */
export const CHROMIUM_ARGS: readonly string[] = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export const SELECTORS = {
  messageBox: '[data-lexical-editor="true"][role="textbox"]',
  sendButton: 'button[aria-label="Send Message"]',
  botMessage: '.fai-OutputCard',
  adaptiveCard: '.ac-adaptiveCard',
  listboxOption: '[role=listbox] [role=option]',
} as const;

export interface HarnessOptions {
  /** Prefix of the log files (default "e2e"). */
  name?: string;
  /** Extra environment for the bot (wins over the defaults, e.g. DIRECTORY_FILE). */
  botEnv?: Record<string, string>;
  /** Waiting for the bot, the playground and the first page load (default 120 s). */
  startTimeoutMs?: number;
  /** Default timeout for waits on the page: replies, cards, clicks (default 30 s). */
  timeoutMs?: number;
  viewport?: { width: number; height: number };
}

export interface WaitForBotTextOptions {
  /** Only look at bot messages from this index on (e.g. the value say() returned). */
  from?: number;
  /** Only look inside this locator (e.g. a card whose Action.Execute replaces it in place). */
  within?: Locator;
  timeoutMs?: number;
}

let stepCounter = 0;
let artifactsCleaned = false;

function cleanArtifactsOnce(): void {
  if (artifactsCleaned) return;
  artifactsCleaned = true;
  fs.mkdirSync(ARTIFACTS_DIR, { recursive: true });
  if (process.env.E2E_KEEP_ARTIFACTS === '1') return;
  for (const entry of fs.readdirSync(ARTIFACTS_DIR)) {
    if (/\.(png|log|json)$/.test(entry)) fs.rmSync(path.join(ARTIFACTS_DIR, entry), { force: true });
  }
}

function safeFileName(name: string): string {
  return name.replace(/[^a-zA-Z0-9._-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 80) || 'step';
}

function cssString(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

function isLocalHost(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '127.0.0.1' || hostname === '[::1]' || hostname === '::1';
}

export class Harness {
  /** The page showing the playground. */
  readonly page: Page;
  readonly context: BrowserContext;
  readonly botPort: number;
  readonly playgroundPort: number;
  readonly playgroundUrl: string;
  /** The temp dir holding the bot's state, and the state file inside it. */
  readonly stateDir: string;
  readonly stateFile: string;
  /** Requests the page tried to make to other hosts (aborted). */
  readonly blockedRequests: string[];

  private stopped = false;

  /** @internal use startHarness() */
  constructor(
    private readonly parts: {
      name: string;
      page: Page;
      context: BrowserContext;
      bot: ManagedProcess;
      playground: ManagedProcess;
      botPort: number;
      playgroundPort: number;
      stateDir: string;
      stateFile: string;
      blockedRequests: string[];
      logs: fs.WriteStream[];
      timeoutMs: number;
      removeProcessHooks: () => void;
    },
  ) {
    this.page = parts.page;
    this.context = parts.context;
    this.botPort = parts.botPort;
    this.playgroundPort = parts.playgroundPort;
    this.playgroundUrl = `http://localhost:${parts.playgroundPort}/`;
    this.stateDir = parts.stateDir;
    this.stateFile = parts.stateFile;
    this.blockedRequests = parts.blockedRequests;
  }

  /** All bot messages (bubbles) in the chat, oldest first. */
  botMessages(): Locator {
    return this.page.locator(SELECTORS.botMessage);
  }

  /** The newest bot message. */
  lastCard(): Locator {
    return this.botMessages().last();
  }

  /** The newest bot message that holds an Adaptive Card. */
  lastAdaptiveCard(): Locator {
    return this.botMessages().filter({ has: this.page.locator(SELECTORS.adaptiveCard) }).last();
  }

  /** How many bot messages are shown now (pass it as `from` to wait only for newer ones). */
  async botMessageCount(): Promise<number> {
    return this.botMessages().count();
  }

  /**
   * Types `text` into the message box and presses Enter; resolves once the playground has accepted
   * the message (its POST /_conversation/v1/conversations/<id>/messages answered). That answer does
   * NOT wait for the bot's turn: wait for the reply with waitForBotText(). Returns the number of bot
   * messages shown before sending: pass it as `from` to waitForBotText() to ignore older replies.
   */
  async say(text: string): Promise<number> {
    this.assertRunning();
    const before = await this.botMessageCount();
    const box = this.page.locator(SELECTORS.messageBox);
    await box.click({ timeout: this.parts.timeoutMs });
    await box.fill(text, { timeout: this.parts.timeoutMs });
    const delivered = this.page.waitForResponse(
      (r) => r.request().method() === 'POST' && /\/_conversation\/v1\/conversations\/[^/]+\/messages$/.test(new URL(r.url()).pathname),
      { timeout: this.parts.timeoutMs },
    );
    await box.press('Enter');
    const response = await delivered;
    if (response.status() >= 400) {
      throw new Error(`the playground answered ${response.status()} to "${text}": ${await safeText(response)}`);
    }
    return before;
  }

  /**
   * Waits until a bot message's visible text matches `pattern` and returns that message. By default
   * every bot message on the page counts (also older ones): use `from` or `within` when the text may
   * already be there.
   */
  async waitForBotText(pattern: RegExp | string, options: WaitForBotTextOptions = {}): Promise<Locator> {
    this.assertRunning();
    const timeout = options.timeoutMs ?? this.parts.timeoutMs;
    const regex = typeof pattern === 'string' ? new RegExp(escapeRegExp(pattern)) : pattern;
    if (options.within !== undefined) {
      await options.within.filter({ hasText: regex }).first().waitFor({ timeout });
      return options.within;
    }
    const from = options.from ?? 0;
    let index: number;
    try {
      const handle = await this.page.waitForFunction(
        ({ selector, source, flags, start }) => {
          // Runs in the page (this project compiles without the DOM lib, hence the narrow type).
          const doc = (globalThis as unknown as { document: PageDocument }).document;
          const re = new RegExp(source, flags);
          const cards = doc.querySelectorAll(selector);
          for (let i = cards.length - 1; i >= start; i--) {
            const card = cards[i];
            // waitForFunction waits for a truthy value, and 0 is a valid index.
            if (card !== undefined && re.test(card.innerText)) return { index: i };
          }
          return false;
        },
        { selector: SELECTORS.botMessage, source: regex.source, flags: regex.flags.replace(/[gy]/g, ''), start: from },
        { timeout, polling: 100 },
      );
      const found = (await handle.jsonValue()) as { index: number };
      index = found.index;
    } catch (err) {
      const texts = await this.botMessages().allInnerTexts().catch(() => [] as string[]);
      const shown = texts.map((t, i) => `  #${i}: ${t.replace(/\s+/g, ' ').slice(0, 200)}`).join('\n');
      throw new Error(
        `no bot message${from > 0 ? ` from #${from} on` : ''} matched ${String(regex)} within ${timeout} ms.\n` +
          `Bot messages shown:\n${shown || '  (none)'}\n(${err instanceof Error ? err.message.split('\n')[0] : String(err)})`,
      );
    }
    return this.botMessages().nth(index);
  }

  /**
   * Chooses `optionText` in the ChoiceSet labelled `label`: a compact one (a combobox whose options
   * open in a page-level listbox) or an expanded one (a radiogroup). Looks in the newest Adaptive Card
   * unless `within` is given.
   */
  async chooseOption(label: string | RegExp, optionText: string | RegExp, within?: Locator): Promise<void> {
    this.assertRunning();
    const scope = within ?? this.lastAdaptiveCard();
    const timeout = this.parts.timeoutMs;
    const combobox = scope.getByRole('combobox', { name: label });
    const radiogroup = scope.getByRole('radiogroup', { name: label });
    await combobox.or(radiogroup).first().waitFor({ timeout });
    if ((await combobox.count()) > 0) {
      await combobox.click({ timeout });
      const option = this.page
        .locator(SELECTORS.listboxOption)
        .filter({ hasText: typeof optionText === 'string' ? exactText(optionText) : optionText });
      await option.first().click({ timeout });
      // The list closes once an option is taken.
      await this.page.locator(SELECTORS.listboxOption).first().waitFor({ state: 'hidden', timeout });
    } else {
      await radiogroup.getByRole('radio', { name: optionText, exact: typeof optionText === 'string' }).check({ timeout });
    }
  }

  /**
   * Sets the Input.Toggle whose label (or title) matches `label` to on (default) or off. Looks in the
   * newest Adaptive Card unless `within` is given. (Rendered as a checkbox named "<label> <title>".)
   */
  async toggle(label: string | RegExp, on = true, within?: Locator): Promise<void> {
    this.assertRunning();
    const scope = within ?? this.lastAdaptiveCard();
    await scope.getByRole('checkbox', { name: label }).setChecked(on, { timeout: this.parts.timeoutMs });
  }

  /** Fills the Input.Text (or Number/Date) whose label matches `label`. */
  async fillInput(label: string | RegExp, value: string, within?: Locator): Promise<void> {
    this.assertRunning();
    const scope = within ?? this.lastAdaptiveCard();
    await scope.getByLabel(label).fill(value, { timeout: this.parts.timeoutMs });
  }

  /**
   * Clicks the card button titled `title` (`.ac-actionSet button[aria-label="<title>"]`) in the newest
   * Adaptive Card, or in `within`. Returns the bot message it clicked in: after an Action.Execute the
   * bot's returned card replaces that message in place, so wait on it with
   * `waitForBotText(re, { within: card })`.
   */
  async clickAction(title: string, within?: Locator): Promise<Locator> {
    this.assertRunning();
    const scope = within ?? this.lastAdaptiveCard();
    // Pin the message by index, so that the returned locator still points at it after the click.
    const pinned = within === undefined ? await this.pinLastAdaptiveCard() : scope;
    await pinned.locator(`.ac-actionSet button[aria-label=${cssString(title)}]`).click({ timeout: this.parts.timeoutMs });
    return pinned;
  }

  /**
   * Runs `fn`, then saves a screenshot `test-artifacts/e2e/<nn>-<name>.png`. When `fn` throws it saves
   * `<nn>-<name>-FAILED.png` instead and rethrows.
   */
  async step<T>(name: string, fn: () => Promise<T>): Promise<T> {
    stepCounter += 1;
    const base = `${String(stepCounter).padStart(2, '0')}-${safeFileName(name)}`;
    let result: T;
    try {
      result = await fn();
    } catch (err) {
      await this.screenshot(`${base}-FAILED`).catch(() => undefined);
      throw err;
    }
    await this.screenshot(base);
    return result;
  }

  /** Saves a screenshot of the page as test-artifacts/e2e/<fileBase>.png and returns its path. */
  async screenshot(fileBase: string): Promise<string> {
    const file = path.join(ARTIFACTS_DIR, `${safeFileName(fileBase)}.png`);
    await this.page.screenshot({ path: file, timeout: this.parts.timeoutMs });
    return file;
  }

  /**
   * Reloads the page: the chat shows empty again and the playground sends installationUpdate and
   * conversationUpdate again (same conversation id). Resolves once the page is ready.
   */
  async reload(): Promise<void> {
    this.assertRunning();
    const installed = waitForInstallation(this.page, this.parts.timeoutMs * 2);
    await this.page.reload({ waitUntil: 'domcontentloaded', timeout: this.parts.timeoutMs * 2 });
    await this.page.locator(SELECTORS.messageBox).waitFor({ timeout: this.parts.timeoutMs * 2 });
    await installed;
  }

  /** The bot's saved state: the state file with its journals (undefined while it does not exist). */
  readState(): unknown {
    if (!fs.existsSync(this.stateFile)) return undefined;
    return readSavedStateSync(this.stateFile);
  }

  /** Closes the browser, stops the bot and the playground, and removes the temp state dir. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await this.parts.context.close().catch(() => undefined);
    await Promise.all([this.parts.bot.stop(), this.parts.playground.stop()]);
    this.parts.removeProcessHooks();
    if (fs.existsSync(this.stateFile)) {
      fs.writeFileSync(path.join(ARTIFACTS_DIR, `${this.parts.name}.state.json`), `${JSON.stringify(readSavedStateSync(this.stateFile), null, 2)}\n`);
    }
    await Promise.all(this.parts.logs.map((s) => new Promise<void>((resolve) => s.end(() => resolve()))));
    if (process.env.E2E_KEEP_STATE !== '1') fs.rmSync(this.stateDir, { recursive: true, force: true });
  }

  private async pinLastAdaptiveCard(): Promise<Locator> {
    const all = this.botMessages();
    await this.lastAdaptiveCard().waitFor({ timeout: this.parts.timeoutMs });
    const index = await all.evaluateAll(
      (els: unknown[], cardSelector: string) => {
        const elements = els as PageElement[];
        for (let i = elements.length - 1; i >= 0; i--) if (elements[i]?.querySelector(cardSelector)) return i;
        return -1;
      },
      SELECTORS.adaptiveCard,
    );
    return index < 0 ? this.lastAdaptiveCard() : all.nth(index);
  }

  private assertRunning(): void {
    if (this.stopped) throw new Error('the harness has been stopped');
    for (const child of [this.parts.bot, this.parts.playground]) {
      const exit = child.exit;
      if (exit !== undefined) {
        throw new Error(`the ${child.name} ${describeExit(exit)} (see test-artifacts/e2e/${this.parts.name}.${child.name}.log)`);
      }
    }
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function exactText(text: string): RegExp {
  return new RegExp(`^\\s*${escapeRegExp(text)}\\s*$`);
}

async function safeText(response: Response): Promise<string> {
  try {
    return (await response.text()).slice(0, 500);
  } catch {
    return '';
  }
}

/** Resolves when the page's POST /_debug/conversation/<id>/installation has been answered. */
function waitForInstallation(page: Page, timeoutMs: number): Promise<Response> {
  return page.waitForResponse(
    (r) => r.request().method() === 'POST' && /\/_debug\/conversation\/[^/]+\/installation$/.test(new URL(r.url()).pathname),
    { timeout: timeoutMs },
  );
}

/** Starts the bot, the playground and Chromium, opens the playground page and waits until it is ready. */
export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const name = safeFileName(options.name ?? 'e2e');
  const startTimeoutMs = options.startTimeoutMs ?? 120_000;
  const timeoutMs = options.timeoutMs ?? 30_000;
  cleanArtifactsOnce();

  const executablePath = process.env.E2E_CHROMIUM ?? '/usr/bin/chromium';
  if (!fs.existsSync(executablePath)) {
    throw new Error(`no browser at ${executablePath}: install Debian's chromium (apt-get install -y chromium) or set E2E_CHROMIUM`);
  }

  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'devops-billing-e2e-'));
  const stateFile = path.join(stateDir, 'state.json');
  const [botPort, askedPlaygroundPort] = await getFreePorts(2);
  if (botPort === undefined || askedPlaygroundPort === undefined) throw new Error('no free ports');

  const logs: fs.WriteStream[] = [];
  const openLog = (suffix: string): fs.WriteStream => {
    const stream = fs.createWriteStream(path.join(ARTIFACTS_DIR, `${name}.${suffix}.log`), { flags: 'a' });
    stream.write(`=== ${new Date().toISOString()} ${name}: bot port ${botPort}, state ${stateFile} ===\n`);
    logs.push(stream);
    return stream;
  };
  const botLog = openLog('bot');
  const playgroundLog = openLog('playground');
  const browserLog = openLog('browser');
  const trafficLog = openLog('traffic');

  let playgroundPort: number | undefined;
  let resolvePort: (port: number) => void = () => undefined;
  const portKnown = new Promise<number>((resolve) => {
    resolvePort = resolve;
  });

  const bot = new ManagedProcess('bot', botCommandLine(process.env.E2E_BOT_COMMAND), {
    env: {
      ...process.env,
      PORT: String(botPort),
      STATE_FILE: stateFile,
      DIRECTORY_FILE: DEFAULT_DIRECTORY_FILE,
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'debug',
      ...options.botEnv,
    },
    onLine: (line, stream) => botLog.write(stream === 'stderr' ? `[stderr] ${line}\n` : `${line}\n`),
  });
  const playground = new ManagedProcess('playground', playgroundCommandLine(botPort, askedPlaygroundPort), {
    env: playgroundEnv(process.env),
    onLine: (line, stream) => {
      playgroundLog.write(stream === 'stderr' ? `[stderr] ${line}\n` : `${line}\n`);
      const port = parseListeningPort(line);
      if (port !== undefined && playgroundPort === undefined) {
        playgroundPort = port;
        resolvePort(port);
      }
    },
  });
  const children = [bot, playground];

  // Never leave the children behind, whatever way this process ends.
  const killNow = (): void => {
    children.forEach((c) => c.killNow());
    if (process.env.E2E_KEEP_STATE !== '1') fs.rmSync(stateDir, { recursive: true, force: true, maxRetries: 2 });
  };
  const onSignal = (sig: NodeJS.Signals): void => {
    killNow();
    // Only exit ourselves when nobody else (Playwright, mocha) handles the signal.
    if (process.listenerCount(sig) <= 1) process.exit(sig === 'SIGINT' ? 130 : 143);
  };
  const signals = ['SIGINT', 'SIGTERM'] as const;
  process.on('exit', killNow);
  signals.forEach((s) => process.on(s, onSignal));
  const removeProcessHooks = (): void => {
    process.off('exit', killNow);
    signals.forEach((s) => process.off(s, onSignal));
  };

  const abortReason = (): string | undefined => {
    const gone = children.find((c) => c.exit !== undefined);
    return gone === undefined
      ? undefined
      : `the ${gone.name} ${describeExit(gone.exit ?? { code: null, signal: null })} (see ${path.join(ARTIFACTS_DIR, `${name}.${gone.name}.log`)})`;
  };

  let contextReady: Promise<BrowserContext> | undefined;
  try {
    const playgroundReady = (async (): Promise<number> => {
      let timer: NodeJS.Timeout | undefined;
      const port = await Promise.race([
        portKnown,
        playground.exited.then((info): never => {
          throw new Error(`the playground ${describeExit(info)} before listening (see ${name}.playground.log)`);
        }),
        new Promise<never>((_resolve, reject) => {
          timer = setTimeout(() => reject(new Error(`the playground did not print "Listening on <port>" within ${startTimeoutMs} ms`)), startTimeoutMs);
        }),
      ]).finally(() => clearTimeout(timer));
      await waitForHttpOk(`http://localhost:${port}/_debug/ping`, { timeoutMs: startTimeoutMs, abortReason });
      return port;
    })();
    const botReady = waitForHttpOk(`http://localhost:${botPort}/healthz`, { timeoutMs: startTimeoutMs, abortReason });
    // Launch the browser meanwhile: it takes a second or two of its own.
    const userDataDir = path.join(stateDir, 'chromium-profile');
    contextReady = chromium.launchPersistentContext(userDataDir, {
      executablePath,
      headless: true,
      args: [...CHROMIUM_ARGS],
      viewport: options.viewport ?? { width: 1280, height: 900 },
      timeout: startTimeoutMs,
    });
    const [, port, context] = await Promise.all([botReady, playgroundReady, contextReady]);
    context.setDefaultTimeout(timeoutMs);

    const blockedRequests: string[] = [];
    // Nothing but this machine: the page's CDN fonts and scripts fall back to local ones.
    await context.route(
      (url) => !(url.protocol === 'data:' || url.protocol === 'blob:' || isLocalHost(url.hostname)),
      async (route) => {
        blockedRequests.push(route.request().url());
        browserLog.write(`[blocked] ${route.request().url()}\n`);
        await route.abort('blockedbyclient');
      },
    );
    const page = context.pages()[0] ?? (await context.newPage());
    page.on('console', (msg) => {
      if (msg.type() === 'error' || msg.type() === 'warning') browserLog.write(`[console.${msg.type()}] ${msg.text()}\n`);
    });
    page.on('pageerror', (err) => browserLog.write(`[pageerror] ${err.stack ?? err.message}\n`));
    // The playground prints nothing but "Listening on N"; what went to and from the bot is only in the
    // page's Log Panel, fed by this websocket. Keep it: it is the best record of a failed run.
    page.on('websocket', (ws) => {
      if (!ws.url().includes('/_ws/log/stream')) return;
      ws.on('framereceived', (frame) => trafficLog.write(`${typeof frame.payload === 'string' ? frame.payload : frame.payload.toString('utf8')}\n`));
    });

    const installed = waitForInstallation(page, startTimeoutMs);
    await page.goto(`http://localhost:${port}/`, { waitUntil: 'domcontentloaded', timeout: startTimeoutMs });
    await page.locator(SELECTORS.messageBox).waitFor({ timeout: startTimeoutMs });
    await installed;

    return new Harness({
      name,
      page,
      context,
      bot,
      playground,
      botPort,
      playgroundPort: port,
      stateDir,
      stateFile,
      blockedRequests,
      logs,
      timeoutMs,
      removeProcessHooks,
    });
  } catch (err) {
    // The browser may still be starting when the bot or the playground failed.
    await contextReady?.then((c) => c.close()).catch(() => undefined);
    await Promise.all(children.map((c) => c.stop()));
    removeProcessHooks();
    await Promise.all(logs.map((s) => new Promise<void>((resolve) => s.end(() => resolve()))));
    if (process.env.E2E_KEEP_STATE !== '1') fs.rmSync(stateDir, { recursive: true, force: true });
    throw err;
  }
}
