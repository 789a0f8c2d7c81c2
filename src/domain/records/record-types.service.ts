// Record types: JSON Schema 2020-12, compiled once with ajv, every field annotated (data
// category, security marking, identifier). A type never changes: a change is a new version,
// and each record keeps the version it was written with.
import { randomUUID } from 'node:crypto';
import type { ValidateFunction } from 'ajv';
import { AccordError, assertNoProblems } from '../../errors.ts';
import type { Problem } from '../../errors.ts';
import type { Db, Executor, Tx } from '../../store/store.ts';
import type { DomainContext } from '../context.ts';
import type { Actor } from '../policy/actor.ts';
import { withAccess } from '../policy/gate.ts';
import { CATEGORIES, IDENTIFIES, MARKINGS } from './annotations.ts';
import type { FieldAnnotation, FieldInfo, Marking } from './annotations.ts';
import { LIBRARY } from './library.ts';
import { recordAjv, sourceOf } from './record-ajv.ts';
import type { RecordTypeTable } from './records.table.ts';

export interface RecordType {
  id: string;
  key: string;
  version: number;
  title: string;
  description: string;
  schema: Record<string, unknown>;
  fields: FieldInfo[];
  /** The highest marking of any field: what a whole record is marked. */
  marking: Marking;
  createdAt: string;
}

interface SchemaObject {
  type?: string;
  properties?: Record<string, Record<string, unknown>>;
  required?: string[];
}

/** Every problem with a schema's annotations (a field without a data category, and so on). */
export function annotationProblems(schema: unknown): Problem[] {
  const problems: Problem[] = [];
  const s = schema as SchemaObject;
  if (
    !s ||
    typeof s !== 'object' ||
    s.type !== 'object' ||
    !s.properties ||
    typeof s.properties !== 'object'
  ) {
    return [
      { field: 'schema', message: 'A record type is a JSON Schema of type object with properties' },
    ];
  }
  for (const [name, prop] of Object.entries(s.properties)) {
    const a = prop['x-accord'] as Partial<FieldAnnotation> | undefined;
    const where = `schema.properties.${name}`;
    if (!a || typeof a !== 'object') {
      problems.push({
        field: where,
        message: `Field “${name}” has no x-accord annotation: give its data category and security marking`,
      });
      continue;
    }
    if (!a.category)
      problems.push({
        field: where,
        message: `Field “${name}” has no data category (${CATEGORIES.join(', ')})`,
      });
    else if (!(CATEGORIES as readonly string[]).includes(a.category))
      problems.push({
        field: where,
        message: `Field “${name}” has an unknown data category “${a.category}”`,
      });
    if (!a.marking || !(MARKINGS as readonly string[]).includes(a.marking))
      problems.push({
        field: where,
        message: `Field “${name}” needs a security marking: ${MARKINGS.join(' or ')}`,
      });
    if (a.identifies !== undefined && !(IDENTIFIES as readonly string[]).includes(a.identifies))
      problems.push({
        field: where,
        message: `Field “${name}” identifies “${a.identifies}”, which is not an identifier Accord matches on`,
      });
    if (a.identifies && a.category === 'none')
      problems.push({
        field: where,
        message: `Field “${name}” identifies a person, so it cannot be of category none`,
      });
  }
  return problems;
}

export function fieldsOf(schema: Record<string, unknown>): FieldInfo[] {
  const s = schema as SchemaObject;
  const required = new Set(s.required ?? []);
  return Object.entries(s.properties ?? {}).map(([name, prop]) => {
    const a = prop['x-accord'] as FieldAnnotation;
    return {
      name,
      title: typeof prop.title === 'string' ? prop.title : name,
      type: typeof prop.type === 'string' ? prop.type : prop.enum ? 'string' : 'any',
      required: required.has(name),
      description: typeof prop.description === 'string' ? prop.description : '',
      ...a,
    };
  });
}

export class RecordTypesService {
  // Keeping each validator's source, so a worker thread can be handed it (validatorSource).
  private readonly ajv = recordAjv(true);
  private readonly compiled = new Map<string, ValidateFunction>();
  private readonly sources = new Map<string, string>();
  private readonly defined: ((tx: Tx, orgId: string) => Promise<void>)[] = [];

  constructor(private readonly ctx: DomainContext) {}

  /** Called in the same transaction when a type or version is defined (federation publishes it). */
  onDefine(fn: (tx: Tx, orgId: string) => Promise<void>): void {
    this.defined.push(fn);
  }

  toType(row: RecordTypeTable): RecordType {
    const schema = JSON.parse(row.schema) as Record<string, unknown>;
    const fields = fieldsOf(schema);
    return {
      id: row.type_id,
      key: row.key,
      version: row.version,
      title: row.title,
      description: row.description,
      schema,
      fields,
      createdAt: row.created_at,
      marking: fields.some((f) => f.marking === 'OFFICIAL-SENSITIVE')
        ? 'OFFICIAL-SENSITIVE'
        : 'OFFICIAL',
    };
  }

