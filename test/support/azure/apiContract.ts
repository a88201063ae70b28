import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../demoWorld';

export const SPEC_ROOT = path.join(PROJECT_ROOT, 'test', 'fixtures', 'azure-specs');

/** Missing files that specs refer to, and the stand-in that replaces each (see the fixtures README). */
const STAND_INS: readonly { readonly endsWith: string; readonly file: string }[] = [
  { endsWith: 'common-types/resource-management/v2/types.json', file: 'stand-ins/arm-common-types-v2.json' },
  { endsWith: 'Microsoft.Authorization/stable/2022-04-01/common-types.json', file: 'stand-ins/authorization-common-types.json' },
];

type Json = Record<string, unknown>;

interface Parameter {
  readonly name: string;
  readonly in: string;
  readonly required: boolean;
  readonly skipUrlEncoding: boolean;
  readonly description: string;
  readonly schema?: SchemaRef;
}

/** A schema with the file it came from, so that its own $refs resolve. */
interface SchemaRef {
  readonly file: string;
  readonly node: unknown;
}

export interface Operation {
  readonly specFile: string;
  readonly operationId: string;
  readonly method: string;
  readonly template: string;
  readonly parameters: readonly Parameter[];
  readonly apiVersion: string | undefined;
  readonly pattern: RegExp;
  readonly pathParameterNames: readonly string[];
  readonly literalLength: number;
}

export interface MatchedRequest {
  readonly operation: Operation;
  readonly pathParameters: Readonly<Record<string, string>>;
}

export interface RequestToCheck {
  readonly method: string;
  /** The path below the service's mount point, still percent-encoded. */
  readonly path: string;
  readonly query: URLSearchParams;
  readonly body: unknown;
  /** Query parameters the emulator itself put in a nextLink it issued. */
  readonly pagingParameters?: readonly string[];
}

/**
 * The operations of a set of OpenAPI 2.0 files, and the check of one request against them:
 * method, path template, api-version, required and unknown query parameters, required body fields
 * and the sizes of body arrays.
 */
export class ApiContract {
  private readonly cache = new Map<string, Json>();
  readonly operations: Operation[] = [];

  constructor(specFiles: readonly string[]) {
    for (const file of specFiles) this.addSpec(path.join(SPEC_ROOT, file));
  }

  /** The operation the request is for, or why the contract does not describe it. */
  check(request: RequestToCheck): MatchedRequest | { readonly violation: string } {
    const candidates = this.operations
      .filter((op) => op.method === request.method.toUpperCase())
      .map((operation) => ({ operation, match: operation.pattern.exec(request.path) }))
      .filter((c): c is { operation: Operation; match: RegExpExecArray } => c.match !== null)
      .sort((a, b) => b.operation.literalLength - a.operation.literalLength);
    const best = candidates[0];
    if (!best) return { violation: `No operation describes ${request.method} ${request.path}.` };
    const { operation, match } = best;
    const pathParameters: Record<string, string> = {};
    operation.pathParameterNames.forEach((name, i) => {
      pathParameters[name] = decodeURIComponent(match[i + 1] ?? '');
    });
    const problems = [...this.queryProblems(operation, request), ...this.bodyProblems(operation, request.body)];
    if (problems.length > 0) return { violation: `${request.method} ${request.path} does not follow ${operation.operationId} (${path.basename(operation.specFile)}): ${problems.join(' ')}` };
    return { operation, pathParameters };
  }

  private queryProblems(operation: Operation, request: RequestToCheck): string[] {
    const problems: string[] = [];
    const declared = operation.parameters.filter((p) => p.in === 'query');
    for (const parameter of declared) {
      const value = request.query.get(parameter.name);
      if (parameter.required && (value === null || value === '')) problems.push(`The required query parameter ${parameter.name} is missing.`);
    }
    if (operation.apiVersion !== undefined) {
      const sent = request.query.get('api-version');
      if (sent !== null && sent !== operation.apiVersion) problems.push(`api-version is ${sent}, but the spec describes ${operation.apiVersion}.`);
    }
    const known = new Set([...declared.map((p) => p.name.toLowerCase()), ...(request.pagingParameters ?? []).map((p) => p.toLowerCase())]);
    for (const name of new Set(request.query.keys())) {
      if (!known.has(name.toLowerCase())) problems.push(`The query parameter ${name} is not described.`);
    }
    return problems;
  }

