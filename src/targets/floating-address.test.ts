import { buildLab } from '../definition/build-lab.js';
import { withoutEdge } from '../profiles/redundant/module.js';
import { checkDefinition } from '../definition/definition.js';
import {
  floatingAddressOf,
  parseFloatingAddress,
  requireFloatingAddress,
  type ServerFloatingAddress,
} from './floating-address.js';
import type { HostFacts } from './platform.js';
import { fixtureServers } from '../../test/helpers/fixtures.js';
import {
  hostFactsOf,
  inventoryFromTargets,
  inventorySource,
  requireServers,
  serversUrl,
  TARGETS_SOURCE,
} from './targets.js';

const redundant = withoutEdge(buildLab({ profiles: ['redundant'] }));
const hosts = (vars: Record<string, Record<string, unknown>>) => ({
  'lb-01': {},
  'lb-02': {},
  'web-01': {},
  'web-02': {},
  ...vars,
});

describe('the redundant profile on real servers', () => {
  it('needs lb-02 beside lb-01 in the inventory, and no edge (the network routes to the floating address)', () => {
    expect(redundant.servers.map((s) => s.name)).toEqual(['lb-01', 'lb-02', 'web-01', 'web-02']);
    const { 'lb-02': _left, ...withoutPartner } = hosts({});
    expect(() => requireServers(redundant, withoutPartner, inventorySource('hosts.ini'))).toThrow(
      'hosts.ini lacks lb-02',
    );
    const given = (lb01?: string, lb02?: string) =>
      floatingAddressOf(
        redundant,
        hosts({
          'lb-01': lb01 ? { infra_floating_address: lb01 } : {},
          'lb-02': lb02 ? { infra_floating_address: lb02 } : {},
        }),
        TARGETS_SOURCE,
      );
    expect(given('10.0.0.100')).toEqual({ address: '10.0.0.100' });
    expect(given('10.0.0.100/24', '10.0.0.100/24')).toEqual({ address: '10.0.0.100', prefix: 24 });
    expect(() => given('10.0.0.100', '10.0.0.101')).toThrow(
      'infra_floating_address differs between lb-01 (10.0.0.100) and lb-02 (10.0.0.101)',
    );
    expect(() => given('lb.example.org')).toThrow('infra_floating_address "lb.example.org" is not an IPv4 address');
  });

  it("names where to set it: the inventory, or the first LB of infra.yaml's targets", () => {
    const hint = (source = inventorySource('hosts.ini')) => {
      try {
        floatingAddressOf(redundant, hosts({}), source);
      } catch (error) {
        return (error as { problems: string[] }).problems.join('\n');
      }
    };
    expect(hint()).toContain("infra_floating_address=<a free address on the LBs' network>");
    expect(hint(TARGETS_SOURCE)).toContain('floatingAddress:');
  });

  it('parses IPv4 addresses with an optional prefix, nothing else', () => {
    expect(parseFloatingAddress(' 10.0.0.100 ')).toEqual({ address: '10.0.0.100' });
    expect(parseFloatingAddress('192.168.1.5/22')).toEqual({ address: '192.168.1.5', prefix: 22 });
    for (const bad of ['10.0.0.256', '10.0.0', '10.0.0.1/33', '10.0.0.1/4', '::1']) {
      expect(parseFloatingAddress(bad)).toBeNull();
    }
  });

  const servers = (network?: HostFacts['network']) => fixtureServers(redundant, undefined, network);
  const check = (floating: ServerFloatingAddress, network?: HostFacts['network']) =>
    requireFloatingAddress(redundant, floating, servers(network));

  it("must be a free address on the load balancers' network; its prefix is the network's unless given", () => {
    expect(check({ address: '10.0.0.100' })).toEqual({ address: '10.0.0.100', prefix: 24 });
    expect(check({ address: '10.0.0.100', prefix: 25 })).toEqual({ address: '10.0.0.100', prefix: 25 });
    expect(() => check({ address: '10.0.0.11' })).toThrow("infra_floating_address 10.0.0.11 is lb-02's own address");
    expect(() => check({ address: '10.0.1.100' })).toThrow(
      "infra_floating_address 10.0.1.100 is not on lb-01's network 10.0.0.0/24 (eth0)",
    );
  });

  it('on an interface the inventory names (infra_interface), needs the prefix with the address', () => {
    expect(() => check({ address: '192.168.5.100' }, { interface: 'ens4' })).toThrow(
      'infra_floating_address needs its prefix length when infra_interface is given',
    );
    expect(check({ address: '192.168.5.100', prefix: 24 }, { interface: 'ens4' })).toEqual({
      address: '192.168.5.100',
      prefix: 24,
    });
  });

  it("reads each server's default route: its interface and network; infra_interface overrides the interface", () => {
    const read = {
      ansible_distribution: 'Debian',
      ansible_distribution_major_version: '13',
      ansible_default_ipv4: { address: '10.0.0.10', interface: 'eth0', network: '10.0.0.0', prefix: '24' },
    };
    expect(hostFactsOf('lb-01', read, {}).network).toEqual({ interface: 'eth0', cidr: '10.0.0.0/24' });
    expect(hostFactsOf('lb-01', read, { infra_interface: 'ens4' }).network).toEqual({ interface: 'ens4' });
  });

  it("is the lab's URL unless infra_url says otherwise, and a target's floatingAddress renders into the inventory", () => {
    expect(serversUrl('lb-01', { ansible_host: '203.0.113.10' }, false, '203.0.113.100')).toBe('http://203.0.113.100');
    expect(serversUrl('lb-01', { infra_url: 'https://www.footer.com' }, true, '203.0.113.100')).toBe(
      'https://www.footer.com',
    );
    expect(inventoryFromTargets({ 'lb-01': { host: '203.0.113.10', floatingAddress: '10.0.0.100/24' } })).toContain(
      'lb-01 ansible_host="203.0.113.10" infra_floating_address="10.0.0.100/24"',
    );
    const bad = checkDefinition({ targets: { 'lb-01': { host: 'x', floatingAddress: 'lb.example.org' } } });
    expect(!bad.ok && bad.problems.join('\n')).toMatch(/targets\.lb-01\.floatingAddress: .*10\.0\.0\.100/);
  });
});
