/** Types of boundaries.js (plain JavaScript, since eslint.config.js loads it without a compiler). */
import type { Rule } from 'eslint';

export interface Place {
  zone: string;
  unit: string | undefined;
  path: string;
}
export const protocolUsers: Record<string, string[]>;
export function targetOf(spec: string, file: string, root: string): string | undefined;
export function placeOf(path: string): Place;
export function forbiddenArrow(from: Place, to: Place): string | undefined;
declare const rule: Rule.RuleModule;
export default rule;
