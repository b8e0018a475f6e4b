import type { ValidateFunction } from 'ajv';
import { resolveRef, type OpenApiDocument, type OpenApiParameter, type ResolvedOperation } from './openapi-router.ts';
import { createGitHubAjv, describeErrors, standaloneSchema } from './openapi-schemas.ts';

/** Checks one operation's requests (and the fake's own answers) against GitHub's description. */
export interface OperationValidator {
  /** Problems with the path parameters (already percent-decoded). */
  params(values: Record<string, string>): string[];
  /** Problems with the query, and its values coerced to their schema types (`per_page` → number). */
  query(search: URLSearchParams): { problems: string[]; values: Record<string, unknown> };
  /** Problems with the JSON body; `undefined` means none was sent. */
  body(value: unknown): string[];
  /** Problems with an answer the fake is about to send: keeps the fake honest about GitHub's shapes. */
  response(status: number, body: unknown): string[];
}

type Location = 'path' | 'query';

/** Compiles validators lazily, one operation at a time, and keeps them. */
export function createOperationValidators(document: OpenApiDocument): (operation: ResolvedOperation) => OperationValidator {
  const plain = createGitHubAjv();
  // Path and query values are strings on the wire; their schemas say integer or boolean.
  const coercing = createGitHubAjv({ coerceTypes: 'array' });
  const cache = new Map<string, OperationValidator>();

  function parameterSchema(parameters: OpenApiParameter[], location: Location) {
    const own = parameters.filter((p) => p.in === location);
    const properties = Object.fromEntries(own.map((p) => [p.name, p.schema ?? {}]));
    const required = own.filter((p) => p.required).map((p) => p.name);
    return { schema: standaloneSchema(document, { type: 'object', properties, required }), names: new Set(own.map((p) => p.name)) };
  }

  function build(operation: ResolvedOperation): OperationValidator {
    const label = `${operation.method} ${operation.template}`;
    const path = parameterSchema(operation.parameters, 'path');
    const query = parameterSchema(operation.parameters, 'query');
    let pathCheck: ValidateFunction | undefined;
    let queryCheck: ValidateFunction | undefined;
    let bodyCheck: ValidateFunction | null | undefined;
    const responseChecks = new Map<number, ValidateFunction | null>();
    const requestBody = operation.raw.requestBody ? resolveRef<{ required?: boolean; content: Record<string, { schema?: unknown }> }>(document, operation.raw.requestBody) : undefined;

    function responseCheck(status: number): ValidateFunction | null {
      if (!responseChecks.has(status)) {
        const declared = operation.raw.responses[String(status)];
        const response = declared ? resolveRef<{ content?: Record<string, { schema?: unknown }> }>(document, declared) : undefined;
        const schema = response?.content?.['application/json']?.schema;
        responseChecks.set(status, schema ? plain.compile(standaloneSchema(document, schema)) : null);
      }
      return responseChecks.get(status) ?? null;
    }

    return {
      params(values) {
        pathCheck ??= coercing.compile(path.schema);
        return pathCheck({ ...values }) ? [] : describeErrors('path', pathCheck.errors);
      },
      query(search) {
        const values: Record<string, unknown> = {};
        const problems: string[] = [];
        for (const key of new Set(search.keys())) {
          // GitHub ignores a parameter it does not know; the fake refuses it, since that is how typos hide.
          if (!query.names.has(key)) problems.push(`query: "${key}" is not a parameter of ${label}`);
          const all = search.getAll(key);
          values[key] = all.length === 1 ? all[0] : all;
        }
        queryCheck ??= coercing.compile(query.schema);
        if (!queryCheck(values)) problems.push(...describeErrors('query', queryCheck.errors));
        return { problems, values };
      },
      body(value) {
        if (value === undefined) return requestBody?.required ? [`body: ${label} requires a JSON body`] : [];
        if (!requestBody) return [`body: ${label} takes no body`];
        if (bodyCheck === undefined) {
          const schema = requestBody.content['application/json']?.schema;
          bodyCheck = schema ? plain.compile(standaloneSchema(document, schema)) : null;
        }
        if (!bodyCheck) return [`body: ${label} does not take JSON`];
        return bodyCheck(value) ? [] : describeErrors('body', bodyCheck.errors);
      },
      response(status, body) {
        if (!(String(status) in operation.raw.responses) && status < 400) return [`response: ${label} does not document status ${status}`];
        const check = responseCheck(status);
        if (!check || check(body)) return [];
        return describeErrors(`response ${status}`, check.errors);
      },
    };
  }

  return (operation) => {
    const key = `${operation.method} ${operation.template}`;
    let validator = cache.get(key);
    if (!validator) {
      validator = build(operation);
      cache.set(key, validator);
    }
    return validator;
  };
}
