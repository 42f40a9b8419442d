// `infra explain`'s output: the overview or one topic in words, or the same facts as JSON.
import { EXIT } from '../../errors.js';
import type { Io } from '../../log.js';
import { overviewText, topicText } from '../../explain/text.js';
import type { Explained } from '../../app/explain.js';

export function presentExplained(io: Io, { facts, topic }: Explained, options: { json: boolean }): number {
  if (options.json) {
    // Security's table and what it leaves open to the lab network come with it (the text prints them too).
    const withSecurity =
      topic === 'security' ? { firewall: facts.firewall, open_on_lab_network: facts.open_on_lab_network } : {};
    const body = topic
      ? { lab: facts.lab, running: facts.running, topic, [topic]: facts[topic], ...withSecurity }
      : facts;
    io.stdout.write(JSON.stringify(body, null, 2) + '\n');
  } else {
    io.stdout.write(topic ? topicText(facts, topic) : overviewText(facts));
  }
  return EXIT.ok;
}
