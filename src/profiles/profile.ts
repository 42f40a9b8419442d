// What a profile is (docs/ARCHITECTURE.md): a module that checks what it needs of a lab definition and turns the
// built-in lab into its own (servers added, capabilities on). Code outside src/profiles/ reads the lab's
// capabilities, never a profile's name.
import type { Lab } from '../topology/types.js';
import type { Profile } from './names.js';

/** What a profile may check of a lab definition before the lab is built. */
export interface DefinitionFacts {
  /** Every profile asked for (a profile's check may depend on another's ports). */
  profiles: Profile[];
  /** The user's servers, by name, in the definition's order. */
  serverNames: string[];
  /** The one load balancer the user defined, when there is exactly one. */
  loadBalancer?: string;
  port: number | 'auto';
  httpsPort: number | 'auto';
  monitorPort: number | 'auto';
}

export interface ProfileModule {
  name: Profile;
  /** Problems with the definition for this profile, each `field: what is wrong; what to do`. */
  validate(facts: DefinitionFacts): string[];
  /** The lab with what the profile adds: servers, components, capabilities. */
  apply(lab: Lab): Lab;
}

/** A server the profile adds under a name the user's definition already gives: a problem naming the field. */
export function nameTaken(facts: DefinitionFacts, name: string, what: string): string[] {
  const taken = facts.serverNames.indexOf(name);
  return taken >= 0 ? [`servers[${taken}].name: "${name}" ${what}; rename yours`] : [];
}
