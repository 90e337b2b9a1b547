import * as fs from 'node:fs';
import { stringify } from 'yaml';
import type { PlaygroundConfig } from './identities';

/** The playground's config file (.m365agentsplayground.yml), every string double-quoted. */
export function playgroundConfigYaml(config: PlaygroundConfig): string {
  return `# Written by scripts/playground/ at every start: edit those scripts, not this file.\n${stringify(config, { defaultStringType: 'QUOTE_DOUBLE', defaultKeyType: 'PLAIN', lineWidth: 0 })}`;
}

export function writePlaygroundConfig(file: string, config: PlaygroundConfig): void {
  fs.writeFileSync(file, playgroundConfigYaml(config));
}
