import * as z from 'zod/mini';
import { type GitState, gitState, gitStateLater } from './git.js';
import { PACKAGE_ROOT, VERSION } from '../version.js';

export { PACKAGE_ROOT };

/** What produced an output: software, its exact source when known, and the machine's runtime. */
export interface Provenance {
  software: { name: 'sapient'; version: string; git?: GitState };
  environment: { node: string; platform: string; arch: string };
}

/** The provenance fields as a manifest's readers check them (src/io/json-shape.ts). */
export const provenanceShape = {
  software: z.looseObject({
    version: z.string(),
    git: z.optional(z.looseObject({ commit: z.string(), short: z.string(), dirty: z.boolean() })),
  }),
  environment: z.looseObject({ node: z.string(), platform: z.string(), arch: z.string() }),
};

function provenanceWith(git: GitState | undefined): Provenance {
  return {
    software: { name: 'sapient', version: VERSION, ...(git ? { git } : {}) },
    environment: { node: process.version, platform: process.platform, arch: process.arch },
  };
}

export function provenance(): Provenance {
  return provenanceWith(gitState(PACKAGE_ROOT));
}

/** `provenance()`, gathered while the caller works (git's status runs in a child process): start it first, await it last. */
export async function provenanceLater(): Promise<Provenance> {
  return provenanceWith(await gitStateLater(PACKAGE_ROOT));
}
