import { type Compilable, CompiledQuery } from 'kysely';

/**
 * Statements compiled once per shape (which optional parts they have). Building and compiling a
 * Kysely query took about a seventh of the CPU a listing page costs the server; the listing compiles
 * each shape once and later calls only bind values. The first compile of a shape checks that
 * `values` are Kysely's parameters in Kysely's order, so the two cannot drift apart unnoticed.
 */
export class CompiledShapes {
  private readonly texts = new Map<string, string>();

  query<R>(shape: string, values: readonly unknown[], build: () => Compilable<R>): CompiledQuery<R> {
    const text = this.texts.get(shape);
    if (text !== undefined) return CompiledQuery.raw(text, [...values]) as CompiledQuery<R>;
    const compiled = build().compile();
    const same =
      compiled.parameters.length === values.length &&
      compiled.parameters.every((p, i) => sameValue(p, values[i]));
    if (!same) throw new Error(`statement of shape ${shape}: its values are not the query's parameters`);
    this.texts.set(shape, compiled.sql);
    return compiled;
  }
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  return a === b;
}