  private bodyProblems(operation: Operation, body: unknown): string[] {
    const parameter = operation.parameters.find((p) => p.in === 'body');
    if (!parameter) return body === undefined ? [] : ['The operation takes no body, but one was sent.'];
    if (body === undefined) return parameter.required ? ['The required body is missing.'] : [];
    return parameter.schema ? this.schemaProblems(parameter.schema, body, 'body') : [];
  }

  /** Required properties, recursively, following $refs; anything unresolvable is free-form. */
  private schemaProblems(schema: SchemaRef, value: unknown, where: string, depth = 0): string[] {
    const resolved = this.resolve(schema);
    if (!resolved || depth > 10) return [];
    const node = resolved.node as Json;
    // Azure DevOps describes a JSON Patch document as an object that is allOf an array: it is sent as the array.
    const arrayPart = (Array.isArray(node.allOf) ? (node.allOf as unknown[]) : []).find((part) => (part as Json).type === 'array');
    if (arrayPart !== undefined && Array.isArray(value)) return this.schemaProblems({ file: resolved.file, node: arrayPart }, value, where, depth + 1);
    if (node.type === 'object' || node.properties || node.required) {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return [`${where} must be an object.`];
      const record = value as Json;
      const problems: string[] = [];
      for (const name of asStrings(node.required)) {
        if (record[name] === undefined || record[name] === null) problems.push(`${where}.${name} is required.`);
      }
      const properties = (node.properties ?? {}) as Json;
      for (const [name, child] of Object.entries(properties)) {
        if (record[name] !== undefined) problems.push(...this.schemaProblems({ file: resolved.file, node: child }, record[name], `${where}.${name}`, depth + 1));
      }
      return problems;
    }
    if (node.type === 'array' && node.items) {
      if (!Array.isArray(value)) return [`${where} must be an array.`];
      if (typeof node.minItems === 'number' && value.length < node.minItems) return [`${where} must have at least ${node.minItems} items.`];
      if (typeof node.maxItems === 'number' && value.length > node.maxItems) return [`${where} may have at most ${node.maxItems} items.`];
      return value.flatMap((item, i) => this.schemaProblems({ file: resolved.file, node: node.items }, item, `${where}[${i}]`, depth + 1));
    }
    if (node.type === 'string' && typeof value !== 'string') return [`${where} must be a string.`];
    return [];
  }

