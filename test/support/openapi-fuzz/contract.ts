// The OpenAPI document as a contract to test against: its operations, Ajv 2020-12 validators of
// every schema in it (refs resolved against the document), and the checks one answer must pass.
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import type { JsonSchema } from './schema-arbitrary';

export interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required: boolean;
  schema: JsonSchema;
}

export interface DocumentedResponse {
  mediaType: string;
  /** JSON pointer of the body schema in the document. */
  schemaPointer: string;
  requiredHeaders: string[];
}

export interface Operation {
  operationId: string;
  method: string;
  path: string;
  /** Unqualified (`ops:read`); null for a public route. */
  scope: string | null;
  parameters: Parameter[];
  strictQuery: boolean;
  /** anyContentType: the document lists the any-type media range beside application/json. */
  requestBody?: {
    schema: JsonSchema;
    required: boolean;
    bytesMax: number;
    examples: unknown[];
    anyContentType: boolean;
  };
  responses: Record<string, DocumentedResponse>;
}

export interface Observed {
  status: number;
  headers: Headers;
  text: string;
  json: unknown;
}

export interface Finding {
  operationId: string;
  check: string;
  /** The mutation of an invalid request (`extra-field at filter`), when there is one. */
  mutation?: string;
  detail: string;
}

const escapePointer = (segment: string) => segment.replace(/~/g, '~0').replace(/\//g, '~1');
const DOCUMENT_ID = 'openapi.json';

export class Contract {
  readonly operations: Operation[];
  private readonly ajv = addFormats(new Ajv2020({ strict: false, allErrors: false }));
  private readonly byNode = new WeakMap<object, ValidateFunction>();
  private readonly byPointer = new Map<string, ValidateFunction>();

  constructor(readonly document: Record<string, any>) {
    this.ajv.addSchema(document, DOCUMENT_ID);
    this.operations = Object.entries(document['paths'] as Record<string, Record<string, any>>).flatMap(([path, item]) =>
      Object.entries(item).map(([method, op]) => this.operationOf(path, method, op)),
    );
  }

  resolve = (ref: string): JsonSchema => {
    const pointer = ref.replace(/^#/, '');
    return pointer
      .split('/')
      .slice(1)
      .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
      .reduce<any>((node, key) => node[key], this.document);
  };

  /** Does the document's schema (a node of the document without refs) accept the value? */
  accepts = (schema: JsonSchema, value: unknown): boolean => this.validatorOf(schema)(value) === true;

  validatorOf(schema: JsonSchema): ValidateFunction {
    let validate = this.byNode.get(schema);
    if (validate === undefined) {
      validate = this.ajv.compile(schema);
      this.byNode.set(schema, validate);
    }
    return validate;
  }

  /** A validator of the schema at `pointer`, so its `#/components/…` refs resolve in the document. */
  validatorAt(pointer: string): ValidateFunction {
    let validate = this.byPointer.get(pointer);
    if (validate === undefined) {
      validate = this.ajv.compile({ $ref: `${DOCUMENT_ID}#${pointer}` });
      this.byPointer.set(pointer, validate);
    }
    return validate;
  }

  errorsOf(validate: ValidateFunction): string {
    return (validate.errors ?? [])
      .map((e) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`)
      .join('; ');
  }

  private operationOf(path: string, method: string, op: any): Operation {
    const pointer = `/paths/${escapePointer(path)}/${method}`;
    const responses: Record<string, DocumentedResponse> = {};
    for (const [status, response] of Object.entries(op.responses as Record<string, any>)) {
      const mediaType = Object.keys(response.content ?? {})[0] ?? 'application/json';
      responses[status] = {
        mediaType,
        schemaPointer: `${pointer}/responses/${status}/content/${escapePointer(mediaType)}/schema`,
        requiredHeaders: Object.entries(response.headers ?? {})
          .filter(([, header]: [string, any]) => (header.$ref ? this.resolve(header.$ref) : header).required === true)
          .map(([name]) => name.toLowerCase()),
      };
    }
    const body = op.requestBody?.content?.['application/json'];
    return {
      operationId: op.operationId,
      method: method.toUpperCase(),
      path,
      scope: op.security?.[0]?.jwt?.[0]?.split('/')[1] ?? null,
      parameters: (op.parameters ?? []) as Parameter[],
      strictQuery: op['x-additional-query-parameters'] === false,
      ...(body === undefined
        ? {}
        : {
            requestBody: {
              schema: body.schema,
              required: op.requestBody.required === true,
              bytesMax: op.requestBody['x-body-bytes-max'],
              examples: Object.values(body.examples ?? {}).map((e: any) => e.value),
              anyContentType: op.requestBody.content['*/*'] !== undefined,
            },
          }),
      responses,
    };
  }

  /** Every check one answer must pass, whatever was sent. */
  checkAnswer(op: Operation, observed: Observed): Finding[] {
    const findings: Finding[] = [];
    const add = (check: string, detail: string) => findings.push({ operationId: op.operationId, check, detail });
    const documented = op.responses[String(observed.status)];
    if (observed.headers.get('request-id') === null) add('missing-request-id', `status ${observed.status}`);
    if (observed.status >= 500 && !(observed.status === 503 && documented !== undefined))
      add('server-error', `${observed.status} ${observed.text.slice(0, 300)}`);
    if (documented === undefined) {
      add('undocumented-status', `${observed.status} ${observed.text.slice(0, 300)}`);
      return findings;
    }
    for (const header of documented.requiredHeaders)
      if (observed.headers.get(header) === null) add('missing-header', `${observed.status} ${header}`);
    const contentType = observed.headers.get('content-type') ?? '';
    if (!contentType.startsWith(documented.mediaType))
      add('wrong-media-type', `${observed.status} ${contentType} (documented ${documented.mediaType})`);
    const body = documented.mediaType === 'application/json' ? observed.json : observed.text;
    const validate = this.validatorAt(documented.schemaPointer);
    if (!validate(body))
      add('response-schema', `${observed.status} ${this.errorsOf(validate)} in ${observed.text.slice(0, 300)}`);
    if (observed.status >= 400) {
      const errorBody = this.validatorAt('/components/schemas/Error');
      if (!errorBody(observed.json))
        add('error-body', `${observed.status} ${this.errorsOf(errorBody)} in ${observed.text.slice(0, 300)}`);
    }
    return findings;
  }
}

/** A query or path value as the document types it: `"12"` is the integer 12, anything else a string. */
export function typedParameter(schema: JsonSchema, raw: string): unknown {
  const types = new Set<string>([schema['type']].flat().filter(Boolean));
  if ((types.has('integer') || types.has('number')) && /^-?\d+(\.\d+)?$/.test(raw)) return Number(raw);
  if (types.has('boolean') && (raw === 'true' || raw === 'false')) return raw === 'true';
  return raw;
}
