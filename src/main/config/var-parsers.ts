import type { RatePlan } from '../../core/rate-limit/rate-plan.js';
import type { Config } from '../config.js';

/** One row per variable: its name, default, parser and the README's description. */
export interface VarSpec<T> {
  name: string;
  describe: string;
  defaultText: string;
  parse: (raw: string | undefined) => T;
}

/** Rows for some of Config's fields; config.ts checks that together they cover all of it. */
export type VarTable<K extends keyof Config> = { [P in K]: VarSpec<Config[P]> };

/** A bad value; loadConfig adds the variable's name and what it got. */
export class VarProblem extends Error {}

export function integer(min: number, max: number, fallback: number) {
  return (raw: string | undefined): number => {
    if (raw === undefined || raw === '') return fallback;
    if (!/^\d+$/.test(raw.trim())) throw new VarProblem(`must be an integer between ${min} and ${max}`);
    const value = Number(raw.trim());
    if (value < min || value > max) throw new VarProblem(`must be between ${min} and ${max}`);
    return value;
  };
}

export function boolean(fallback: boolean) {
  return (raw: string | undefined): boolean => {
    if (raw === undefined || raw === '') return fallback;
    const v = raw.trim().toLowerCase();
    if (['true', '1', 'yes', 'on'].includes(v)) return true;
    if (['false', '0', 'no', 'off'].includes(v)) return false;
    throw new VarProblem('must be true or false');
  };
}

export function optionalText(check?: (v: string) => string | undefined) {
  return (raw: string | undefined): string | undefined => {
    if (raw === undefined || raw === '') return undefined;
    const problem = check?.(raw);
    if (problem) throw new VarProblem(problem);
    return raw;
  };
}

/** A `{"<operation>": {"rate": n, "burst": n}}` variable merged over a dialect's default plans. */
export function ratePlans(defaults: Readonly<Record<string, RatePlan>>) {
  return (raw: string | undefined): Record<string, RatePlan> => {
    const plans: Record<string, RatePlan> = structuredClone(defaults);
    if (raw === undefined || raw.trim() === '') return plans;
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      parsed = undefined;
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new VarProblem('must be a JSON object {"<operation>": {"rate": n, "burst": n}}');
    }
    for (const [operation, plan] of Object.entries(parsed)) {
      if (!(operation in defaults)) {
        throw new VarProblem(`unknown operation "${operation}" (known: ${Object.keys(defaults).join(', ')})`);
      }
      const p = plan as { rate?: unknown; burst?: unknown };
      if (typeof p !== 'object' || p === null || typeof p.rate !== 'number' || !(p.rate > 0)) {
        throw new VarProblem(`${operation}.rate must be a number > 0`);
      }
      if (typeof p.burst !== 'number' || !Number.isInteger(p.burst) || p.burst < 1) {
        throw new VarProblem(`${operation}.burst must be an integer >= 1`);
      }
      plans[operation] = { rate: p.rate, burst: p.burst };
    }
    return plans;
  };
}