  private addSpec(file: string): void {
    const spec = this.load(file);
    if (!spec) throw new Error(`The spec ${file} is missing.`);
    const info = (spec.info ?? {}) as Json;
    const isResourceManager = spec.host === 'management.azure.com';
    for (const [template, item] of Object.entries((spec.paths ?? {}) as Json)) {
      const pathItem = item as Json;
      const shared = this.parameters(file, pathItem.parameters);
      for (const [method, op] of Object.entries(pathItem)) {
        if (method === 'parameters') continue;
        const operation = op as Json;
        const parameters = [...shared, ...this.parameters(file, operation.parameters)];
        const apiParameter = parameters.find((p) => p.name === 'api-version');
        const apiVersion = apiParameter
          ? isResourceManager
            ? String(info.version)
            : (/set to '([^']+)'/.exec(apiParameter.description)?.[1] ?? String(info.version))
          : undefined;
        const { pattern, names, literalLength } = compileTemplate(template, parameters);
        this.operations.push({
          specFile: file,
          operationId: String(operation.operationId),
          method: method.toUpperCase(),
          template,
          parameters,
          apiVersion,
          pattern,
          pathParameterNames: names,
          literalLength,
        });
      }
    }
  }

  private parameters(file: string, list: unknown): Parameter[] {
    if (!Array.isArray(list)) return [];
    return list.flatMap((entry) => {
      const resolved = this.resolve({ file, node: entry });
      if (!resolved) return [];
      const p = resolved.node as Json;
      if (typeof p.name !== 'string' || typeof p.in !== 'string') return [];
      return [{
        name: p.name,
        in: p.in,
        required: p.required === true,
        skipUrlEncoding: p['x-ms-skip-url-encoding'] === true,
        description: typeof p.description === 'string' ? p.description : '',
        ...(p.schema ? { schema: { file: resolved.file, node: p.schema } } : {}),
      }];
    });
  }

  /** Follows $ref chains across files; undefined when the target is nowhere to be found. */
  private resolve(ref: SchemaRef, hops = 0): SchemaRef | undefined {
    const node = ref.node as Json;
    if (!node || typeof node !== 'object' || typeof node.$ref !== 'string') return ref;
    if (hops > 20) return undefined;
    const [target = '', pointer = ''] = node.$ref.split('#');
    const file = target === '' ? ref.file : this.locate(path.resolve(path.dirname(ref.file), target));
    if (!file) return undefined;
    const document = this.load(file);
    if (!document) return undefined;
    let current: unknown = document;
    for (const part of pointer.split('/').filter((p) => p !== '')) {
      current = (current as Json | undefined)?.[part.replace(/~1/g, '/').replace(/~0/g, '~')];
    }
    return current === undefined ? undefined : this.resolve({ file, node: current }, hops + 1);
  }

  private locate(file: string): string | undefined {
    if (existsSync(file)) return file;
    const normalized = file.split(path.sep).join('/');
    const standIn = STAND_INS.find((s) => normalized.endsWith(s.endsWith));
    return standIn ? path.join(SPEC_ROOT, standIn.file) : undefined;
  }

  private load(file: string): Json | undefined {
    const cached = this.cache.get(file);
    if (cached) return cached;
    if (!existsSync(file)) return undefined;
    // The Azure DevOps specs start with a UTF-8 byte order mark.
    const parsed = JSON.parse(readFileSync(file, 'utf8').replace(/^\uFEFF/, '')) as Json;
    this.cache.set(file, parsed);
    return parsed;
  }
}

/** A path template as a case-insensitive pattern; a parameter spans slashes only if it skips URL encoding. */
function compileTemplate(template: string, parameters: readonly Parameter[]): { pattern: RegExp; names: string[]; literalLength: number } {
  const names: string[] = [];
  let literalLength = 0;
  const source = template.replace(/\{([^}]+)\}|([^{]+)/g, (_all, name: string | undefined, literal: string | undefined) => {
    if (name !== undefined) {
      names.push(name);
      const parameter = parameters.find((p) => p.in === 'path' && p.name === name);
      return parameter?.skipUrlEncoding ? '(.+?)' : '([^/]+)';
    }
    const text = literal ?? '';
    literalLength += text.length;
    return text.replace(/[.*+?^$()|[\]\\]/g, '\\$&');
  });
  return { pattern: new RegExp(`^${source.replace(/\/$/, '')}/?$`, 'i'), names, literalLength };
}

function asStrings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/** An official example's response body for `status`, deep-copied so callers may change it. */
export function exampleBody(exampleFile: string, status = '200'): Json {
  const example = JSON.parse(readFileSync(path.join(SPEC_ROOT, exampleFile), 'utf8').replace(/^\uFEFF/, '')) as Json;
  const responses = (example.responses ?? {}) as Json;
  const response = (responses[status] ?? {}) as Json;
  return structuredClone((response.body ?? {}) as Json);
}

/** A recorded response file (vsteam samples are bare bodies). */
export function recordedBody(file: string): Json {
  return JSON.parse(readFileSync(path.join(SPEC_ROOT, file), 'utf8').replace(/^\uFEFF/, '')) as Json;
}
