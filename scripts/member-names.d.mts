export function internalMemberNames(entries: string[], tsconfig?: string): string[];
export function exactNames(names: string[]): RegExp;