  /** The compiled validator for a stored type (compiled once per process). */
  validator(row: Pick<RecordTypeTable, 'type_id' | 'schema'>): ValidateFunction {
    let v = this.compiled.get(row.type_id);
    if (!v)
      this.compiled.set(row.type_id, (v = this.ajv.compile(JSON.parse(row.schema) as object)));
    return v;
  }

  /** The validator's code for a worker thread to load (record-ajv.ts; made once per process). */
  validatorSource(row: Pick<RecordTypeTable, 'type_id' | 'schema'>): string {
    let code = this.sources.get(row.type_id);
    if (code === undefined)
      this.sources.set(row.type_id, (code = sourceOf(this.ajv, this.validator(row))));
    return code;
  }

  private compileProblems(schema: unknown): Problem[] {
    try {
      this.ajv.compile(schema as object);
      return [];
    } catch (e) {
      return [
        {
          field: 'schema',
          message: `The schema is not valid JSON Schema 2020-12: ${(e as Error).message}`,
        },
      ];
    }
  }

  /** Gives a new organisation the starter library. */
  async seed(db: Db, orgId: string, by: string): Promise<void> {
    const at = this.ctx.clock().toISOString();
    for (const t of LIBRARY) {
      await db.db
        .insertInto('record_type')
        .values({
          type_id: randomUUID(),
          org_id: orgId,
          key: t.key,
          version: 1,
          title: t.title,
          description: t.description,
          schema: JSON.stringify(t.schema),
          created_by: by,
          created_at: at,
        })
        .execute();
    }
    // A new organisation and its starter types reach partners now, not at the next directory swap.
    if (db.isTransaction) for (const fn of this.defined) await fn(db, orgId);
  }

  async list(actor: Actor): Promise<RecordType[]> {
    return withAccess(this.ctx, actor, async (gate) => {
      gate.require('record-types.read', { orgId: actor.orgId, ref: 'record-types' });
      return (
        await gate.tx.db
          .selectFrom('record_type')
          .selectAll()
          .where('org_id', '=', actor.orgId)
          .orderBy('key')
          .orderBy('version', 'desc')
          .execute()
      ).map((r) => this.toType(r));
    });
  }

  async get(actor: Actor, typeId: string): Promise<RecordType> {
    return withAccess(this.ctx, actor, async (gate) => {
      const row = await gate.tx.db
        .selectFrom('record_type')
        .selectAll()
        .where('type_id', '=', typeId)
        .executeTakeFirst();
      gate.require('record-types.read', { orgId: row?.org_id ?? '', ref: `record-type:${typeId}` });
      return this.toType(row!);
    });
  }

  /** The newest version of a type, by key (no access check: used inside checked work). */
  async latest(ex: Executor, orgId: string, key: string): Promise<RecordTypeTable | undefined> {
    return ex.db
      .selectFrom('record_type')
      .selectAll()
      .where('org_id', '=', orgId)
      .where('key', '=', key)
      .orderBy('version', 'desc')
      .limit(1)
      .executeTakeFirst();
  }

  async byId(ex: Executor, typeId: string): Promise<RecordTypeTable | undefined> {
    return ex.db
      .selectFrom('record_type')
      .selectAll()
      .where('type_id', '=', typeId)
      .executeTakeFirst();
  }

  /** Adds a type, or a new version of one; every field must be annotated. */
  async define(
    actor: Actor,
    input: { key: string; title: string; description?: string; schema: unknown },
  ): Promise<RecordType> {
    return withAccess(this.ctx, actor, async (gate) => {
      gate.require('record-types.manage', { orgId: actor.orgId, ref: `record-type:${input.key}` });
      const problems: Problem[] = [];
      if (!/^[a-z][a-z0-9-]{1,40}$/.test(input.key ?? ''))
        problems.push({
          field: 'key',
          message:
            'A key is 2 to 41 lower-case letters, digits and hyphens, like “housing-tenancy”',
        });
      if (!input.title?.trim()) problems.push({ field: 'title', message: 'Give the type a title' });
      problems.push(...annotationProblems(input.schema));
      if (problems.length === 0) problems.push(...this.compileProblems(input.schema));
      assertNoProblems(problems, 'The record type cannot be saved.');
      const prev = await this.latest(gate.tx, actor.orgId, input.key);
      if (prev && prev.schema === JSON.stringify(input.schema))
        throw new AccordError('CONFLICT', 'That schema is the same as the current version.');
      const row: RecordTypeTable = {
        type_id: randomUUID(),
        org_id: actor.orgId,
        key: input.key,
        version: (prev?.version ?? 0) + 1,
        title: input.title.trim(),
        description: input.description?.trim() ?? '',
        schema: JSON.stringify(input.schema),
        created_by: actor.ref,
        created_at: this.ctx.clock().toISOString(),
      };
      await gate.tx.db.insertInto('record_type').values(row).execute();
      for (const fn of this.defined) await fn(gate.tx, actor.orgId);
      gate.record('record-types.defined', `record-type:${row.type_id}`, {
        key: row.key,
        version: row.version,
      });
      return this.toType(row);
    });
  }
}
