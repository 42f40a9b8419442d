// `redundant`: the LB pair as the checks and status read it, whichever way it runs: through its containers
// (floating-address.ts) or over SSH on real servers (src/targets/lb-pair.ts).

/** What each load balancer of a pair says of itself. */
export interface LoadBalancerState {
  /** It lists the floating address on one of its interfaces. */
  holds: boolean;
  keepalived: boolean;
  /** keepalived's own check passes: HAProxy accepts connections on :80. */
  haproxyAnswers: boolean;
}

export interface LoadBalancerPair {
  floatingAddress: string;
  states(): Promise<Record<string, LoadBalancerState>>;
  holders(): Promise<string[]>;
  /** Stops or starts keepalived on a load balancer (its HAProxy keeps running). */
  keepalived(lb: string, action: 'stop' | 'start'): Promise<void>;
  /** lb-handover moves the address only when asked (--handover); it is skipped otherwise. */
  handover: boolean;
}
