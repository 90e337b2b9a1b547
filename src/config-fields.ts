import { z } from 'zod';
import { fileLinkSecretProblem, publicBaseUrlProblem } from './config-guards';

/**
 * The field parsers of the configuration schema (config.ts): each reads one environment string,
 * applies its default and adds a precise problem when the value is wrong.
 */
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const optionalText = z
  .string()
  .optional()
  .transform((v) => (v && v.trim() ? v.trim() : null));

export const guidList = (name: string) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      const items = (v ?? '')
        .split(/[,;\s]+/)
        .map((s) => s.trim())
        .filter(Boolean);
      for (const item of items) {
        if (!GUID.test(item)) ctx.addIssue({ code: 'custom', message: `${name}: "${item}" is not an Entra object id (GUID)` });
      }
      return items.map((s) => s.toLowerCase());
    });

export const optionalGuid = (name: string) =>
  optionalText.superRefine((v, ctx) => {
    if (v && !GUID.test(v)) ctx.addIssue({ code: 'custom', message: `${name} must be a GUID, got "${v}"` });
  });

export const boolFlag = z
  .string()
  .optional()
  .transform((v, ctx) => {
    if (v === undefined || v.trim() === '') return false;
    const lower = v.trim().toLowerCase();
    if (['true', '1', 'yes'].includes(lower)) return true;
    if (['false', '0', 'no'].includes(lower)) return false;
    ctx.addIssue({ code: 'custom', message: `expected true or false, got "${v}"` });
    return false;
  });

/**
 * A dangerous switch: only the exact value "true" turns it on; empty or "false" leaves it off; anything
 * else (yes, 1, TRUE, on) is a configuration error naming the setting, so it is never on by accident.
 */
export const exactTrueFlag = (name: string) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      const value = (v ?? '').trim();
      if (value === '' || value === 'false') return false;
      if (value === 'true') return true;
      ctx.addIssue({ code: 'custom', message: `${name} must be exactly "true" to turn it on, or empty or "false"; got "${v}"` });
      return false;
    });

export const intIn = (min: number, max: number, fallback: number) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v.trim() === '') return fallback;
      const n = Number(v);
      if (!Number.isInteger(n) || n < min || n > max) {
        ctx.addIssue({ code: 'custom', message: `expected a whole number from ${min} to ${max}, got "${v}"` });
        return fallback;
      }
      return n;
    });

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Durations: "24h", "15m", "90s", "500ms", "1d"; a bare number is seconds. */
export function parseDuration(value: string): number | null {
  const match = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?$/i.exec(value.trim());
  if (!match) return null;
  return Math.round(Number(match[1]) * UNIT_MS[(match[2] ?? 's').toLowerCase()]);
}

export const duration = (fallback: string, minMs: number, maxMs = Number.POSITIVE_INFINITY) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      const ms = parseDuration(v && v.trim() ? v : fallback);
      if (ms === null || ms < minMs || ms > maxMs) {
        const range = Number.isFinite(maxMs) ? `from ${minMs} ms to ${maxMs} ms` : `at least ${minMs} ms`;
        ctx.addIssue({ code: 'custom', message: `expected a duration such as 24h, 15m or 30s (${range}), got "${v}"` });
        return parseDuration(fallback) ?? 0;
      }
      return ms;
    });

export const httpsUrl = (fallback: string) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      const raw = (v && v.trim() ? v.trim() : fallback).replace(/\/+$/, '');
      try {
        const url = new URL(raw);
        if (url.protocol !== 'https:') ctx.addIssue({ code: 'custom', message: `must be an https URL (tokens are only sent over https), got "${raw}"` });
      } catch {
        ctx.addIssue({ code: 'custom', message: `is not a URL: "${raw}"` });
      }
      return raw;
    });

/** An optional text setting checked by `problem` (a message, or null when the value is fine). */
export const optionalChecked = (problem: (value: string) => string | null) =>
  optionalText.superRefine((v, ctx) => {
    const message = v === null ? null : problem(v);
    if (message) ctx.addIssue({ code: 'custom', message });
  });

export const publicBaseUrl = optionalChecked(publicBaseUrlProblem);
export const fileLinkSecret = optionalChecked(fileLinkSecretProblem);
