// Every profile, as a module (profile.ts). The order is the order they apply: redundant before monitored, so that
// the monitoring server also watches the second load balancer and the edge.
import type { Lab } from '../topology/types.js';
import type { Profile } from './names.js';
import { monitoredProfile } from './monitored/module.js';
import type { DefinitionFacts, ProfileModule } from './profile.js';
import { redundantProfile } from './redundant/module.js';
import { securedProfile } from './secured/module.js';

const IN_APPLY_ORDER: ProfileModule[] = [securedProfile, redundantProfile, monitoredProfile];

/** The problems the asked profiles find in a definition, in the order they apply. */
export function profileProblems(facts: DefinitionFacts): string[] {
  return IN_APPLY_ORDER.filter((p) => facts.profiles.includes(p.name)).flatMap((p) => p.validate(facts));
}

/** The built-in lab made into the asked profiles' lab. */
export function applyProfiles(lab: Lab, profiles: Profile[]): Lab {
  return IN_APPLY_ORDER.filter((p) => profiles.includes(p.name)).reduce((made, p) => p.apply(made), lab);
}
