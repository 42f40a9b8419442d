// The address-move checks (lb-failover in Docker, lb-handover on servers) look at the partner first: stopping the
// holder when nobody can take over would take the site down to learn what lb-pair already says.
import { CheckSkipped, type LoadBalancerPair, type LoadBalancerState } from './check.js';
import { requireReadyPartner } from './lb-pair.js';

const READY: LoadBalancerState = { holds: false, keepalived: true, haproxyAnswers: true };

function pairWith(partner: Partial<LoadBalancerState>): LoadBalancerPair {
  return {
    floatingAddress: '172.16.72.5',
    states: async () => ({ 'lb-01': { ...READY, holds: true }, 'lb-02': { ...READY, ...partner } }),
    holders: async () => ['lb-01'],
    keepalived: async () => {},
    handover: true,
  };
}

describe('requireReadyPartner', () => {
  it('lets the move go ahead when the partner runs keepalived and its HAProxy answers', async () => {
    await expect(requireReadyPartner(pairWith({}), 'lb-01', 'lb-02')).resolves.toBeUndefined();
  });

  it('skips the move, naming what the partner lacks, when it could not take the address', async () => {
    const refused = requireReadyPartner(pairWith({ keepalived: false, haproxyAnswers: false }), 'lb-01', 'lb-02');
    await expect(refused).rejects.toThrow(CheckSkipped);
    await expect(refused).rejects.toThrow(
      'lb-02 could not take the address (keepalived does not run there, HAProxy does not answer there): stopping lb-01 would take the site down',
    );
  });

  it('skips it too when only HAProxy is missing there', async () => {
    await expect(requireReadyPartner(pairWith({ haproxyAnswers: false }), 'lb-01', 'lb-02')).rejects.toThrow(
      '(HAProxy does not answer there)',
    );
  });
});
