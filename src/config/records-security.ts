import path from 'node:path';
import { z } from 'zod';

/**
 * The top-level `security` section: evcharge's own protection of records (issue 12, part 2), on
 * top of the transport's (`kafka.security`). Absent or `records: off`, records travel as before.
 *
 *   security:
 *     records: sign                      # off | sign | encrypt
 *     registry_file: central/registry.json   # central's; made by `evcharge registry add`
 *     credential_file: credentials/{kind}-{id}.json   # a CP's or driver's own
 *     freshness_ms: 120000
 */
export const RECORD_PROTECTIONS = ['off', 'sign', 'encrypt'] as const;
export type RecordProtectionSetting = (typeof RECORD_PROTECTIONS)[number];

export const DEFAULT_REGISTRY_FILE = 'evcharge-registry.json';
export const DEFAULT_CREDENTIAL_FILE = 'credentials/{kind}-{id}.json';

export const recordsSecuritySchema = z
  .object({
    records: z.enum(RECORD_PROTECTIONS, { message: `one of ${RECORD_PROTECTIONS.join(', ')}` }).default('off'),
    registry_file: z.string().min(1).default(DEFAULT_REGISTRY_FILE),
    credential_file: z
      .string()
      .min(1)
      .refine((s) => s.includes('{id}'), { message: 'must contain {id} (and usually {kind}): every CP and driver has a credential of its own' })
      .default(DEFAULT_CREDENTIAL_FILE),
    /** How far a record's seal time may be from its record's time before it is refused as stale. */
    freshness_ms: z.number().int().min(1000).max(86_400_000).default(120_000),
  })
  .strict();

export type RecordsSecurityFile = z.infer<typeof recordsSecuritySchema>;

export interface RecordsSecurity {
  /** off: records travel as before; the files below still say where `evcharge registry` works. */
  protection: RecordProtectionSetting;
  /** Resolved against the config's folder. */
  registryFile: string;
  /** `{kind}` and `{id}` still in it; see credentialFileOf. */
  credentialFile: string;
  freshnessMs: number;
}

/** The section as roles use it (absent: off, with the default files). Paths resolve against the config's folder. */
export function resolveRecordsSecurity(file: RecordsSecurityFile | undefined, source: string): RecordsSecurity {
  const f = file ?? recordsSecuritySchema.parse({});
  const base = path.dirname(source);
  return { protection: f.records, registryFile: path.resolve(base, f.registry_file), credentialFile: path.resolve(base, f.credential_file), freshnessMs: f.freshness_ms };
}

/** Where `registry add` writes a credential, and where its CP or driver reads it. */
export function credentialFileOf(template: string, kind: 'cp' | 'driver', id: string): string {
  return template.replaceAll('{kind}', kind).replaceAll('{id}', id);
}
